using Microsoft.ML.OnnxRuntime;
using Prox.Models.Onnx;

namespace Prox.Models;

/// <summary>
/// Takes the logits of the last position out of a prefill's <c>[rows, sequence, vocab]</c> logits where they were
/// computed (one <c>Gather</c> on the sequence axis, on the decoder's provider), so only <c>[rows, vocab]</c> travels
/// to the host: on a GPU the full prefill logits (sequence × vocabulary per row) never cross the bus.
/// </summary>
internal sealed class LastPositionGather : IDisposable
{
    private readonly InferenceSession _session;
    private readonly OrtIoBinding _binding;

    /// <param name="half">float16 logits (else float32).</param>
    /// <param name="cudaDevice">The CUDA device when the decoder runs on CUDA; null for the CPU.</param>
    public LastPositionGather(bool half, int? cudaDevice)
    {
        int type = half ? OnnxType.Float16 : OnnxType.Float;
        var model = KvRowGather.SmallGraph("prox_last_position", g =>
        {
            g.Input("logits", type, "rows", "sequence", "vocab");
            g.Input("position", OnnxType.Int64);
            g.Output("last", type, "rows", "vocab");
            g.Node("Gather", "gather", ["logits", "position"], 1, [OnnxAttr.Int("axis", 1)], ["last"]);
        });
        using var so = KvRowGather.SmallGraphOptions(cudaDevice);
        _session = new InferenceSession(model, so);
        _binding = _session.CreateIoBinding();
    }

    /// <summary>Writes position <paramref name="position"/> of every row of <paramref name="logits"/> into <paramref name="destination"/> (<c>[rows, vocab]</c>, host memory).</summary>
    public void Run(RunOptions run, OrtValue logits, long position, OrtValue destination)
    {
        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        using var index = OrtValue.CreateTensorValueFromMemory(new[] { position }, []);
        _binding.BindInput("logits", logits);
        _binding.BindInput("position", index);
        _binding.BindOutput("last", destination);
        try { _session.RunWithBinding(run, _binding); }
        finally
        {
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _binding.Dispose();
        _session.Dispose();
    }
}
