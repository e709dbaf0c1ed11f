using Prox.Generation;

namespace Prox.Models;

/// <summary>
/// Makes <see cref="LlamaProgramGenerator"/>s from <c>model:&lt;folder&gt;[?option=value&amp;…]</c> specs (or a bare
/// folder path). The folder and a <c>tokenizer</c> path resolve against <see cref="GeneratorContext.BaseDirectory"/>;
/// options default to <see cref="GeneratorContext.Settings"/> of the same names (see <see cref="ModelGeneratorOptions"/>);
/// the intra-op thread count defaults to <see cref="GeneratorContext.Threads"/>.
/// </summary>
public sealed class ModelGeneratorProvider : IGeneratorProvider
{
    /// <inheritdoc/>
    public string Kind => GeneratorSpec.ModelKind;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">No folder, or an unknown or malformed option.</exception>
    public IProgramGenerator Create(GeneratorSpec spec, GeneratorContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        if (spec.Argument.Length == 0) throw new ArgumentException($"generator spec '{spec}' names no model folder (e.g. 'model:./models/web-doc')", nameof(spec));
        var options = ModelGeneratorOptions.From(context.Settings, spec.Options);
        if (options.Tokenizer is { } t) options = options with { Tokenizer = context.ResolvePath(t) };
        var folder = context.ResolvePath(spec.Argument);
        // The canonical spec holds full paths, so the run's record names the files really used.
        var resolved = new Dictionary<string, string>(spec.Options, StringComparer.OrdinalIgnoreCase);
        foreach (var key in resolved.Keys.ToList())
            if (string.Equals(key, "tokenizer", StringComparison.OrdinalIgnoreCase)) resolved[key] = options.Tokenizer ?? "";
        var canonical = new GeneratorSpec(GeneratorSpec.ModelKind, folder, resolved);
        return LlamaProgramGenerator.Open(folder, options, canonical, context.Warn, Math.Max(0, context.Threads));
    }
}
