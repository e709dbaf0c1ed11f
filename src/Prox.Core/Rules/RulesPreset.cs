namespace Prox.Rules;

/// <summary>
/// A named rules preset: its name, what it is for, and its <see cref="RulesOptions"/> (every threshold and switch).
/// <see cref="All"/> lists the presets <see cref="RulesOptions.FromPreset"/> accepts, without the alias <c>Default</c>.
/// </summary>
/// <param name="Name">The canonical name (<c>ProxRules</c>, <c>Gopher</c>, <c>C4</c>, <c>FineWeb</c>).</param>
/// <param name="Description">What the preset switches on.</param>
/// <param name="Options">The preset's options.</param>
public sealed record RulesPreset(string Name, string Description, RulesOptions Options)
{
    /// <summary>The presets, the default (<c>ProxRules</c>) first.</summary>
    public static IReadOnlyList<RulesPreset> All { get; } =
    [
        new("ProxRules", "Prox's tuned combination (default; alias Default): structural boilerplate line rules, C4 policy lines, the main-block rule on whole web pages, inline-marker normalization, lorem ipsum drop.", RulesOptions.ProxRules),
        new("Gopher", "Gopher quality and repetition document rules (Rae et al. 2021); no line edits.", RulesOptions.Gopher),
        new("C4", "C4 document rules (lorem ipsum, curly bracket, sentences) and line rules (words, terminal punctuation, javascript, policy) (Raffel et al. 2020).", RulesOptions.C4),
        new("FineWeb", "FineWeb's filters: Gopher repetition and quality, C4 without the punctuation and word-count line rules, FineWeb quality (Penedo et al. 2024).", RulesOptions.FineWeb),
    ];

    /// <summary>True for the preset used when none is named.</summary>
    public bool IsDefault => Name == "ProxRules";

    /// <summary>The rule families the preset switches on, in a fixed order (e.g. <c>GopherQuality</c>, <c>C4Lines</c>).</summary>
    public IReadOnlyList<string> Families
    {
        get
        {
            var o = Options;
            var list = new List<string>();
            if (o.GopherQuality) list.Add("GopherQuality");
            if (o.GopherRepetition) list.Add("GopherRepetition");
            if (o.C4Document) list.Add("C4Document");
            if (o.C4MinLineWords > 0 || o.C4RequireTerminalPunctuation || o.C4RemoveJavascriptLines || o.C4RemovePolicyLines) list.Add("C4Lines");
            if (o.FineWebQuality) list.Add("FineWebQuality");
            if (o.BoilerplateLines) list.Add("BoilerplateLines");
            if (o.BoilerplateLines && o.PageContext) list.Add("PageContext");
            if (o.DropLoremIpsum) list.Add("DropLoremIpsum");
            if (o.NormalizeInlineMarkers) list.Add("NormalizeInlineMarkers");
            if (o.RemoveUrlLines) list.Add("RemoveUrlLines");
            return list;
        }
    }

    /// <summary>The preset named <paramref name="name"/> (case-insensitive; <c>Default</c> is <c>ProxRules</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a preset; the message lists the presets.</exception>
    public static RulesPreset Get(string name)
    {
        var options = RulesOptions.FromPreset(name);
        foreach (var p in All) if (ReferenceEquals(p.Options, options)) return p;
        throw new ArgumentException($"Unknown rules preset '{name}'.", nameof(name));
    }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
