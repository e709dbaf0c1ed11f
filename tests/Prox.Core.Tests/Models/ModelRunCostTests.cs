using System.Text.Json;
using Prox.Models;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.Tests.Models;

/// <summary>
/// What a model run records about its cost: prompt and generated tokens per stage, the provider, the batch sizes used
/// and the programs that did not parse (count and a few examples), in the summary and the markers (merged by
/// addition), and the progress it reports (documents, prompt and generated tokens per second).
/// </summary>
[Collection(ModelTestSupport.TinyModelSessions)]
public class ModelRunCostTests
{
    private static string Tokenizer => SharedAssets.Require("tokenizers/llama2/tokenizer.model");

    private static LlamaProgramGenerator Open(string dtype, string extra = "") =>
        (LlamaProgramGenerator)ProgramGenerators.Create($"model:{Path.GetDirectoryName(SharedAssets.Require($"models/tiny-llama-{dtype}/model.onnx"))}?provider=Cpu&threads=1&tokenizer={Uri.EscapeDataString(Tokenizer)}{extra}");

    [SkippableFact]
    public void SummaryAndMarkersRecordTokensBatchSizesProviderAndUnparsedPrograms()
    {
        using var tmp = new ModelTestSupport.TempDir();
        var texts = ModelGeneratorTests.ShortCommonCrawl(30, maxChars: 500);
        var input = Path.Combine(tmp.Path, "in");
        Directory.CreateDirectory(input);
        // Two files: two units, two markers, one merged summary.
        for (int f = 0; f < 2; f++)
            File.WriteAllLines(Path.Combine(input, $"part-{f}.jsonl"), texts.Skip(15 * f).Take(15).Select((t, i) => JsonSerializer.Serialize(new { id = $"d{f}-{i}", text = t })));
        using var doc = Open("fp32");
        // Unconstrained: the random model's garbage programs must be counted (the chunk grammar would keep them valid).
        using var chunk = Open("fp32", "&batch_size=4&unconstrained=true");
        var reports = new List<RefineProgress>();
        var refiner = new CorpusRefiner(doc, chunk, new RefineOptions { Threads = 2, BatchSize = 8 });
        var summary = refiner.Run(Directory.GetFiles(input).Order(), Path.Combine(tmp.Path, "out"), new SyncProgress(reports));

        Assert.Equal(30, summary.DocumentsIn);
        var d = summary.Doc!;
        var c = summary.Chunk!;
        Assert.True(d.PromptTokens > 0 && c.PromptTokens > 0 && c.GeneratedTokens >= c.ProgramRequests);
        Assert.Equal(0, d.GeneratedTokens);   // one-pass doc scoring writes nothing
        // Every request is counted under the size of the batch it was decoded in.
        Assert.Equal(d.ProgramRequests, d.BatchSizes.Values.Sum());
        Assert.Contains(d.BatchSizes.Keys, k => int.Parse(k) > 1);   // short documents are scored together
        Assert.Equal(c.ProgramRequests, c.BatchSizes.Values.Sum());
        Assert.Contains(c.BatchSizes.Keys, k => int.Parse(k) > 1);
        Assert.All(c.BatchSizes.Keys, k => Assert.InRange(int.Parse(k), 1, 4));
        // A random model writes garbage: programs that did not parse are counted, with a few examples.
        Assert.InRange(c.ProgramsUnparsed, 1, c.Programs);
        Assert.Equal(Math.Min(StageStatistics.MaxUnparsedExamples, c.ProgramsUnparsed), c.UnparsedExamples.Count);
        Assert.All(c.UnparsedExamples, e => Assert.Matches(@"^d\d-\d+: \d+:\d+: error PX\d+", e));
        Assert.Equal("CPU", summary.ChunkGenerator!.Options["model.provider"]);
        Assert.Equal("CPU", summary.DocGenerator!.Options["model.provider"]);

        // The summary is the merge of the markers, and reads back the same.
        var again = RunSummary.Load(Path.Combine(tmp.Path, "out", RunSummary.FileName));
        Assert.Equal(c.ProgramsUnparsed, again.Chunk!.ProgramsUnparsed);
        Assert.Equal(c.UnparsedExamples, again.Chunk.UnparsedExamples);
        Assert.Equal(c.BatchSizes, again.Chunk.BatchSizes);
        Assert.Equal(c.GeneratedTokens, again.Chunk.GeneratedTokens);
        var files = summary.Files;
        Assert.Equal(2, files.Count);
        Assert.Equal(c.ProgramsUnparsed, files.Sum(f => f.Chunk!.ProgramsUnparsed));
        Assert.Equal(c.ProgramRequests, files.Sum(f => f.Chunk!.BatchSizes.Values.Sum()));

        // Progress: documents and the models' tokens, with rates.
        var last = reports[^1];
        Assert.Equal(30, last.Documents);
        Assert.Equal(d.PromptTokens + c.PromptTokens, last.PromptTokens);
        Assert.Equal(c.GeneratedTokens, last.GeneratedTokens);
        Assert.True(last.PromptTokensPerSecond > 0 && last.GeneratedTokensPerSecond > 0);
        Assert.Contains("generated tokens/s", last.Describe());
    }

    [Fact]
    public void StageStatisticsMergeUnparsedExamplesAndBatchSizes()
    {
        var a = new StageStatistics { ProgramsUnparsed = 4, UnparsedExamples = ["a1", "a2", "a3", "a4"], BatchSizes = new() { ["16"] = 10, ["3"] = 1 } };
        var b = new StageStatistics { ProgramsUnparsed = 2, UnparsedExamples = ["b1", "b2"], BatchSizes = new() { ["16"] = 6 } };
        a.Add(b);
        Assert.Equal(6, a.ProgramsUnparsed);
        Assert.Equal(["a1", "a2", "a3", "a4", "b1"], a.UnparsedExamples);
        Assert.Equal(16, a.BatchSizes["16"]);
        Assert.Equal(1, a.BatchSizes["3"]);
        // A marker written before these counts existed reads as none.
        var old = JsonSerializer.Deserialize<StageStatistics>("""{"Programs": 3}""")!;
        a.Add(old);
        Assert.Equal(6, a.ProgramsUnparsed);
    }

    [Fact]
    public void ProgressLineShowsModelRatesOnlyForModelRuns()
    {
        var rules = new RefineProgress("a.jsonl", 0, 1, 100, 1_000_000, 2_000_000, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("tokens/s", rules.Describe());
        var model = rules with { PromptTokens = 50_000, GeneratedTokens = 1_000 };
        Assert.Equal(5_000, model.PromptTokensPerSecond);
        Assert.Equal(100, model.GeneratedTokensPerSecond);
        Assert.Contains("5,000 prompt tokens/s, 100.0 generated tokens/s", model.Describe());
        Assert.Equal(TimeSpan.FromSeconds(10), model.Remaining);
    }

    private sealed class SyncProgress(List<RefineProgress> into) : IProgress<RefineProgress>
    {
        public void Report(RefineProgress value)
        {
            lock (into) into.Add(value);
        }
    }
}
