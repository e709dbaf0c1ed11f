using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Analysis;
using Plotly.NET;
using Prox.Refinement;

namespace Prox.Analysis;

/// <summary>
/// The HTML report of one or several runs: one self-contained file (plotly.js embedded, opens without a network)
/// with the runs' summary, the standard charts of <see cref="OutcomeCharts"/>, the tables (stages, files, drop
/// reasons, operations, removed lines), and a few before/after examples per drop reason and of kept documents with removed
/// lines. <c>Export-ProxReport</c> writes it.
/// </summary>
/// <example><code>
/// RunReport.Write([RunAnalysis.Open("out")], "report.html");
/// </code></example>
public static class RunReport
{
    /// <summary>Examples shown per drop reason (and of kept documents with removed lines), per run.</summary>
    public const int ExamplesPerReason = 3;

    /// <summary>The charts of a report of <paramref name="runs"/>, by title, in page order.</summary>
    public static IReadOnlyList<(string Title, GenericChart Chart)> Charts(IReadOnlyList<RunAnalysis> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var charts = new List<(string, GenericChart)>
        {
            ("Tokens per document", OutcomeCharts.LengthHistogram(runs, "tokens")),
            ("Characters per document", OutcomeCharts.LengthHistogram(runs, "chars")),
            ("Document retention funnel", OutcomeCharts.RetentionFunnel(runs)),
            ("Token retention funnel", OutcomeCharts.RetentionFunnel(runs, tokens: true)),
            ("Retention by source file", OutcomeCharts.RetentionByFile(runs)),
            ("Operations by function", OutcomeCharts.OperationsByFunction(runs)),
            ("Drop reasons", OutcomeCharts.DropReasons(runs)),
            ("Removed lines by rule", OutcomeCharts.RemovedByLabel(runs)),
            ("Most often removed lines", OutcomeCharts.RemovedLines(runs)),
        };
        if (runs.Count > 1) charts.Add(("Runs side by side", OutcomeCharts.CompareRuns(runs)));
        return charts;
    }

    /// <summary>The report page of <paramref name="runs"/>.</summary>
    /// <param name="runs">One or more runs.</param>
    /// <param name="title">The page title; names the runs when null.</param>
    /// <exception cref="ArgumentException">No runs.</exception>
    public static string Build(IReadOnlyList<RunAnalysis> runs, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("a report needs at least one run", nameof(runs));
        title ??= "Prox run report: " + string.Join(", ", runs.Select(r => r.Name));
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append("</title>\n<style>")
          .Append(Css).Append("</style>\n").Append(ChartHtml.Script()).Append("\n</head><body>\n");
        sb.Append("<h1>").Append(Encode(title)).Append("</h1>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"meta\">Made {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC by Prox {typeof(RunReport).Assembly.GetName().Version?.ToString(3)}; plotly.js {ChartHtml.PlotlyVersion} embedded.</p>\n");

        Section(sb, "Runs", FrameHtml.ToHtml(RunsFrame(runs)));

        sb.Append("<h2>Charts</h2>\n<div class=\"charts\">\n");
        var n = 0;
        foreach (var (_, chart) in Charts(runs)) sb.Append(ChartHtml.Div(chart, $"chart-{++n}")).Append('\n');
        sb.Append("</div>\n");

        Section(sb, "Stages", FrameHtml.ToHtml(OutcomeFrames.Stages(runs)));
        Section(sb, "Files", FrameHtml.ToHtml(OutcomeFrames.Files(runs), 100));
        Section(sb, "Drop reasons", FrameHtml.ToHtml(OutcomeFrames.DropReasons(runs)));
        Section(sb, "Operations", FrameHtml.ToHtml(OutcomeFrames.Operations(runs)));
        Section(sb, "Removed lines by rule", FrameHtml.ToHtml(OutcomeFrames.RemovedByLabel(runs), 30));

        sb.Append("<h2>Examples</h2>\n");
        foreach (var run in runs)
        {
            foreach (var group in run.Outcomes.Where(o => !o.Kept).GroupBy(o => $"dropped by {o.DropStage} stage: {o.DropReason}").OrderBy(g => g.Key, StringComparer.Ordinal))
                Examples(sb, run, group.Key, group);
            Examples(sb, run, "kept, with lines removed", run.Outcomes.Where(o => o.Kept && OutcomeFrames.LinesRemoved(o) > 0));
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>Writes the report of <paramref name="runs"/> to <paramref name="outputPath"/> (complete or not at all: temporary name, then rename).</summary>
    public static void Write(IReadOnlyList<RunAnalysis> runs, string outputPath, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(outputPath);
        var html = Build(runs, title);
        var dir = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        Prox.IO.AtomicFile.WriteText(outputPath, html);
    }

    /// <summary>One row per run: folder, generators, tokenizer, counts and retention from the run's summary.</summary>
    public static DataFrame RunsFrame(IReadOnlyList<RunAnalysis> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var s = runs.Select(r => r.Summary).ToList();
        return new DataFrame(
            new StringDataFrameColumn("run", runs.Select(r => r.Name)),
            new StringDataFrameColumn("generators", s.Select(x => string.Join(" / ", new[] { x.DocGenerator?.Spec, x.ChunkGenerator?.Spec }.Where(g => !string.IsNullOrEmpty(g)).Distinct()))),
            new StringDataFrameColumn("tokenizer", s.Select(x => x.Tokenizer)),
            new Int64DataFrameColumn("documents_in", s.Select(x => x.DocumentsIn)),
            new Int64DataFrameColumn("documents_out", s.Select(x => x.DocumentsOut)),
            new Int64DataFrameColumn("documents_dropped", s.Select(x => x.DocumentsDropped)),
            new Int64DataFrameColumn("documents_quarantined", s.Select(x => x.DocumentsQuarantined)),
            new Int64DataFrameColumn("tokens_in", s.Select(x => x.TokensIn)),
            new Int64DataFrameColumn("tokens_out", s.Select(x => x.TokensOut)),
            new DoubleDataFrameColumn("document_retention", s.Select(x => x.DocumentRetention)),
            new DoubleDataFrameColumn("token_retention", s.Select(x => x.TokenRetention)));
    }

    private static void Examples(StringBuilder sb, RunAnalysis run, string what, IEnumerable<DocumentOutcome> outcomes)
    {
        var list = outcomes.ToList();
        if (list.Count == 0) return;
        sb.Append("<h3>").Append(Encode($"{run.Name}: {what}")).Append(CultureInfo.InvariantCulture, $" <small>({list.Count:N0} documents; {Math.Min(list.Count, ExamplesPerReason)} shown)</small></h3>\n");
        foreach (var o in list.Take(ExamplesPerReason)) sb.Append(DocumentHtml.BeforeAfter(o, 30)).Append('\n');
    }

    private static void Section(StringBuilder sb, string heading, string html) =>
        sb.Append("<h2>").Append(Encode(heading)).Append("</h2>\n<div class=\"table-wrap\">").Append(html).Append("</div>\n");

    private static string Encode(string s) => WebUtility.HtmlEncode(s);

    private const string Css = """
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }
        h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; margin-top: 1.6em; } .meta { color: #666; }
        table.prox-table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
        table.prox-table th, table.prox-table td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; }
        table.prox-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
        table.prox-table th { background: #f3f3f3; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 12px; }
        .prox-chart { min-height: 420px; border: 1px solid #eee; }
        .prox-doc { border: 1px solid #ddd; margin: 0.6em 0; padding: 0.4em; }
        .doc-sides { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
        .doc-sides pre, .program pre { white-space: pre-wrap; font-size: 0.8em; background: #fafafa; padding: 4px; margin: 0; max-height: 30em; overflow: auto; }
        del { color: #a33; background: #fdecec; } .rule { color: #888; font-size: 0.85em; margin-left: 1em; }
        h4 { margin: 0.2em 0; } .table-wrap { overflow-x: auto; }
        """;
}
