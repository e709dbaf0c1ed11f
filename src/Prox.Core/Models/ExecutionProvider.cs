namespace Prox.Models;

/// <summary>Where a model runs.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when it loads; otherwise a warning (saying why) and the CPU.</summary>
    Auto,

    /// <summary>CUDA only: a clear error when no usable GPU is there.</summary>
    Cuda,

    /// <summary>The CPU only.</summary>
    Cpu,
}
