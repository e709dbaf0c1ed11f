using Prox.Generation;
using Prox.Models;
using Prox.Models.Onnx;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.Tests.Models;

/// <summary>
/// Batched greedy decoding (<see cref="BatchDecoder"/>) on the shared tiny models, fp32 and fp16: equal to decoding
/// each sequence alone and to the full-recompute oracle, with ragged prompt lengths, sequences finishing at different
/// steps (EOS, new-token limits, the context), several batches, per-sequence constraints, and cancellation.
/// </summary>
[Collection(ModelTestSupport.TinyModelSessions)]
public class BatchDecoderTests
{
    private static string Tokenizer => SharedAssets.Require("tokenizers/llama2/tokenizer.model");

    private static string Tiny(string dtype) => Path.GetDirectoryName(SharedAssets.Require($"models/tiny-llama-{dtype}/model.onnx"))!;

    private static LlamaProgramGenerator Open(string dtype, string extra = "") =>
        (LlamaProgramGenerator)ProgramGenerators.Create($"model:{Tiny(dtype)}?provider=Cpu&threads=1&tokenizer={Uri.EscapeDataString(Tokenizer)}{extra}");

    /// <summary>
    /// Prompts of ragged lengths (a few dozen to a few hundred tokens): Common Crawl text cut at different points, so
    /// that their last tokens, and the tiny model's continuations, differ.
    /// </summary>
    private static List<int[]> RaggedPrompts(LlamaProgramGenerator gen, int n)
    {
        var texts = ModelGeneratorTests.ShortCommonCrawl(n, maxChars: 900);
        var prompts = new List<int[]>();
        for (int i = 0; i < texts.Count; i++)
        {
            var text = texts[i][..Math.Min(texts[i].Length, 60 + 97 * i % 700)];
            prompts.Add(gen.Tokenizer.Encode(text, addBos: true));
        }
        return prompts;
    }

    private static List<int> Alone(LlamaProgramGenerator gen, int[] prompt, int maxNew, int context, int eos, out DecodeStop stop, ITokenConstraint? constraint = null) =>
        gen.Decoder.Greedy(prompt, maxNew, context, eos, default, out stop, constraint);

    [SkippableTheory]
    [InlineData("fp32")]
    [InlineData("fp16")]
    public void BatchedEqualsOneByOneWithRaggedPromptsAndSequencesFinishingAtDifferentSteps(string dtype)
    {
        using var gen = Open(dtype);
        var prompts = RaggedPrompts(gen, 9);
        Assert.True(prompts.Select(p => p.Length).Distinct().Count() >= 8, "ragged lengths");
        Assert.True(prompts.Select(p => Alone(gen, p, 4, gen.ContextLength, -1, out _)[0]).Distinct().Count() >= 3, "continuations differ");
        // An EOS that the model really writes part-way through some sequences (a random model never writes token 2).
        var free = Alone(gen, prompts[0], 12, gen.ContextLength, eos: -1, out _);
        int eos = free[5];
        var requests = prompts.Select((p, i) => new DecodeRequest(p, 6 + 3 * (i % 4))).ToList();
        // A sequence that reaches the context: a context just past its prompt.
        int context = gen.ContextLength;
        var expected = new List<(List<int> Tokens, DecodeStop Stop)>();
        foreach (var r in requests) expected.Add((Alone(gen, r.Prompt, r.MaxNewTokens, context, eos, out var stop), stop));
        Assert.Contains(expected, e => e.Stop == DecodeStop.Eos);
        Assert.Contains(expected, e => e.Stop == DecodeStop.MaxNewTokens);
        Assert.True(expected.Select(e => e.Tokens.Count).Distinct().Count() >= 3, "sequences finish at different steps");

        foreach (var limits in new[] { new BatchLimits(4, 1 << 20, 512), new BatchLimits(16, 1 << 20, 64), new BatchLimits(16, 1 << 20, 1 << 20), new BatchLimits(1, 1 << 20, 4096) })
        {
            var stats = new BatchDecodeStats();
            var got = gen.Batches.Greedy(requests, limits, context, eos, default, stats);
            for (int i = 0; i < requests.Count; i++)
            {
                Assert.Equal(expected[i].Tokens, got[i].Tokens);
                Assert.Equal(expected[i].Stop, got[i].Stop);
            }
            Assert.Equal((requests.Count + limits.BatchSize - 1) / limits.BatchSize, stats.Batches);
            Assert.Equal(requests.Count, stats.Sequences);
            Assert.Equal(Math.Min(limits.BatchSize, requests.Count), stats.LargestBatch);
            Assert.Equal(requests.Sum(r => (long)r.Prompt.Length), stats.PromptTokens);
            Assert.Equal(expected.Sum(e => (long)e.Tokens.Count + (e.Stop == DecodeStop.Eos ? 1 : 0)), stats.GeneratedTokens);
            if (limits.BatchSize > 1)
            {
                Assert.True(stats.Compactions > 0, "finished sequences left the batch");
                Assert.True(stats.PaddingTokens > 0, "prompts were padded");
            }
            // Rows leave the batch as they finish: no row takes a step after its sequence ended.
            long rowSteps = expected.Sum(e => (long)Math.Max(0, e.Tokens.Count - (e.Stop == DecodeStop.Eos ? 0 : 1)));
            Assert.Equal(rowSteps, stats.RowSteps);
        }
    }

    [SkippableFact]
    public void BatchedSequencesStopAtTheContext()
    {
        using var gen = Open("fp32");
        var prompts = RaggedPrompts(gen, 4);
        int context = prompts.Max(p => p.Length) + 3;
        var requests = prompts.Select(p => new DecodeRequest(p, Math.Min(20, context - p.Length))).ToList();
        var got = gen.Batches.Greedy(requests, new BatchLimits(8, 1 << 20, 4096), context, eos: -1, default);
        for (int i = 0; i < requests.Count; i++)
        {
            var alone = Alone(gen, requests[i].Prompt, requests[i].MaxNewTokens, context, -1, out var stop);
            Assert.Equal(alone, got[i].Tokens);
            Assert.Equal(stop, got[i].Stop);
            Assert.True(prompts[i].Length + got[i].Tokens.Count <= context);
        }
        Assert.Contains(got, g => g.Stop == DecodeStop.Context);
    }

    [SkippableTheory]
    [InlineData("fp32")]
    [InlineData("fp16")]
    public void BatchedDecodingEqualsFullRecompute(string dtype)
    {
        var folder = Tiny(dtype);
        var config = OnnxWeightImport.Open(folder).Config;
        using var oracle = LlamaOnnxDecoder.OpenFile(Path.Combine(folder, "model.onnx"), config, new ModelSessionOptions { IntraOpThreads = 1 });
        using var gen = Open(dtype);
        var prompts = RaggedPrompts(gen, 3);
        const int steps = 8;
        var got = gen.Batches.Greedy(prompts.Select(p => new DecodeRequest(p, steps)).ToList(), new BatchLimits(3, 1 << 20, 4096), gen.ContextLength, -1, default);
        for (int i = 0; i < prompts.Count; i++)
        {
            // The oracle recomputes the whole sequence at every step, without a cache.
            var tokens = prompts[i].Select(t => (long)t).ToList();
            var recomputed = new List<int>();
            for (int n = 0; n < steps; n++)
            {
                var full = oracle.Forward(tokens.ToArray(), Enumerable.Repeat(1L, tokens.Count).ToArray(), Enumerable.Range(0, tokens.Count).Select(k => (long)k).ToArray(), 1);
                int next = KvCacheDecoder.ArgMax(full.Logits.AsSpan(full.Logits.Length - config.VocabSize));
                recomputed.Add(next);
                tokens.Add(next);
            }
            Assert.Equal(recomputed, got[i].Tokens);
        }
    }

    /// <summary>Bans a set of tokens and records what it was told (one instance per sequence).</summary>
    private sealed class BanTokens(IReadOnlySet<int> banned) : ITokenConstraint
    {
        public List<int> Advanced { get; } = [];
        public int Masks { get; private set; }

        public void Mask(Span<float> logits)
        {
            Masks++;
            foreach (var t in banned) logits[t] = float.NegativeInfinity;
        }

        public void Advance(int token) => Advanced.Add(token);
    }

    [SkippableTheory]
    [InlineData("fp32")]
    [InlineData("fp16")]
    public void PerSequenceConstraintsAreHonoured(string dtype)
    {
        using var gen = Open(dtype);
        var prompts = RaggedPrompts(gen, 6);
        // Ban what each sequence would write first, differently per sequence (every other one unconstrained).
        var free = gen.Batches.Greedy(prompts.Select(p => new DecodeRequest(p, 8)).ToList(), new BatchLimits(8, 1 << 20, 4096), gen.ContextLength, -1, default);
        var bans = prompts.Select((_, i) => i % 2 == 1 ? null : (IReadOnlySet<int>)free[i].Tokens.Take(3).ToHashSet()).ToList();
        var batched = bans.Select(b => b is null ? null : new BanTokens(b)).ToList();
        var got = gen.Batches.Greedy(prompts.Select((p, i) => new DecodeRequest(p, 8, batched[i])).ToList(), new BatchLimits(8, 1 << 20, 4096), gen.ContextLength, -1, default);
        for (int i = 0; i < prompts.Count; i++)
        {
            var alone = bans[i] is null ? null : new BanTokens(bans[i]!);
            var expected = Alone(gen, prompts[i], 8, gen.ContextLength, -1, out _, alone);
            Assert.Equal(expected, got[i].Tokens);
            if (bans[i] is { } b)
            {
                Assert.DoesNotContain(got[i].Tokens, b.Contains);
                Assert.Equal(got[i].Tokens, batched[i]!.Advanced);
                Assert.Equal(got[i].Tokens.Count, batched[i]!.Masks);
                Assert.NotEqual(free[i].Tokens, got[i].Tokens);
            }
            else Assert.Equal(free[i].Tokens, got[i].Tokens);
        }
    }

    [SkippableFact]
    public void TokenBudgetSplitsBatchesAndBoundsTheCache()
    {
        using var gen = Open("fp32");
        var prompts = RaggedPrompts(gen, 8);
        const int steps = 4;
        int longest = prompts.Max(p => p.Length);
        // Room for about three of the longest sequences per batch.
        var limits = new BatchLimits(64, 3 * (longest + steps), 4096);
        var stats = new BatchDecodeStats();
        var requests = prompts.Select(p => new DecodeRequest(p, steps)).ToList();
        var got = gen.Batches.Greedy(requests, limits, gen.ContextLength, -1, default, stats);
        Assert.InRange(stats.LargestBatch, 3, 8);
        Assert.True(stats.Batches >= 2, $"{stats.Batches} batches");
        // Cache bytes: 2 buffers × 2 × layers, each at most 1.25 × budget positions × kv heads × head size × 4 bytes.
        long perBuffer = (long)limits.TokenBudget * gen.KvHeads * gen.HeadSize * 4;
        Assert.InRange(gen.Batches.CacheBytes, 1, 2L * 2 * gen.Layers * (perBuffer + perBuffer / 4));
        for (int i = 0; i < requests.Count; i++) Assert.Equal(Alone(gen, prompts[i], steps, gen.ContextLength, -1, out _), got[i].Tokens);
    }

    [SkippableFact]
    public void CancellationStopsBatchedDecoding()
    {
        using var gen = Open("fp32");
        var prompts = RaggedPrompts(gen, 4);
        using var cts = new CancellationTokenSource();
        var requests = prompts.Select((p, i) => new DecodeRequest(p, 200, i == 0 ? new CancelAfter(cts, 3) : null)).ToList();
        Assert.ThrowsAny<OperationCanceledException>(() => gen.Batches.Greedy(requests, new BatchLimits(4, 1 << 20, 4096), gen.ContextLength, -1, cts.Token));
        // The decoder is usable afterwards.
        var again = gen.Batches.Greedy([new DecodeRequest(prompts[1], 3)], BatchLimits.Cpu, gen.ContextLength, -1, default);
        Assert.Equal(Alone(gen, prompts[1], 3, gen.ContextLength, -1, out _), again[0].Tokens);
    }

    /// <summary>Cancels a token after some steps (a way to cancel in the middle of a batch).</summary>
    private sealed class CancelAfter(CancellationTokenSource cts, int steps) : ITokenConstraint
    {
        private int _n;
        public void Mask(Span<float> logits) { }
        public void Advance(int token) { if (++_n == steps) cts.Cancel(); }
    }

    [SkippableFact]
    public void GeneratorBatchesChunkRequestsAndWritesWhatOneByOneDecodingWrites()
    {
        using var gen = Open("fp32", "&batch_size=3");
        Assert.Equal(3, gen.Limits.BatchSize);
        var texts = ModelGeneratorTests.ShortCommonCrawl(5, maxChars: 700);
        var requests = texts.SelectMany(t => gen.Plan(ProgramStage.Chunk, t, Prox.Chunking.DocumentLines.Count(t))).ToList();
        var results = gen.Generate(requests);
        for (int i = 0; i < requests.Count; i++)
        {
            var prompt = gen.PromptIds(requests[i]);
            int maxNew = Math.Min(ModelGeneratorOptions.ProxChunkMaxNewTokens, gen.ContextLength - prompt.Length);
            // Constrained by the chunk grammar (the default), one grammar per sequence.
            var ids = Alone(gen, prompt, maxNew, gen.ContextLength, gen.EosId, out var stop, gen.ChunkGrammar(requests[i], maxNew));
            Assert.Equal(gen.Tokenizer.Decode(ids).Trim(' '), results[i].Program);
            Assert.Equal(ids.Count + (stop == DecodeStop.Eos ? 1 : 0), results[i].GeneratedTokens);
            Assert.Equal("strict", results[i].Details!["model.grammar"]);
        }
        var counters = gen.Counters;
        Assert.Equal(requests.Count, counters.Sequences);
        Assert.Equal((requests.Count + 2) / 3, counters.Batches);
        // Batch sizes are counts of the run, not options of the generator: a rerun with another batch size resumes.
        Assert.DoesNotContain(gen.Describe().Keys, k => k.Contains("batch", StringComparison.Ordinal));
        Assert.All(results, r => Assert.InRange(r.BatchSize, 1, 3));
    }

    [SkippableTheory]
    [InlineData(ModelPrecision.Fp32)]
    [InlineData(ModelPrecision.Fp16)]
    public void BatchedEqualsOneByOneOnProxsOwnGroupedQueryGraph(ModelPrecision precision)
    {
        using var tmp = new ModelTestSupport.TempDir();
        var config = LlamaConfig.FromPreset("tiny-gqa");
        ModelFolder.WriteRandom(config, tmp.Path, seed: 11, tokenizerModel: Tokenizer, options: new ModelWriteOptions { Precision = precision });
        using var gen = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{tmp.Path}?provider=Cpu&threads=1");
        var texts = ModelGeneratorTests.ShortCommonCrawl(7, maxChars: 400);
        var prompts = texts.Select((t, i) => gen.Tokenizer.Encode(t[..Math.Min(t.Length, 30 + 53 * i % 350)], addBos: true)).Select(p => p.Length < 200 ? p : p[..200]).ToList();
        var requests = prompts.Select((p, i) => new DecodeRequest(p, Math.Min(3 + 4 * i, gen.ContextLength - p.Length))).ToList();
        var got = gen.Batches.Greedy(requests, new BatchLimits(4, 1 << 20, 300), gen.ContextLength, gen.EosId, default);
        var firsts = new HashSet<int>();
        for (int i = 0; i < requests.Count; i++)
        {
            var alone = Alone(gen, requests[i].Prompt, requests[i].MaxNewTokens, gen.ContextLength, gen.EosId, out var stop);
            Assert.Equal(alone, got[i].Tokens);
            Assert.Equal(stop, got[i].Stop);
            if (alone.Count > 0) firsts.Add(alone[0]);
        }
        Assert.True(firsts.Count >= 2, "continuations differ");
    }

    [SkippableTheory]
    [InlineData("fp32")]
    [InlineData("fp16")]
    public void DocScoringInBatchesEqualsOnePrefillPerDocument(string dtype)
    {
        using var gen = Open(dtype, "&batch_size=8");
        var texts = ModelGeneratorTests.ShortCommonCrawl(14, maxChars: 700).Select((t, i) => t[..Math.Min(t.Length, 150 + 41 * i)]).ToList();
        var requests = texts.Select(t => ProgramRequest.WholeDocument(ProgramStage.Doc, t)).ToList();
        var before = gen.Counters;
        var results = gen.Generate(requests);
        var counters = gen.Counters;
        Assert.True(counters.LargestBatch > 1, "documents were scored together");
        Assert.True(counters.PaddingTokens > before.PaddingTokens, "ragged documents were padded");
        var (keep, drop) = gen.DocProgramIds;
        int common = 0;
        while (keep[common] == drop[common]) common++;
        for (int i = 0; i < requests.Count; i++)
        {
            // The reference: one prefill of this document alone.
            var prompt = gen.PromptIds(requests[i]);
            using var sequence = gen.Decoder.Start();
            var logits = gen.Decoder.Feed(sequence, [.. prompt.Select(t => (long)t), .. keep[..common].Select(t => (long)t)], default).ToArray();
            double pDrop = 1 / (1 + Math.Exp(logits[keep[common]] - logits[drop[common]]));
            Assert.Equal(pDrop, results[i].Score!.Value, dtype == "fp32" ? 1e-5 : 1e-3);
            Assert.Equal(pDrop > 0.5 ? "drop_doc()" : "keep_doc()", results[i].Program);
            Assert.InRange(results[i].BatchSize, 1, 8);
        }
        // Documents differ in score, so the comparison is not vacuous (both decisions: OnePassDocDecisionEqualsGreedyDecodingOfTheDocPrograms).
        Assert.True(results.Select(r => Math.Round(r.Score!.Value, 4)).Distinct().Count() > 3, "scores differ");
    }

    [SkippableFact]
    public void GeneratorsOfOneModelShareOneSession()
    {
        // Thread counts no other test uses: sessions of their own.
        LlamaProgramGenerator With(int threads, string extra = "") =>
            (LlamaProgramGenerator)ProgramGenerators.Create($"model:{Tiny("fp32")}?provider=Cpu&threads={threads}&tokenizer={Uri.EscapeDataString(Tokenizer)}{extra}");
        int before = SharedModelSession.Created;
        var doc = With(3, "&drop_threshold=0.7");
        var chunk = With(3, "&batch_size=2");
        Assert.Equal(before + 1, SharedModelSession.Created);
        Assert.Same(doc.Batches, chunk.Batches);
        var text = ModelGeneratorTests.ShortCommonCrawl(1, maxChars: 300)[0];
        var docProgram = doc.Generate([ProgramRequest.WholeDocument(ProgramStage.Doc, text)])[0];
        Assert.Single(chunk.Generate(chunk.Plan(ProgramStage.Chunk, text, Prox.Chunking.DocumentLines.Count(text))));
        chunk.Dispose();
        // The other generator still runs on the session.
        var again1 = doc.Generate([ProgramRequest.WholeDocument(ProgramStage.Doc, text)])[0];
        Assert.Equal((docProgram.Program, docProgram.Score), (again1.Program, again1.Score));
        doc.Dispose();
        // Closed with the last generator: the next one opens a new session.
        using var again = With(3);
        Assert.Equal(before + 2, SharedModelSession.Created);
        // Another thread count is another session.
        using var other = With(4);
        Assert.Equal(before + 3, SharedModelSession.Created);
        Assert.NotSame(again.Batches, other.Batches);
    }

    [Fact]
    public void BatchOptionsParseAndDefaultByProvider()
    {
        var o = ModelGeneratorOptions.From(null, new Dictionary<string, string> { ["batch_size"] = "32", ["batch_tokens"] = "4096" });
        Assert.Equal((32, 4096), (o.LimitsFor("CPU").BatchSize, o.LimitsFor("CPU").TokenBudget));
        var auto = ModelGeneratorOptions.From(null, new Dictionary<string, string> { ["batch_size"] = "Auto" });
        Assert.Equal(BatchLimits.Cpu, auto.LimitsFor("CPU"));
        Assert.Equal(BatchLimits.Cuda, auto.LimitsFor("CUDA"));
        Assert.True(BatchLimits.Cuda.BatchSize > BatchLimits.Cpu.BatchSize);
        var e = Assert.Throws<ArgumentException>(() => ModelGeneratorOptions.From(null, new Dictionary<string, string> { ["batch_size"] = "-1" }));
        Assert.Contains("batch_size", e.Message);
    }
}
