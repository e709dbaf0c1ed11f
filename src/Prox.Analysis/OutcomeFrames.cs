using Microsoft.Data.Analysis;
using Prox.Chunking;
using Prox.Refinement;

namespace Prox.Analysis;

/// <summary>
/// Microsoft.Data.Analysis frames over one or several runs. Every number is computed from the runs' outcomes the
/// way the run counted them, so totals equal <c>_summary.json</c> (the frames' tests check it); several runs are
/// stacked with a <c>run</c> column.
/// </summary>
/// <example><code>
/// var runs = new[] { RunAnalysis.Open("out-rules"), RunAnalysis.Open("out-c4") };
/// DataFrame docs = OutcomeFrames.Documents(runs);
/// DataFrame stages = OutcomeFrames.Stages(runs);
/// </code></example>
public static class OutcomeFrames
{
    /// <summary>Prefix of the per-function operation columns of <see cref="Documents"/> (<c>op_remove_lines</c>, …).</summary>
    public const string OperationColumnPrefix = "op_";

    /// <summary>
    /// One row per document: run, id, source_file, source_record, kept, drop_stage, drop_reason, lines_in, lines_out,
    /// lines_removed, words_in, words_out, chars_in, chars_out, tokens_in, tokens_out, token_retention,
    /// doc_generator, chunk_generator, score (the doc stage's, else the chunk stage's; null when the generator gives
    /// none), then one <c>op_&lt;function&gt;</c> column per function called anywhere (calls of both stages).
    /// </summary>
    public static DataFrame Documents(IEnumerable<RunAnalysis> runs)
    {
        var rows = Rows(runs).ToList();
        var functions = rows.SelectMany(r => Operations(r.Outcome).Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("run", rows.Select(r => r.Run)),
            new StringDataFrameColumn("id", rows.Select(r => r.Outcome.Id)),
            new StringDataFrameColumn("source_file", rows.Select(r => r.Outcome.SourceFile ?? "")),
            new Int64DataFrameColumn("source_record", rows.Select(r => r.Outcome.SourceRecord)),
            new BooleanDataFrameColumn("kept", rows.Select(r => r.Outcome.Kept)),
            new StringDataFrameColumn("drop_stage", rows.Select(r => r.Outcome.DropStage?.ToString() ?? "")),
            new StringDataFrameColumn("drop_reason", rows.Select(r => r.Outcome.Kept ? "" : r.Outcome.DropReason.ToString())),
            new Int64DataFrameColumn("lines_in", rows.Select(r => r.Outcome.LinesIn)),
            new Int64DataFrameColumn("lines_out", rows.Select(r => r.Outcome.LinesOut)),
            new Int64DataFrameColumn("lines_removed", rows.Select(r => LinesRemoved(r.Outcome))),
            new Int64DataFrameColumn("words_in", rows.Select(r => r.Outcome.WordsIn)),
            new Int64DataFrameColumn("words_out", rows.Select(r => r.Outcome.WordsOut)),
            new Int64DataFrameColumn("chars_in", rows.Select(r => r.Outcome.CharactersIn)),
            new Int64DataFrameColumn("chars_out", rows.Select(r => r.Outcome.CharactersOut)),
            new Int64DataFrameColumn("tokens_in", rows.Select(r => r.Outcome.TokensIn)),
            new Int64DataFrameColumn("tokens_out", rows.Select(r => r.Outcome.TokensOut)),
            new DoubleDataFrameColumn("token_retention", rows.Select(r => r.Outcome.TokenRetention)),
            new StringDataFrameColumn("doc_generator", rows.Select(r => r.Outcome.Doc?.Generator ?? "")),
            new StringDataFrameColumn("chunk_generator", rows.Select(r => r.Outcome.Chunk?.Generator ?? "")),
            new DoubleDataFrameColumn("score", rows.Select(r => r.Outcome.Doc?.Score ?? r.Outcome.Chunk?.Score)),
        };
        foreach (var fn in functions)
            columns.Add(new Int64DataFrameColumn(OperationColumnPrefix + fn, rows.Select(r => (long)Operations(r.Outcome).GetValueOrDefault(fn))));
        return new DataFrame(columns);
    }

    /// <summary>
    /// One row per run and stage (<c>Input</c>, <c>Doc</c>, <c>Chunk</c>, <c>Output</c>): documents, characters, words and
    /// tokens entering and leaving the stage, documents dropped, lines removed, and document and token retention
    /// (out / in of the run's input). The rows of <c>Doc</c> and <c>Chunk</c> equal the summary's per-stage statistics.
    /// </summary>
    public static DataFrame Stages(IEnumerable<RunAnalysis> runs)
    {
        var rows = new List<(string Run, string Stage, StageStatistics S, long RunDocs, long RunTokens)>();
        foreach (var run in runs)
        {
            var total = new RefineCounts();
            var doc = new StageStatistics();
            var chunk = new StageStatistics();
            foreach (var o in run.Outcomes)
            {
                total.Add(o);
                if (o.Doc is { } d) doc.Add(o, d);
                if (o.Chunk is { } c) chunk.Add(o, c);
            }
            var input = new StageStatistics
            {
                DocumentsIn = total.DocumentsIn, DocumentsOut = total.DocumentsIn, CharactersIn = total.CharactersIn, CharactersOut = total.CharactersIn,
                WordsIn = total.WordsIn, WordsOut = total.WordsIn, TokensIn = total.TokensIn, TokensOut = total.TokensIn,
            };
            var output = new StageStatistics
            {
                DocumentsIn = total.DocumentsIn, DocumentsOut = total.DocumentsOut, DocumentsDropped = total.DocumentsDropped,
                CharactersIn = total.CharactersIn, CharactersOut = total.CharactersOut, WordsIn = total.WordsIn, WordsOut = total.WordsOut,
                TokensIn = total.TokensIn, TokensOut = total.TokensOut, LinesRemoved = doc.LinesRemoved + chunk.LinesRemoved,
            };
            rows.Add((run.Name, "Input", input, total.DocumentsIn, total.TokensIn));
            if (doc.DocumentsIn > 0) rows.Add((run.Name, "Doc", doc, total.DocumentsIn, total.TokensIn));
            if (chunk.DocumentsIn > 0) rows.Add((run.Name, "Chunk", chunk, total.DocumentsIn, total.TokensIn));
            rows.Add((run.Name, "Output", output, total.DocumentsIn, total.TokensIn));
        }
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Run)),
            new StringDataFrameColumn("stage", rows.Select(r => r.Stage)),
            new Int64DataFrameColumn("documents_in", rows.Select(r => r.S.DocumentsIn)),
            new Int64DataFrameColumn("documents_out", rows.Select(r => r.S.DocumentsOut)),
            new Int64DataFrameColumn("documents_dropped", rows.Select(r => r.S.DocumentsDropped)),
            new Int64DataFrameColumn("chars_in", rows.Select(r => r.S.CharactersIn)),
            new Int64DataFrameColumn("chars_out", rows.Select(r => r.S.CharactersOut)),
            new Int64DataFrameColumn("words_in", rows.Select(r => r.S.WordsIn)),
            new Int64DataFrameColumn("words_out", rows.Select(r => r.S.WordsOut)),
            new Int64DataFrameColumn("tokens_in", rows.Select(r => r.S.TokensIn)),
            new Int64DataFrameColumn("tokens_out", rows.Select(r => r.S.TokensOut)),
            new Int64DataFrameColumn("lines_removed", rows.Select(r => r.S.LinesRemoved)),
            new DoubleDataFrameColumn("document_retention", rows.Select(r => Ratio(r.S.DocumentsOut, r.RunDocs))),
            new DoubleDataFrameColumn("token_retention", rows.Select(r => Ratio(r.S.TokensOut, r.RunTokens))));
    }

    /// <summary>
    /// One row per run and input file: documents in (quarantined records included), out, dropped and quarantined,
    /// characters and tokens in and out, document and token retention. Documents are counted from the outcomes; the
    /// quarantined records from the unit markers (they have no outcome). Totals equal <c>_summary.json</c>.
    /// </summary>
    public static DataFrame Files(IEnumerable<RunAnalysis> runs)
    {
        var rows = new List<(string Run, string File, RefineCounts C)>();
        foreach (var run in runs)
        {
            var byFile = new Dictionary<string, RefineCounts>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var f in run.Files)
            {
                var name = Path.GetFileName(f.Input);
                if (byFile.ContainsKey(name)) continue;
                byFile[name] = new RefineCounts { DocumentsIn = f.DocumentsQuarantined, DocumentsQuarantined = f.DocumentsQuarantined };
                order.Add(name);
            }
            foreach (var o in run.Outcomes)
            {
                var name = o.SourceFile ?? "";
                if (!byFile.TryGetValue(name, out var c)) { byFile[name] = c = new RefineCounts(); order.Add(name); }
                c.Add(o);
            }
            foreach (var name in order) rows.Add((run.Name, name, byFile[name]));
        }
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Run)),
            new StringDataFrameColumn("file", rows.Select(r => r.File)),
            new Int64DataFrameColumn("documents_in", rows.Select(r => r.C.DocumentsIn)),
            new Int64DataFrameColumn("documents_out", rows.Select(r => r.C.DocumentsOut)),
            new Int64DataFrameColumn("documents_dropped", rows.Select(r => r.C.DocumentsDropped)),
            new Int64DataFrameColumn("documents_quarantined", rows.Select(r => r.C.DocumentsQuarantined)),
            new Int64DataFrameColumn("chars_in", rows.Select(r => r.C.CharactersIn)),
            new Int64DataFrameColumn("chars_out", rows.Select(r => r.C.CharactersOut)),
            new Int64DataFrameColumn("tokens_in", rows.Select(r => r.C.TokensIn)),
            new Int64DataFrameColumn("tokens_out", rows.Select(r => r.C.TokensOut)),
            new DoubleDataFrameColumn("document_retention", rows.Select(r => r.C.DocumentRetention)),
            new DoubleDataFrameColumn("token_retention", rows.Select(r => r.C.TokenRetention)));
    }

    /// <summary>One row per run, stage and function: the calls, as the summary's per-stage <c>Operations</c> count them.</summary>
    public static DataFrame Operations(IEnumerable<RunAnalysis> runs)
    {
        var rows = new List<(string Run, string Stage, string Function, long Calls, long Documents)>();
        foreach (var run in runs)
        {
            foreach (var stage in new[] { "Doc", "Chunk" })
            {
                var calls = new SortedDictionary<string, (long Calls, long Docs)>(StringComparer.Ordinal);
                foreach (var o in run.Outcomes)
                {
                    var s = stage == "Doc" ? o.Doc : o.Chunk;
                    if (s is null) continue;
                    foreach (var (fn, n) in s.Operations)
                    {
                        var v = calls.GetValueOrDefault(fn);
                        calls[fn] = (v.Calls + n, v.Docs + 1);
                    }
                }
                foreach (var (fn, v) in calls) rows.Add((run.Name, stage, fn, v.Calls, v.Docs));
            }
        }
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Run)),
            new StringDataFrameColumn("stage", rows.Select(r => r.Stage)),
            new StringDataFrameColumn("function", rows.Select(r => r.Function)),
            new Int64DataFrameColumn("calls", rows.Select(r => r.Calls)),
            new Int64DataFrameColumn("documents", rows.Select(r => r.Documents)));
    }

    /// <summary>One row per run, stage and drop reason: the dropped documents and the tokens they held.</summary>
    public static DataFrame DropReasons(IEnumerable<RunAnalysis> runs)
    {
        var rows = new List<(string Run, string Stage, string Reason, long Docs, long Tokens)>();
        foreach (var run in runs)
        {
            foreach (var g in run.Outcomes.Where(o => !o.Kept)
                         .GroupBy(o => (Stage: o.DropStage!.Value.ToString(), Reason: o.DropReason.ToString()))
                         .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Stage, StringComparer.Ordinal).ThenBy(g => g.Key.Reason, StringComparer.Ordinal))
                rows.Add((run.Name, g.Key.Stage, g.Key.Reason, g.Count(), g.Sum(o => o.TokensIn)));
        }
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Run)),
            new StringDataFrameColumn("stage", rows.Select(r => r.Stage)),
            new StringDataFrameColumn("reason", rows.Select(r => r.Reason)),
            new Int64DataFrameColumn("documents", rows.Select(r => r.Docs)),
            new Int64DataFrameColumn("tokens_in", rows.Select(r => r.Tokens)));
    }

    /// <summary>
    /// One row per run and label of the removed line ranges (the generator's label — for the rules, the rule such as
    /// <c>prox.navigation</c> —, or the function when the generator gives none): ranges, lines removed, documents.
    /// Ignored programs removed nothing and are not counted; the lines add up to the summary's <c>LinesRemoved</c>.
    /// </summary>
    public static DataFrame RemovedByLabel(IEnumerable<RunAnalysis> runs)
    {
        var rows = new List<(string Run, string Label, long Ranges, long Lines, long Docs)>();
        foreach (var run in runs)
        {
            var by = new Dictionary<string, (long Ranges, long Lines, HashSet<int> Docs)>(StringComparer.Ordinal);
            for (var i = 0; i < run.Outcomes.Count; i++)
            {
                foreach (var r in RemovedRanges(run.Outcomes[i]))
                {
                    var label = r.Label ?? r.Function;
                    if (!by.TryGetValue(label, out var v)) v = (0, 0, []);
                    v.Docs.Add(i);
                    by[label] = (v.Ranges + 1, v.Lines + r.LineCount, v.Docs);
                }
            }
            foreach (var (label, v) in by.OrderByDescending(kv => kv.Value.Lines).ThenBy(kv => kv.Key, StringComparer.Ordinal))
                rows.Add((run.Name, label, v.Ranges, v.Lines, v.Docs.Count));
        }
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Run)),
            new StringDataFrameColumn("label", rows.Select(r => r.Label)),
            new Int64DataFrameColumn("ranges", rows.Select(r => r.Ranges)),
            new Int64DataFrameColumn("lines", rows.Select(r => r.Lines)),
            new Int64DataFrameColumn("documents", rows.Select(r => r.Docs)));
    }

    /// <summary>
    /// The most often removed lines by their text (trimmed; blank lines left out), over the documents whose input
    /// text is known (<see cref="DocumentOutcome.OriginalText"/>): run, text, label, times removed, documents.
    /// </summary>
    /// <param name="runs">The runs.</param>
    /// <param name="top">Rows per run.</param>
    public static DataFrame RemovedLines(IEnumerable<RunAnalysis> runs, int top = 20)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var rows = new List<(string Run, string Text, string Label, long Count, long Docs)>();
        foreach (var run in runs)
        {
            var by = new Dictionary<string, (string Label, long Count, HashSet<int> Docs)>(StringComparer.Ordinal);
            for (var i = 0; i < run.Outcomes.Count; i++)
            {
                var o = run.Outcomes[i];
                if (o.OriginalText is not { } text) continue;
                foreach (var (line, label) in RemovedLineTexts(text, RemovedRanges(o)))
                {
                    if (!by.TryGetValue(line, out var v)) v = (label, 0, []);
                    v.Docs.Add(i);
                    by[line] = (v.Label, v.Count + 1, v.Docs);
                }
            }
            foreach (var (line, v) in by.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(top))
                rows.Add((run.Name, line, v.Label, v.Count, v.Docs.Count));
        }
        return new DataFrame(
            new StringDataFrameColumn("run", rows.Select(r => r.Run)),
            new StringDataFrameColumn("text", rows.Select(r => r.Text)),
            new StringDataFrameColumn("label", rows.Select(r => r.Label)),
            new Int64DataFrameColumn("removed", rows.Select(r => r.Count)),
            new Int64DataFrameColumn("documents", rows.Select(r => r.Docs)));
    }

    /// <summary>The removed ranges of both stages that took effect (an ignored program removed nothing).</summary>
    public static IEnumerable<RemovedRange> RemovedRanges(DocumentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        foreach (var s in new[] { outcome.Doc, outcome.Chunk })
        {
            if (s is null || s.Ignored) continue;
            foreach (var r in s.RemovedRanges) yield return r;
        }
    }

    /// <summary>The lines of <paramref name="text"/> that <paramref name="ranges"/> remove, trimmed, blank ones left out, with each range's label.</summary>
    public static IEnumerable<(string Line, string Label)> RemovedLineTexts(string text, IEnumerable<RemovedRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ranges);
        var list = ranges.ToList();
        if (list.Count == 0) yield break;
        var lineCount = DocumentLines.Count(text);
        foreach (var r in list)
        {
            var first = Math.Clamp(r.StartLine, 0, lineCount);
            var count = Math.Clamp(r.EndLine + 1, first, lineCount) - first;
            if (count == 0) continue;
            var slice = DocumentLines.Slice(text, first, count).ToString();
            foreach (var line in slice.Split('\n'))
            {
                var t = line.Trim();
                if (t.Length > 0) yield return (t, r.Label ?? r.Function);
            }
        }
    }

    internal static long LinesRemoved(DocumentOutcome o) =>
        (o.Doc is { Ignored: false } d ? d.LinesRemoved : 0) + (o.Chunk is { Ignored: false } c ? c.LinesRemoved : 0);

    internal static Dictionary<string, int> Operations(DocumentOutcome o)
    {
        var all = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in new[] { o.Doc, o.Chunk })
            if (s is not null)
                foreach (var (fn, n) in s.Operations) all[fn] = all.GetValueOrDefault(fn) + n;
        return all;
    }

    private static IEnumerable<(string Run, DocumentOutcome Outcome)> Rows(IEnumerable<RunAnalysis> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        foreach (var run in runs)
            foreach (var o in run.Outcomes)
                yield return (run.Name, o);
    }

    private static double Ratio(long a, long b) => b == 0 ? 0 : (double)a / b;
}
