using Prox.Rules;
using static Prox.Tests.Rules.RulesTestDocs;

namespace Prox.Tests.Rules;

public class DocumentRulesTests
{
    [Fact]
    public void CleanProseKeepsUnderEveryPublishedPreset()
    {
        foreach (var preset in new[] { RulesOptions.Gopher, RulesOptions.C4, RulesOptions.FineWeb, RulesOptions.ProxRules })
        {
            var d = Doc(Prose, preset);
            Assert.Empty(d.DocumentFindings);
            Assert.Equal("keep_doc()", d.Program);
            Assert.False(d.DropDocument);
        }
    }

    [Fact]
    public void GopherDropsTooFewWordsAndReportsValueAndThreshold()
    {
        var d = Doc("Only a handful of words here, and that is all of it.", RulesOptions.Gopher);
        Assert.Equal("drop_doc()", d.Program);
        var f = Assert.Single(d.DocumentFindings, f => f.Rule == "gopher.min_words");
        Assert.Equal(12, f.Value);
        Assert.Equal("<", f.Comparison);
        Assert.Equal(50, f.Threshold);
    }

    [Fact]
    public void GopherMeanWordLengthSymbolRatioAndAlphabeticWords()
    {
        var longWords = string.Join(' ', Enumerable.Repeat("internationalization with the counterrevolutionaries", 30));
        Assert.Contains("gopher.mean_word_length", Fired(Doc(longWords, RulesOptions.Gopher)));

        var tags = Prose + "\n" + string.Join(' ', Enumerable.Range(0, 20).Select(i => "#tag" + i));
        Assert.Contains("gopher.symbol_word_ratio", Fired(Doc(tags, RulesOptions.Gopher)));

        var numbers = Prose + "\n" + string.Join(' ', Enumerable.Range(1000, 120).Select(i => i.ToString()));
        Assert.Contains("gopher.alphabetic_words", Fired(Doc(numbers, RulesOptions.Gopher)));
    }

    [Fact]
    public void GopherBulletAndEllipsisLines()
    {
        var bullets = string.Join('\n', Enumerable.Range(0, 12).Select(i => $"- item number {i} of the list that the shop has in the window and the"));
        Assert.Contains("gopher.bullet_lines", Fired(Doc(bullets, RulesOptions.Gopher)));

        var teasers = string.Join('\n', Enumerable.Range(0, 10).Select(i => $"Story {i}: the mayor of the town said that the bridge will be..."));
        Assert.Contains("gopher.ellipsis_lines", Fired(Doc(teasers, RulesOptions.Gopher)));
    }

    [Fact]
    public void GopherStopWordsAreEnglishOnlyAndCanBeSwitchedOff()
    {
        var german = string.Join(' ', Enumerable.Repeat("Die Stadt am Fluss erwachte langsam an einem grauen Morgen.", 8));
        Assert.Contains("gopher.stop_words", Fired(Doc(german, RulesOptions.Gopher)));
        Assert.DoesNotContain("gopher.stop_words", Fired(Doc(german, RulesOptions.Gopher with { MinStopWords = 0 })));
    }

    [Fact]
    public void GopherRepetitionFindsDuplicateLinesParagraphsAndNGrams()
    {
        var repeated = Prose + "\n\n" + string.Join("\n\n", Enumerable.Repeat("Buy cheap watches today at the best price online now", 6));
        var rules = Fired(Doc(repeated, RulesOptions.Gopher));
        Assert.Contains("gopher.duplicate_lines", rules);
        Assert.Contains("gopher.duplicate_paragraphs", rules);
        Assert.Contains("gopher.duplicate_5gram_chars", rules);

        var chant = Prose + " " + string.Join(' ', Enumerable.Repeat("go team", 40));
        Assert.Contains("gopher.top_2gram_chars", Fired(Doc(chant, RulesOptions.Gopher)));
    }

    [Fact]
    public void C4DocumentRules()
    {
        Assert.Contains("c4.lorem_ipsum", Fired(Doc(Prose + "\nLorem ipsum dolor sit amet, consectetur adipiscing elit.", RulesOptions.C4)));
        Assert.Contains("c4.curly_bracket", Fired(Doc(Prose + "\nfunction f() { return 1; }", RulesOptions.C4)));
        // Lines without terminal punctuation do not count as sentences after the C4 line rules.
        var menu = "Home page of the club\nNews from the club\nContact the club\nOne sentence here.";
        var f = Assert.Single(Doc(menu, RulesOptions.C4).DocumentFindings, f => f.Rule == "c4.min_sentences");
        Assert.Equal(1, f.Value);
        // ProxRules drops lorem ipsum only.
        Assert.Equal(["prox.lorem_ipsum"], Fired(Doc(Prose + "\nlorem ipsum dolor sit amet.", RulesOptions.ProxRules)));
    }

    [Fact]
    public void FineWebRules()
    {
        var list = string.Join('\n', Enumerable.Range(0, 30).Select(i => $"Product {i} blue"));
        var rules = Fired(Doc(list, RulesOptions.FineWeb));
        Assert.Contains("fineweb.punctuated_lines", rules);
        Assert.Contains("fineweb.short_lines", rules);
        Assert.Contains("fineweb.newline_ratio", rules);

        var dup = Prose + "\n" + string.Join('\n', Enumerable.Repeat("Subscribe to the newsletter of the river town for weekly news.", 3));
        Assert.Contains("fineweb.duplicated_line_chars", Fired(Doc(dup, RulesOptions.FineWeb)));
    }
}
