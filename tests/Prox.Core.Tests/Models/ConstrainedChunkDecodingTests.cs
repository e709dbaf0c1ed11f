using Prox.Chunking;
using Prox.Generation;
using Prox.Models;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.Tests.Models;

/// <summary>
/// Chunk decoding through the model generator with the grammar on (the default) and off (<c>unconstrained=true</c>),
/// on the shared tiny random models, which write garbage when nothing constrains them.
/// </summary>
[Collection(ModelTestSupport.TinyModelSessions)]
public class ConstrainedChunkDecodingTests
{
    private static string Tokenizer => SharedAssets.Require("tokenizers/llama2/tokenizer.model");

    private static string Tiny(string dtype) => Path.GetDirectoryName(SharedAssets.Require($"models/tiny-llama-{dtype}/model.onnx"))!;

    private static LlamaProgramGenerator Open(string dtype, string extra = "") =>
        (LlamaProgramGenerator)ProgramGenerators.Create($"model:{Tiny(dtype)}?provider=Cpu&threads=1&tokenizer={Uri.EscapeDataString(Tokenizer)}{extra}");

    /// <summary>
    /// Chunk requests over the Common Crawl sample: each short document's own plan (one chunk from line 0), and a
    /// stretch of lines further in (global numbers that do not start at 0).
    /// </summary>
    private static List<ProgramRequest> Requests(LlamaProgramGenerator gen, int documents, int seed)
    {
        var rng = new Random(seed);
        var requests = new List<ProgramRequest>();
        foreach (var text in ModelGeneratorTests.ShortCommonCrawl(documents, 900))
        {
            int lines = DocumentLines.Count(text);
            requests.AddRange(gen.Plan(ProgramStage.Chunk, text, lines));
            if (lines < 4) continue;
            int first = rng.Next(1, lines - 1);
            requests.Add(new ProgramRequest(ProgramStage.Chunk, text, first, rng.Next(1, lines - first + 1)));
        }
        return requests;
    }

    [SkippableTheory]
    [InlineData("fp32", 60, 2)]
    [InlineData("fp16", 20, 0)]
    public void ConstrainedChunkProgramsAlwaysParseInStrictAndStayInTheChunk(string dtype, int documents, int longChunks)
    {
        using var gen = Open(dtype);
        Assert.Equal("strict", gen.Describe()["model.chunk_grammar"]);
        var requests = Requests(gen, documents, seed: 3);
        // And the first chunks of a document long enough for several (global line numbers past the first chunk's).
        // (Their 1500-token prompts are what costs: the tiny graphs compute 32000 logits per prompt position.)
        if (longChunks > 0)
        {
            var longest = ModelGeneratorTests.CommonCrawl(40).OrderByDescending(t => t.Length).First();
            var plan = gen.Plan(ProgramStage.Chunk, longest, DocumentLines.Count(longest));
            Assert.True(plan.Count >= longChunks, "a document of several chunks");
            requests.AddRange(plan.Take(longChunks));
        }
        var results = gen.Generate(requests);
        int normalizes = 0, removes = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var program = results[i].Program;
            Assert.Equal("strict", results[i].Details!["model.grammar"]);
            Assert.InRange(results[i].GeneratedTokens, 1, ModelGeneratorOptions.ProxChunkMaxNewTokens + 1);
            ChunkProgramGrammarTests.AssertValidChunkProgram(program, r.DocumentText, r.FirstLine, r.LineCount, r.Slice.ToString());
            // And the executor runs it without an error of its own.
            var run = ProgramExecutor.Execute(r.DocumentText, program, ProgramStage.Chunk);
            Assert.Equal(0, run.ErrorCount);
            normalizes += ProxProgram.Parse(program).Operations.Count(o => o.Kind == OperationKind.Normalize);
            removes += ProxProgram.Parse(program).Operations.Count(o => o.Kind == OperationKind.RemoveLines);
        }
        Assert.True(requests.Count >= documents, $"{requests.Count} chunks");
        Assert.True(normalizes + removes > 0, "the random model wrote edits, not only no-ops");
    }

    [SkippableFact]
    public void UnconstrainedOutputIsPlainGreedyDecodingAsBefore()
    {
        using var gen = Open("fp32", "&unconstrained=true");
        using var plain = Open("fp32");
        Assert.True(gen.Options.Unconstrained);
        Assert.Equal("none", gen.Describe()["model.chunk_grammar"]);
        var requests = Requests(gen, 8, seed: 5);
        var results = gen.Generate(requests);
        int garbage = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            // The decoding path without a constraint, token for token: what the generator did before the grammar existed.
            var prompt = plain.PromptIds(requests[i]);
            var ids = plain.Decoder.Greedy(prompt, Math.Min(ModelGeneratorOptions.ProxChunkMaxNewTokens, plain.ContextLength - prompt.Length),
                plain.ContextLength, plain.EosId, default, out var stop);
            Assert.Equal(plain.Tokenizer.Decode(ids).Trim(' '), results[i].Program);
            Assert.Equal(ids.Count + (stop == DecodeStop.Eos ? 1 : 0), results[i].GeneratedTokens);
            Assert.False(results[i].Details!.ContainsKey("model.grammar"));
            if (ProxProgram.Parse(results[i].Program, ProgramStage.Chunk).ErrorDiagnosticCount > 0) garbage++;
        }
        Assert.True(garbage > 0, "the random model writes programs that do not parse when nothing constrains it");
    }

    [SkippableFact]
    public void APromptThatLeavesNoRoomForAProgramWritesTheEmptyProgram()
    {
        using var gen = Open("fp32");
        // One line far longer than the context: its prompt is cut to 2047 tokens, one position left.
        var text = string.Join(' ', Enumerable.Repeat("word", 3000));
        var result = gen.Generate([new ProgramRequest(ProgramStage.Chunk, text, 0, 1)])[0];
        Assert.Equal("", result.Program);
        Assert.Equal("no_room", result.Details!["model.grammar"]);
        Assert.Equal(0, result.GeneratedTokens);
    }

    [Fact]
    public void TheUnconstrainedOptionParses()
    {
        Assert.False(ModelGeneratorOptions.From(null, null).Unconstrained);
        Assert.True(ModelGeneratorOptions.From(null, new Dictionary<string, string> { ["unconstrained"] = "True" }).Unconstrained);
        Assert.True(ModelGeneratorOptions.From(new Dictionary<string, string> { ["unconstrained"] = "true" }, null).Unconstrained);
        Assert.False(ModelGeneratorOptions.From(new Dictionary<string, string> { ["unconstrained"] = "true" }, new Dictionary<string, string> { ["unconstrained"] = "false" }).Unconstrained);
        var e = Assert.Throws<ArgumentException>(() => ModelGeneratorOptions.From(null, new Dictionary<string, string> { ["unconstrained"] = "yes" }));
        Assert.Contains("unconstrained", e.Message);
        Assert.Contains("unconstrained", ModelGeneratorOptions.OptionNames);
    }
}
