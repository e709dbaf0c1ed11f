using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;

namespace Prox.Models;

/// <summary>
/// Opens ONNX Runtime sessions on an <see cref="ExecutionProvider"/>: <c>Cuda</c> fails with an error naming CUDA when
/// it cannot be used, <c>Auto</c> falls back to the CPU and warns once per warning sink (a run's doc and chunk models
/// share one), <c>Cpu</c> never tries CUDA. Why CUDA failed is remembered per device for the process, so a second
/// model does not pay for a second failing load.
/// </summary>
internal static class ModelSessionFactory
{
    private static readonly ConcurrentDictionary<int, string> CudaFailures = new();
    private static readonly ConditionalWeakTable<object, object> Warned = new();

    /// <summary>The session and the provider it really runs on (<c>CUDA</c> or <c>CPU</c>).</summary>
    public static (InferenceSession Session, string Provider) Open(string modelPath, ExecutionProvider provider, int deviceId, int intraOpThreads,
        Action<string>? warn)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"ONNX model '{modelPath}' does not exist", modelPath);
        if (provider != ExecutionProvider.Cpu)
        {
            string? reason = CudaFailures.TryGetValue(deviceId, out var known) ? known : null;
            if (reason is null)
            {
                try { return (Create(modelPath, intraOpThreads, cudaDevice: deviceId), "CUDA"); }
                catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
                {
                    reason = FirstLine(e.Message);
                    if (reason.Contains("load", StringComparison.OrdinalIgnoreCase) && reason.Contains("librar", StringComparison.OrdinalIgnoreCase))
                        reason += " (an installed Prox module ships without libonnxruntime_providers_cuda.so, and CUDA needs the CUDA and cuDNN libraries: see the README, 'Install the module')";
                    CudaFailures[deviceId] = reason;
                }
            }
            if (provider == ExecutionProvider.Cuda)
                throw new InvalidOperationException($"the CUDA execution provider cannot run '{modelPath}' on GPU {deviceId}: {reason} (use -ExecutionProvider Auto or Cpu to run on the CPU)");
            if (warn is not null)
            {
                bool first;
                lock (Warned) first = Warned.TryAdd(warn.Target ?? warn.Method, Warned);
                if (first) warn($"CUDA did not load, running the model on the CPU: {reason}");
            }
        }
        return (Create(modelPath, intraOpThreads, cudaDevice: null), "CPU");
    }

    private static InferenceSession Create(string modelPath, int intraOpThreads, int? cudaDevice)
    {
        using var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0) so.IntraOpNumThreads = intraOpThreads;
        // Idle workers sleep: the pipeline's own threads and other programs share the cores.
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        so.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
        if (cudaDevice is { } device) so.AppendExecutionProvider_CUDA(device);
        try { return new InferenceSession(modelPath, so); }
        catch (OnnxRuntimeException e) when (cudaDevice is null)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{modelPath}': {e.Message}", e);
        }
    }

    private static string FirstLine(string message)
    {
        var nl = message.IndexOf('\n');
        return (nl < 0 ? message : message[..nl]).Trim();
    }
}
