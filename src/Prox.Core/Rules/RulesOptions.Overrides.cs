using System.Globalization;
using System.Reflection;

namespace Prox.Rules;

public sealed partial record RulesOptions
{
    private static readonly PropertyInfo[] Settable = typeof(RulesOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.SetMethod is not null)
        .OrderBy(p => p.Name, StringComparer.Ordinal)
        .ToArray();

    /// <summary>The names of the options that <see cref="WithOverrides"/> accepts, sorted.</summary>
    public static IReadOnlyList<string> OptionNames { get; } = Settable.Select(p => p.Name).ToArray();

    /// <summary>
    /// Every option as name → invariant text (lists joined by <c>,</c>), sorted by name: what a run records as the
    /// generator's effective options.
    /// </summary>
    public IReadOnlyDictionary<string, string> Describe()
    {
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Settable) d[p.Name] = Format(p.GetValue(this));
        return d;
    }

    /// <summary>
    /// A copy with options changed by name (case-insensitive): <c>MinWords=40</c>, <c>C4Document=true</c>,
    /// <c>MaxTopNGramCharFraction=0.2,0.18,0.16</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown option name (the message lists the known ones) or a value of the wrong type.</exception>
    public RulesOptions WithOverrides(IEnumerable<KeyValuePair<string, string>> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var copy = this with { };
        foreach (var (name, value) in overrides)
        {
            var p = Settable.FirstOrDefault(x => string.Equals(x.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown rules option '{name}'; known options: {string.Join(", ", OptionNames)}", nameof(overrides));
            object parsed;
            try
            {
                parsed = Parse(p.PropertyType, value);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new ArgumentException($"rules option '{p.Name}': '{value}' is not a valid {Describe(p.PropertyType)}", nameof(overrides), e);
            }
            p.SetValue(copy, parsed);
        }
        return copy;
    }

    private static string Describe(Type t) =>
        t == typeof(bool) ? "boolean (true/false)" : t == typeof(int) ? "integer" : t == typeof(double) ? "number" : "list of numbers (a,b,c)";

    private static object Parse(Type t, string value)
    {
        value = value.Trim();
        if (t == typeof(bool))
            return value.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => throw new FormatException(),
            };
        if (t == typeof(int)) return int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
        if (t == typeof(double)) return double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (t == typeof(IReadOnlyList<double>))
            return value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
        if (t == typeof(string)) return value;
        throw new FormatException();
    }

    private static string Format(object? v) => v switch
    {
        null => "",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<double> list => string.Join(',', list.Select(x => x.ToString(CultureInfo.InvariantCulture))),
        _ => v.ToString() ?? "",
    };
}
