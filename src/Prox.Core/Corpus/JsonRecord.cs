using System.Text;
using System.Text.Json;

namespace Prox.Corpus;

/// <summary>One top-level member of a JSON record: byte offsets of its name (opening quote), value start and value end.</summary>
internal readonly record struct JsonMember(int NameStart, int ValueStart, int ValueEnd, JsonTokenType ValueKind);

/// <summary>
/// A JSON object kept as its raw UTF-8 bytes plus the offsets of its top-level members, so that a writer can copy every
/// member it does not change byte for byte.
/// </summary>
internal sealed class JsonRecord
{
    public JsonRecord(byte[] utf8, JsonMember[] members, int textIndex, int idIndex, int metadataIndex)
    {
        Utf8 = utf8;
        Members = members;
        TextIndex = textIndex;
        IdIndex = idIndex;
        MetadataIndex = metadataIndex;
    }

    public byte[] Utf8 { get; }
    public JsonMember[] Members { get; }
    public int TextIndex { get; }
    public int IdIndex { get; }
    public int MetadataIndex { get; }

    public ReadOnlySpan<byte> Value(int index)
    {
        var m = Members[index];
        return Utf8.AsSpan(m.ValueStart, m.ValueEnd - m.ValueStart);
    }

    public ReadOnlySpan<byte> Member(int index)
    {
        var m = Members[index];
        return Utf8.AsSpan(m.NameStart, m.ValueEnd - m.NameStart);
    }

    /// <summary>The name part of a member up to its value (<c>"text":</c> with whatever whitespace the source had).</summary>
    public ReadOnlySpan<byte> NamePrefix(int index)
    {
        var m = Members[index];
        return Utf8.AsSpan(m.NameStart, m.ValueStart - m.NameStart);
    }
}

/// <summary>The result of indexing one JSON line: a record and its text/id, or the reason it is not a document.</summary>
internal readonly record struct ParsedLine(JsonRecord? Record, string? Text, string? Id, QuarantineKind Kind, string? Error);

/// <summary>Indexes JSON object lines (see <see cref="JsonRecord"/>) with <see cref="Utf8JsonReader"/>.</summary>
internal sealed class JsonRecordParser
{
    private static readonly byte[] MetadataName = "metadata"u8.ToArray();
    private readonly byte[] _textName;
    private readonly byte[] _idName;
    private readonly string _textField;
    private readonly string _idField;
    private readonly List<JsonMember> _scratch = new(16);

    public JsonRecordParser(string textField, string idField)
    {
        _textField = textField;
        _idField = idField;
        _textName = Encoding.UTF8.GetBytes(textField);
        _idName = Encoding.UTF8.GetBytes(idField);
    }

    /// <summary>Indexes <paramref name="line"/> (already known to be valid UTF-8). On success the record owns a copy of the bytes.</summary>
    public ParsedLine Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            return ParseCore(line);
        }
        catch (JsonException e)
        {
            return new ParsedLine(null, null, null, QuarantineKind.InvalidJson, "invalid JSON: " + e.Message);
        }
        catch (InvalidOperationException e)
        {
            return new ParsedLine(null, null, null, QuarantineKind.InvalidJson, "invalid JSON: " + e.Message);
        }
    }

    private ParsedLine ParseCore(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 256 });
        if (!reader.Read()) return Bad(QuarantineKind.InvalidJson, "invalid JSON: empty record");
        if (reader.TokenType != JsonTokenType.StartObject)
            return Bad(QuarantineKind.InvalidJson, $"not a JSON object (the line holds a {reader.TokenType})");

        _scratch.Clear();
        int textIndex = -1, idIndex = -1, metadataIndex = -1;
        string? text = null, id = null;
        JsonTokenType textKind = JsonTokenType.None, idKind = JsonTokenType.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var nameStart = (int)reader.TokenStartIndex;
            bool isText = textIndex < 0 && reader.ValueTextEquals(_textName);
            bool isId = !isText && idIndex < 0 && reader.ValueTextEquals(_idName);
            bool isMeta = !isText && !isId && metadataIndex < 0 && reader.ValueTextEquals(MetadataName);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            var kind = reader.TokenType;
            if (isText)
            {
                textIndex = _scratch.Count;
                textKind = kind;
                if (kind == JsonTokenType.String) text = reader.GetString();
            }
            else if (isId)
            {
                idIndex = _scratch.Count;
                idKind = kind;
                if (kind == JsonTokenType.String) id = reader.GetString();
                else if (kind == JsonTokenType.Number) id = Encoding.UTF8.GetString(reader.ValueSpan);
            }
            else if (isMeta)
            {
                metadataIndex = _scratch.Count;
            }
            if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            _scratch.Add(new JsonMember(nameStart, valueStart, (int)reader.BytesConsumed, kind));
        }
        if (reader.Read()) return Bad(QuarantineKind.InvalidJson, "invalid JSON: more than one value on the line");

        if (textIndex < 0) return Bad(QuarantineKind.MissingText, $"text field '{_textField}' is missing");
        if (text is null) return Bad(QuarantineKind.TextNotString, $"text field '{_textField}' is {Describe(textKind)}, expected a string");
        if (idIndex >= 0 && id is null && idKind != JsonTokenType.Null)
            return Bad(QuarantineKind.InvalidId, $"id field '{_idField}' is {Describe(idKind)}, expected a string or a number");

        var record = new JsonRecord(line.ToArray(), _scratch.ToArray(), textIndex, idIndex, metadataIndex);
        return new ParsedLine(record, text, id, default, null);
    }

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => kind.ToString(),
    };

    private static ParsedLine Bad(QuarantineKind kind, string error) => new(null, null, null, kind, error);
}
