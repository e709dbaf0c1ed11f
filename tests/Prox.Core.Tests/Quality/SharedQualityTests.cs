using Prox.Quality;
using Prox.Rules;

namespace Prox.Tests.Quality;

/// <summary>
/// The tuned rules on the Turku dev splits (tuned on train only). Floors are the measured keep-class F1 minus 0.02;
/// the keep-all baseline is asserted to be beaten because it was, in the measurement recorded in docs/rules.md.
/// </summary>
public class SharedQualityTests
{
    [SkippableTheory]
    [InlineData("en", 0.825)]
    [InlineData("de", 0.869)]
    [InlineData("es", 0.769)]
    [InlineData("fi", 0.601)]
    public void ProxRulesOnDevSplits(string lang, double measured)
    {
        var path = SharedAssets.Require($"quality/turku-{lang}/dev.json");
        var r = QualityEvaluator.Evaluate(path, RulesRefiner.FromPreset("ProxRules"));
        Assert.True(r.Lines > 0);
        Assert.InRange(r.F1, measured - 0.02, 1.0);
        Assert.True(r.F1 > r.BaselineF1, $"F1 {r.F1:0.000} vs keep-all {r.BaselineF1:0.000}");
        var reference = QualityEvaluator.Evaluate(path, RulesRefiner.FromPreset("ProxRules"), new QualityOptions { Dialect = Prox.Programs.ProgramDialect.Reference });
        Assert.Equal(r with { }, reference);
    }

    /// <summary>
    /// The default rules on the whole readability pages (the page rule was fit on the fit half; docs/rules.md):
    /// pooled keep F1 0.820 and page-averaged 0.784 when measured; floors: the goal 0.80 pooled, 0.02 below page-averaged.
    /// </summary>
    [SkippableFact]
    public void ProxRulesOnWholePages()
    {
        var path = SharedAssets.Require("quality/readability-pages/pages.jsonl");
        var r = QualityEvaluator.Evaluate(path, RulesRefiner.FromPreset("ProxRules"));
        Assert.Equal(93, r.Documents);
        Assert.InRange(r.KeepF1, 0.80, 1.0);
        Assert.InRange(r.PageAveragedKeepF1, 0.764, 1.0);
        var withoutPageRule = QualityEvaluator.Evaluate(path, new RulesRefiner(RulesOptions.ProxRules with { PageContext = false }));
        Assert.True(r.KeepF1 > withoutPageRule.KeepF1 + 0.2, $"{r.KeepF1:0.000} vs {withoutPageRule.KeepF1:0.000} without the page rule");
        var c4 = QualityEvaluator.Evaluate(path, RulesRefiner.FromPreset("C4"));
        Assert.True(r.KeepF1 > c4.KeepF1);
    }
}
