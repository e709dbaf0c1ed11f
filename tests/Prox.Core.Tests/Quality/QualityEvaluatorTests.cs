using Prox.Generation;
using Prox.Programs;
using Prox.Quality;
using Prox.Rules;

namespace Prox.Tests.Quality;

public class QualityEvaluatorTests
{
    /// <summary>Writes fixed programs: doc stage drops documents whose first line is "DROP"; chunk stage removes lines 0–1.</summary>
    private sealed class FixedGenerator : IProgramGenerator
    {
        public string Name => "fixed";
        public bool UsesTokenChunks => false;
        public IReadOnlyList<string> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default) =>
            requests.Select(r => r.Stage == ProgramStage.Doc
                ? (r.DocumentText.StartsWith("DROP", StringComparison.Ordinal) ? "drop_doc()" : "keep_doc()")
                : "remove_lines(line_start=0, line_end=1)\nnormalize(source_str=\"river\", target_str=\"stream\")").ToArray();
        public void Dispose() { }
    }

    private const string Long = "the ferry men walked down to the river and checked the ropes before noon";

    // Document 1: lines 0-1 removed by the chunk program; labels [0, 1, 1, 0, null].
    // Document 2: dropped at the doc stage; labels [1, 0, 1].
    private static readonly LabelledDocument[] Docs =
    [
        new(["menu", "Breaking news", Long, Long + " again", Long + " twice"], [false, true, true, false, null]),
        new(["DROP", Long, Long], [true, false, true]),
    ];

    [Fact]
    public void CountsEveryClassExactly()
    {
        var r = QualityEvaluator.Evaluate(Docs, new FixedGenerator());
        // kept: doc1 lines 2,3 (labels 1,0); removed: doc1 lines 0,1 (0,1), doc2 all (1,0,1).
        Assert.Equal(1, r.TrueKeep);
        Assert.Equal(1, r.FalseKeep);
        Assert.Equal(2, r.TrueRemove);
        Assert.Equal(3, r.FalseRemove);
        Assert.Equal(7, r.Lines);
        Assert.Equal(2, r.Documents);
        Assert.Equal(1, r.DroppedDocuments);
        Assert.Equal(0.5, r.KeepPrecision, 12);
        Assert.Equal(0.25, r.KeepRecall, 12);
        Assert.Equal(1.0 / 3, r.KeepF1, 12);
        Assert.Equal(r.KeepF1, r.F1);
        Assert.Equal(0.4, r.RemovePrecision, 12);
        Assert.Equal(2.0 / 3, r.RemoveRecall, 12);
        Assert.Equal(0.5, r.RemoveF1, 12);
        Assert.Equal(3.0 / 7, r.Accuracy, 12);
        Assert.Equal(2.0 / 7, r.KeptFraction, 12);
        Assert.Equal(4.0 / 7, r.LabelledKeepFraction, 12);
        Assert.Equal(2 * (4.0 / 7) / (1 + 4.0 / 7), r.BaselineF1, 12);
        Assert.Equal("Doc,Chunk", r.Stages);
        Assert.Equal("fixed", r.Backend);
    }

    [Fact]
    public void ChunkStageAloneIgnoresDocPrograms()
    {
        var r = QualityEvaluator.Evaluate(Docs, new FixedGenerator(), new QualityOptions { DocStage = false });
        // Doc 2 now only loses lines 0-1 (labels 1, 0); line 2 (label 1) is kept.
        Assert.Equal(0, r.DroppedDocuments);
        Assert.Equal(2, r.TrueKeep);
        Assert.Equal(1, r.FalseKeep);
        Assert.Equal(2, r.TrueRemove);
        Assert.Equal(2, r.FalseRemove);
        Assert.Equal("Chunk", r.Stages);
    }

    [Fact]
    public void ExecutorDropRuleCountsAsRemovingEveryLine()
    {
        // Removing lines 0-1 leaves 3 words (≤ 10): the executor drops the document.
        var doc = new LabelledDocument(["menu of the page", "more menu items here", "a short tail"], [false, false, true]);
        var r = QualityEvaluator.Evaluate([doc], new FixedGenerator(), new QualityOptions { DocStage = false });
        Assert.Equal(1, r.DroppedDocuments);
        Assert.Equal(0, r.TrueKeep);
        Assert.Equal(1, r.FalseRemove);
    }

    [Fact]
    public void TokenChunkedGeneratorsNeedAChunker()
    {
        var e = Assert.Throws<NotSupportedException>(() => QualityEvaluator.Evaluate(Docs, new TokenChunked()));
        Assert.Contains("ChunkRequests", e.Message);
    }

    private sealed class TokenChunked : IProgramGenerator
    {
        public string Name => "lm";
        public bool UsesTokenChunks => true;
        public IReadOnlyList<string> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default) =>
            requests.Select(_ => "keep_doc()").ToArray();
        public void Dispose() { }
    }

    [Fact]
    public void EvaluatesAFileThroughTheRules()
    {
        var path = Path.Combine(Path.GetTempPath(), $"prox-quality-{Guid.NewGuid():N}.jsonl");
        var good = "The council met on Tuesday to discuss the new bridge over the river and its cost.";
        File.WriteAllText(path,
            "{\"text\": [\"Home | News | Sports | Weather\", \"" + good + "\", \"||\", \"" + good + "\"], \"labels\": [\"0\", \"1\", \"0\", \"1\"]}\n");
        try
        {
            var r = QualityEvaluator.Evaluate(path, new RulesRefiner());
            Assert.Equal(path, r.Path);
            Assert.Equal(1.0, r.F1);
            Assert.Equal(1.0, r.RemoveF1);
            Assert.Equal(1.0, r.Accuracy);
            Assert.Equal(0.5, r.KeptFraction);
        }
        finally { File.Delete(path); }
    }
}
