using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace Prox.PowerShell.Binding;

/// <summary>
/// Turns a <c>-RulesOption @{ MinWords = 40; C4Document = $true; MaxTopNGramCharFraction = 0.2, 0.18, 0.16 }</c>
/// hashtable into the name=value pairs of a rules generator spec (invariant culture; lists joined by <c>,</c>). The
/// names and values are checked by the core when the generator is made (<c>RulesOptions.WithOverrides</c>).
/// </summary>
internal static class RulesOptionValues
{
    /// <summary>The pairs, or an empty list for null.</summary>
    public static List<KeyValuePair<string, string>> ToPairs(IDictionary? options)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (options is null) return pairs;
        foreach (DictionaryEntry e in options)
        {
            var name = Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "";
            pairs.Add(new(name, Format(e.Value is PSObject p ? p.BaseObject : e.Value)));
        }
        return pairs;
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => string.Join(",", list.Cast<object?>().Select(v => Format(v is PSObject p ? p.BaseObject : v))),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
