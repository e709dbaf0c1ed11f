using System.Runtime.InteropServices;
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
}

/// <summary>Opens ONNX Runtime inference sessions for model folders.</summary>
public static class OnnxSessions
{
    private static int _resolverInstalled;

    /// <summary>
    /// Opens <c>model.onnx</c> of a model folder (or a model file path). With <see cref="ModelSessionOptions.UseCuda"/>,
    /// the CUDA provider is tried and, if it cannot load, the session runs on CPU and <paramref name="warn"/> is told why.
    /// </summary>
    public static InferenceSession Open(string modelFolderOrFile, ModelSessionOptions? options = null, Action<string>? warn = null)
    {
        EnsureNativeLibrary();
        options ??= new ModelSessionOptions();
        var path = Directory.Exists(modelFolderOrFile) ? Path.Combine(modelFolderOrFile, "model.onnx") : modelFolderOrFile;
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' does not exist", path);
        var so = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads > 0) so.IntraOpNumThreads = options.IntraOpThreads;
        if (options.UseCuda)
        {
            try { so.AppendExecutionProvider_CUDA(options.DeviceId); }
            catch (OnnxRuntimeException e) { warn?.Invoke($"CUDA execution provider unavailable, running on CPU: {e.Message}"); }
        }
        try { return new InferenceSession(path, so); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"ONNX Runtime cannot load '{path}': {e.Message}", e); }
        finally { so.Dispose(); }
    }

    /// <summary>
    /// Lets ONNX Runtime's native library be found next to Prox.Core.dll (or in its runtimes/ folder) when the host
    /// process (e.g. pwsh importing the module) does not list it in its own dependency manifest.
    /// </summary>
    internal static void EnsureNativeLibrary()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 1) return;
        var ortAssembly = typeof(InferenceSession).Assembly;
        try
        {
            NativeLibrary.SetDllImportResolver(ortAssembly, (name, assembly, searchPath) =>
            {
                if (!name.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
                foreach (var candidate in Candidates(name))
                    if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
                return IntPtr.Zero;
            });
        }
        catch (InvalidOperationException)
        {
            // A resolver was already set for the ONNX Runtime assembly by the host; keep it.
        }
    }

    private static IEnumerable<string> Candidates(string name)
    {
        var dirs = new[] { Path.GetDirectoryName(typeof(OnnxSessions).Assembly.Location), Path.GetDirectoryName(typeof(InferenceSession).Assembly.Location) }
            .Where(d => !string.IsNullOrEmpty(d)).Distinct().ToList();
        string file = OperatingSystem.IsWindows() ? $"{name}.dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";
        string rid = RuntimeInformation.RuntimeIdentifier;
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        foreach (var d in dirs)
        {
            yield return Path.Combine(d!, file);
            yield return Path.Combine(d!, "runtimes", rid, "native", file);
            yield return Path.Combine(d!, "runtimes", $"{os}-{arch}", "native", file);
        }
    }
}
