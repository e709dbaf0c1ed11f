using Microsoft.ML.OnnxRuntime;
using Prox.Models.Onnx;

namespace Prox.Models;

/// <summary>
/// Compacts a batch's KV cache where it lives: a small ONNX graph (one <c>Gather</c> on the batch axis per cache
/// tensor) run on the decoder's execution provider, so rows of finished sequences are dropped on the GPU without a
/// round trip through host memory, and on the CPU the same way (one code path, tested on the CPU).
/// </summary>
internal sealed class KvRowGather : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputs, _outputs;

    /// <param name="tensors">Cache tensors per batch (2 × layers).</param>
    /// <param name="half">float16 cache (else float32).</param>
    /// <param name="cudaDevice">The CUDA device when the decoder runs on CUDA; null for the CPU.</param>
    public KvRowGather(int tensors, bool half, int? cudaDevice)
    {
        _inputs = new string[tensors];
        _outputs = new string[tensors];
        var model = Build(tensors, half ? OnnxType.Float16 : OnnxType.Float, _inputs, _outputs);
        using var so = SmallGraphOptions(cudaDevice);
        _session = new InferenceSession(model, so);
    }

    private static byte[] Build(int tensors, int type, string[] inputs, string[] outputs) =>
        SmallGraph("prox_kv_row_gather", g =>
        {
            g.Input("rows", OnnxType.Int64, "kept");
            for (int i = 0; i < tensors; i++)
            {
                inputs[i] = $"x{i}";
                outputs[i] = $"y{i}";
                g.Input(inputs[i], type, "batch", "heads", "length", "head_size");
                g.Output(outputs[i], type, "kept", "heads", "length", "head_size");
                g.Node("Gather", $"gather{i}", [inputs[i], "rows"], 1, [OnnxAttr.Int("axis", 0)], [outputs[i]]);
            }
        });

    /// <summary>A model without weights, built by <paramref name="build"/> (opset 17).</summary>
    internal static byte[] SmallGraph(string name, Action<OnnxGraphBuilder> build)
    {
        // The builder writes large tensors to a data file; these graphs have none, so the file stays empty and is removed.
        var data = Path.Combine(Path.GetTempPath(), $"prox-graph-{Guid.NewGuid():N}.data");
        try
        {
            using var g = new OnnxGraphBuilder(data, "unused.data");
            build(g);
            return g.Finish(name, new Dictionary<string, long> { [""] = 17 }, new Dictionary<string, string>());
        }
        finally
        {
            try { File.Delete(data); } catch (IOException) { }
        }
    }

    /// <summary>Session options for these small graphs on the decoder's provider.</summary>
    internal static SessionOptions SmallGraphOptions(int? cudaDevice)
    {
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        so.IntraOpNumThreads = 1;
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (cudaDevice is { } device) so.AppendExecutionProvider_CUDA(device);
        return so;
    }

    /// <summary>
    /// Copies rows <paramref name="rows"/> of each source tensor into the destination tensor of the same index
    /// (destination shapes: <c>[rows.Length, heads, length, head_size]</c>).
    /// </summary>
    public void Run(OrtIoBinding binding, RunOptions run, long[] rows, IReadOnlyList<OrtValue> sources, IReadOnlyList<OrtValue> destinations)
    {
        binding.ClearBoundInputs();
        binding.ClearBoundOutputs();
        using var index = OrtValue.CreateTensorValueFromMemory(rows, [rows.Length]);
        binding.BindInput("rows", index);
        for (int i = 0; i < _inputs.Length; i++)
        {
            binding.BindInput(_inputs[i], sources[i]);
            binding.BindOutput(_outputs[i], destinations[i]);
        }
        _session.RunWithBinding(run, binding);
        binding.ClearBoundInputs();
        binding.ClearBoundOutputs();
    }

    /// <summary>A binding for <see cref="Run"/>.</summary>
    public OrtIoBinding CreateBinding() => _session.CreateIoBinding();

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
