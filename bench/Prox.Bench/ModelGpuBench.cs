using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Prox.Models;

namespace Prox.Bench;

/// <summary>
/// <c>model-gpu</c> mode (run by <c>bench/gpu-bench.sh</c> on a CUDA machine): with a random model of the published
/// shape (fp16 by default) on one execution provider,
/// <list type="bullet">
/// <item>doc scoring: prefill of <c>batch × --seq</c> tokens per call (every output bound with IOBinding to the
/// device, so nothing is copied back), prompt tokens/s per batch size;</item>
/// <item>chunk generation: prefill of <c>batch × --prompt</c> tokens, then <c>--new</c> greedy steps with the
/// present key/values bound on the device and fed back as the next step's past (no copy through the host; only the
/// step's logits come to the host for the arg-max), generated tokens/s per batch size.</item>
/// </list>
/// Batch sizes stop growing at the first out-of-memory. <c>--smoke</c>: the same on the CPU with the tiny preset and
/// small sizes, to check the binary (it runs in the tests of the GPU script's build step).
/// Options: <c>--provider Cuda|Cpu</c>, <c>--device 0</c>, <c>--preset prox-0.35b</c>, <c>--precision fp16|fp32</c>,
/// <c>--dir D</c>, <c>--seq 512</c>, <c>--batches 1,8,32,64,128</c>, <c>--prompt 256</c>, <c>--new 64</c>,
/// <c>--gen-batches 1,16,64,128,256</c>, <c>--repeat 3</c>.
/// </summary>
internal static class ModelGpuBench
{
    public static int Run(string[] args)
    {
        bool smoke = args.Contains("--smoke");
        string Opt(string name, string fallback, string smokeValue) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : smoke ? smokeValue : fallback; }
        int[] Ints(string s) => s.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        var provider = Enum.Parse<ExecutionProvider>(Opt("--provider", "Cuda", "Cpu"), ignoreCase: true);
        int device = int.Parse(Opt("--device", "0", "0"), CultureInfo.InvariantCulture);
        string preset = Opt("--preset", "prox-0.35b", "tiny");
        var precision = Opt("--precision", provider == ExecutionProvider.Cpu ? "fp32" : "fp16", "fp32") == "fp16" ? ModelPrecision.Fp16 : ModelPrecision.Fp32;
        string dir = Opt("--dir", Path.Combine("bench-data", $"{preset}-{precision.ToString().ToLowerInvariant()}"), Path.Combine(Path.GetTempPath(), $"prox-gpu-smoke-{Environment.ProcessId}"));
        int seq = int.Parse(Opt("--seq", "512", "32"), CultureInfo.InvariantCulture);
        int prompt = int.Parse(Opt("--prompt", "256", "16"), CultureInfo.InvariantCulture);
        int steps = int.Parse(Opt("--new", "64", "4"), CultureInfo.InvariantCulture);
        int repeat = int.Parse(Opt("--repeat", "3", "1"), CultureInfo.InvariantCulture);
        var batches = Ints(Opt("--batches", "1,8,32,64,128", "1,2"));
        var genBatches = Ints(Opt("--gen-batches", "1,16,64,128,256", "1,2"));

        var config = LlamaConfig.FromPreset(preset);
        if (!File.Exists(Path.Combine(dir, "model.onnx")) || !ModelInfo.Read(dir).IsComplete)
        {
            var sw0 = Stopwatch.StartNew();
            ModelFolder.WriteRandom(config, dir, seed: 1, new ModelWriteOptions { Precision = precision });
            Console.WriteLine($"wrote {dir} in {sw0.Elapsed.TotalSeconds:F1} s");
        }
        var modelPath = Path.Combine(dir, "model.onnx");
        try
        {
            InferenceSession session; string actual;
            try { (session, actual) = ModelSessionFactory.Open(modelPath, provider, device, 0, Console.Error.WriteLine); }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            using (session)
            {
                var sig = DecoderSignature.Read(session, modelPath, config);
                Console.WriteLine($"provider {actual} (device {device}), {Card(actual)}; ONNX Runtime {OrtEnv.Instance().GetVersionString()}");
                Console.WriteLine($"model {preset} {sig.DType}: {config.ParameterCount:N0} parameters, {config.FlopsPerToken / 1e9:F3} GFLOP/token");
                using var memory = actual == "CUDA" ? new OrtMemoryInfo("Cuda", OrtAllocatorType.DeviceAllocator, device, OrtMemType.Default) : null;
                var bench = new Runner(session, sig, config, memory);

                Console.WriteLine();
                Console.WriteLine($"### Doc scoring: prefill of batch × {seq} tokens, outputs left on the device, best of {repeat}");
                Console.WriteLine();
                Console.WriteLine("| batch | prompt tokens/s | ms per call |");
                Console.WriteLine("|---:|---:|---:|");
                double bestPrefill = 0;
                foreach (var b in batches)
                {
                    double secs;
                    try { secs = Enumerable.Range(0, repeat + 1).Select(_ => bench.Prefill(b, seq)).Skip(1).Min(); }
                    catch (OnnxRuntimeException e) { Console.WriteLine($"| {b} | stopped: {FirstLine(e.Message)} | |"); break; }
                    bestPrefill = Math.Max(bestPrefill, b * seq / secs);
                    Console.WriteLine($"| {b} | {b * seq / secs:F0} | {secs * 1000:F1} |");
                }

                Console.WriteLine();
                Console.WriteLine($"### Chunk generation: batch × {prompt}-token prompts, then {steps} greedy steps with the cache on the device");
                Console.WriteLine();
                Console.WriteLine("| batch | generated tokens/s | ms per step | prefill s |");
                Console.WriteLine("|---:|---:|---:|---:|");
                double bestGen = 0; int bestBatch = 0;
                foreach (var b in genBatches)
                {
                    (double Prefill, double Steps) t;
                    try { bench.Generate(b, prompt, 2); t = bench.Generate(b, prompt, steps); }
                    catch (OnnxRuntimeException e) { Console.WriteLine($"| {b} | stopped: {FirstLine(e.Message)} | | |"); break; }
                    double tps = b * steps / t.Steps;
                    if (tps > bestGen) (bestGen, bestBatch) = (tps, b);
                    Console.WriteLine($"| {b} | {tps:F0} | {t.Steps / steps * 1000:F2} | {t.Prefill:F2} |");
                }
                Console.WriteLine();
                Console.WriteLine($"summary: provider {actual}, doc scoring best {bestPrefill:F0} prompt tokens/s, chunk generation best {bestGen:F0} tokens/s at batch {bestBatch}");
            }
        }
        finally
        {
            if (smoke) try { Directory.Delete(dir, true); } catch (IOException) { }
        }
        return 0;
    }

    private static string FirstLine(string s) { var i = s.IndexOf('\n'); return (i < 0 ? s : s[..i]).Trim(); }

    private static string Card(string provider)
    {
        if (provider != "CUDA") return "no GPU";
        try
        {
            using var p = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name,memory.total,driver_version --format=csv,noheader") { RedirectStandardOutput = true })!;
            var s = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return s.Length > 0 ? s.Replace('\n', ';') : "card unknown";
        }
        catch (System.ComponentModel.Win32Exception) { return "card unknown (no nvidia-smi)"; }
    }

    /// <summary>Runs prefills and decoding loops through IOBinding.</summary>
    private sealed class Runner(InferenceSession session, DecoderSignature sig, LlamaConfig config, OrtMemoryInfo? device)
    {
        private readonly TensorElementType _type = sig.Half ? TensorElementType.Float16 : TensorElementType.Float;
        private readonly Random _rng = new(5);

        private long[] Ids(int n) => Enumerable.Range(0, n).Select(_ => (long)_rng.Next(3, config.VocabSize)).ToArray();

        private void BindOutput(OrtIoBinding binding, string name, bool host)
        {
            if (host || device is null) binding.BindOutputToDevice(name, OrtMemoryInfo.DefaultInstance);
            else binding.BindOutputToDevice(name, device);
        }

        /// <summary>One prefill of batch × seq tokens, every output on the device; returns seconds.</summary>
        public double Prefill(int batch, int seq)
        {
            using var binding = session.CreateIoBinding();
            var inputs = Inputs(batch, seq, 0);
            try
            {
                foreach (var (name, v) in inputs) binding.BindInput(name, v);
                BindOutput(binding, "logits", host: false);
                for (int i = 0; i < sig.Layers; i++) { BindOutput(binding, $"present.{i}.key", false); BindOutput(binding, $"present.{i}.value", false); }
                using var run = new RunOptions();
                var sw = Stopwatch.StartNew();
                session.RunWithBinding(run, binding);
                binding.SynchronizeBoundOutputs();
                double secs = sw.Elapsed.TotalSeconds;
                using var outputs = binding.GetOutputValues();
                return secs;
            }
            finally { foreach (var (_, v) in inputs) v.Dispose(); }
        }

        /// <summary>Prefill of batch × prompt tokens, then <paramref name="steps"/> greedy steps; returns (prefill seconds, steps seconds).</summary>
        public (double Prefill, double Steps) Generate(int batch, int prompt, int steps)
        {
            var past = new List<OrtValue>();
            var sw = Stopwatch.StartNew();
            double prefill = 0;
            long[] next = Ids(batch);   // the prefill's logits stay on the device: the first token is drawn (a random model's choice is as good)
            try
            {
                for (int s = 0; s <= steps; s++)
                {
                    using var binding = session.CreateIoBinding();
                    int pastLength = s == 0 ? 0 : prompt + s - 1;
                    var inputs = s == 0 ? Inputs(batch, prompt, 0) : StepInputs(next, pastLength);
                    try
                    {
                        foreach (var (name, v) in inputs) binding.BindInput(name, v);
                        if (s > 0)
                            for (int i = 0; i < sig.Layers; i++)
                            {
                                binding.BindInput($"past_key_values.{i}.key", past[2 * i]);
                                binding.BindInput($"past_key_values.{i}.value", past[2 * i + 1]);
                            }
                        BindOutput(binding, "logits", host: s > 0);
                        for (int i = 0; i < sig.Layers; i++) { BindOutput(binding, $"present.{i}.key", false); BindOutput(binding, $"present.{i}.value", false); }
                        using var run = new RunOptions();
                        session.RunWithBinding(run, binding);
                        var outputs = binding.GetOutputValues().ToList();
                        foreach (var v in past) v.Dispose();
                        past = outputs.Skip(1).ToList();
                        if (s > 0) next = ArgMax(outputs[0], batch);
                        outputs[0].Dispose();
                    }
                    finally { foreach (var (_, v) in inputs) v.Dispose(); }
                    if (s == 0) { prefill = sw.Elapsed.TotalSeconds; sw.Restart(); }
                }
                return (prefill, sw.Elapsed.TotalSeconds);
            }
            finally { foreach (var v in past) v.Dispose(); }
        }

        private long[] ArgMax(OrtValue logits, int batch)
        {
            var result = new long[batch];
            int v = config.VocabSize;
            if (sig.Half)
            {
                var span = logits.GetTensorDataAsSpan<Float16>();
                for (int b = 0; b < batch; b++)
                {
                    var row = span.Slice(b * v, v);
                    int best = 0; float max = float.NegativeInfinity;
                    for (int i = 0; i < v; i++) { float x = (float)row[i]; if (x > max) { max = x; best = i; } }
                    result[b] = best;
                }
            }
            else
                for (int b = 0; b < batch; b++) result[b] = KvCacheDecoder.ArgMax(logits.GetTensorDataAsSpan<float>().Slice(b * v, v));
            return result;
        }

        private List<(string, OrtValue)> Inputs(int batch, int seq, int pastLength)
        {
            var list = new List<(string, OrtValue)>
            {
                ("input_ids", OrtValue.CreateTensorValueFromMemory(Ids(batch * seq), [batch, seq])),
                ("attention_mask", OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, batch * (pastLength + seq)).ToArray(), [batch, pastLength + seq])),
            };
            if (sig.HasPositionIds)
                list.Add(("position_ids", OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, batch * seq).Select(i => (long)(pastLength + i % seq)).ToArray(), [batch, seq])));
            long[] empty = [batch, sig.KvHeads, 0, sig.HeadSize];
            for (int i = 0; i < sig.Layers; i++)
            {
                list.Add(($"past_key_values.{i}.key", OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _type, empty)));
                list.Add(($"past_key_values.{i}.value", OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _type, empty)));
            }
            return list;
        }

        private List<(string, OrtValue)> StepInputs(long[] next, int pastLength)
        {
            int batch = next.Length;
            var list = new List<(string, OrtValue)>
            {
                ("input_ids", OrtValue.CreateTensorValueFromMemory(next, [batch, 1])),
                ("attention_mask", OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, batch * (pastLength + 1)).ToArray(), [batch, pastLength + 1])),
            };
            if (sig.HasPositionIds)
                list.Add(("position_ids", OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat((long)pastLength, batch).ToArray(), [batch, 1])));
            return list;
        }
    }
}
