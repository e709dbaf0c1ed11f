using Prox.Generation;
using Prox.Programs;
using Prox.Rules;
using static Prox.Tests.Rules.RulesTestDocs;

namespace Prox.Tests.Rules;

public class RulesRefinerTests
{
    private static readonly string[] Documents =
    [
        Prose,
        "Home | News | Sports | Weather | Contact\n" + Prose + "\n||\nCopyright © 2021 River Town. All rights reserved.",
        "Geschichte[Bearbeiten | Quelltext bearbeiten]\nDie Stadt wurde im zwölften Jahrhundert gegründet und wuchs sehr schnell am Fluss.\n- Belgien\n- Spanien\n- Kanada\n- Italien\nEnde.",
        "Lorem ipsum dolor sit amet.\n{ \"json\": 1 }\nshort",
        "",
        "\r\n\r\n||\r\nHome\r\nNews\r\nSport\r\nWeather\r\nThe council met on Tuesday to discuss the new bridge over the river.\r",
    ];

    [Fact]
    public void PresetsResolveByNameCaseInsensitively()
    {
        foreach (var name in RulesOptions.PresetNames) Assert.NotNull(RulesOptions.FromPreset(name));
        Assert.Same(RulesOptions.ProxRules, RulesOptions.FromPreset("default"));
        Assert.Same(RulesOptions.FineWeb, RulesRefiner.FromPreset("FINEWEB").Options);
        var e = Assert.Throws<ArgumentException>(() => RulesOptions.FromPreset("RefinedWeb"));
        Assert.Contains("Gopher", e.Message);
    }

    [Fact]
    public void IdentityOfTheGenerator()
    {
        using var rules = new RulesRefiner();
        Assert.Equal("rules:ProxRules", rules.Name);
        Assert.Equal(new Prox.Generation.GeneratorSpec("rules", "ProxRules"), rules.Spec);
        Assert.Same(RulesOptions.ProxRules, rules.Options);
    }

    [Fact]
    public void ProgramsParseCleanlyAndBothDialectsAgree()
    {
        foreach (var name in RulesOptions.PresetNames)
        {
            using var rules = RulesRefiner.FromPreset(name);
            foreach (var text in Documents) AssertWellFormed(rules, text);
        }
    }

    [SkippableFact]
    public void ProgramsOnTheSharedLabelsParseCleanlyAndBothDialectsAgree()
    {
        foreach (var lang in new[] { "en", "de", "es", "fi" })
        {
            var path = SharedAssets.Require($"quality/turku-{lang}/dev.json");
            foreach (var doc in Prox.Quality.LabelledFile.Read(path))
                foreach (var name in new[] { "ProxRules", "C4" })
                    AssertWellFormed(RulesRefiner.FromPreset(name), doc.Text);
        }
    }

    internal static void AssertWellFormed(RulesRefiner rules, string text)
    {
        int lines = LineCount(text);
        foreach (var stage in new[] { ProgramStage.Doc, ProgramStage.Chunk })
        {
            var program = rules.Generate([new ProgramRequest(stage, text, 0, lines)])[0].Program;
            var parsed = ProxProgram.Parse(program, stage, ProgramDialect.Strict, lines);
            Assert.True(parsed.Diagnostics.Count == 0, $"{program}: {string.Join("; ", parsed.Diagnostics)}");
            Assert.Equal(0, parsed.ErrorCount);
            var strict = ProgramExecutor.Execute(text, program, stage, ProgramDialect.Strict);
            var reference = ProgramExecutor.Execute(text, program, stage, ProgramDialect.Reference);
            Assert.Equal(strict.Text, reference.Text);
            Assert.Equal(strict.Dropped, reference.Dropped);
            Assert.Equal(strict.RemovedLines, reference.RemovedLines);
            Assert.Equal(0, reference.ErrorCount);
            if (stage == ProgramStage.Chunk)
            {
                var expected = rules.Explain(new ProgramRequest(stage, text, 0, lines)).RemovedLines.Select(l => l.Line);
                Assert.Equal(expected, strict.RemovedLines);
            }
        }
    }

    [Fact]
    public void GenerationIsDeterministicAndBatchOrderIsKept()
    {
        var requests = Documents.Select(t => new ProgramRequest(ProgramStage.Chunk, t, 0, LineCount(t))).ToArray();
        var first = new RulesRefiner().Generate(requests).Select(r => r.Program).ToArray();
        var again = new RulesRefiner().Generate(requests).Select(r => r.Program).ToArray();
        Assert.Equal(first, again);
        var reversed = new RulesRefiner().Generate(requests.Reverse().ToArray()).Select(r => r.Program).ToArray();
        Assert.Equal(first.Reverse(), reversed);
    }

    [Fact]
    public void CancellationIsHonoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => new RulesRefiner().Generate([new ProgramRequest(ProgramStage.Doc, Prose, 0, 7)], cts.Token));
    }
}
