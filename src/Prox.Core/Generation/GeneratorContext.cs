namespace Prox.Generation;

/// <summary>What a generator may need from the run that creates it, beyond its spec.</summary>
public sealed record GeneratorContext
{
    /// <summary>No context.</summary>
    public static GeneratorContext Default { get; } = new();

    /// <summary>Relative paths in a spec (model folders, tokenizer files) resolve against this folder (default: the process's current directory).</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Worker threads the run uses (a model may size its intra-op pool from it).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Where warnings go (e.g. "CUDA did not load, running on the CPU"); null = nowhere.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Extra settings for generator kinds (e.g. a LLaMA-2 tokenizer path, an execution provider).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Resolves <paramref name="path"/> against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) =>
        Path.GetFullPath(BaseDirectory is null ? path : Path.Combine(BaseDirectory, path));
}
