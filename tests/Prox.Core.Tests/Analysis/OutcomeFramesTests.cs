using Microsoft.Data.Analysis;
using Prox.Analysis;
using Prox.Refinement;

namespace Prox.Tests.Analysis;

public class OutcomeFramesTests(AnalysisFixture fixture) : IClassFixture<AnalysisFixture>
{
    private static long Sum(DataFrame f, string column, Func<long, bool>? rows = null)
    {
        long s = 0;
        for (long i = 0; i < f.Rows.Count; i++)
            if (rows is null || rows(i)) s += Convert.ToInt64(f[column][i]);
        return s;
    }

    private static long Where(DataFrame f, string column, string value, string sumOf)
    {
        long s = 0;
        for (long i = 0; i < f.Rows.Count; i++)
            if ((string)f[column][i] == value) s += Convert.ToInt64(f[sumOf][i]);
        return s;
    }

    [Fact]
    public void The_document_frame_has_one_row_per_document_and_its_totals_equal_the_summary()
    {
        var run = RunAnalysis.Open(fixture.RulesPath);
        var summary = RunSummary.Load(Path.Combine(fixture.RulesPath, RunSummary.FileName));
        var docs = OutcomeFrames.Documents([run]);
        Assert.True(summary.DocumentsQuarantined > 0);
        Assert.Equal(summary.DocumentsIn - summary.DocumentsQuarantined, docs.Rows.Count);
        Assert.Equal(summary.DocumentsOut, Enumerable.Range(0, (int)docs.Rows.Count).Count(i => (bool)docs["kept"][i]));
        Assert.Equal(summary.TokensIn, Sum(docs, "tokens_in"));
        Assert.Equal(summary.TokensOut, Sum(docs, "tokens_out"));
        Assert.Equal(summary.CharactersIn, Sum(docs, "chars_in"));
        Assert.Equal(summary.CharactersOut, Sum(docs, "chars_out"));
        Assert.Equal(summary.WordsOut, Sum(docs, "words_out"));
        Assert.Equal(summary.Doc!.LinesRemoved + summary.Chunk!.LinesRemoved, Sum(docs, "lines_removed"));
        foreach (var (fn, n) in summary.Doc.Operations.Concat(summary.Chunk.Operations).GroupBy(kv => kv.Key).Select(g => (g.Key, g.Sum(kv => kv.Value))))
            Assert.Equal(n, Sum(docs, OutcomeFrames.OperationColumnPrefix + fn));
        var dropped = Enumerable.Range(0, (int)docs.Rows.Count).Where(i => !(bool)docs["kept"][i]).ToList();
        Assert.All(dropped, i => Assert.NotEqual("", (string)docs["drop_reason"][i]));
        Assert.All(Enumerable.Range(0, (int)docs.Rows.Count), i => Assert.Equal("rules:ProxRules", (string)docs["doc_generator"][i]));
        Assert.All(Enumerable.Range(0, (int)docs.Rows.Count), i =>
            Assert.Equal((string)docs["drop_stage"][i] == "Doc" ? "" : "rules:ProxRules", (string)docs["chunk_generator"][i]));
        Assert.All(Enumerable.Range(0, (int)docs.Rows.Count), i => Assert.Null(docs["score"][i]));
    }

    [Fact]
    public void The_stage_table_equals_the_summary_per_stage()
    {
        var run = RunAnalysis.Open(fixture.RulesPath);
        var s = run.Summary;
        var stages = OutcomeFrames.Stages([run]);
        Assert.Equal(["Input", "Doc", "Chunk", "Output"], Enumerable.Range(0, (int)stages.Rows.Count).Select(i => (string)stages["stage"][i]));
        foreach (var (row, stat) in new[] { (1, s.Doc!), (2, s.Chunk!) })
        {
            Assert.Equal(stat.DocumentsIn, (long)stages["documents_in"][row]);
            Assert.Equal(stat.DocumentsOut, (long)stages["documents_out"][row]);
            Assert.Equal(stat.DocumentsDropped, (long)stages["documents_dropped"][row]);
            Assert.Equal(stat.TokensIn, (long)stages["tokens_in"][row]);
            Assert.Equal(stat.TokensOut, (long)stages["tokens_out"][row]);
            Assert.Equal(stat.CharactersOut, (long)stages["chars_out"][row]);
            Assert.Equal(stat.LinesRemoved, (long)stages["lines_removed"][row]);
        }
        Assert.Equal(s.DocumentsOut, (long)stages["documents_out"][3]);
        Assert.Equal(s.TokensOut, (long)stages["tokens_out"][3]);
        Assert.Equal(s.TokenRetention, (double)stages["token_retention"][3], 12);
    }

    [Fact]
    public void The_file_table_equals_the_unit_markers_quarantined_records_included()
    {
        var run = RunAnalysis.Open(fixture.RulesPath);
        var files = OutcomeFrames.Files([run]);
        Assert.Equal(2, files.Rows.Count);
        foreach (var marker in run.Files)
        {
            var name = Path.GetFileName(marker.Input);
            var i = Enumerable.Range(0, (int)files.Rows.Count).Single(r => (string)files["file"][r] == name);
            Assert.Equal(marker.DocumentsIn, (long)files["documents_in"][i]);
            Assert.Equal(marker.DocumentsOut, (long)files["documents_out"][i]);
            Assert.Equal(marker.DocumentsDropped, (long)files["documents_dropped"][i]);
            Assert.Equal(marker.DocumentsQuarantined, (long)files["documents_quarantined"][i]);
            Assert.Equal(marker.TokensIn, (long)files["tokens_in"][i]);
            Assert.Equal(marker.TokensOut, (long)files["tokens_out"][i]);
            Assert.Equal(marker.DocumentRetention, (double)files["document_retention"][i], 12);
        }
        Assert.Equal(1, Where(files, "file", "small.jsonl", "documents_quarantined"));
    }

    [Fact]
    public void Operations_drop_reasons_and_removed_lines_add_up_to_the_summary()
    {
        var run = RunAnalysis.Open(fixture.RulesPath);
        var s = run.Summary;
        var ops = OutcomeFrames.Operations([run]);
        foreach (var (stage, stat) in new[] { ("Doc", s.Doc!), ("Chunk", s.Chunk!) })
            foreach (var (fn, n) in stat.Operations)
            {
                var i = Enumerable.Range(0, (int)ops.Rows.Count).Single(r => (string)ops["stage"][r] == stage && (string)ops["function"][r] == fn);
                Assert.Equal(n, (long)ops["calls"][i]);
            }
        var drops = OutcomeFrames.DropReasons([run]);
        Assert.Equal(s.DocumentsDropped, Sum(drops, "documents"));
        foreach (var (stage, stat) in new[] { ("Doc", s.Doc!), ("Chunk", s.Chunk!) })
            foreach (var (reason, n) in stat.DropReasons)
                Assert.Equal(n, Sum(drops, "documents", i => (string)drops["stage"][i] == stage && (string)drops["reason"][i] == reason));
        var labels = OutcomeFrames.RemovedByLabel([run]);
        Assert.Equal(s.Doc!.LinesRemoved + s.Chunk!.LinesRemoved, Sum(labels, "lines"));
        Assert.Contains(Enumerable.Range(0, (int)labels.Rows.Count), i => ((string)labels["label"][i]).StartsWith("prox.", StringComparison.Ordinal));
    }

    [Fact]
    public void Kept_documents_get_their_input_text_back_so_removed_lines_are_lines_of_the_input()
    {
        var run = RunAnalysis.Open(fixture.RulesPath);
        Assert.All(run.Outcomes, o => Assert.NotNull(o.OriginalText));
        var lines = OutcomeFrames.RemovedLines([run], top: 5);
        Assert.InRange(lines.Rows.Count, 1, 5);
        var inputLines = File.ReadAllLines(Path.Combine(fixture.Input, "web-sample.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)
            .SelectMany(t => t.Split('\n')).Select(l => l.Trim()).ToHashSet();
        for (var i = 0; i < lines.Rows.Count; i++)
        {
            Assert.Contains((string)lines["text"][i], inputLines);
            Assert.True((long)lines["removed"][i] >= (long)lines["documents"][i]);
        }
        // Without the inputs, kept documents have only their output; dropped ones still carry their input.
        var bare = RunAnalysis.Open(fixture.RulesPath, readInputs: false);
        Assert.All(bare.Outcomes, o => Assert.Equal(o.Kept, o.OriginalText is null));
    }

    [Fact]
    public void Several_runs_stack_with_a_run_column_and_each_keeps_its_own_totals()
    {
        var runs = new[] { RunAnalysis.Open(fixture.RulesPath), RunAnalysis.Open(fixture.C4Path) };
        var docs = OutcomeFrames.Documents(runs);
        Assert.Equal(runs.Sum(r => r.Outcomes.Count), docs.Rows.Count);
        Assert.Equal(fixture.Rules.TokensOut, Sum(docs, "tokens_out", i => (string)docs["run"][i] == "rules"));
        Assert.Equal(fixture.C4.TokensOut, Sum(docs, "tokens_out", i => (string)docs["run"][i] == "c4"));
        var stages = OutcomeFrames.Stages(runs);
        Assert.Equal(fixture.C4.DocumentsOut, Sum(stages, "documents_out", i => (string)stages["run"][i] == "c4" && (string)stages["stage"][i] == "Output"));
    }

    [Fact]
    public void Outcomes_in_memory_give_the_same_frames_as_the_run_folder()
    {
        var texts = File.ReadLines(Path.Combine(fixture.Input, "web-sample.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToList();
        using var generator = ProgramGenerators.Create("rules:ProxRules");
        var refiner = new DocumentRefiner(generator, new RefineOptions { Tokenizer = "whitespace", Threads = 1 });
        var memory = RunAnalysis.FromOutcomes("memory", refiner.Refine(texts));
        var folder = RunAnalysis.Open(fixture.RulesPath);
        var fileRow = Enumerable.Range(0, folder.Files.Count).Single(i => Path.GetFileName(folder.Files[i].Input) == "web-sample.jsonl");
        Assert.Equal(folder.Files[fileRow].TokensOut, memory.Summary.TokensOut);
        Assert.Equal(folder.Files[fileRow].DocumentsDropped, memory.Summary.DocumentsDropped);
        Assert.Equal(texts.Count, OutcomeFrames.Documents([memory]).Rows.Count);
    }

    [Fact]
    public void A_folder_that_no_run_wrote_is_refused_by_name()
    {
        var empty = Path.Combine(fixture.Root, "not-a-run");
        Directory.CreateDirectory(empty);
        var e = Assert.Throws<InvalidDataException>(() => RunAnalysis.Open(empty));
        Assert.Contains("not-a-run", e.Message);
        Assert.Contains("not a run folder", e.Message);
    }
}
