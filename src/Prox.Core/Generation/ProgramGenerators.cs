using Prox.Rules;

namespace Prox.Generation;

/// <summary>The program generators Prox ships.</summary>
public enum ProgramBackend
{
    /// <summary>The built-in rules refiner (Gopher, C4, FineWeb and Prox boilerplate rules compiled into programs).</summary>
    Rules,
}

/// <summary>Creates program generators by backend name, for cmdlets and notebooks.</summary>
public static class ProgramGenerators
{
    /// <summary>The rules preset used when none is named.</summary>
    public const string DefaultRulesPreset = "ProxRules";

    /// <summary>Creates the generator of <paramref name="backend"/>.</summary>
    /// <param name="backend">Which generator.</param>
    /// <param name="preset">For <see cref="ProgramBackend.Rules"/>: the preset (<c>ProxRules</c>, <c>Gopher</c>, <c>C4</c>, <c>FineWeb</c>).</param>
    /// <exception cref="ArgumentException">Unknown preset.</exception>
    public static IProgramGenerator Create(ProgramBackend backend, string? preset = null) => backend switch
    {
        ProgramBackend.Rules => RulesRefiner.FromPreset(string.IsNullOrWhiteSpace(preset) ? DefaultRulesPreset : preset),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "unknown backend"),
    };
}
