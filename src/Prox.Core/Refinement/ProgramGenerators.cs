using Prox.Generation;
using Prox.Rules;

namespace Prox.Refinement;

/// <summary>
/// Makes program generators from specs, for cmdlets and notebooks alike: <c>rules</c>, <c>rules:C4</c>,
/// <c>rules:ProxRules?MinWords=40</c>, a model folder. Each spec kind has an <see cref="IGeneratorProvider"/>; the
/// built-in kinds are registered here, and more can be added with <see cref="Register"/>.
/// </summary>
/// <example><code>
/// using var doc = ProgramGenerators.Create("rules:Gopher");
/// using var chunk = ProgramGenerators.Create("rules:ProxRules");
/// var outcome = new DocumentRefiner(doc, chunk).Refine(text);
/// </code></example>
public static class ProgramGenerators
{
    /// <summary>The rules preset used when none is named.</summary>
    public const string DefaultRulesPreset = "ProxRules";

    private static readonly Dictionary<string, IGeneratorProvider> Providers = new(StringComparer.OrdinalIgnoreCase)
    {
        [GeneratorSpec.RulesKind] = new RulesGeneratorProvider(),
        [GeneratorSpec.ModelKind] = new Models.ModelGeneratorProvider(),
    };

    /// <summary>The spec kinds that can be created.</summary>
    public static IReadOnlyCollection<string> Kinds
    {
        get { lock (Providers) return Providers.Keys.Order(StringComparer.Ordinal).ToArray(); }
    }

    /// <summary>Adds (or replaces) the provider of a spec kind.</summary>
    public static void Register(IGeneratorProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (Providers) Providers[provider.Kind] = provider;
    }

    /// <summary>Creates the generator a spec names.</summary>
    /// <exception cref="ArgumentException">An unknown kind, preset or option (the message lists what is known).</exception>
    public static IProgramGenerator Create(GeneratorSpec spec, GeneratorContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        IGeneratorProvider? provider;
        lock (Providers) Providers.TryGetValue(spec.Kind, out provider);
        if (provider is null)
            throw new ArgumentException($"unknown generator kind '{spec.Kind}' in '{spec}'; known kinds: {string.Join(", ", Kinds)} (e.g. 'rules:C4' or a model folder)", nameof(spec));
        return provider.Create(spec, context ?? GeneratorContext.Default);
    }

    /// <summary>Parses and creates (for callers holding text).</summary>
    /// <exception cref="FormatException">The spec is malformed.</exception>
    public static IProgramGenerator Create(string spec, GeneratorContext? context = null) => Create(GeneratorSpec.Parse(spec), context);
}
