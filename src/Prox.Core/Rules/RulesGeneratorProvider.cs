using Prox.Generation;

namespace Prox.Rules;

/// <summary>Makes <see cref="RulesRefiner"/>s from <c>rules[:Preset][?Option=value&amp;…]</c> specs.</summary>
public sealed class RulesGeneratorProvider : IGeneratorProvider
{
    /// <inheritdoc/>
    public string Kind => GeneratorSpec.RulesKind;

    /// <inheritdoc/>
    public IProgramGenerator Create(GeneratorSpec spec, GeneratorContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var preset = RulesOptions.CanonicalPresetName(spec.Argument);
        var options = RulesOptions.FromPreset(preset);
        if (spec.Options.Count > 0) options = options.WithOverrides(spec.Options);
        // The canonical spec names the preset and the option names as RulesOptions spells them.
        var canonical = new GeneratorSpec(GeneratorSpec.RulesKind, preset,
            spec.Options.Select(o => new KeyValuePair<string, string>(
                RulesOptions.OptionNames.First(n => string.Equals(n, o.Key, StringComparison.OrdinalIgnoreCase)), o.Value)));
        return new RulesRefiner(options, canonical);
    }
}
