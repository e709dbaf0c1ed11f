namespace Prox.Refinement;

/// <summary>What one <c>normalize</c> call did to a document.</summary>
/// <param name="Source">The string searched for.</param>
/// <param name="Target">Its replacement.</param>
/// <param name="Matches">Occurrences replaced.</param>
/// <param name="OperationIndex">Index of the call in the stage's program.</param>
/// <param name="ProgramLine">1-based line of the call in the program text.</param>
/// <param name="Skipped">Why the call did nothing, or null when it ran (even with 0 matches).</param>
/// <param name="Label">Why the generator wrote the call, or null.</param>
public sealed record NormalizationOutcome(string Source, string Target, int Matches, int OperationIndex, int ProgramLine, string? Skipped, string? Label);
