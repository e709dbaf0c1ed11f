namespace Prox.Refinement;

/// <summary>A run of removed lines and the call that removed it.</summary>
/// <param name="StartLine">First removed line (0-based, inclusive, in the input document).</param>
/// <param name="EndLine">Last removed line (0-based, inclusive).</param>
/// <param name="Function">The function of the call (<c>remove_lines</c>).</param>
/// <param name="OperationIndex">Index of the call in the stage's program.</param>
/// <param name="ProgramLine">1-based line of the call in the program text.</param>
/// <param name="Label">Why the generator wrote the call (e.g. the rule <c>prox.navigation</c>), or null.</param>
public sealed record RemovedRange(int StartLine, int EndLine, string Function, int OperationIndex, int ProgramLine, string? Label)
{
    /// <summary>Number of lines in the range.</summary>
    public int LineCount => EndLine - StartLine + 1;
}
