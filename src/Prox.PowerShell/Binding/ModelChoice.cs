using System.Globalization;
using Prox.Generation;
using Prox.Models;

namespace Prox.PowerShell.Binding;

/// <summary>
/// A cmdlet's model parameters (<c>-Model</c>, <c>-DocModel</c>, <c>-ChunkModel</c>, <c>-ExecutionProvider</c>,
/// <c>-ModelTokenizer</c>, <c>-DropThreshold</c>, <c>-Unconstrained</c>, <c>-BatchSize</c>) as generator specs and settings: a model folder becomes a
/// <c>model:&lt;folder&gt;</c> spec (resolved against the PowerShell location by the generator context), the rest become
/// settings that every model spec of the run takes as defaults.
/// </summary>
internal sealed record ModelChoice(string? Model, string? DocModel, string? ChunkModel, ExecutionProvider? Provider, string? Tokenizer, double? DropThreshold,
    bool Unconstrained = false, int? BatchSize = null)
{
    /// <summary>Settings for <see cref="GeneratorContext.Settings"/> (the tokenizer resolved with <paramref name="resolve"/>).</summary>
    public Dictionary<string, string> Settings(Func<string, string> resolve)
    {
        var s = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Provider is { } p) s["provider"] = p.ToString();
        if (!string.IsNullOrWhiteSpace(Tokenizer)) s["tokenizer"] = resolve(Tokenizer);
        if (DropThreshold is { } t) s["drop_threshold"] = t.ToString("R", CultureInfo.InvariantCulture);
        if (Unconstrained) s["unconstrained"] = "true";
        if (BatchSize is { } b) s["batch_size"] = b.ToString(CultureInfo.InvariantCulture);
        return s;
    }

    /// <summary>The stages' specs with the model folders put in; a stage named twice (e.g. -DocModel and -DocGenerator) is an error.</summary>
    /// <exception cref="ArgumentException">Two parameters name the same stage's generator.</exception>
    public (GeneratorSpec Doc, GeneratorSpec Chunk) Apply((GeneratorSpec Doc, GeneratorSpec Chunk) specs, string? generator, string? preset, string? docGenerator, string? chunkGenerator)
    {
        bool both = !string.IsNullOrWhiteSpace(generator) || !string.IsNullOrWhiteSpace(preset);
        var (doc, chunk) = specs;
        if (!string.IsNullOrWhiteSpace(Model))
        {
            if (both) throw new ArgumentException("-Model and -Generator/-Preset both name the generator of both stages; use one");
            var m = new GeneratorSpec(GeneratorSpec.ModelKind, Model);
            if (string.IsNullOrWhiteSpace(docGenerator)) doc = m;
            if (string.IsNullOrWhiteSpace(chunkGenerator)) chunk = m;
        }
        if (!string.IsNullOrWhiteSpace(DocModel))
        {
            if (!string.IsNullOrWhiteSpace(docGenerator)) throw new ArgumentException("-DocModel and -DocGenerator both name the doc stage's generator; use one");
            doc = new GeneratorSpec(GeneratorSpec.ModelKind, DocModel);
        }
        if (!string.IsNullOrWhiteSpace(ChunkModel))
        {
            if (!string.IsNullOrWhiteSpace(chunkGenerator)) throw new ArgumentException("-ChunkModel and -ChunkGenerator both name the chunk stage's generator; use one");
            chunk = new GeneratorSpec(GeneratorSpec.ModelKind, ChunkModel);
        }
        return (doc, chunk);
    }
}
