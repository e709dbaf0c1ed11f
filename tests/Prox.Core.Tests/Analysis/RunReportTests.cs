using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Prox.Analysis;

namespace Prox.Tests.Analysis;

public class RunReportTests(AnalysisFixture fixture) : IClassFixture<AnalysisFixture>
{
    [Fact]
    public void The_report_is_one_self_contained_page_with_every_chart_table_and_examples()
    {
        var runs = new[] { RunAnalysis.Open(fixture.RulesPath), RunAnalysis.Open(fixture.C4Path) };
        var path = Path.Combine(fixture.Root, "report.html");
        RunReport.Write(runs, path, "Two presets");
        var html = File.ReadAllText(path);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<title>Two presets</title>", html);
        // plotly.js is inside; nothing is loaded from elsewhere.
        Assert.Contains("/* plotly.js " + ChartHtml.PlotlyVersion, html);
        Assert.True(html.Length > 3_000_000);
        Assert.DoesNotMatch(new Regex("<script[^>]+src=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex("<link[^>]+href=", RegexOptions.IgnoreCase), html);
        var charts = RunReport.Charts(runs);
        Assert.Equal(10, charts.Count); // nine standard charts and the comparison of two runs
        Assert.Equal(charts.Count, Regex.Matches(html, "class=\"" + ChartHtml.ChartClass + "\"").Count);
        foreach (var h in new[] { "Runs", "Stages", "Files", "Drop reasons", "Operations", "Removed lines by rule", "Examples" })
            Assert.Contains($"<h2>{h}</h2>", html);
        // Examples per drop reason, with removed lines struck through and labelled.
        Assert.Contains("rules: dropped by Doc stage: DropDoc", html);
        Assert.Contains("c4: dropped by Doc stage: DropDoc", html);
        Assert.Contains("rules: kept, with lines removed", html);
        Assert.Matches("<del title=\"prox\\.[a-z_.+]+\">", html);
        Assert.DoesNotContain(Directory.EnumerateFiles(fixture.Root), f => Prox.IO.AtomicFile.IsTempName(Path.GetFileName(f)));
    }

    [Fact]
    public void One_run_has_no_comparison_chart_and_no_runs_is_refused()
    {
        Assert.Equal(9, RunReport.Charts([RunAnalysis.Open(fixture.RulesPath)]).Count);
        Assert.Throws<ArgumentException>(() => RunReport.Build([]));
    }

    [Fact]
    public void Text_of_documents_is_escaped_and_cannot_end_a_script()
    {
        Assert.Equal("a<\\/script>b", ChartHtml.ScriptSafe("a</script>b"));
        var outcome = new Prox.Refinement.DocumentOutcome { Id = "<b>x</b>", Text = "<script>alert(1)</script>", OriginalText = "<script>alert(1)</script>" };
        var html = DocumentHtml.BeforeAfter(outcome);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Contains("&lt;b&gt;x&lt;/b&gt;", html);
    }

    [Fact]
    public void The_runtime_answers_a_request_for_another_FSharp_Core_with_the_loaded_one()
    {
        var loaded = typeof(Microsoft.FSharp.Core.FSharpOption<int>).Assembly;
        var asked = new AssemblyName("FSharp.Core, Version=99.0.0.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a");
        Assert.Same(loaded, AnalysisRuntime.ResolveFSharpCore(AssemblyLoadContext.Default, asked));
        Assert.Null(AnalysisRuntime.ResolveFSharpCore(AssemblyLoadContext.Default, new AssemblyName("Not.FSharp.Core")));
        AnalysisRuntime.Initialize();
        AnalysisRuntime.Initialize();
        Assert.True(AnalysisRuntime.IsInitialized);
    }
}
