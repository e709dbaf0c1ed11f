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
        public GeneratorSpec Spec { get; } = new("fixed");
        public IReadOnlyList<ProgramResult> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default) =>
            requests.Select(r => new ProgramResult(r.Stage == ProgramStage.Doc
                ? (r.DocumentText.StartsWith("DROP", StringComparison.Ordinal) ? "drop_doc()" : "keep_doc()")
                : "remove_lines(line_start=0, line_end=1)\nnormalize(source_str=\"river\", target_str=\"stream\")")).ToArray();
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
    public void AveragesEachDocumentsScoresOverDocumentsWithAKeepLabel()
    {
        // Doc 1: kept lines 2,3 → TK 1, FK 1, FR 1 (line 1): P 0.5, R 0.5, F1 0.5. Doc 2 dropped: TK 0, FR 2: P 0, R 0, F1 0.
        // Doc 3 has no line labelled keep: not averaged (but pooled).
        LabelledDocument[] docs = [.. Docs, new(["menu", "more", Long], [false, false, false])];
        var r = QualityEvaluator.Evaluate(docs, new FixedGenerator());
        Assert.Equal(2, r.AveragedDocuments);
        Assert.Equal(0.25, r.PageAveragedKeepPrecision, 12);
        Assert.Equal(0.25, r.PageAveragedKeepRecall, 12);
        Assert.Equal(0.25, r.PageAveragedKeepF1, 12);
        Assert.Equal(2, r.FalseKeep);  // doc 3's last line is kept and labelled remove
    }

    [Fact]
    public void ReadsTheReadabilityPagesFormat()
    {
        var jsonl = """
            {"id": "page-a", "url": "https://example.org/a", "lines": ["Title", "", "Body text of the page."], "labels": [0, null, 1], "gold": "Body text of the page."}
            {"id": 7, "lines": ["Only line"], "labels": [1], "gold_token_recall": 1.0}
            """;
        var docs = LabelledFile.Parse(jsonl, "pages.jsonl");
        Assert.Equal(2, docs.Count);
        Assert.Equal("page-a", docs[0].Id);
        Assert.Equal("https://example.org/a", docs[0].Url);
        Assert.Equal([false, null, true], docs[0].Keep);
        Assert.Equal("7", docs[1].Id);
        Assert.Equal("", docs[1].Url);
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
    public void Token_chunked_generators_are_evaluated_chunk_by_chunk()
    {
        // A generator that plans one request per line: the evaluation runs its plan, not a copy of the pipeline.
        var r = QualityEvaluator.Evaluate(Docs, new PerLine(), new QualityOptions { DocStage = false });
        // Lines under 20 characters are removed by their own request: "menu", "Breaking news" (document 1) and "DROP"
        // (document 2). Document 1: TR, FR, TK, FK; document 2: FR, FK, TK.
        Assert.Equal(0, r.DroppedDocuments);
        Assert.Equal(2, r.TrueKeep);
        Assert.Equal(2, r.FalseKeep);
        Assert.Equal(1, r.TrueRemove);
        Assert.Equal(2, r.FalseRemove);
    }

    /// <summary>Plans one chunk request per line and removes lines shorter than 20 characters.</summary>
    private sealed class PerLine : IProgramGenerator
    {
        public GeneratorSpec Spec { get; } = new("per-line");
        public IReadOnlyList<ProgramRequest> Plan(ProgramStage stage, string text, int lineCount, string? documentId = null) =>
            stage == ProgramStage.Doc ? [new ProgramRequest(stage, text, 0, lineCount)]
                : Enumerable.Range(0, lineCount).Select(i => new ProgramRequest(stage, text, i, 1, i)).ToArray();
        public IReadOnlyList<ProgramResult> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default) =>
            requests.Select(r => new ProgramResult(r.Stage == ProgramStage.Doc ? "keep_doc()"
                : r.Slice.Span.TrimEnd('\n').Length < 20 ? $"remove_lines(line_start={r.FirstLine}, line_end={r.FirstLine})" : "keep_chunk()")).ToArray();
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
