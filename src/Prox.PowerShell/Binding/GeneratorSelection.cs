using System.Management.Automation;
using Prox.Generation;
using Prox.Refinement;

namespace Prox.PowerShell.Binding;

/// <summary>
/// Turns a cmdlet's generator parameters (<c>-Generator</c>, <c>-DocGenerator</c>, <c>-ChunkGenerator</c>,
/// <c>-Preset</c>) into the doc and chunk generators, resolving relative paths in specs against the current
/// PowerShell location. The same generator object serves both stages when their specs are equal.
/// </summary>
internal sealed class GeneratorSelection : IDisposable
{
    private GeneratorSelection(IProgramGenerator? doc, IProgramGenerator? chunk)
    {
        Doc = doc;
        Chunk = chunk;
    }

    /// <summary>The doc-stage generator, or null when the stage does not run.</summary>
    public IProgramGenerator? Doc { get; }

    /// <summary>The chunk-stage generator, or null when the stage does not run.</summary>
    public IProgramGenerator? Chunk { get; }

    /// <summary>The specs a cmdlet's parameters name, per stage.</summary>
    public static (GeneratorSpec Doc, GeneratorSpec Chunk) Specs(string? generator, string? preset, string? docGenerator, string? chunkGenerator,
        System.Collections.IDictionary? rulesOptions = null)
    {
        GeneratorSpec both = !string.IsNullOrWhiteSpace(generator) ? GeneratorSpec.Parse(generator)
            : !string.IsNullOrWhiteSpace(preset) ? new GeneratorSpec(GeneratorSpec.RulesKind, preset)
            : GeneratorSpec.Default;
        var doc = string.IsNullOrWhiteSpace(docGenerator) ? both : GeneratorSpec.Parse(docGenerator);
        var chunk = string.IsNullOrWhiteSpace(chunkGenerator) ? both : GeneratorSpec.Parse(chunkGenerator);
        var overrides = RulesOptionValues.ToPairs(rulesOptions);
        if (overrides.Count == 0) return (doc, chunk);
        // -RulesOption overrides thresholds of the rules generators; they become part of the spec the run records.
        if (doc.Kind != GeneratorSpec.RulesKind && chunk.Kind != GeneratorSpec.RulesKind)
            throw new ArgumentException($"-RulesOption sets options of the rules generator, but the generators are '{doc}' and '{chunk}'");
        return (doc.Kind == GeneratorSpec.RulesKind ? doc.WithOptions(overrides) : doc,
                chunk.Kind == GeneratorSpec.RulesKind ? chunk.WithOptions(overrides) : chunk);
    }

    /// <summary>
    /// The error record of a generator that could not be made: <c>Prox.UnknownPreset</c> for a rules preset,
    /// <c>Prox.InvalidRulesOption</c> for a bad <c>-RulesOption</c>, <c>Prox.UnknownGenerator</c> for a spec or option
    /// that is not valid, <c>Prox.GeneratorUnavailable</c> for one that names something unusable (a model folder that
    /// does not fit: InvalidData or ObjectNotFound; CUDA that cannot run the model: ResourceUnavailable).
    /// </summary>
    public static ErrorRecord Error(Exception e, object? target, object? rulesOptions = null) => e switch
    {
        ArgumentException a when a.Message.Contains("rules preset", StringComparison.Ordinal) => ProxErrors.UnknownPreset(a, target?.ToString() ?? ""),
        ArgumentException o when o.Message.Contains("rules option", StringComparison.Ordinal) || o.Message.Contains("-RulesOption", StringComparison.Ordinal)
            => ProxErrors.Create(e, "InvalidRulesOption", ErrorCategory.InvalidArgument, rulesOptions ?? target),
        ArgumentException or FormatException => ProxErrors.Create(e, "UnknownGenerator", ErrorCategory.InvalidArgument, target),
        InvalidOperationException => ProxErrors.Create(e, "GeneratorUnavailable", ErrorCategory.ResourceUnavailable, target),
        _ => ProxErrors.Create(e, "GeneratorUnavailable", ProxErrors.CategoryOf(e), target),
    };

    /// <summary>Creates the generators of the stages that run.</summary>
    public static GeneratorSelection Create(PSCmdlet cmdlet, RefineStages stages, string? generator, string? preset, string? docGenerator,
        string? chunkGenerator, int threads, IReadOnlyDictionary<string, string>? settings = null, System.Collections.IDictionary? rulesOptions = null,
        ModelChoice? models = null)
    {
        var (docSpec, chunkSpec) = Specs(generator, preset, docGenerator, chunkGenerator, rulesOptions);
        var baseDirectory = cmdlet.SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var merged = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (models is not null)
        {
            (docSpec, chunkSpec) = models.Apply((docSpec, chunkSpec), generator, preset, docGenerator, chunkGenerator);
            foreach (var (k, v) in models.Settings(p => System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, p)))) merged[k] = v;
        }
        if (settings is not null) foreach (var (k, v) in settings) merged[k] = v;
        var context = new GeneratorContext
        {
            BaseDirectory = baseDirectory,
            Threads = threads,
            Warn = cmdlet.WriteWarning,
            Settings = merged,
        };
        IProgramGenerator? doc = null, chunk = null;
        try
        {
            if ((stages & RefineStages.Doc) != 0) doc = ProgramGenerators.Create(docSpec, context);
            if ((stages & RefineStages.Chunk) != 0)
                chunk = doc is not null && docSpec.Equals(chunkSpec) ? doc : ProgramGenerators.Create(chunkSpec, context);
        }
        catch
        {
            doc?.Dispose();
            throw;
        }
        return new GeneratorSelection(doc, chunk);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Doc?.Dispose();
        if (!ReferenceEquals(Chunk, Doc)) Chunk?.Dispose();
    }
}
