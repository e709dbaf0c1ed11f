using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Prox.Generation;
using Prox.Models;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.Bench;

/// <summary>
/// <c>model-cpu</c> mode, issue 9's CPU numbers in one run, for fp32 and int8 folders of one random model shape:
/// <list type="number">
/// <item>Doc-scoring prefill (the one-pass doc path: <c>KvCacheDecoder.Feed</c> of a <c>--seq</c>-token prompt) per
/// intra-op thread count, against the MatMul ceiling of the same folder (<see cref="MatMulCeiling"/>) in the same run.</item>
/// <item>One-pass doc scoring against generating the doc program as the published system does (prefill, then one
/// decoding step per token of <c>keep_doc()</c> and its EOS: what a trained refining model writes), documents/s
/// over the first <c>--docs</c> documents of the Common Crawl sample.</item>
/// <item>Doc-decision agreement of int8 with fp32 over <c>--agree-docs</c> documents of the sample (p(drop) of both,
/// decisions at 0.5), with the doc-scoring tokens/s of both.</item>
/// </list>
/// Options: <c>--preset prox-0.35b</c>, <c>--threads 1,2</c>, <c>--seq 512</c>, <c>--repeat 3</c>, <c>--docs 20</c>,
/// <c>--agree-docs 697</c>, <c>--agree-threads 2</c>, <c>--dir bench-data</c>, <c>--skip prefill,generate,agree</c>.
/// Times: wall clock and process CPU time (ONNX Runtime's worker threads included), best of the repeats.
/// </summary>
internal static class ModelCpuBench
{
    public static int Run(string[] args)
    {
        string preset = Opt(args, "--preset", "prox-0.35b");
        string root = Opt(args, "--dir", "bench-data");
        int seq = Int(args, "--seq", 512), repeat = Int(args, "--repeat", 3), docs = Int(args, "--docs", 20);
        int agreeDocs = Int(args, "--agree-docs", 697), agreeThreads = Int(args, "--agree-threads", 2);
        var threads = Opt(args, "--threads", "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var skip = Opt(args, "--skip", "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var tokenizer = Path.Combine(BenchHarness.SharedFolder(), "tokenizers", "llama2", "tokenizer.model");
        var corpus = Path.Combine(BenchHarness.SharedFolder(), "corpora", "cc-2019-30-sample.jsonl.gz");
        var config = LlamaConfig.FromPreset(preset);
        var fp32 = Folder(config, Path.Combine(root, $"{preset}-fp32"), ModelPrecision.Fp32);
        var int8 = Folder(config, Path.Combine(root, $"{preset}-int8"), ModelPrecision.Int8);
        Console.WriteLine($"model {preset}: {config.ParameterCount:N0} parameters, {config.FlopsPerToken / 1e9:F3} GFLOP/token of weight multiplies; " +
                          $"fp32 folder {ModelInfo.Read(fp32).SizeBytes / 1e9:F2} GB, int8 folder {ModelInfo.Read(int8).SizeBytes / 1e9:F2} GB");
        Console.WriteLine($"ONNX Runtime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}, Environment.ProcessorCount {Environment.ProcessorCount}, {Cpu()}, load average {Load()}");

        LlamaProgramGenerator Open(string folder, int t) =>
            (LlamaProgramGenerator)ProgramGenerators.Create($"model:{Path.GetFullPath(folder)}?provider=Cpu&threads={t}&tokenizer={Uri.EscapeDataString(tokenizer)}");

        if (!skip.Contains("prefill"))
        {
            Console.WriteLine();
            Console.WriteLine($"### Doc-scoring prefill: one sequence of {seq} tokens, best of {repeat} after a warm-up");
            Console.WriteLine();
            Console.WriteLine("| weights | threads | prefill tokens/s | tokens per CPU-second | MatMul ceiling tokens/s | ceiling tokens per CPU-second | % of ceiling (wall) | % of ceiling (CPU) |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            var rows = new Dictionary<(string, int), double>();
            foreach (int t in threads)
                foreach (var (name, folder) in new[] { ("fp32", fp32), ("int8", int8) })
                {
                    double cw, cc;
                    using (var ceiling = new MatMulCeiling(folder, t)) (cw, cc) = ceiling.Time(seq, repeat);
                    using var gen = Open(folder, t);
                    var rng = new Random(1);
                    var ids = Enumerable.Range(0, seq).Select(i => i == 0 ? 1L : rng.Next(3, config.VocabSize)).ToArray();
                    double wall = double.MaxValue, cpu = double.MaxValue;
                    for (int r = 0; r <= repeat; r++)
                    {
                        var (w, c) = Clock.Measure(() => { using var s = gen.Decoder.Start(); gen.Decoder.Feed(s, ids, default); });
                        if (r == 0) continue;
                        wall = Math.Min(wall, w); cpu = Math.Min(cpu, c);
                    }
                    rows[(name, t)] = seq / cpu;
                    Console.WriteLine($"| {name} | {t} | {seq / wall:F0} | {seq / cpu:F0} | {seq / cw:F0} | {seq / cc:F0} | {100 * cw / wall:F0} % | {100 * cc / cpu:F0} % |");
                }
            foreach (int t in threads)
                Console.WriteLine($"int8 / fp32 prefill, {t} thread(s), per CPU-second: {rows[("int8", t)] / rows[("fp32", t)]:F2}×");
        }

        var texts = ReadCorpus(corpus, Math.Max(docs, agreeDocs));
        if (!skip.Contains("generate"))
        {
            Console.WriteLine();
            Console.WriteLine($"### One-pass doc scoring vs generating the doc program: the first {docs} documents of the sample, 1 thread");
            Console.WriteLine();
            Console.WriteLine("| weights | mode | documents/s | documents per CPU-second | prompt tokens | decoding steps |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|");
            foreach (var (name, folder) in new[] { ("fp32", fp32), ("int8", int8) })
            {
                using var gen = Open(folder, 1);
                var requests = texts.Take(docs).Select((t, i) => gen.Plan(ProgramStage.Doc, t, t.Count('\n') + 1, $"d{i}")[0]).ToList();
                int steps = gen.DocProgramIds.Keep.Length; // a trained model writes keep_doc() then EOS: one step per token after the prefill's first
                long promptTokens = requests.Sum(r => (long)gen.PromptIds(r).Length);
                gen.Generate(requests.Take(1).ToList());   // warm-up
                var (sw, sc) = Clock.Measure(() => gen.Generate(requests));
                var (gw, gc) = Clock.Measure(() =>
                {
                    foreach (var r in requests) gen.Decoder.Greedy(gen.PromptIds(r), steps + 1, gen.ContextLength, -1, default, out _);
                });
                Console.WriteLine($"| {name} | one pass (score) | {docs / sw:F2} | {docs / sc:F2} | {promptTokens:N0} | 0 |");
                Console.WriteLine($"| {name} | generate `keep_doc()` + EOS | {docs / gw:F2} | {docs / gc:F2} | {promptTokens:N0} | {steps * docs:N0} |");
                Console.WriteLine($"one pass / generate, {name}: {gw / sw:F2}× documents/s (wall), {gc / sc:F2}× per CPU-second");
            }
        }

        if (!skip.Contains("agree"))
        {
            Console.WriteLine();
            Console.WriteLine($"### int8 vs fp32 doc decisions: the first {agreeDocs} documents of the sample (published doc prompt, cut at 2000 tokens), {agreeThreads} thread(s)");
            Console.WriteLine();
            var p = new double[2][];
            var time = new (double Wall, double Cpu)[2];
            long tokens = 0;
            foreach (var (k, folder) in new[] { (0, fp32), (1, int8) })
            {
                using var gen = Open(folder, agreeThreads);
                var requests = texts.Take(agreeDocs).Select((t, i) => gen.Plan(ProgramStage.Doc, t, t.Count('\n') + 1, $"d{i}")[0]).ToList();
                tokens = requests.Sum(r => (long)gen.PromptIds(r).Length);
                IReadOnlyList<ProgramResult> results = [];
                time[k] = Clock.Measure(() => results = gen.Generate(requests));
                p[k] = results.Select(r => r.Score ?? double.NaN).ToArray();
            }
            int n = p[0].Length, same = 0;
            int within001 = 0, within005 = 0, near = 0;
            double maxDiff = 0, sumDiff = 0;
            for (int i = 0; i < n; i++)
            {
                if (p[0][i] > 0.5 == p[1][i] > 0.5) same++;
                double d = Math.Abs(p[0][i] - p[1][i]);
                maxDiff = Math.Max(maxDiff, d); sumDiff += d;
                if (d <= 0.01) within001++;
                if (d <= 0.05) within005++;
                if (Math.Abs(p[0][i] - 0.5) < 0.05) near++;
            }
            var sorted = p[0].Order().ToArray();
            Console.WriteLine("| measure | value |");
            Console.WriteLine("|---|---:|");
            Console.WriteLine($"| documents (prompt tokens) | {n} ({tokens:N0}) |");
            Console.WriteLine($"| decisions equal (drop when p(drop) > 0.5) | {same} / {n} = {100.0 * same / n:F1} % |");
            Console.WriteLine($"| \\|Δ p(drop)\\| ≤ 0.01 | {100.0 * within001 / n:F1} % |");
            Console.WriteLine($"| \\|Δ p(drop)\\| ≤ 0.05 | {100.0 * within005 / n:F1} % |");
            Console.WriteLine($"| mean / max \\|Δ p(drop)\\| | {sumDiff / n:F4} / {maxDiff:F4} |");
            Console.WriteLine($"| fp32 p(drop): min / median / max; within 0.05 of 0.5 | {sorted[0]:F3} / {sorted[n / 2]:F3} / {sorted[^1]:F3}; {100.0 * near / n:F1} % |");
            Console.WriteLine($"| doc scoring tokens/s fp32 / int8 (wall) | {tokens / time[0].Wall:F0} / {tokens / time[1].Wall:F0} = {time[0].Wall / time[1].Wall:F2}× |");
            Console.WriteLine($"| doc scoring tokens per CPU-second fp32 / int8 | {tokens / time[0].Cpu:F0} / {tokens / time[1].Cpu:F0} = {time[0].Cpu / time[1].Cpu:F2}× |");
        }
        return 0;
    }

    private static string Folder(LlamaConfig config, string dir, ModelPrecision precision)
    {
        if (File.Exists(Path.Combine(dir, "model.onnx")) && ModelInfo.Read(dir).IsComplete) return dir;
        var (w, _) = Clock.Measure(() => ModelFolder.WriteRandom(config, dir, seed: 1, new ModelWriteOptions { Precision = precision }));
        Console.WriteLine($"wrote {dir} in {w:F1} s");
        return dir;
    }

    internal static List<string> ReadCorpus(string path, int n)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var texts = new List<string>();
        while (texts.Count < n && reader.ReadLine() is { } line)
            texts.Add(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
        return texts;
    }

    private static string Cpu()
    {
        try
        {
            var info = File.ReadAllLines("/proc/cpuinfo");
            var model = info.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
            var flags = info.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? "";
            string isa = flags.Contains(" avx512_vnni") ? "AVX-512 VNNI" : flags.Contains(" avx_vnni") ? "AVX-VNNI" : flags.Contains(" avx2") ? "AVX2" : "no AVX2";
            return $"{model} ({isa})";
        }
        catch (IOException) { return "CPU unknown"; }
    }

    private static string Load()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    private static string Opt(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    private static int Int(string[] args, string name, int fallback) => int.Parse(Opt(args, name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
}
