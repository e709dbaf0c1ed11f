using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Prox.Models;
using Prox.Models.Onnx;
using static Prox.Models.Onnx.OnnxAttr;

namespace Prox.Bench;

/// <summary>
/// The matrix-multiply ceiling of a model folder: a graph holding only the model's weight multiplies (every MatMul,
/// Gemm and DynamicQuantizeMatMul whose second input is an initializer) with the same shapes, operators and weights —
/// its initializers point into the folder's own <c>model.onnx.data</c>, nothing is copied — run on <c>[m, K]</c>
/// inputs in the same ONNX Runtime with the same session options as the model. Its tokens/s is what the
/// multiplies alone allow.
/// </summary>
internal sealed class MatMulCeiling : IDisposable
{
    private readonly string _file;
    private readonly InferenceSession _session;
    private readonly List<(string Name, int K)> _inputs = [];
    private readonly List<string> _outputs = [];

    /// <summary>The number of weight multiplies in the graph.</summary>
    public int Multiplies => _outputs.Count;

    public MatMulCeiling(string folder, int threads)
    {
        var model = OnnxModelFile.Load(Path.Combine(folder, "model.onnx"));
        var inits = model.Initializers.ToDictionary(i => i.Name);
        _file = Path.Combine(folder, $"matmul-ceiling-{Guid.NewGuid():N}.onnx");
        var scratch = Path.Combine(Path.GetTempPath(), $"prox-ceiling-{Guid.NewGuid():N}.data");
        try
        {
            using (var g = new OnnxGraphBuilder(scratch, Path.GetFileName(scratch)))
            {
                var added = new HashSet<string>();
                void Init(string name)
                {
                    if (!added.Add(name)) return;
                    var t = inits[name];
                    if (t.ExternalLocation is { } loc)
                        g.ExternalTensor(name, t.DataType, t.Dims, loc, t.ExternalOffset, t.ExternalLength >= 0 ? t.ExternalLength : t.ElementCount * OnnxType.Size(t.DataType));
                    else g.Tensor(name, t.DataType, t.Dims, t.Raw.Span);
                }
                int n = 0;
                foreach (var node in model.Nodes)
                {
                    if (node.OpType is not ("MatMul" or "Gemm" or "DynamicQuantizeMatMul") || node.Inputs.Count < 2 || !inits.TryGetValue(node.Inputs[1], out var w)) continue;
                    bool transB = node.OpType == "Gemm" && node.Attributes.TryGetValue("transB", out var tb) && tb.Value == 1;
                    long k = transB ? w.Dims[1] : w.Dims[0], cols = transB ? w.Dims[0] : w.Dims[1];
                    var input = $"x{k}";
                    if (!_inputs.Any(i => i.Name == input))
                    {
                        _inputs.Add((input, (int)k));
                        g.Input(input, OnnxType.Float, "m", k);
                    }
                    var output = $"y{n++}";
                    g.Output(output, OnnxType.Float, "m", cols);
                    _outputs.Add(output);
                    foreach (var i in node.Inputs.Skip(1).Where(i => i.Length > 0)) Init(i);
                    string[] ins = [input, .. node.Inputs.Skip(1)];
                    if (node.OpType == "Gemm") g.Node("Gemm", $"mm{n}", ins, 1, transB ? [Int("transB", 1)] : [], [output]);
                    else g.Node(node.OpType, $"mm{n}", ins, 1, [], [output], node.Domain);
                }
                File.WriteAllBytes(_file, g.Finish("matmul_ceiling", new Dictionary<string, long>(model.Opsets), new Dictionary<string, string>()));
            }
            _session = OnnxSessions.Open(_file, new ModelSessionOptions { IntraOpThreads = threads, AllowSpinning = false });
        }
        catch
        {
            File.Delete(_file);
            throw;
        }
        finally { File.Delete(scratch); }
    }

    /// <summary>Best of <paramref name="repeat"/> timed runs (after one warm-up) on <paramref name="m"/> rows: (wall seconds, process CPU seconds).</summary>
    public (double Wall, double Cpu) Time(int m, int repeat)
    {
        var rng = new Random(3);
        var values = _inputs.Select(i => OrtValue.CreateTensorValueFromMemory(
            Enumerable.Range(0, m * i.K).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), [m, i.K])).ToList();
        try
        {
            using var run = new RunOptions();
            double wall = double.MaxValue, cpu = double.MaxValue;
            for (int r = 0; r <= repeat; r++)
            {
                var (w, c) = Clock.Measure(() => { using var o = _session.Run(run, _inputs.Select(i => i.Name).ToList(), values, _outputs); });
                if (r == 0) continue;
                wall = Math.Min(wall, w);
                cpu = Math.Min(cpu, c);
            }
            return (wall, cpu);
        }
        finally { foreach (var v in values) v.Dispose(); }
    }

    public void Dispose()
    {
        _session.Dispose();
        try { File.Delete(_file); } catch (IOException) { }
    }
}

/// <summary>Wall and process CPU time of an action.</summary>
internal static class Clock
{
    public static (double Wall, double Cpu) Measure(Action action)
    {
        var p = Process.GetCurrentProcess();
        var cpu0 = p.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        action();
        sw.Stop();
        p.Refresh();
        return (sw.Elapsed.TotalSeconds, (p.TotalProcessorTime - cpu0).TotalSeconds);
    }
}
