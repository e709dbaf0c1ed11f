using System.Net;
using System.Reflection;
using Plotly.NET;

namespace Prox.Analysis;

/// <summary>
/// HTML for charts that needs no network: plotly.js itself (the copy Plotly.NET carries as a resource) and one
/// <c>&lt;div class="prox-chart"&gt;</c> per chart drawn by it. In a notebook display <see cref="Script"/> once, then
/// <see cref="Div"/> for each chart; <see cref="RunReport"/> builds whole pages from the same pieces.
/// </summary>
/// <example><code>
/// display(HTML(ChartHtml.Script()));
/// display(HTML(ChartHtml.Div(OutcomeCharts.RetentionFunnel([run]))));
/// </code></example>
public static class ChartHtml
{
    private static readonly Lazy<string> PlotlyJs = new(LoadPlotlyJs);
    private static int _next;

    /// <summary>The CSS class of every chart's <c>div</c>.</summary>
    public const string ChartClass = "prox-chart";

    /// <summary>The version of the embedded plotly.js (from its resource name, e.g. <c>2.28.0</c>).</summary>
    public static string PlotlyVersion { get; } = ResourceName()["Plotly.NET.plotly-".Length..^".min.js".Length];

    /// <summary>A <c>&lt;script&gt;</c> element holding all of plotly.js (about 3.6 MB), so charts draw offline.</summary>
    public static string Script() => "<script>/* plotly.js " + PlotlyVersion + " */\n" + PlotlyJs.Value + "\n</script>";

    /// <summary>
    /// A <c>div</c> and the script that draws <paramref name="chart"/> into it with plotly.js (which must be loaded:
    /// <see cref="Script"/>). The figure is Plotly.NET's JSON of the chart.
    /// </summary>
    /// <param name="chart">The chart.</param>
    /// <param name="id">The element id; a fresh one when null.</param>
    public static string Div(GenericChart chart, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        id ??= "prox-chart-" + Interlocked.Increment(ref _next);
        var figure = ScriptSafe(GenericChart.toFigureJson(chart));
        var attr = WebUtility.HtmlEncode(id);
        var js = System.Text.Json.JsonSerializer.Serialize(id);
        // Drawn once the page is parsed, so that the chart takes the width of its final place in the layout.
        return $"<div id=\"{attr}\" class=\"{ChartClass}\"></div>\n<script>(function(){{var f={figure};" +
               $"var draw=function(){{Plotly.newPlot({js},f.data,f.layout,{{responsive:true,displaylogo:false}});}};" +
               "if(document.readyState==='loading')document.addEventListener('DOMContentLoaded',draw);else draw();})();</script>";
    }

    // "</script" inside a script element would end it early; "<\/" means the same in JavaScript strings and JSON.
    internal static string ScriptSafe(string code) => code.Replace("</", "<\\/", StringComparison.Ordinal);

    private static string ResourceName() =>
        typeof(GenericChart).Assembly.GetManifestResourceNames().Single(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal));

    private static string LoadPlotlyJs()
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(ResourceName())
            ?? throw new InvalidOperationException("Plotly.NET carries no plotly.js resource");
        using var reader = new StreamReader(stream);
        return ScriptSafe(reader.ReadToEnd());
    }
}
