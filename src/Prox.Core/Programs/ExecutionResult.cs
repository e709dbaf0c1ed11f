namespace Prox.Programs;

/// <summary>Why a document was dropped.</summary>
public enum DropReason
{
    /// <summary>Not dropped.</summary>
    None,
    /// <summary>The doc program said <c>drop_doc()</c>.</summary>
    DropDoc,
    /// <summary>At most 5 % of the words were left (and the program had fewer than 2 errors).</summary>
    FewWordsLeftFraction,
    /// <summary>At most 10 words were left.</summary>
    FewWordsLeft,
    /// <summary>The document has no words at all (the published executor crashes here).</summary>
    NoWords,
}

/// <summary>One run of removed lines and the call that removed them.</summary>
/// <param name="StartLine">First removed line (0-based, inclusive).</param>
/// <param name="EndLine">Last removed line (0-based, inclusive).</param>
/// <param name="OperationIndex">Index in <see cref="ProxProgram.Operations"/> of the first call that marked these lines.</param>
/// <param name="ProgramLine">1-based line of that call in the program text.</param>
public sealed record LineRemoval(int StartLine, int EndLine, int OperationIndex, int ProgramLine);

/// <summary>What one normalize call did.</summary>
/// <param name="OperationIndex">Index in <see cref="ProxProgram.Operations"/>.</param>
/// <param name="ProgramLine">1-based line of the call in the program text.</param>
/// <param name="Source">The string searched for.</param>
/// <param name="Target">Its replacement.</param>
/// <param name="Matches">How many occurrences were replaced.</param>
/// <param name="Skipped">Why the call did nothing, or null when it ran (even with 0 matches).</param>
public sealed record NormalizationMatch(int OperationIndex, int ProgramLine, string Source, string Target, int Matches, string? Skipped);

/// <summary>
/// The outcome of running a program on a document: the final text and everything needed to explain it.
/// </summary>
public sealed class ExecutionResult
{
    private readonly long[]? _ranges; // flattened (start, end, opIndex) of clipped intervals in program order
    private readonly int _rangeCount;
    private readonly int _allLinesOp;
    private readonly int _workLimitOp; // the normalize call at which MaxNormalizeWork stopped the program, or -1
    private IReadOnlyList<LineRemoval>? _removals;
    private int[]? _removedLines;

    // Counts the executor did not need for its decision are counted on first use (-1 until then): WordsIn from the
    // input; WordsOut as WordsIn + _wordsOutDelta; LineCount from _linesOf.
    private int _wordsIn;
    private int _wordsOut;
    private readonly int _wordsOutDelta;
    private int _lineCount;
    private readonly string _linesOf;

    // wordsIn: words of the input, or -1 to count them when asked. wordsOut: words of the processed text, or -1 for
    // WordsIn + wordsOutDelta. lineCount: the line count, or -1 to count the lines of linesOf when asked.
    internal ExecutionResult(string text, string originalText, string processedText, ProxProgram program, bool dropped, DropReason reason,
        int errorCount, bool ignored, int wordsIn, int wordsOut, int wordsOutDelta, int lineCount, string linesOf,
        IReadOnlyList<NormalizationMatch> normalizations, long[]? ranges, int rangeCount, int allLinesOp, int workLimitOp)
    {
        _workLimitOp = workLimitOp;
        Text = text;
        OriginalText = originalText;
        ProcessedText = processedText;
        Program = program;
        Dropped = dropped;
        DropReason = reason;
        ErrorCount = errorCount;
        Ignored = ignored;
        _wordsIn = wordsIn;
        _wordsOut = wordsOut;
        _wordsOutDelta = wordsOutDelta;
        _lineCount = lineCount;
        _linesOf = linesOf;
        Normalizations = normalizations;
        _ranges = ranges;
        _rangeCount = rangeCount;
        _allLinesOp = allLinesOp;
    }

    /// <summary>The refined text; <c>""</c> when the document is dropped, the original when the program is ignored.</summary>
    public string Text { get; }

    /// <summary>The input text.</summary>
    public string OriginalText { get; }

    /// <summary>The text after the program's edits, before the keep/drop decision (ProX <c>processed_text</c>).</summary>
    public string ProcessedText { get; }

    /// <summary>The program that ran.</summary>
    public ProxProgram Program { get; }

    /// <summary>The program's operations (same as <c>Program.Operations</c>).</summary>
    public IReadOnlyList<ProgramOperation> Operations => Program.Operations;

    /// <summary>
    /// The program's diagnostics plus what only the document reveals: ranges that run past its last line (each of
    /// those counts toward <see cref="ErrorCount"/> through ProX's merged-range accounting).
    /// </summary>
    public IReadOnlyList<ProgramDiagnostic> Diagnostics => _diagnostics ??= ComputeDiagnostics();

    private IReadOnlyList<ProgramDiagnostic>? _diagnostics;

    /// <summary>
    /// True when the normalizations would have gone past <see cref="ExecutorOptions.MaxNormalizeWork"/>: the program was
    /// stopped there and ignored (<see cref="Ignored"/>; the original text kept, unless too few words make it dropped), and
    /// <see cref="Diagnostics"/> holds a <see cref="DiagnosticCodes.WorkLimitExceeded"/> error at that call.
    /// </summary>
    public bool WorkLimitExceeded => _workLimitOp >= 0;

    private IReadOnlyList<ProgramDiagnostic> ComputeDiagnostics()
    {
        if (_workLimitOp >= 0)
        {
            var op = Program.Operations[_workLimitOp];
            return [.. Program.Diagnostics, new ProgramDiagnostic(DiagnosticSeverity.Error, op.SourceLine, 1, DiagnosticCodes.WorkLimitExceeded,
                $"normalize call {_workLimitOp} would take the normalizations past {Program.Options.MaxNormalizeWork:N0} characters scanned and written (MaxNormalizeWork); the program was stopped and ignored")];
        }
        if (Program.Stage == ProgramStage.Doc || Program.LineCount is not null) return Program.Diagnostics;
        List<ProgramDiagnostic>? extra = null;
        foreach (var op in Program.Operations)
        {
            if (op.Kind != OperationKind.RemoveLines || op.Start > op.End) continue;
            if (op.Start >= LineCount)
                (extra ??= []).Add(new ProgramDiagnostic(DiagnosticSeverity.Error, op.SourceLine, 1, DiagnosticCodes.LineOutOfRange,
                    $"line_start {op.Start} is past the last line ({LineCount - 1})"));
            else if (op.End >= LineCount)
                (extra ??= []).Add(new ProgramDiagnostic(DiagnosticSeverity.Error, op.SourceLine, 1, DiagnosticCodes.LineOutOfRange,
                    $"line_end {op.End} is past the last line ({LineCount - 1})"));
        }
        if (extra is null) return Program.Diagnostics;
        return Program.Diagnostics.Concat(extra).OrderBy(d => d.Line).ToList(); // stable: parse order within a line
    }

    /// <summary>True when the document is removed from the corpus.</summary>
    public bool Dropped { get; }

    /// <summary>Why it was dropped (<see cref="Prox.Programs.DropReason.None"/> when kept).</summary>
    public DropReason DropReason { get; }

    /// <summary>A short human description of <see cref="DropReason"/>.</summary>
    public string? DropReasonText => DropReason switch
    {
        DropReason.None => null,
        DropReason.DropDoc => "drop_doc",
        DropReason.FewWordsLeftFraction => "≤5% words left",
        DropReason.FewWordsLeft => "≤10 words left",
        DropReason.NoWords => "no words",
        _ => DropReason.ToString(),
    };

    /// <summary>Error operations: parse errors plus out-of-range line ranges (ProX <c>num_error_op</c>).</summary>
    public int ErrorCount { get; }

    /// <summary>True when the program had too many errors and the original text was kept.</summary>
    public bool Ignored { get; }

    /// <summary>Words (Python <c>str.split()</c>) in the input.</summary>
    public int WordsIn => _wordsIn >= 0 ? _wordsIn : _wordsIn = PyText.CountWords(OriginalText);

    /// <summary>Words in <see cref="ProcessedText"/>.</summary>
    public int WordsOut => _wordsOut >= 0 ? _wordsOut : _wordsOut = WordsIn + _wordsOutDelta;

    /// <summary>Lines of the input (split on <c>\n</c>).</summary>
    public int LineCount => _lineCount >= 0 ? _lineCount : _lineCount = _linesOf.AsSpan().Count('\n') + 1;

    /// <summary>What each normalize call did, in program order.</summary>
    public IReadOnlyList<NormalizationMatch> Normalizations { get; }

    /// <summary>
    /// The removed lines as runs, each with the call that removed it (the earliest call in the program that covers
    /// the line). Empty when the program was ignored or is a doc program.
    /// </summary>
    public IReadOnlyList<LineRemoval> LineRemovals => _removals ??= ComputeRemovals();

    /// <summary>0-based indices of the removed lines, ascending. Empty when the program was ignored.</summary>
    public IReadOnlyList<int> RemovedLines => _removedLines ??= ComputeRemovedLines();

    private int[] ComputeRemovedLines()
    {
        var removals = LineRemovals;
        var count = 0;
        foreach (var r in removals) count += r.EndLine - r.StartLine + 1;
        var lines = new int[count];
        var k = 0;
        foreach (var r in removals)
            for (var i = r.StartLine; i <= r.EndLine; i++) lines[k++] = i;
        return lines;
    }

    private IReadOnlyList<LineRemoval> ComputeRemovals()
    {
        if (Ignored || Program.Stage == ProgramStage.Doc || LineCount == 0) return [];
        var owner = new int[LineCount]; // operation index + 1, 0 = kept
        if (_ranges is not null)
        {
            for (var r = _rangeCount - 1; r >= 0; r--) // later calls first so that earlier ones win
            {
                var s = (int)_ranges[3 * r];
                var e = (int)_ranges[3 * r + 1];
                var op = (int)_ranges[3 * r + 2] + 1;
                for (var i = s; i <= e; i++) owner[i] = op;
            }
        }
        if (_allLinesOp >= 0)
            for (var i = 0; i < owner.Length; i++)
                if (owner[i] == 0 || owner[i] - 1 > _allLinesOp) owner[i] = _allLinesOp + 1;
        var list = new List<LineRemoval>();
        var ops = Program.Operations;
        for (var i = 0; i < owner.Length;)
        {
            if (owner[i] == 0) { i++; continue; }
            var j = i;
            while (j + 1 < owner.Length && owner[j + 1] == owner[i]) j++;
            var opIndex = owner[i] - 1;
            list.Add(new LineRemoval(i, j, opIndex, ops[opIndex].SourceLine));
            i = j + 1;
        }
        return list;
    }
}
