using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet.Schema;

namespace Prox.Corpus;

/// <summary>
/// Turns JSON Lines documents into Parquet rows for <see cref="ParquetCorpusWriter"/>. The schema is derived from the
/// records of the first row group: every top-level field in first-seen order; a field whose values are all strings,
/// all booleans or all integers gets that type, integers mixed with other numbers become doubles, anything else
/// (objects, arrays, mixed kinds) a string column holding the JSON text. <c>metadata</c> is always a JSON string
/// column (with <c>prox</c> merged in), the text and id fields always strings. Every column is nullable: a field
/// missing from a record is null. A later record with a field the schema lacks, or a value its column cannot hold,
/// is an error naming the record, so nothing is lost silently.
/// </summary>
internal sealed class JsonParquetRows
{
    private enum Kind { None, String, Bool, Long, Double, Json }

    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<Kind> _kinds = [];
    private string? _textField, _idField;

    /// <summary>The schema once <see cref="Derive"/> ran; null before.</summary>
    public ParquetTable? Table { get; private set; }

    /// <summary>One record as (field name → value) with the new text and the prox metadata merged, kept in field order.</summary>
    public sealed record Pending(string Source, List<KeyValuePair<string, object?>> Fields);

    /// <summary>Reads a JSON Lines document into a pending record.</summary>
    public Pending Read(CorpusDocument doc, string text, ReadOnlySpan<byte> prox, bool writeDerivedId)
    {
        _textField ??= doc.TextField;
        _idField ??= doc.IdField;
        var fields = new List<KeyValuePair<string, object?>>();
        var json = doc.Json;
        using var parsed = JsonDocument.Parse(json.Utf8, JsonLimits.DocumentOptions);
        bool sawText = false, sawId = false, sawMetadata = false;
        foreach (var p in parsed.RootElement.EnumerateObject())
        {
            if (p.Name == doc.TextField) { fields.Add(new(p.Name, text)); sawText = true; continue; }
            if (p.Name == doc.IdField)
            {
                sawId = true;
                fields.Add(new(p.Name, p.Value.ValueKind == JsonValueKind.Null && doc.IdIsDerived && writeDerivedId ? doc.Id : IdText(p.Value)));
                continue;
            }
            if (p.Name == "metadata")
            {
                sawMetadata = true;
                fields.Add(new(p.Name, Metadata(p.Value, prox)));
                continue;
            }
            fields.Add(new(p.Name, Scalar(p.Value)));
        }
        if (!sawText) fields.Add(new(doc.TextField, text));
        if (!sawId && doc.IdIsDerived && writeDerivedId) fields.Add(new(doc.IdField, doc.Id));
        if (!sawMetadata && !prox.IsEmpty) fields.Add(new("metadata", Metadata(null, prox)));
        return new Pending($"{doc.SourceFile}:{doc.SourceLine}", fields);
    }

    /// <summary>Fixes the schema from the first row group's records.</summary>
    public ParquetTable Derive(IReadOnlyList<Pending> records)
    {
        void Add(string name, Kind kind)
        {
            if (!_index.TryGetValue(name, out var i))
            {
                _index[name] = _names.Count;
                _names.Add(name);
                _kinds.Add(kind);
                return;
            }
            _kinds[i] = Merge(_kinds[i], kind);
        }
        foreach (var r in records)
            foreach (var (name, value) in r.Fields)
                Add(name, name == _textField || name == _idField || name == "metadata" ? Kind.String : KindOf(value));
        foreach (var name in new[] { _textField ?? "text", "metadata" }) if (!_index.ContainsKey(name)) Add(name, Kind.String);
        var fields = new DataField[_names.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var k = _kinds[i] == Kind.None ? Kind.String : _kinds[i];
            _kinds[i] = k;
            fields[i] = new DataField(_names[i], k switch { Kind.Bool => typeof(bool), Kind.Long => typeof(long), Kind.Double => typeof(double), _ => typeof(string) }, true);
        }
        Table = new ParquetTable(fields, _index[_textField ?? "text"], _idField is not null && _index.TryGetValue(_idField, out var id) ? id : -1, _index["metadata"]);
        return Table;
    }

    /// <summary>The row of <paramref name="record"/> in the derived schema.</summary>
    /// <exception cref="InvalidDataException">A field the schema lacks, or a value its column cannot hold.</exception>
    public object?[] Row(Pending record)
    {
        var row = new object?[_names.Count];
        foreach (var (name, value) in record.Fields)
        {
            if (!_index.TryGetValue(name, out var i))
                throw new InvalidDataException($"{record.Source}: field '{name}' is not in the Parquet schema derived from the first row group " +
                    $"(columns: {string.Join(", ", _names)}); write a larger first row group (ParquetRowGroupRows) or JSON Lines");
            row[i] = Convert(value, _kinds[i], name, record.Source);
        }
        return row;
    }

    private static object? Convert(object? value, Kind kind, string name, string source)
    {
        if (value is null) return null;
        switch (kind)
        {
            case Kind.String:
            case Kind.Json:
                return value switch
                {
                    string s => s,
                    JsonText j => j.Json,
                    bool b => b ? "true" : "false",
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    _ => value.ToString(),
                };
            case Kind.Bool when value is bool: return value;
            case Kind.Long when value is long: return value;
            case Kind.Double when value is double or long: return System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"{source}: field '{name}' holds {Describe(KindOf(value))}, but its Parquet column (derived from the first row group) holds {Describe(kind)}");
    }

    private static string Describe(Kind k) => k switch
    {
        Kind.Bool => "booleans", Kind.Long => "integers", Kind.Double => "numbers", Kind.Json => "JSON objects or arrays", _ => "strings",
    };

    private static Kind Merge(Kind a, Kind b) =>
        a == Kind.None ? b : b == Kind.None ? a : a == b ? a
        : (a, b) is (Kind.Long, Kind.Double) or (Kind.Double, Kind.Long) ? Kind.Double
        : Kind.Json;

    private static Kind KindOf(object? v) => v switch
    {
        null => Kind.None, string => Kind.String, bool => Kind.Bool, long => Kind.Long, double => Kind.Double, _ => Kind.Json,
    };

    private static object? Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        _ => new JsonText(e.GetRawText()),
    };

    private static string? IdText(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        _ => e.GetRawText(),
    };

    private static string? Metadata(JsonElement? metadata, ReadOnlySpan<byte> prox)
    {
        if (prox.IsEmpty) return metadata is { ValueKind: not JsonValueKind.Null } m ? m.GetRawText() : null;
        using var o = new Utf8Output(256);
        o.WriteMetadataWithProx(metadata is { ValueKind: not JsonValueKind.Null } m2 ? Encoding.UTF8.GetBytes(m2.GetRawText()) : default, prox);
        return Encoding.UTF8.GetString(o.WrittenSpan);
    }

    /// <summary>A JSON object or array kept as its text.</summary>
    private sealed record JsonText(string Json);
}
