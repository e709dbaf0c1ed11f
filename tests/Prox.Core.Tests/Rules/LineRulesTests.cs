using Prox.Generation;
using Prox.Programs;
using Prox.Rules;
using static Prox.Tests.Rules.RulesTestDocs;

namespace Prox.Tests.Rules;

public class LineRulesTests
{
    private static readonly RulesOptions Tuned = RulesOptions.ProxRules;

    [Fact]
    public void NavigationSymbolAndBoilerplateLinesAreRemovedProseIsKept()
    {
        var text = string.Join('\n',
            "Home | News | Sports | Weather | Contact",            // 0 navigation
            "The council met on Tuesday to discuss the new bridge over the river.", // 1
            "|| | ||",                                              // 2 no letters
            "Copyright © 2021 River Town Gazette. All rights reserved.", // 3 boilerplate
            "Residents asked whether the old ferry would keep running after it opens.", // 4
            "Diese Website verwendet Cookies, damit wir Ihnen ein besseres Angebot zeigen können; mit der weiteren Nutzung stimmen Sie dem zu.", // 5 consent
            "Caf\u00C3\u00A9 owners said the bridge would bring more visitors to the square.");  // 6 mojibake ©, kept
        var d = Chunk(text, Tuned);
        Assert.Equal([0, 2, 3, 5], Removed(d));
        Assert.Equal(["prox.navigation", "prox.no_letters", "prox.boilerplate", "prox.consent"], d.RemovedLines.Select(l => l.Rule));
    }

    [Fact]
    public void ShortRunsNeedFourShortUnpunctuatedLines()
    {
        var para = "The council met on Tuesday to discuss the new bridge over the river.";
        var three = string.Join('\n', para, "Home", "Sports news", "Contact us", para);
        Assert.Empty(Chunk(three, Tuned).RemovedLines);
        var four = string.Join('\n', para, "Home", "Sports news", "Weather", "Archive", para);
        Assert.Equal([1, 2, 3, 4], Removed(Chunk(four, Tuned)));
        // A short line ending in punctuation breaks the run.
        var broken = string.Join('\n', para, "Home", "Sports news", "Yes.", "Archive", para);
        Assert.Empty(Chunk(broken, Tuned).RemovedLines);
    }

    [Fact]
    public void BulletListsOfShortItemsFormRuns()
    {
        var para = "The council met on Tuesday to discuss the new bridge over the river.";
        var text = string.Join('\n', para, "- Belgium and the Netherlands", "- Costa Rica", "- The United Kingdom of Great Britain", "- Spain", para);
        Assert.Equal([1, 2, 3, 4], Removed(Chunk(text, Tuned)));
    }

    [Fact]
    public void C4LineRules()
    {
        var text = string.Join('\n',
            "Please enable JavaScript to view the comments powered by our partner.", // 0 javascript
            "Read our privacy policy before you sign the form, it matters.",         // 1 policy
            "Too short.",                                                             // 2 < 3 words
            "A heading without a full stop",                                          // 3 no terminal punctuation
            "The council met on Tuesday to discuss the new bridge over the river.");  // 4
        var d = Chunk(text, RulesOptions.C4);
        Assert.Equal([0, 1, 2, 3], Removed(d));
        Assert.Equal(["c4.javascript", "c4.policy", "c4.min_words", "c4.terminal_punctuation"], d.RemovedLines.Select(l => l.Rule));
    }

    [Fact]
    public void ConsecutiveRemovedLinesMergeIntoOneInclusiveRange()
    {
        var para = "The council met on Tuesday to discuss the new bridge over the river.";
        var text = string.Join('\n', para, "||", "---", "***", para, "###", para);
        Assert.Equal("remove_lines(line_start=1, line_end=3)\nremove_lines(line_start=5, line_end=5)", Chunk(text, Tuned).Program);
    }

    [Fact]
    public void NothingToDoIsKeepChunk()
    {
        Assert.Equal("keep_chunk()", Chunk(Prose, Tuned).Program);
        Assert.Equal("keep_chunk()", Chunk(Prose, RulesOptions.Gopher).Program);
    }

    [Fact]
    public void ChunkRequestsOnlyTouchTheirLinesWithGlobalIndices()
    {
        var para = "The council met on Tuesday to discuss the new bridge over the river.";
        var text = string.Join('\n', "||", para, para, "||", para, "||");
        var rules = new RulesRefiner(Tuned);
        var d = rules.Explain(new ProgramRequest(ProgramStage.Chunk, text, 2, 3, ChunkIndex: 1));
        Assert.Equal([3], Removed(d));
        Assert.Equal("remove_lines(line_start=3, line_end=3)", d.Program);
    }

    [Fact]
    public void EditMarkersAreNormalizedOnceAndOnlyInKeptLines()
    {
        var text = string.Join('\n',
            "Geschichte[Bearbeiten | Quelltext bearbeiten]",
            "Die Stadt wurde im zwölften Jahrhundert am Fluss gegründet und wuchs schnell.",
            "Wirtschaft[Bearbeiten | Quelltext bearbeiten]",
            "History[edit]",
            "|| [muokkaa] ||");
        var d = Chunk(text, Tuned);
        Assert.Equal(["[Bearbeiten | Quelltext bearbeiten]", "[edit]"], d.Normalizations.Select(n => n.Source));
        Assert.All(d.Normalizations, n => Assert.Equal("", n.Target));
        Assert.EndsWith("normalize(source_str=\"[Bearbeiten | Quelltext bearbeiten]\", target_str=\"\")\nnormalize(source_str=\"[edit]\", target_str=\"\")", d.Program);
    }

    [Theory]
    [InlineData("[edit]", true)]
    [InlineData("[Bearbeiten | Quelltext bearbeiten]", true)]
    [InlineData("", false)]
    [InlineData(" ", false)]
    [InlineData("   ", false)]
    [InlineData("say \"hi\"", false)]
    [InlineData("a, b", false)]
    [InlineData("f(x)", false)]
    [InlineData("a=b", false)]
    [InlineData("line\nbreak", false)]
    [InlineData("back\\slash", false)]
    public void NormalizeArgumentSafety(string source, bool safe) => Assert.Equal(safe, ProgramWriter.IsSafeArgument(source));

    [Fact]
    public void UnsafeMarkersAreNeverEmitted()
    {
        // A bracketed edit label glued to a quote or comma would be unsafe only if the marker itself held one; markers
        // are matched exactly, so the program never carries a quote, comma, parenthesis or '='.
        var text = "Intro, \"quoted\"[edit] (see above)=x\nThe council met on Tuesday to discuss the new bridge over the river.";
        foreach (var n in Chunk(text, Tuned).Normalizations) Assert.True(ProgramWriter.IsSafeArgument(n.Source));
    }
}
