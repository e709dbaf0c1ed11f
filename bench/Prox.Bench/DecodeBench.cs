using System.Diagnostics;
using System.Globalization;
using Prox.Generation;
using Prox.Models;
using Prox.Refinement;

namespace Prox.Bench;

/// <summary>
/// <c>decode</c> mode: batched greedy decoding (chunk generation) of a random-weight LLaMA model folder: generated
/// tokens/s per batch size, wall clock and per CPU-second of this process (steadier on a shared machine).
/// Each batch size runs twice: with one new token (the prefill and the first choice) and with <c>--new</c> tokens;
/// the difference is the decoding steps alone. Options: <c>--preset prox-0.35b</c>, <c>--dir D</c>,
/// <c>--batches 1,4,16,64</c>, <c>--prompt 128</c> (prompt tokens per sequence), <c>--new 16</c>, <c>--threads 2</c>,
/// <c>--provider Cpu|Cuda|Auto</c>, <c>--baseline</c> (also the one-sequence <c>KvCacheDecoder</c> path).
/// </summary>
internal static class DecodeBench
{
    public static int Run(string[] args)
    {
        string preset = Opt(args, "--preset", "prox-0.35b");
        string dir = Opt(args, "--dir", Path.Combine("bench-data", $"{preset}-fp32"));
        var batches = Opt(args, "--batches", "1,4,16,64").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int promptLength = int.Parse(Opt(args, "--prompt", "128"), CultureInfo.InvariantCulture);
        int newTokens = int.Parse(Opt(args, "--new", "16"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Opt(args, "--threads", "2"), CultureInfo.InvariantCulture);
        int repeat = int.Parse(Opt(args, "--repeat", "2"), CultureInfo.InvariantCulture);
        string provider = Opt(args, "--provider", "Cpu");
        var config = LlamaConfig.FromPreset(preset);
        if (!File.Exists(Path.Combine(dir, "model.onnx")) || !ModelInfo.Read(dir).IsComplete)
        {
            var sw0 = Stopwatch.StartNew();
            ModelFolder.WriteRandom(config, dir, seed: 1, tokenizerModel: TokenizerPath());
            Console.WriteLine($"wrote {dir} in {sw0.Elapsed.TotalSeconds:F1} s");
        }
        var spec = $"model:{Path.GetFullPath(dir)}?provider={provider}&threads={threads}&tokenizer={Uri.EscapeDataString(TokenizerPath())}";
        using var gen = (LlamaProgramGenerator)ProgramGenerators.Create(spec, new GeneratorContext { Warn = m => Console.WriteLine($"warning: {m}") });
        Console.WriteLine($"model {preset} ({dir}): {gen.Layers} layers, {gen.KvHeads} KV heads × {gen.HeadSize}, {gen.DType}, provider {gen.Provider}, {threads} intra-op thread(s), Environment.ProcessorCount = {Environment.ProcessorCount}");
        Console.WriteLine($"each sequence: {promptLength} prompt tokens (random ids), {newTokens} new tokens (no EOS); best of {repeat} after a warm-up");
        Console.WriteLine("| batch | prefill s | decoding steps s | generated tokens/s (whole run) | decoding steps: generated tokens/s | per CPU-second | vs batch 1 (wall) | vs batch 1 (CPU) | KV cache MB |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var rng = new Random(1);
        double? base1 = null, base1Cpu = null;
        foreach (int b in batches)
        {
            var prompts = Enumerable.Range(0, b).Select(_ => Enumerable.Range(0, promptLength).Select(k => k == 0 ? 1 : rng.Next(3, config.VocabSize)).ToArray()).ToList();
            var limits = new BatchLimits(b, int.MaxValue / 2, Math.Max(promptLength, 2048));
            // Warm-up (allocates the cache buffers for this shape).
            gen.Batches.Greedy(prompts.Select(p => new DecodeRequest(p, 2)).ToList(), limits, gen.ContextLength, -1, default);
            double c1 = double.MaxValue, cn = double.MaxValue, prefill = double.MaxValue, stepsWall = double.MaxValue, whole = double.MaxValue;
            for (int r = 0; r < repeat; r++)
            {
                c1 = Math.Min(c1, Time(() => gen.Batches.Greedy(prompts.Select(p => new DecodeRequest(p, 1)).ToList(), limits, gen.ContextLength, -1, default)).Cpu);
                var stats = new BatchDecodeStats();
                var (tn, cpu) = Time(() => gen.Batches.Greedy(prompts.Select(p => new DecodeRequest(p, newTokens)).ToList(), limits, gen.ContextLength, -1, default, stats));
                if (stats.Batches != 1 || stats.GeneratedTokens != (long)b * newTokens) throw new InvalidOperationException($"expected one batch of {b} × {newTokens} tokens, got {stats.Batches} batch(es), {stats.GeneratedTokens} tokens");
                cn = Math.Min(cn, cpu);
                whole = Math.Min(whole, tn);
                prefill = Math.Min(prefill, stats.PrefillSeconds);
                stepsWall = Math.Min(stepsWall, stats.StepSeconds);
            }
            double steps = (double)b * (newTokens - 1);
            double wall = steps / stepsWall, perCpu = steps / Math.Max(1e-9, cn - c1);
            base1 ??= wall;
            base1Cpu ??= perCpu;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {b} | {prefill:F2} | {stepsWall:F2} | {b * newTokens / whole:F1} | **{wall:F1}** | {perCpu:F1} | {wall / base1:F2}× | {perCpu / base1Cpu:F2}× | {gen.Batches.CacheBytes / 1e6:F0} |"));
        }
        if (args.Contains("--baseline"))
        {
            var prompt = Enumerable.Range(0, promptLength).Select(k => k == 0 ? 1 : rng.Next(3, config.VocabSize)).ToArray();
            gen.Decoder.Greedy(prompt, 2, gen.ContextLength, -1, default, out _);
            var (t1, c1) = Time(() => gen.Decoder.Greedy(prompt, 1, gen.ContextLength, -1, default, out _));
            var (tn, cn) = Time(() => gen.Decoder.Greedy(prompt, newTokens, gen.ContextLength, -1, default, out _));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| 1, KvCacheDecoder (one sequence, present→past OrtValues, no IOBinding) | {t1:F2} | {tn:F2} | {newTokens / tn:F1} | {(newTokens - 1) / (tn - t1):F1} | {(newTokens - 1) / (cn - c1):F1} | | | |"));
        }
        return 0;
    }

    private static (double Wall, double Cpu) Time(Action run)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        run();
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }

    private static string TokenizerPath() => Path.Combine(BenchHarness.SharedFolder(), "tokenizers", "llama2", "tokenizer.model");

    private static string Opt(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
