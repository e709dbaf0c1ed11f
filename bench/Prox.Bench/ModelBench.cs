using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Prox.Models;
using Prox.Models.Onnx;

namespace Prox.Bench;

/// <summary>
/// <c>model</c> mode: prefill throughput of a (random-weight) LLaMA model folder on CPU, per thread count, against
/// the measured fp32 matrix-multiply ceiling of ONNX Runtime on this machine.
/// Options: <c>--preset prox-0.35b</c>, <c>--dir bench-data/prox-0.35b</c>, <c>--threads 1,2</c>, <c>--seq 512</c>,
/// <c>--batch 1</c>, <c>--repeat 3</c>, <c>--no-spin</c> (ONNX Runtime threads sleep instead of spinning), <c>--contrib</c> (fused normalization operators), <c>--precision fp32|fp16</c>.
/// </summary>
internal static class ModelBench
{
    public static int Run(string[] args)
    {
        string preset = Opt(args, "--preset", "prox-0.35b");
        bool contrib = args.Contains("--contrib");
        bool spin = !args.Contains("--no-spin");
        var precision = Opt(args, "--precision", "fp32") == "fp16" ? ModelPrecision.Fp16 : ModelPrecision.Fp32;
        string dir = Opt(args, "--dir", Path.Combine("bench-data", $"{preset}{(contrib ? "-contrib" : "")}-{precision.ToString().ToLowerInvariant()}"));
        int seq = int.Parse(Opt(args, "--seq", "512"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Opt(args, "--batch", "1"), CultureInfo.InvariantCulture);
        int repeat = int.Parse(Opt(args, "--repeat", "3"), CultureInfo.InvariantCulture);
        var threads = Opt(args, "--threads", "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();

        var config = LlamaConfig.FromPreset(preset);
        if (!File.Exists(Path.Combine(dir, "model.onnx")) || !ModelInfo.Read(dir).IsComplete)
        {
            var sw = Stopwatch.StartNew();
            ModelFolder.WriteRandom(config, dir, seed: 1, new ModelWriteOptions { Precision = precision, UseContribOps = contrib });
            Console.WriteLine($"wrote {dir} in {sw.Elapsed.TotalSeconds:F1} s");
        }
        var info = ModelInfo.Read(dir);
        Console.WriteLine($"model {preset}: {info.Parameters:N0} parameters, {info.DType}, {config.FlopsPerToken / 1e9:F3} GFLOP/token (matmul), contrib ops: {contrib}");
        Console.WriteLine($"prefill: batch {batch} × {seq} tokens, best of {repeat} timed runs after one warm-up, Environment.ProcessorCount = {Environment.ProcessorCount}");
        Console.WriteLine("| threads | load s | prefill tokens/s (best) | GFLOP/s | matmul ceiling GFLOP/s | % of ceiling | GFLOP per CPU-second | ceiling per CPU-second |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (int t in threads)
        {
            var (ceiling, ceilingCpu) = MatMulCeiling(t, spin, seq * batch, config.HiddenSize, config.IntermediateSize * 2);
            var sw = Stopwatch.StartNew();
            using var dec = LlamaOnnxDecoder.Open(dir, new ModelSessionOptions { IntraOpThreads = t, AllowSpinning = spin });
            double load = sw.Elapsed.TotalSeconds;
            var rng = new Random(1);
            var ids = Enumerable.Range(0, batch * seq).Select(_ => (long)rng.Next(3, config.VocabSize)).ToArray();
            var mask = Enumerable.Repeat(1L, batch * seq).ToArray();
            var pos = Enumerable.Range(0, batch * seq).Select(i => (long)(i % seq)).ToArray();
            dec.Forward(ids, mask, pos, batch);
            double secs = double.MaxValue, sum = 0, cpu = double.MaxValue;
            for (int r = 0; r < repeat; r++)
            {
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                sw.Restart();
                dec.Forward(ids, mask, pos, batch);
                secs = Math.Min(secs, sw.Elapsed.TotalSeconds);
                sum += sw.Elapsed.TotalSeconds;
                cpu = Math.Min(cpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            }
            double tps = batch * seq / secs;
            double gflops = tps * config.FlopsPerToken / 1e9;
            double perCpu = batch * seq / cpu * config.FlopsPerToken / 1e9;
            Console.WriteLine($"| {t} | {load:F1} | {tps:F0} (mean {batch * seq * repeat / sum:F0}) | {gflops:F1} | {ceiling:F1} | {100 * gflops / ceiling:F0} % | {perCpu:F1} | {ceilingCpu:F1} |");
        }
        return 0;
    }

    /// <summary>
    /// GFLOP/s of one fp32 MatMul [m, k] × [k, n] in ONNX Runtime with <paramref name="threads"/> threads (best of 5),
    /// by wall time and by process CPU time (the latter is robust to other load on the machine).
    /// </summary>
    private static (double Wall, double PerCpuSecond) MatMulCeiling(int threads, bool spin, int m, int k, int n)
    {
        var dir = Path.Combine(Path.GetTempPath(), "prox-matmul-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var rng = new Random(2);
            using (var g = new OnnxGraphBuilder(Path.Combine(dir, "model.onnx.data"), "model.onnx.data"))
            {
                g.Input("x", OnnxType.Float, "m", k);
                g.Output("y", OnnxType.Float, "m", n);
                var w = g.Weight("w", [k, n], Enumerable.Range(0, k * n).Select(_ => (float)rng.NextDouble()).ToArray(), OnnxType.Float);
                g.Node("MatMul", "mm", ["x", w], 1, [], ["y"]);
                File.WriteAllBytes(Path.Combine(dir, "model.onnx"), g.Finish("matmul", new Dictionary<string, long> { [""] = 17 }, new Dictionary<string, string>()));
            }
            using var session = OnnxSessions.Open(Path.Combine(dir, "model.onnx"), new ModelSessionOptions { IntraOpThreads = threads, AllowSpinning = spin });
            var x = Enumerable.Range(0, m * k).Select(_ => (float)rng.NextDouble()).ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(x, [m, k]);
            using var run = new RunOptions();
            double best = double.MaxValue, bestCpu = double.MaxValue;
            for (int i = 0; i < 6; i++)
            {
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                using var outputs = session.Run(run, ["x"], [input], ["y"]);
                if (i == 0) continue;
                best = Math.Min(best, sw.Elapsed.TotalSeconds);
                bestCpu = Math.Min(bestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
            }
            double flop = 2.0 * m * k * n;
            return (flop / best / 1e9, flop / bestCpu / 1e9);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static string Opt(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
