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
    /// <summary>
    /// The removed lines as the program's ranges: each maximal run of consecutive lines removed by the same rule, in
    /// order — one <c>remove_lines(line_start=FirstLine, line_end=LastLine)</c> of <see cref="Program"/> each.
    /// </summary>
    public IReadOnlyList<RemovedRange> RemovedRanges => _ranges ??= RemovedRange.FromLines(RemovedLines);

    private IReadOnlyList<RemovedRange>? _ranges;

    /// <summary>True when the doc-stage program is <c>drop_doc()</c>.</summary>
    public bool DropDocument => Stage == ProgramStage.Doc && DocumentFindings.Count > 0;

    /// <summary>
    /// The decision as a generator result: the program, each operation labelled with its rule (a run of removed lines
    /// that several line rules removed is labelled with each, joined by <c>+</c>, in line order), and the document
    /// findings as details.
    /// </summary>
    public Prox.Generation.ProgramResult ToResult()
    {
        var labels = new List<string?>();
        if (Stage == ProgramStage.Doc)
        {
            if (DocumentFindings.Count > 0) labels.Add(string.Join('+', DocumentFindings.Select(f => f.Rule).Distinct()));
        }
        else
        {
            // One remove_lines per run of consecutive lines removed by the same rule (ProgramWriter.Chunk), in line
            // order: each operation's label is exactly one rule.
            foreach (var range in RemovedRanges) labels.Add(range.Rule);
            foreach (var n in Normalizations) labels.Add(n.Rule);
        }
        Dictionary<string, string>? details = null;
        if (DocumentFindings.Count > 0)
        {
            details = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var f in DocumentFindings) details[f.Rule] = $"{f.Value:0.####} {f.Comparison} {f.Threshold:0.####}";
        }
        return new Prox.Generation.ProgramResult(Program) { OperationLabels = labels.Count > 0 ? labels : null, Details = details };
    }
}
