namespace Prox.Runs;

/// <summary>A stage's generator as a run records it: its spec and its effective options.</summary>
public sealed record GeneratorInfo
{
    /// <summary>The canonical generator spec (e.g. <c>rules:C4</c>).</summary>
    public string Spec { get; init; } = "";

    /// <summary>The effective options (preset thresholds, tokenizer, model shape …), sorted by name.</summary>
    public SortedDictionary<string, string> Options { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The record of a generator.</summary>
    public static GeneratorInfo Of(Generation.IProgramGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new GeneratorInfo { Spec = generator.Name, Options = new SortedDictionary<string, string>(generator.Describe().ToDictionary(), StringComparer.Ordinal) };
    }

    /// <summary>The differences to <paramref name="other"/>, as sentences (empty when equal).</summary>
    public IEnumerable<string> DifferencesTo(GeneratorInfo? other, string stage)
    {
        if (other is null) { yield return $"the {stage} stage's generator {Spec} is new"; yield break; }
        if (!string.Equals(Spec, other.Spec, StringComparison.Ordinal)) { yield return $"the {stage} generator changed from {other.Spec} to {Spec}"; yield break; }
        foreach (var (k, v) in Options)
            if (!other.Options.TryGetValue(k, out var ov)) yield return $"the {stage} generator option {k} is new ({v})";
            else if (!string.Equals(v, ov, StringComparison.Ordinal)) yield return $"the {stage} generator option {k} changed from {ov} to {v}";
        foreach (var k in other.Options.Keys)
            if (!Options.ContainsKey(k)) yield return $"the {stage} generator option {k} is gone";
    }

    /// <inheritdoc/>
    public override string ToString() => Spec;
}
