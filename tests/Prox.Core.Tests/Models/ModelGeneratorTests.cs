using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Prox.Chunking;
using Prox.Generation;
using Prox.Models;
using Prox.Models.Onnx;
using Prox.Programs;
using Prox.Refinement;
using static Prox.Tests.Models.ModelTestSupport;

namespace Prox.Tests.Models;

/// <summary>
/// The model generator (<c>model:&lt;folder&gt;</c>) on the shared tiny LLaMA models (random weights, HF naming, no
/// config.json or tokenizer in the folder) and on folders Prox writes itself. CPU only: CI has no GPU.
/// </summary>
[Collection(ModelTestSupport.TinyModelSessions)]
public class ModelGeneratorTests
{
    private static readonly int[] Prompt = [1, 15043, 3186, 29892, 920, 526];
    private static readonly int[] Expected = [813, 28614, 21948, 2208, 5788, 22906, 14471, 15028, 9575, 1780];

    private static string Tokenizer => SharedAssets.Require("tokenizers/llama2/tokenizer.model");

    private static string Tiny(string dtype) => Path.GetDirectoryName(SharedAssets.Require($"models/tiny-llama-{dtype}/model.onnx"))!;

    private static LlamaProgramGenerator Open(string dtype, string extra = "") =>
        (LlamaProgramGenerator)ProgramGenerators.Create($"model:{Tiny(dtype)}?provider=Cpu&threads=1&tokenizer={Uri.EscapeDataString(Tokenizer)}{extra}");

    /// <summary>The first <paramref name="n"/> texts of the Common Crawl sample.</summary>
    internal static List<string> CommonCrawl(int n)
    {
        var path = SharedAssets.Require("corpora/cc-2019-30-sample.jsonl.gz");
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var texts = new List<string>();
        while (texts.Count < n && reader.ReadLine() is { } line)
            texts.Add(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
        return texts;
    }

    /// <summary>
    /// Like <see cref="CommonCrawl"/>, each text cut to its first <paramref name="maxChars"/> characters: the tiny
    /// models' graphs compute 32000 logits for every prompt position, which dominates their cost on long prompts.
    /// </summary>
    internal static List<string> ShortCommonCrawl(int n, int maxChars = 1200) =>
        CommonCrawl(n).Select(t => t.Length <= maxChars ? t : t[..maxChars]).ToList();

    [SkippableTheory]
    [InlineData("fp32")]
    [InlineData("fp16")]
    public void GreedyContinuationOfTheTinyModelIsThePublishedOne(string dtype)
    {
        using var gen = Open(dtype);
        Assert.Equal((2, 1, 16, dtype == "fp16" ? "float16" : "float32"), (gen.Layers, gen.KvHeads, gen.HeadSize, gen.DType));
        Assert.Equal(2048, gen.ContextLength);   // from genai_config.json
        Assert.Equal("CPU", gen.Provider);
        var ids = gen.Decoder.Greedy(Prompt, Expected.Length, gen.ContextLength, gen.EosId, default, out var stop);
        Assert.Equal(Expected, ids);
        Assert.Equal(DecodeStop.MaxNewTokens, stop);
    }

    [SkippableFact]
    public void KvCacheDecodingEqualsFullRecompute()
    {
        var folder = Tiny("fp32");
        var config = OnnxWeightImport.Open(folder).Config;
        using var oracle = LlamaOnnxDecoder.OpenFile(Path.Combine(folder, "model.onnx"), config, new ModelSessionOptions { IntraOpThreads = 1 });
        using var gen = Open("fp32");
        var prompt = gen.PromptIds(ProgramRequest.WholeDocument(ProgramStage.Doc, ShortCommonCrawl(1)[0]));
        Assert.True(prompt.Length > 100, "a prompt long enough to matter");
        const int steps = 24;
        var cached = gen.Decoder.Greedy(prompt, steps, gen.ContextLength, eos: -1, default, out _);

        // The oracle: every step recomputes the whole sequence without a cache.
        var tokens = prompt.Select(t => (long)t).ToList();
        var recomputed = new List<int>();
        using var sequence = gen.Decoder.Start();
        var stepLogits = gen.Decoder.Feed(sequence, tokens.ToArray(), default).ToArray();
        for (int n = 0; n < steps; n++)
        {
            var full = oracle.Forward(tokens.ToArray(), Enumerable.Repeat(1L, tokens.Count).ToArray(), Enumerable.Range(0, tokens.Count).Select(i => (long)i).ToArray(), 1);
            var last = full.Logits[^config.VocabSize..];
            AssertClose(stepLogits, ToDouble(last), 1e-4, $"step {n} logits");
            int next = KvCacheDecoder.ArgMax(last);
            recomputed.Add(next);
            tokens.Add(next);
            stepLogits = gen.Decoder.Feed(sequence, [next], default).ToArray();
        }
        Assert.Equal(recomputed, cached);
        Assert.Equal(prompt.Length + steps, sequence.Length);
    }

    [SkippableTheory]
    [InlineData("fp32")]
    [InlineData("fp16")]
    public void OnePassDocDecisionEqualsGreedyDecodingOfTheDocPrograms(string dtype)
    {
        using var gen = Open(dtype);
        using var generating = Open(dtype);
        var (keep, drop) = gen.DocProgramIds;
        Assert.NotEqual(keep[0], drop[0]);
        // Long documents (prompts cut at 2000 tokens end in different text, so the random model decides both ways) and short ones.
        var sample = CommonCrawl(40);
        var texts = sample.OrderByDescending(t => t.Length).Take(10).Concat(sample.Take(3)).ToList();
        var results = gen.Generate(texts.Select(t => ProgramRequest.WholeDocument(ProgramStage.Doc, t)).ToList());
        int drops = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            // Greedy decoding with the vocabulary restricted, token by token, to continuations of the two programs.
            var prompt = gen.PromptIds(ProgramRequest.WholeDocument(ProgramStage.Doc, texts[i]));
            using var sequence = generating.Decoder.Start();
            var logits = generating.Decoder.Feed(sequence, prompt.Select(t => (long)t).ToArray(), default).ToArray();
            var written = new List<int>();
            double? pDrop = null;
            while (true)
            {
                var allowed = new[] { keep, drop }.Where(c => c.Length > written.Count && c.Take(written.Count).SequenceEqual(written)).Select(c => c[written.Count]).Distinct().ToList();
                if (allowed.Count == 0) break;
                if (allowed.Count == 2) pDrop = 1 / (1 + Math.Exp(logits[keep[written.Count]] - logits[drop[written.Count]]));
                int next = allowed.OrderByDescending(t => logits[t]).First();
                written.Add(next);
                logits = generating.Decoder.Feed(sequence, [next], default).ToArray();
            }
            var generated = gen.Tokenizer.Decode(written).Trim(' ');
            Assert.Equal(generated, results[i].Program);
            Assert.NotNull(results[i].Score);
            Assert.Equal(pDrop!.Value, results[i].Score!.Value, 1e-6);
            Assert.Equal(prompt.Length, results[i].PromptTokens);
            if (generated == "drop_doc()") drops++;
        }
        // A random model: both decisions occur on this sample, so the comparison is not vacuous.
        Assert.InRange(drops, 1, texts.Count - 1);
    }

    [SkippableFact]
    public void DropThresholdTradesRetention()
    {
        var requests = ShortCommonCrawl(24).Select(t => ProgramRequest.WholeDocument(ProgramStage.Doc, t)).ToList();
        int Drops(string threshold)
        {
            using var gen = Open("fp32", "&drop_threshold=" + threshold);
            var results = gen.Generate(requests);
            foreach (var r in results) Assert.Equal(r.Score > double.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture) ? "drop_doc()" : "keep_doc()", r.Program);
            return results.Count(r => r.Program == "drop_doc()");
        }
        int low = Drops("0.2"), mid = Drops("0.5"), high = Drops("0.8"), never = Drops("1");
        Assert.True(low >= mid && mid >= high && high >= never, $"{low} {mid} {high} {never}");
        Assert.Equal(0, never);
        Assert.True(low > high, "the threshold changes decisions on this sample");
    }

    [SkippableFact]
    public void ChunkStageIsPlannedAndPromptedAsPublished()
    {
        using var gen = Open("fp32");
        var text = string.Join("\n", CommonCrawl(40).OrderByDescending(t => t.Length).First().Split('\n').Take(400));
        var requests = gen.Plan(ProgramStage.Chunk, text, DocumentLines.Count(text), "d1");
        var chunks = new LineChunker(gen.Tokenizer).Split(text);
        Assert.True(chunks.Count >= 2, $"a document of several chunks ({chunks.Count})");
        Assert.Equal(chunks.Count, requests.Count);
        for (int c = 0; c < chunks.Count; c++)
        {
            Assert.Equal((chunks[c].FirstLine, chunks[c].LineCount, c, "d1"), (requests[c].FirstLine, requests[c].LineCount, requests[c].ChunkIndex, requests[c].DocumentId));
            Assert.Equal(ProxPrompts.EncodeChunk(gen.Tokenizer, chunks[c]), gen.PromptIds(requests[c]));
        }
        Assert.Single(gen.Plan(ProgramStage.Doc, text, DocumentLines.Count(text)));
    }

    [SkippableFact]
    public void DocPromptIsCutAt2000TokensAndDecodingNeverPassesTheContext()
    {
        using var gen = Open("fp32", "&doc=Generate");
        var longText = string.Join("\n", CommonCrawl(40));
        var request = ProgramRequest.WholeDocument(ProgramStage.Doc, longText);
        Assert.Equal(ProxPrompts.EncodeDocument(gen.Tokenizer, longText), gen.PromptIds(request));
        Assert.Equal(2000, gen.PromptIds(request).Length);
        var result = gen.Generate([request])[0];
        Assert.Equal(2000, result.PromptTokens);
        Assert.InRange(result.GeneratedTokens, 1, 48);
        Assert.Equal(result.GeneratedTokens == 48 ? "context" : "eos", result.Details!["model.stop"]);
    }

    [SkippableFact]
    public void ChunkDecodingStopsAt256NewTokens()
    {
        using var gen = Open("fp32");
        var text = CommonCrawl(3)[2];
        var results = gen.Generate(gen.Plan(ProgramStage.Chunk, text, DocumentLines.Count(text)));
        foreach (var r in results)
        {
            Assert.InRange(r.GeneratedTokens, 1, 256);
            Assert.Equal(r.GeneratedTokens == 256 && r.Details!["model.stop"] != "eos" ? "max_new_tokens" : "eos", r.Details!["model.stop"]);
            Assert.True(r.PromptTokens > 0);
        }
    }

    [SkippableFact]
    public void DescribeAndSpecNameWhatRuns()
    {
        using var gen = Open("fp16", "&drop_threshold=0.7");
        var d = gen.Describe();
        Assert.Equal("float16", d["model.dtype"]);
        Assert.Equal("2", d["model.layers"]);
        Assert.Equal("CPU", d["model.provider"]);
        Assert.Equal("0.7", d["model.drop_threshold"]);
        Assert.Equal(Path.GetFullPath(Tokenizer), d["model.tokenizer"]);
        Assert.Equal(GeneratorSpec.ModelKind, gen.Spec.Kind);
        Assert.Equal(Tiny("fp16"), gen.Spec.Argument);
    }

    [SkippableFact]
    public void RelativePathsResolveAgainstTheContextAndSettingsGiveDefaults()
    {
        var folder = Tiny("fp32");
        var context = new GeneratorContext
        {
            BaseDirectory = Path.GetDirectoryName(folder),
            Threads = 1,
            Settings = new Dictionary<string, string> { ["tokenizer"] = Tokenizer, ["provider"] = "Cpu", ["unrelated"] = "x" },
        };
        using var gen = (LlamaProgramGenerator)ProgramGenerators.Create("model:" + Path.GetFileName(folder), context);
        Assert.Equal(folder, gen.Folder);
        Assert.Equal("CPU", gen.Provider);
        var e = Assert.Throws<ArgumentException>(() => ProgramGenerators.Create($"model:{folder}?temperature=0.7", context));
        Assert.Contains("temperature", e.Message);
        Assert.Contains("drop_threshold", e.Message);
        Assert.Throws<ArgumentException>(() => ProgramGenerators.Create($"model:{folder}?provider=Tpu", context));
        Assert.Throws<ArgumentException>(() => ProgramGenerators.Create($"model:{folder}?drop_threshold=2", context));
    }

    [SkippableFact]
    public void FolderThatDoesNotFitGetsAnErrorNamingTheFileAndTheInput()
    {
        using var tmp = new TempDir();
        var context = new GeneratorContext { Settings = new Dictionary<string, string> { ["tokenizer"] = Tokenizer, ["provider"] = "Cpu" } };
        // No model.onnx.
        var e1 = Assert.Throws<FileNotFoundException>(() => ProgramGenerators.Create("model:" + tmp.Path, context));
        Assert.Contains("model.onnx", e1.Message);
        // A graph that is not a decoder with past: input_ids and attention_mask only.
        var model = Path.Combine(tmp.Path, "model.onnx");
        using (var g = new OnnxGraphBuilder(Path.Combine(tmp.Path, "model.onnx.data"), "model.onnx.data"))
        {
            g.Input("input_ids", OnnxType.Int64, "batch", "sequence");
            g.Input("attention_mask", OnnxType.Int64, "batch", "total");
            g.Output("logits", OnnxType.Int64, "batch", "sequence");
            g.Node("Identity", "logits", ["input_ids"], 1, [], ["logits"]);
            File.WriteAllBytes(model, g.Finish("not-a-decoder", new Dictionary<string, long> { [""] = 17 }, new Dictionary<string, string>()));
        }
        var e2 = Assert.Throws<InvalidDataException>(() => ProgramGenerators.Create("model:" + tmp.Path, context));
        Assert.Contains(model, e2.Message);
        Assert.Contains("past_key_values.0.key", e2.Message);
        // No tokenizer anywhere.
        var e3 = Assert.Throws<FileNotFoundException>(() => ProgramGenerators.Create($"model:{Tiny("fp32")}?provider=Cpu"));
        Assert.Contains("tokenizer.model", e3.Message);
        Assert.Contains("tokenizer=", e3.Message);
    }

    [SkippableFact]
    public void ProxWrittenFolderRunsWithItsOwnConfigAndTokenizer()
    {
        using var tmp = new TempDir();
        var config = LlamaConfig.FromPreset("tiny-gqa");
        ModelFolder.WriteRandom(config, tmp.Path, seed: 5, tokenizerModel: Tokenizer);
        using var gen = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{tmp.Path}?provider=Cpu&threads=1&unconstrained=true");
        Assert.Equal((config.Layers, config.KvHeads, config.HeadDim, config.MaxPositions), (gen.Layers, gen.KvHeads, gen.HeadSize, gen.ContextLength));
        Assert.Equal(Path.Combine(tmp.Path, "tokenizer.model"), gen.TokenizerPath);
        // Its context is 256: a chunk prompt longer than that is cut, and decoding stops at the context.
        var text = string.Join("\n", Enumerable.Range(0, 60).Select(i => $"line {i} of a document that is long enough"));
        var requests = gen.Plan(ProgramStage.Chunk, text, 60);
        var result = gen.Generate([requests[0]])[0];
        Assert.Equal(255, result.PromptTokens);
        Assert.Equal("255", result.Details!["model.prompt_cut"]);
        Assert.Equal(1, result.GeneratedTokens);
        Assert.Equal("context", result.Details!["model.stop"]);
        // Constrained (the default), one position cannot hold a program: none is decoded.
        using (var constrained = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{tmp.Path}?provider=Cpu&threads=1"))
        {
            var empty = constrained.Generate([requests[0]])[0];
            Assert.Equal(("", 0, "no_room"), (empty.Program, empty.GeneratedTokens, empty.Details!["model.grammar"]));
        }
        using var oracle = LlamaOnnxDecoder.Open(tmp.Path, new ModelSessionOptions { IntraOpThreads = 1 });
        var prompt = "<s>[INST] hello [/INST]";
        var ids = gen.Tokenizer.EncodePrompt(prompt);
        var cached = gen.Decoder.Greedy(ids, 12, gen.ContextLength, eos: -1, default, out _);
        var tokens = ids.Select(t => (long)t).ToList();
        for (int n = 0; n < 12; n++)
        {
            var full = oracle.Forward(tokens.ToArray(), Enumerable.Repeat(1L, tokens.Count).ToArray(), Enumerable.Range(0, tokens.Count).Select(i => (long)i).ToArray(), 1);
            tokens.Add(KvCacheDecoder.ArgMax(full.Logits[^config.VocabSize..]));
        }
        Assert.Equal(tokens.Skip(ids.Length).Select(t => (int)t), cached);
    }

    [SkippableFact]
    public void CudaWithoutAUsableGpuFailsNamingCudaAndAutoWarnsOnceAndRunsOnTheCpu()
    {
        var folder = Tiny("fp32");
        var warnings = new List<string>();
        var context = new GeneratorContext { Threads = 1, Warn = warnings.Add, Settings = new Dictionary<string, string> { ["tokenizer"] = Tokenizer } };
        IProgramGenerator cuda;
        try { cuda = ProgramGenerators.Create($"model:{folder}?provider=Cuda", context); }
        catch (InvalidOperationException e)
        {
            Assert.Contains("CUDA", e.Message);
            Assert.Contains(Path.Combine(folder, "model.onnx"), e.Message);
            Assert.Empty(warnings);
            using var doc = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{folder}?provider=Auto", context);
            using var chunk = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{Tiny("fp16")}", context);
            Assert.Equal(("CPU", "CPU"), (doc.Provider, chunk.Provider));
            var warning = Assert.Single(warnings);
            Assert.Contains("CUDA", warning);
            Assert.Contains("CPU", warning);
            Assert.Equal(Expected, doc.Decoder.Greedy(Prompt, Expected.Length, doc.ContextLength, doc.EosId, default, out _));
            return;
        }
        // A machine with a GPU: CUDA is used, and Auto picks it without a warning.
        using (cuda)
        {
            Assert.Equal("CUDA", ((LlamaProgramGenerator)cuda).Provider);
            using var auto = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{folder}", context);
            Assert.Equal("CUDA", auto.Provider);
            Assert.Empty(warnings);
            Assert.Equal(Expected, auto.Decoder.Greedy(Prompt, Expected.Length, auto.ContextLength, auto.EosId, default, out _));
        }
    }

    [SkippableFact]
    public void CancellationStopsAModelRunWithinASecond()
    {
        using var gen = Open("fp32");
        var texts = CommonCrawl(60);
        var requests = texts.SelectMany(t => gen.Plan(ProgramStage.Chunk, t, DocumentLines.Count(t))).ToList();
        using var cts = new CancellationTokenSource();
        var watch = new Stopwatch();
        var run = Task.Run(() => gen.Generate(requests, cts.Token));
        Thread.Sleep(300);
        Assert.False(run.IsCompleted, "the run is still going when cancelled");
        watch.Start();
        cts.Cancel();
        var e = Assert.ThrowsAny<OperationCanceledException>(() => run.GetAwaiter().GetResult());
        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"stopped {watch.Elapsed.TotalMilliseconds:F0} ms after the cancel");
        Assert.Equal(cts.Token, e.CancellationToken);
        // The generator is still usable afterwards.
        Assert.Single(gen.Generate([requests[0]]));
    }

    [SkippableFact]
    public void RefiningTheCommonCrawlSampleWithBothTinyModelsCompletesAndCountsAddUp()
    {
        using var doc = Open("fp32");
        using var chunk = Open("fp16");
        var refiner = new DocumentRefiner(doc, chunk, new RefineOptions { Threads = 1 });
        var texts = CommonCrawl(20);
        var outcomes = refiner.Refine(texts).ToList();
        Assert.Equal(texts.Count, outcomes.Count);
        var docDropped = outcomes.Count(o => o.DropStage == ProgramStage.Doc);
        Assert.InRange(docDropped, 1, texts.Count - 1);
        foreach (var o in outcomes)
        {
            Assert.NotNull(o.Doc);
            Assert.NotNull(o.Doc!.Score);
            Assert.True(o.Doc.PromptTokens > 0);
            if (o.DropStage == ProgramStage.Doc) { Assert.Null(o.Chunk); continue; }
            // Garbage programs from a random model: parsed, counted, survived.
            Assert.NotNull(o.Chunk);
            Assert.True(o.Chunk!.Requests >= 1);
            Assert.True(o.Chunk.GeneratedTokens >= o.Chunk.Requests);
            Assert.True(o.Chunk.PromptTokens > 0);
            Assert.True(o.LinesOut <= o.LinesIn);
            if (o.Kept) Assert.Equal(o.Text.Length, o.CharactersOut);
        }
        Assert.Equal(texts.Count, outcomes.Count(o => o.Kept) + outcomes.Count(o => !o.Kept));
    }
}
