using Prox.Generation;
using Prox.Programs;
using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>The main-block rule for whole pages (<c>prox.outside_main_block</c>) and its language cues.</summary>
public class PageContextTests
{
    private static readonly string[] Paragraphs =
    [
        "The council met on Tuesday evening to discuss the new bridge over the river, and most of the town came to listen.",
        "Engineers said that the old crossing had been closed twice this winter because the water rose higher than before.",
        "The mayor told the room that the money would come from the regional budget and from a loan that the bank offered.",
        "Several farmers asked whether the heavy trucks that carry their grain to the mill would still be able to use it.",
        "The answer was that the new bridge would carry more weight than the old one, and that work would start in spring.",
        "After the meeting the members of the council walked down to the water to look at the place where it would stand.",
    ];

    /// <summary>
    /// A rendered page (blank lines between blocks, as an HTML-to-text render gives): title, a menu of one-word lines,
    /// the article (with a heading), a teaser after a list of section links, a footer.
    /// </summary>
    private static (string Text, int ArticleFirst, int ArticleLast, int Heading) Page()
    {
        var lines = new List<string> { "New bridge for the town - The Valley Times", "" };
        foreach (var item in new[] { "Home", "News", "Sport", "Weather", "Culture", "Opinion", "Video", "Jobs", "Cars", "Homes",
                     "Travel", "Food", "Health", "Science", "Money", "Games", "Music", "Books", "Film", "Garden", "Pets", "Letters",
                     "Puzzles", "Events", "Archive", "Podcasts" })
            lines.Add(item);
        lines.Add("");
        lines.Add("Subscribe Sign In");
        lines.Add("");
        int first = lines.Count;
        for (int i = 0; i < Paragraphs.Length; i++)
        {
            if (i == 3) lines.AddRange(["What the farmers asked", ""]);
            lines.Add(Paragraphs[i]);
            lines.Add("");
        }
        int heading = first + 6;
        int last = lines.Count - 2;
        foreach (var item in new[] { "Related", "More news", "Most read", "Local", "World", "Business", "Schools", "Roads", "Rail",
                     "Farming", "Courts", "Elections" })
            lines.Add(item);
        lines.Add("");
        lines.Add("Storm closes the coast road for the third time this month");
        lines.Add("");
        lines.Add("Drivers were told to expect delays until the weekend while crews clear the fallen trees from the road.");
        lines.Add("");
        foreach (var item in new[] { "About us", "Contact", "Advertise", "Careers", "Help" }) lines.Add(item);
        lines.Add("© 2024 The Valley Times. All rights reserved.");
        return (string.Join('\n', lines), first, last, heading);
    }

    [Fact]
    public void KeepsTheArticleAndRemovesWhatLiesOutsideIt()
    {
        var (text, first, last, heading) = Page();
        var d = RulesTestDocs.Chunk(text, RulesOptions.ProxRules);
        var lines = text.Split('\n');
        var removed = d.RemovedLines.ToDictionary(l => l.Line, l => l.Rule);
        for (int i = first; i <= last; i++)
            Assert.False(removed.ContainsKey(i), $"article line {i} removed: {lines[i]}");
        Assert.False(removed.ContainsKey(heading));
        // The title and the teaser after the article are prose-like but outside the main block.
        Assert.True(removed.ContainsKey(0), string.Join("\n", lines.Select((l, i) => $"{i} {(removed.TryGetValue(i, out var r) ? r : "-")} {l}")));
        Assert.Equal(PageContext.Rule, removed[0]);
        int teaser = Array.IndexOf(lines, "Drivers were told to expect delays until the weekend while crews clear the fallen trees from the road.");
        Assert.Equal(PageContext.Rule, removed[teaser]);
        for (int i = 0; i < lines.Length; i++)
            if ((i < first || i > last) && lines[i].Trim().Length > 0) Assert.True(removed.ContainsKey(i), $"line {i} kept: {lines[i]}");
        // Without the page rule the teaser and the title stay.
        var plain = RulesTestDocs.Chunk(text, RulesOptions.ProxRules with { PageContext = false });
        Assert.DoesNotContain(plain.RemovedLines, l => l.Line == teaser || l.Line == 0);
    }

    [Fact]
    public void EveryRemoveLinesRangeHasOneRule()
    {
        var (text, _, _, _) = Page();
        var d = RulesTestDocs.Chunk(text, RulesOptions.ProxRules);
        var ops = d.Program.Split('\n').Where(l => l.StartsWith("remove_lines", StringComparison.Ordinal)).ToArray();
        Assert.Equal(d.RemovedRanges.Count, ops.Length);
        for (int k = 0; k < ops.Length; k++)
        {
            var range = d.RemovedRanges[k];
            Assert.Equal($"remove_lines(line_start={range.FirstLine}, line_end={range.LastLine})", ops[k]);
            for (int i = range.FirstLine; i <= range.LastLine; i++)
                Assert.Equal(range.Rule, d.RemovedLines.Single(l => l.Line == i).Rule);
        }
        // Ranges of different rules touch (a menu removed by prox.short_run next to the title outside the block).
        Assert.Contains(d.RemovedRanges.Zip(d.RemovedRanges.Skip(1)), p => p.First.LastLine + 1 == p.Second.FirstLine);
        // The result the pipeline records labels each operation with exactly its range's rule.
        var labels = d.ToResult().OperationLabels!;
        Assert.Equal(d.RemovedRanges.Select(r => r.Rule), labels.Take(ops.Length));
        var executed = ProgramExecutor.Execute(text, d.Program, ProgramStage.Chunk);
        Assert.Equal(d.RemovedLines.Select(l => l.Line).Order(), executed.RemovedLines.Order());
    }

    [Fact]
    public void AChunkRequestRemovesOnlyItsOwnLinesButSeesTheWholePage()
    {
        var (text, _, _, _) = Page();
        var whole = RulesTestDocs.Chunk(text, RulesOptions.ProxRules);
        int lines = RulesTestDocs.LineCount(text);
        var part = new RulesRefiner().Explain(new ProgramRequest(ProgramStage.Chunk, text, 10, 20));
        Assert.Equal(whole.RemovedLines.Where(l => l.Line is >= 10 and < 30), part.RemovedLines);
        Assert.True(lines > 30);
    }

    [Fact]
    public void ShortFragmentsAndTextWithoutBlockBreaksAreLeftToTheLineRules()
    {
        var (text, _, _, _) = Page();
        // Without blank lines the page has no block breaks: the rule does not apply.
        var noBreaks = string.Join('\n', text.Split('\n').Where(l => l.Length > 0));
        Assert.DoesNotContain(RulesTestDocs.Chunk(noBreaks, RulesOptions.ProxRules).RemovedLines, l => l.Rule == PageContext.Rule);
        // Fewer than PageMinLines non-blank lines: neither.
        Assert.DoesNotContain(RulesTestDocs.Chunk(text, RulesOptions.ProxRules with { PageMinLines = 100 }).RemovedLines,
            l => l.Rule == PageContext.Rule);
    }

    [Fact]
    public void APageWithoutProseIsLeftToTheLineRules()
    {
        var lines = Enumerable.Range(0, 60).Select(i => i % 2 == 0 ? $"Item number {i}" : "").ToArray();
        var d = RulesTestDocs.Chunk(string.Join('\n', lines), RulesOptions.ProxRules);
        Assert.DoesNotContain(d.RemovedLines, l => l.Rule == PageContext.Rule);
    }

    [Theory]
    [InlineData("这是一个关于新桥的很长的句子", 7, 1)]          // 14 ideographs, no spaces: 7 words
    [InlineData("Prox 是一个程序", 3, 2)]                       // one Latin word + 5 ideographs: 1 + 2.5
    [InlineData("plain words only here", 4, 4)]
    public void WordUnitsCountTwoNoSpaceCharactersAsAWord(string line, double expectedAtLeast, int whitespaceWords)
    {
        double w = PageContext.WordUnits(line, whitespaceWords);
        Assert.InRange(w, expectedAtLeast, expectedAtLeast + 0.5);
    }

    [Theory]
    [InlineData("The council said that the bridge will be built in the spring, and the work has been planned.", "en")]
    [InlineData("Der Rat hat gesagt, dass die Brücke im Frühjahr gebaut wird und die Arbeit auf dem Plan ist.", "de")]
    [InlineData("El consejo dijo que el puente se construirá en la primavera y que las obras ya están en marcha.", "es")]
    [InlineData("Valtuusto sanoi, että silta rakennetaan keväällä ja että työ on jo suunniteltu, mutta se ei ole varmaa.", "fi")]
    [InlineData("Le conseil a dit que le pont sera construit au printemps et que les travaux sont déjà prévus pour la ville.", "fr")]
    [InlineData("Rådet sa att bron ska byggas på våren och att arbetet är planerat, men det är inte klart än.", "sv")]
    public void StopWordsPickTheLanguageOfASentence(string sentence, string language)
    {
        Span<int> counts = stackalloc int[StopWords.Languages.Length];
        counts.Clear();
        int tokens = StopWords.Count(sentence, counts);
        Assert.True(tokens > 10);
        int best = 0;
        for (int k = 1; k < counts.Length; k++) if (counts[k] > counts[best]) best = k;
        Assert.Equal(language, StopWords.Languages[best]);
    }

    [Fact]
    public void StopWordLookupIgnoresCaseAndTakesSpans()
    {
        Assert.NotEqual(0, StopWords.Of("THE"));
        Assert.NotEqual(0, StopWords.Of("Für".AsSpan()));
        Assert.Equal(0, StopWords.Of("bridge"));
        // "de" is a stop word of Spanish, French and Swedish.
        int bits = StopWords.Of("de");
        Assert.Equal(3, System.Numerics.BitOperations.PopCount((uint)bits));
    }
}
