using System.Text;

namespace Prox.Generation;

/// <summary>
/// The name of a program generator, as a cmdlet parameter and a notebook both take it:
/// <c>rules</c>, <c>rules:C4</c>, <c>rules:ProxRules?MinWords=40</c>, <c>model:/models/web-doc</c> (or just a model
/// folder path). The kind comes before the first <c>:</c> (a Windows drive letter is not a kind), the argument after
/// it, and option overrides follow <c>?</c> as <c>name=value</c> pairs joined by <c>&amp;</c>. The canonical text
/// (<see cref="ToString"/>) sorts the options, so equal specs have equal text.
/// </summary>
public sealed class GeneratorSpec : IEquatable<GeneratorSpec>
{
    /// <summary>The kind of the built-in rules.</summary>
    public const string RulesKind = "rules";

    /// <summary>The kind of an ONNX model folder.</summary>
    public const string ModelKind = "model";

    /// <summary>Creates a spec.</summary>
    /// <param name="kind">The generator kind (<c>rules</c>, <c>model</c>, …), lower case.</param>
    /// <param name="argument">Its argument (a preset, a folder), or empty.</param>
    /// <param name="options">Option overrides, or null.</param>
    public GeneratorSpec(string kind, string? argument = null, IEnumerable<KeyValuePair<string, string>>? options = null)
    {
        if (string.IsNullOrWhiteSpace(kind)) throw new ArgumentException("a generator spec needs a kind (e.g. 'rules')", nameof(kind));
        Kind = kind.Trim().ToLowerInvariant();
        Argument = argument?.Trim() ?? "";
        var sorted = new SortedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (options is not null)
            foreach (var (k, v) in options)
            {
                if (string.IsNullOrWhiteSpace(k)) throw new ArgumentException($"generator spec '{kind}': an option has no name");
                sorted[k.Trim()] = v ?? "";
            }
        Options = sorted;
    }

    /// <summary>The generator kind, lower case.</summary>
    public string Kind { get; }

    /// <summary>The argument (preset name, model folder), or empty.</summary>
    public string Argument { get; }

    /// <summary>Option overrides by name (case-insensitive, sorted).</summary>
    public IReadOnlyDictionary<string, string> Options { get; }

    /// <summary>The default generator: the rules with the <c>ProxRules</c> preset.</summary>
    public static GeneratorSpec Default { get; } = new(RulesKind, "ProxRules");

    /// <summary>Parses a spec.</summary>
    /// <exception cref="FormatException">Empty, or a malformed option list.</exception>
    public static GeneratorSpec Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("empty generator spec (try 'rules', 'rules:C4' or a model folder)");
        text = text.Trim();
        string head = text, query = "";
        var q = text.IndexOf('?');
        if (q >= 0) { head = text[..q]; query = text[(q + 1)..]; }
        string kind, argument;
        var colon = head.IndexOf(':');
        var driveLetter = colon == 1 && char.IsAsciiLetter(head[0]) && head.Length > 2 && (head[2] == '\\' || head[2] == '/');
        if (colon > 0 && !driveLetter && IsKindName(head.AsSpan(0, colon)))
        {
            kind = head[..colon];
            argument = head[(colon + 1)..];
        }
        else if (IsKindName(head) && !head.Contains('/') && !head.Contains('\\') && !head.StartsWith('.'))
        {
            kind = head;
            argument = "";
        }
        else
        {
            // A bare path names a model folder.
            kind = ModelKind;
            argument = head;
        }
        var options = new List<KeyValuePair<string, string>>();
        if (query.Length > 0)
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) throw new FormatException($"generator spec '{text}': option '{pair}' is not name=value");
                options.Add(new(Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..])));
            }
        return new GeneratorSpec(kind, argument, options);
    }

    /// <summary>A copy with <paramref name="options"/> added (replacing options of the same name).</summary>
    public GeneratorSpec WithOptions(IEnumerable<KeyValuePair<string, string>> options)
    {
        var merged = new Dictionary<string, string>(Options, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in options) merged[k] = v;
        return new GeneratorSpec(Kind, Argument, merged);
    }

    private static bool IsKindName(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || !char.IsAsciiLetter(s[0])) return false;
        foreach (var c in s) if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_') return false;
        return true;
    }

    /// <summary>The canonical text: <c>kind[:argument][?name=value&amp;…]</c> with sorted options.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Kind);
        if (Argument.Length > 0) sb.Append(':').Append(Argument);
        var first = true;
        foreach (var (k, v) in Options)
        {
            sb.Append(first ? '?' : '&').Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
            first = false;
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(GeneratorSpec? other) => other is not null && string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as GeneratorSpec);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>Parses a spec (for PowerShell and notebooks, which pass strings).</summary>
    public static implicit operator GeneratorSpec(string text) => Parse(text);
}
