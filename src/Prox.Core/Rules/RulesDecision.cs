using Prox.Programs;

namespace Prox.Rules;

/// <summary>
/// A document rule that fired: its name (e.g. <c>gopher.mean_word_length</c>), the measured value, the threshold,
/// and how they compare (<c>&lt;</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&gt;=</c>, or <c>contains</c> with value 1).
/// </summary>
public sealed record RuleFinding(string Rule, double Value, string Comparison, double Threshold)
{
    /// <inheritdoc />
    public override string ToString() => $"{Rule}: {Value:0.####} {Comparison} {Threshold:0.####}";
}

/// <summary>One removed line (global 0-based index) and the line rule that removed it (e.g. <c>prox.navigation</c>).</summary>
public sealed record LineFinding(int Line, string Rule);

/// <summary>One normalization the program carries: every occurrence of <paramref name="Source"/> becomes <paramref name="Target"/>.</summary>
public sealed record NormalizeEdit(string Source, string Target, string Rule);

/// <summary>
/// Why the rules wrote the program they wrote, for auditing: the document findings (doc stage; a non-empty list
/// means <c>drop_doc()</c>), the removed lines with their rule, and the normalizations. <see cref="Program"/> is the
/// exact text <see cref="RulesRefiner.Generate(IReadOnlyList{Prox.Generation.ProgramRequest}, CancellationToken)"/> returns.
/// </summary>
public sealed record RulesDecision(
    ProgramStage Stage,
    string Program,
    IReadOnlyList<RuleFinding> DocumentFindings,
    IReadOnlyList<LineFinding> RemovedLines,
    IReadOnlyList<NormalizeEdit> Normalizations)
{
    /// <summary>True when the doc-stage program is <c>drop_doc()</c>.</summary>
    public bool DropDocument => Stage == ProgramStage.Doc && DocumentFindings.Count > 0;
}
