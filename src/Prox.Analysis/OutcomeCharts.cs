using Plotly.NET;
using Prox.Refinement;

namespace Prox.Analysis;

/// <summary>
/// The standard charts of a run (or several side by side), built with Plotly.NET from the same numbers as
/// <see cref="OutcomeFrames"/>. Each returns a <see cref="GenericChart"/>; in a notebook show it with
/// <see cref="ChartHtml.Div"/> (after <see cref="ChartHtml.Script"/> once), in a page with <see cref="RunReport"/>.
/// Call <see cref="AnalysisRuntime.Initialize"/> first in a Polyglot kernel.
/// </summary>
public static class OutcomeCharts
{
    /// <summary>The measures <see cref="LengthHistogram"/> draws: characters, words, tokens or lines.</summary>
    public static IReadOnlyList<string> Measures { get; } = ["chars", "words", "tokens", "lines"];

    /// <summary>
    /// Histogram of a length measure before (every document's input) and after (the kept documents' output), per run.
    /// </summary>
    /// <param name="runs">The runs.</param>
    /// <param name="measure"><c>chars</c>, <c>words</c>, <c>tokens</c> or <c>lines</c>.</param>
    /// <param name="bins">Number of bins.</param>
    /// <exception cref="ArgumentException">An unknown measure.</exception>
    public static GenericChart LengthHistogram(IEnumerable<RunAnalysis> runs, string measure = "tokens", int bins = 40)
    {
        ArgumentNullException.ThrowIfNull(runs);
        Func<DocumentOutcome, (long In, long Out)> pick = measure switch
        {
            "chars" => o => (o.CharactersIn, o.CharactersOut),
            "words" => o => (o.WordsIn, o.WordsOut),
            "tokens" => o => (o.TokensIn, o.TokensOut),
            "lines" => o => (o.LinesIn, o.LinesOut),
            _ => throw new ArgumentException($"unknown measure '{measure}'; one of {string.Join(", ", Measures)}", nameof(measure)),
        };
        var traces = new List<GenericChart>();
        foreach (var run in runs)
        {
            var prefix = RunPrefix(runs, run);
            traces.Add(Histogram(run.Outcomes.Select(o => (double)pick(o).In), $"{prefix}before", bins));
            traces.Add(Histogram(run.Outcomes.Where(o => o.Kept).Select(o => (double)pick(o).Out), $"{prefix}after (kept)", bins));
        }
        return Style(GenericChart.combine(traces), $"{Title(measure)} per document, before and after", $"{measure} per document", "documents", BarMode: "overlay");
    }

    /// <summary>The retention funnel: documents entering the run, left after the doc stage, left after the chunk stage.</summary>
    public static GenericChart RetentionFunnel(IEnumerable<RunAnalysis> runs, bool tokens = false)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var traces = new List<GenericChart>();
        foreach (var run in runs)
        {
            var steps = FunnelSteps(run, tokens);
            traces.Add(Trace("funnel", ("x", steps.Select(s => s.Value).ToArray()), ("y", steps.Select(s => s.Step).ToArray()),
                ("name", run.Name), ("textinfo", "value+percent initial")));
        }
        var what = tokens ? "Tokens" : "Documents";
        return Style(GenericChart.combine(traces), $"{what} retained, stage by stage", null, null);
    }

    /// <summary>Document and token retention per input file (out / in).</summary>
    public static GenericChart RetentionByFile(IEnumerable<RunAnalysis> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var files = OutcomeFrames.Files(runs);
        var traces = new List<GenericChart>();
        foreach (var run in runs)
        {
            var prefix = RunPrefix(runs, run);
            var rows = Enumerable.Range(0, (int)files.Rows.Count).Where(i => (string)files["run"][i] == run.Name).ToList();
            var names = rows.Select(i => (string)files["file"][i]).ToList();
            traces.Add(Column(rows.Select(i => (double)files["document_retention"][i]), names, $"{prefix}documents"));
            traces.Add(Column(rows.Select(i => (double)files["token_retention"][i]), names, $"{prefix}tokens"));
        }
        return Style(GenericChart.combine(traces), "Retention by source file", "file", "retained (out / in)", BarMode: "group", Percent: true);
    }

    /// <summary>Calls per function of the program language, both stages, per run.</summary>
    public static GenericChart OperationsByFunction(IEnumerable<RunAnalysis> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var traces = new List<GenericChart>();
        foreach (var run in runs)
        {
            var calls = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var o in run.Outcomes)
                foreach (var (fn, n) in OutcomeFrames.Operations(o)) calls[fn] = calls.GetValueOrDefault(fn) + n;
            traces.Add(Column(calls.Values.Select(v => (double)v), calls.Keys, run.Name));
        }
        return Style(GenericChart.combine(traces), "Operations by function", "function", "calls", BarMode: "group");
    }

    /// <summary>Dropped documents by stage and reason, per run.</summary>
    public static GenericChart DropReasons(IEnumerable<RunAnalysis> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var traces = new List<GenericChart>();
        foreach (var run in runs)
        {
            var by = run.Outcomes.Where(o => !o.Kept).GroupBy(o => $"{o.DropStage}: {o.DropReason}")
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            traces.Add(Column(by.Select(g => (double)g.Count()), by.Select(g => g.Key), run.Name));
        }
        return Style(GenericChart.combine(traces), "Drop reasons", "stage: reason", "documents", BarMode: "group");
    }

    /// <summary>Lines removed per label (the rule that removed them, or the function), the most first.</summary>
    public static GenericChart RemovedByLabel(IEnumerable<RunAnalysis> runs, int top = 15)
    {
        var frame = OutcomeFrames.RemovedByLabel(runs);
        return HorizontalBars(runs, frame, "label", "lines", top, "Removed lines by rule", "lines removed");
    }

    /// <summary>The most often removed lines by text (truncated to 60 characters in the chart).</summary>
    public static GenericChart RemovedLines(IEnumerable<RunAnalysis> runs, int top = 15)
    {
        var frame = OutcomeFrames.RemovedLines(runs, top);
        return HorizontalBars(runs, frame, "text", "removed", top, "Most often removed lines", "times removed");
    }

    /// <summary>Two or more runs side by side: document and token retention after each stage.</summary>
    public static GenericChart CompareRuns(IEnumerable<RunAnalysis> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var stages = OutcomeFrames.Stages(runs);
        var traces = new List<GenericChart>();
        foreach (var run in runs)
        {
            var rows = Enumerable.Range(0, (int)stages.Rows.Count)
                .Where(i => (string)stages["run"][i] == run.Name && (string)stages["stage"][i] != "Input").ToList();
            var keys = rows.SelectMany(i => new[] { $"documents after {stages["stage"][i]}", $"tokens after {stages["stage"][i]}" }).ToList();
            var values = rows.SelectMany(i => new[] { (double)stages["document_retention"][i], (double)stages["token_retention"][i] }).ToList();
            traces.Add(Column(values, keys, run.Name));
        }
        return Style(GenericChart.combine(traces), "Runs side by side: retention after each stage", null, "retained (of the input)", BarMode: "group", Percent: true);
    }

    private static GenericChart HorizontalBars(IEnumerable<RunAnalysis> runs, Microsoft.Data.Analysis.DataFrame frame, string keyColumn, string valueColumn, int top, string title, string axis)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var traces = new List<GenericChart>();
        foreach (var run in runs)
        {
            var rows = Enumerable.Range(0, (int)frame.Rows.Count).Where(i => (string)frame["run"][i] == run.Name).Take(top).Reverse().ToList();
            var keys = rows.Select(i => Truncate((string)frame[keyColumn][i], 60)).ToList();
            traces.Add(Trace("bar", ("x", rows.Select(i => (double)(long)frame[valueColumn][i]).ToArray()), ("y", keys.ToArray()),
                ("orientation", "h"), ("name", run.Name)));
        }
        return Style(GenericChart.combine(traces), title, axis, null, BarMode: "group", LeftMargin: 320);
    }

    private static List<(string Step, double Value)> FunnelSteps(RunAnalysis run, bool tokens)
    {
        var steps = new List<(string, double)>();
        var inputs = run.Outcomes.Count;
        steps.Add(("input", tokens ? run.Outcomes.Sum(o => (double)o.TokensIn) : inputs));
        if (run.Outcomes.Any(o => o.Doc is not null))
            steps.Add(("after doc stage", tokens
                ? run.Outcomes.Where(o => o.Doc is { Dropped: false }).Sum(o => (double)o.Doc!.TokensOut)
                : run.Outcomes.Count(o => o.DropStage != Programs.ProgramStage.Doc)));
        if (run.Outcomes.Any(o => o.Chunk is not null))
            steps.Add(("after chunk stage", tokens ? run.Outcomes.Where(o => o.Kept).Sum(o => (double)o.TokensOut) : run.Outcomes.Count(o => o.Kept)));
        return steps;
    }

    private static GenericChart Histogram(IEnumerable<double> values, string name, int bins) =>
        Trace("histogram", ("x", values.ToArray()), ("name", name), ("opacity", 0.6), ("nbinsx", bins));

    private static GenericChart Column(IEnumerable<double> values, IEnumerable<string> keys, string name) =>
        Trace("bar", ("x", keys.ToArray()), ("y", values.ToArray()), ("name", name));

    // Plotly.NET's typed chart functions take F# optional arguments, which C# must spell out one by one; a trace
    // object with its plotly.js attributes is the same chart, serialized by Plotly.NET.
    private static GenericChart Trace(string type, params (string Name, object Value)[] attributes)
    {
        var trace = new Trace(type);
        foreach (var (name, value) in attributes) trace.SetProperty(name, value);
        return GenericChart.ofTraceObject(true, trace);
    }

    private static GenericChart Style(GenericChart chart, string title, string? xTitle, string? yTitle,
        string? BarMode = null, bool Percent = false, int LeftMargin = 60)
    {
        var layout = new Layout();
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title });
        var x = new Dictionary<string, object> { ["automargin"] = true };
        if (xTitle is not null) x["title"] = new Dictionary<string, object> { ["text"] = xTitle };
        var y = new Dictionary<string, object> { ["automargin"] = true };
        if (yTitle is not null) y["title"] = new Dictionary<string, object> { ["text"] = yTitle };
        if (Percent) y["tickformat"] = ".0%";
        layout.SetProperty("xaxis", x);
        layout.SetProperty("yaxis", y);
        if (BarMode is not null) layout.SetProperty("barmode", BarMode);
        layout.SetProperty("height", 420);
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = LeftMargin, ["r"] = 30, ["t"] = 60, ["b"] = 80 });
        return GenericChart.setLayout(layout, chart);
    }

    private static string RunPrefix(IEnumerable<RunAnalysis> runs, RunAnalysis run) => runs.Skip(1).Any() ? run.Name + ": " : "";

    private static string Title(string measure) => measure switch
    {
        "chars" => "Characters", "words" => "Words", "tokens" => "Tokens", _ => "Lines",
    };

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
