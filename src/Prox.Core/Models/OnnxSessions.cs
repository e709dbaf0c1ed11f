using Microsoft.ML.OnnxRuntime;

namespace Prox.Models;

/// <summary>Options for opening a model with ONNX Runtime.</summary>
public sealed record ModelSessionOptions
{
    /// <summary>Threads for one operator (0 = ONNX Runtime's default: one per physical core).</summary>
    public int IntraOpThreads { get; init; }
    /// <summary>Try the CUDA execution provider first; on failure fall back to CPU with a warning.</summary>
    public bool UseCuda { get; init; }
    /// <summary>CUDA device ordinal.</summary>
    public int DeviceId { get; init; }
    /// <summary>
    /// Whether idle ONNX Runtime worker threads spin (default true: lowest latency on a dedicated machine; false is
    /// kinder to a machine shared with other work).
    /// </summary>
    public bool AllowSpinning { get; init; } = true;
}

/// <summary>Opens ONNX Runtime inference sessions for model folders.</summary>
public static class OnnxSessions
{
    /// <summary>
    /// Opens <c>model.onnx</c> of a model folder (or a model file path). With <see cref="ModelSessionOptions.UseCuda"/>,
    /// the CUDA provider is tried and, if it cannot load, the session runs on CPU and <paramref name="warn"/> is told why.
    /// </summary>
    public static InferenceSession Open(string modelFolderOrFile, ModelSessionOptions? options = null, Action<string>? warn = null)
    {
        options ??= new ModelSessionOptions();
        var path = Directory.Exists(modelFolderOrFile) ? Path.Combine(modelFolderOrFile, "model.onnx") : modelFolderOrFile;
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' does not exist", path);
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads > 0) so.IntraOpNumThreads = options.IntraOpThreads;
        if (!options.AllowSpinning)
        {
            so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            so.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        }
        if (options.UseCuda)
        {
            try { so.AppendExecutionProvider_CUDA(options.DeviceId); }
            catch (OnnxRuntimeException e) { warn?.Invoke($"CUDA execution provider unavailable, running on CPU: {e.Message} (an installed Prox module ships without libonnxruntime_providers_cuda.so: see the README, 'Install the module')"); }
        }
        try { return new InferenceSession(path, so); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"ONNX Runtime cannot load '{path}': {e.Message}", e); }
        finally { so.Dispose(); }
    }
}
