using System.Text;

namespace Prox.Programs;

/// <summary>
/// A parsed ProX program: its operations in order (each with its source line) and the diagnostics found while
/// parsing. Create one with <see cref="Parse"/>; run it with <see cref="ProgramExecutor"/>.
/// </summary>
/// <example>
/// <code>
/// var program = ProxProgram.Parse("remove_lines(line_start=0, line_end=2)\nnormalize(source_str=\"Click here\", target_str=\"\")");
/// foreach (var d in program.Diagnostics) Console.WriteLine(d);
/// var result = ProgramExecutor.Execute(text, program);
/// </code>
/// </example>
public sealed class ProxProgram
{
    private bool? _portable;

    private ProxProgram(string text, ProgramStage stage, ProgramDialect dialect, ProgramBuilder b, bool drops, int? lineCount)
    {
        LineCount = lineCount;
        Text = text;
        Stage = stage;
        Dialect = dialect;
        Operations = b.Operations;
        Diagnostics = b.Diagnostics;
        ErrorCount = b.ErrorCount;
        LimitExceeded = b.LimitExceeded;
        DropsDocument = drops;
        Options = b.Options;
    }

    /// <summary>The document line count the program was checked against, when one was given to <see cref="Parse"/>.</summary>
    public int? LineCount { get; }

    /// <summary>The program text as given.</summary>
    public string Text { get; }

    /// <summary>The stage the program was read for.</summary>
    public ProgramStage Stage { get; }

    /// <summary>The dialect the program was read in.</summary>
    public ProgramDialect Dialect { get; }

    /// <summary>The calls that take part in execution, in program order (calls with errors are left out).</summary>
    public IReadOnlyList<ProgramOperation> Operations { get; }

    /// <summary>Everything noticed while parsing, in line order per kind of check.</summary>
    public IReadOnlyList<ProgramDiagnostic> Diagnostics { get; }

    /// <summary>
    /// The number of error operations found while parsing (ProX <c>num_error_op</c> before range checks): what the
    /// executor's keep/ignore decision counts. A line number past <see cref="LineCount"/> is an error diagnostic but
    /// not counted here (the executor counts it when it runs); see <see cref="ErrorDiagnosticCount"/>.
    /// </summary>
    public int ErrorCount { get; }

    /// <summary>The number of <see cref="Diagnostics"/> that are errors (every problem found, range checks included).</summary>
    public int ErrorDiagnosticCount
    {
        get
        {
            var n = 0;
            foreach (var d in Diagnostics) if (d.Severity == DiagnosticSeverity.Error) n++;
            return n;
        }
    }

    /// <summary>The number of <see cref="Diagnostics"/> that are warnings (overlapping ranges, …).</summary>
    public int WarningCount
    {
        get
        {
            var n = 0;
            foreach (var d in Diagnostics) if (d.Severity == DiagnosticSeverity.Warning) n++;
            return n;
        }
    }

    /// <summary>True when a protective limit (program length, operation count) was hit: the program is ignored.</summary>
    public bool LimitExceeded { get; }

    /// <summary>For doc programs: whether the program drops the document.</summary>
    public bool DropsDocument { get; }

    /// <summary>True when no diagnostic is an error.</summary>
    public bool IsValid => ErrorDiagnosticCount == 0;

    internal ExecutorOptions Options { get; }

    /// <summary>
    /// True when the other dialect reads this program into the same operations (and, at doc level, the same
    /// decision) with no errors: the program behaves identically under the published ProX executor and Prox Strict.
    /// </summary>
    public bool IsPortable => _portable ??= ComputePortable();

    /// <summary>Parses program text.</summary>
    /// <param name="program">The program, e.g. the text an LM wrote.</param>
    /// <param name="stage">Doc (keep/drop) or Chunk (line removal and normalization). Default Chunk.</param>
    /// <param name="dialect">Strict (default) or Reference.</param>
    /// <param name="lineCount">The document's line count when known: out-of-range line numbers are then reported.</param>
    /// <param name="options">Limits; <see cref="ExecutorOptions.Default"/> when null.</param>
    public static ProxProgram Parse(string program, ProgramStage stage = ProgramStage.Chunk, ProgramDialect dialect = ProgramDialect.Strict,
        int? lineCount = null, ExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        var b = new ProgramBuilder(options ?? ExecutorOptions.Default);
        if (program.Length > b.Options.MaxProgramLength)
        {
            b.ExceedLimit(1, $"program is {program.Length:N0} characters, over the limit of {b.Options.MaxProgramLength:N0}; it is ignored");
            return new ProxProgram(program, stage, dialect, b, drops: false, lineCount);
        }
        bool drops;
        if (dialect == ProgramDialect.Reference)
        {
            ReferenceParser.Parse(b, program);
            // The published doc-level executor drops iff the output contains "drop" anywhere (case-sensitive).
            drops = stage == ProgramStage.Doc && program.Contains("drop", StringComparison.Ordinal);
        }
        else
        {
            StrictParser.Parse(b, program, stage, lineCount);
            drops = false;
            if (stage == ProgramStage.Doc)
                foreach (var op in b.Operations)
                    if (op.Kind == OperationKind.DropDoc) { drops = true; break; }
        }
        return new ProxProgram(program, stage, dialect, b, drops, lineCount);
    }

    /// <summary>
    /// The canonical text of the program: one call per line, keyword arguments, double-quoted strings with backslash
    /// escapes. Parsing it in the Strict dialect gives the same operations.
    /// </summary>
    public string ToCanonicalString()
    {
        var sb = new StringBuilder();
        foreach (var op in Operations)
        {
            if (sb.Length > 0) sb.Append('\n');
            op.AppendCanonical(sb);
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public override string ToString() => ToCanonicalString();

    private bool ComputePortable()
    {
        if (LimitExceeded || ErrorCount > 0) return false;
        var other = Parse(Text, Stage, Dialect == ProgramDialect.Strict ? ProgramDialect.Reference : ProgramDialect.Strict, options: Options);
        if (other.ErrorCount > 0 || other.LimitExceeded) return false;
        if (Stage == ProgramStage.Doc) return other.DropsDocument == DropsDocument;
        var a = Effective(Operations);
        var c = Effective(other.Operations);
        if (a.Count != c.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (!a[i].Equals(c[i]) && !SameNormalize(a[i], c[i])) return false;
        return true;
    }

    // Only what changes the text matters for portability (no-ops and stage-foreign calls do nothing at chunk level).
    private static List<ProgramOperation> Effective(IReadOnlyList<ProgramOperation> ops)
    {
        var list = new List<ProgramOperation>(ops.Count);
        foreach (var op in ops)
            if (op.Kind is OperationKind.RemoveLines or OperationKind.RemoveAllLines or OperationKind.Normalize) list.Add(op);
        return list;
    }

    // normalize(source_str="x") and normalize(source_str="x", target_str="") do the same for a non-space source.
    private static bool SameNormalize(ProgramOperation x, ProgramOperation y) =>
        x.Kind == OperationKind.Normalize && y.Kind == OperationKind.Normalize &&
        x.Source == y.Source && x.Target == y.Target && x.Source is { Length: > 0 } s && s != " ";
}
