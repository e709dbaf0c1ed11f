using Prox.Generation;
using Prox.Programs;
using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>Corpus line counts (count-min sketch of normalized line hashes) and the <c>prox.corpus_repeated</c> rule.</summary>
public class CorpusLineCountsTests
{
    private static List<string> Documents(int count, int seed)
    {
        var random = new Random(seed);
        string Word() => new(Enumerable.Range(0, random.Next(3, 9)).Select(_ => (char)('a' + random.Next(26))).ToArray());
        var docs = new List<string>();
        for (int d = 0; d < count; d++)
        {
            var lines = new List<string> { "Our weekly picks for you", $"Story about the {Word()} bridge and the {Word()} river." };
            for (int i = 0; i < 5; i++) lines.Add($"The {Word()} of the {Word()} met the {Word()} on day {random.Next(30)}.");
            if (d % 2 == 0) lines.Add("Filed by the editors on 12 May 2019");
            docs.Add(string.Join('\n', lines));
        }
        return docs;
    }

    [Fact]
    public void CountsDocumentsNotOccurrences()
    {
        var counts = new CorpusLineCounts(log2Width: 12);
        counts.AddDocument("Subscribe now\nSubscribe now\nSubscribe now\nA line of its own");
        counts.AddDocument("Subscribe now\nAnother line");
        Assert.Equal(2, counts.Documents);
        Assert.Equal(2, counts.Estimate("Subscribe now"));
        Assert.Equal(1, counts.Estimate("A line of its own"));
        Assert.Equal(0, counts.Estimate("never seen"));
    }

    [Fact]
    public void NormalizesCaseDigitsSpaceAndPunctuation()
    {
        Assert.Equal(CorpusLineCounts.LineHash("Posted on 12 May 2019"), CorpusLineCounts.LineHash("  posted ON 34 may 2020!"));
        Assert.NotEqual(CorpusLineCounts.LineHash("Posted on 12 May 2019"), CorpusLineCounts.LineHash("Posted in 12 May 2019"));
        Assert.Equal(0UL, CorpusLineCounts.LineHash(" | — | "));
        Assert.Equal(CorpusLineCounts.LineHash("Über uns"), CorpusLineCounts.LineHash("über UNS"));
    }

    [Fact]
    public void TheSameNumbersOnAnyNumberOfThreadsAndAfterMerging()
    {
        var docs = Documents(400, 7);
        var one = new CorpusLineCounts(log2Width: 10, depth: 3);
        foreach (var d in docs) one.AddDocument(d);
        var many = new CorpusLineCounts(log2Width: 10, depth: 3);
        Parallel.ForEach(docs.AsEnumerable().Reverse(), new ParallelOptions { MaxDegreeOfParallelism = 4 }, many.AddDocument);
        var merged = new CorpusLineCounts(log2Width: 10, depth: 3);
        var half = new CorpusLineCounts(log2Width: 10, depth: 3);
        for (int i = 0; i < docs.Count; i++) (i % 2 == 0 ? merged : half).AddDocument(docs[i]);
        merged.Merge(half);
        Assert.Equal(docs.Count, many.Documents);
        Assert.Equal(docs.Count, merged.Documents);
        foreach (var line in docs.SelectMany(d => d.Split('\n')))
        {
            Assert.Equal(one.Estimate(line), many.Estimate(line));
            Assert.Equal(one.Estimate(line), merged.Estimate(line));
        }
        // Never below the true count (a sketch only overestimates).
        Assert.InRange(one.Estimate("Our weekly picks for you"), docs.Count, int.MaxValue);
        Assert.InRange(one.Estimate("Filed by the editors on 34 May 2020"), docs.Count / 2, int.MaxValue);  // digits normalized
        Assert.Throws<ArgumentException>(() => one.Merge(new CorpusLineCounts(log2Width: 11, depth: 3)));
    }

    [Fact]
    public void TheRefinerRemovesLinesManyDocumentsHold()
    {
        var docs = Documents(6, 3);
        var counts = new CorpusLineCounts(log2Width: 12);
        foreach (var d in docs) counts.AddDocument(d);
        using var rules = new RulesRefiner(RulesOptions.ProxRules, counts);
        var text = docs[0];
        var decision = rules.Explain(new ProgramRequest(ProgramStage.Chunk, text, 0, RulesTestDocs.LineCount(text)));
        var lines = text.Split('\n');
        var repeated = decision.RemovedLines.Where(l => l.Rule == "prox.corpus_repeated").Select(l => lines[l.Line]).ToArray();
        Assert.Contains("Our weekly picks for you", repeated);
        Assert.Contains("Filed by the editors on 12 May 2019", repeated);  // docs 0, 2 and 4
        Assert.DoesNotContain(lines[1], repeated);
        // Without counts, or with the rule off, nothing is removed for it.
        Assert.DoesNotContain(RulesTestDocs.Chunk(text, RulesOptions.ProxRules).RemovedLines, l => l.Rule == "prox.corpus_repeated");
        using var off = new RulesRefiner(RulesOptions.ProxRules with { CorpusLineMinDocuments = 0 }, counts);
        Assert.DoesNotContain(off.Explain(new ProgramRequest(ProgramStage.Chunk, text, 0, lines.Length)).RemovedLines,
            l => l.Rule == "prox.corpus_repeated");
    }

    [Fact]
    public void ForDocumentsSizesTheSketchToTheWorkUnit()
    {
        Assert.Equal(1 << 8, CorpusLineCounts.ForDocuments(0, 0).Width);   // at least 2^8
        Assert.Equal(1 << 10, CorpusLineCounts.ForDocuments(1).Width);
        Assert.Equal(1 << 20, CorpusLineCounts.ForDocuments(1000, 64).Width);   // 16 × 64,000 = 1,024,000 ≤ 2^20
        Assert.Equal(1 << 21, CorpusLineCounts.ForDocuments(1100, 64).Width);
        Assert.Equal(1 << 28, CorpusLineCounts.ForDocuments(int.MaxValue, 1000).Width);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CorpusLineCounts(log2Width: 7));
    }
}
