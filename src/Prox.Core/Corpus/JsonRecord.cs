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

    // The top level is scanned by hand: Utf8JsonReader validates an escaped string one byte at a time, and document
    // texts are long strings full of \n escapes. Strings are scanned with vectorized searches; nested values
    // (metadata objects, arrays, numbers, literals) are still validated by Utf8JsonReader.
    private ParsedLine ParseCore(ReadOnlySpan<byte> line)
    {
        int pos = SkipWs(line, 0);
        if (pos >= line.Length) return Bad(QuarantineKind.InvalidJson, "invalid JSON: empty record");
        if (line[pos] != (byte)'{')
        {
            var first = new Utf8JsonReader(line);
            first.Read(); // throws for what is not JSON at all
            return Bad(QuarantineKind.InvalidJson, $"not a JSON object (the line holds {Describe(first.TokenType)})");
        }
        pos = SkipWs(line, pos + 1);
        _scratch.Clear();
        int textIndex = -1, idIndex = -1, metadataIndex = -1;
        string? text = null, id = null;
        JsonTokenType textKind = JsonTokenType.None, idKind = JsonTokenType.None;
        if (pos < line.Length && line[pos] == (byte)'}')
        {
            pos++;
        }
        else
        {
            while (true)
            {
                if (pos >= line.Length || line[pos] != (byte)'"') return Syntax("expected a property name", pos);
                int nameStart = pos;
                int nameEnd = JsonStrings.Scan(line, pos, out bool nameEscaped, out var nameError);
                if (nameEnd < 0) return Syntax(nameError!, pos);
                var rawName = line[(nameStart + 1)..(nameEnd - 1)];
                bool isText = textIndex < 0 && NameEquals(rawName, nameEscaped, _textName);
                bool isId = !isText && idIndex < 0 && NameEquals(rawName, nameEscaped, _idName);
                bool isMeta = !isText && !isId && metadataIndex < 0 && NameEquals(rawName, nameEscaped, MetadataName);
                pos = SkipWs(line, nameEnd);
                if (pos >= line.Length || line[pos] != (byte)':') return Syntax("expected ':' after a property name", pos);
                pos = SkipWs(line, pos + 1);
                if (pos >= line.Length) return Syntax("expected a value", pos);
                int valueStart = pos;
                JsonTokenType kind;
                if (line[pos] == (byte)'"')
                {
                    kind = JsonTokenType.String;
                    pos = JsonStrings.Scan(line, pos, out bool escaped, out var error);
                    if (pos < 0) return Syntax(error!, valueStart);
                    if (isText || isId)
                    {
                        var value = JsonStrings.Decode(line[(valueStart + 1)..(pos - 1)], escaped);
                        if (value is null) return Syntax("invalid \\u escape (a lone surrogate)", valueStart);
                        if (isText) text = value;
                        else id = value;
                    }
                }
                else
                {
                    var reader = new Utf8JsonReader(line[pos..], new JsonReaderOptions { AllowMultipleValues = true, MaxDepth = JsonLimits.MaxDepth });
                    reader.Read();
                    kind = reader.TokenType;
                    if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                    if (isId && kind == JsonTokenType.Number) id = Encoding.UTF8.GetString(reader.ValueSpan);
                    pos += (int)reader.BytesConsumed;
                }
                if (isText) { textIndex = _scratch.Count; textKind = kind; }
                else if (isId) { idIndex = _scratch.Count; idKind = kind; }
                else if (isMeta) metadataIndex = _scratch.Count;
                _scratch.Add(new JsonMember(nameStart, valueStart, pos, kind));
                pos = SkipWs(line, pos);
                if (pos < line.Length && line[pos] == (byte)',')
                {
                    pos = SkipWs(line, pos + 1);
                    continue;
                }
                if (pos < line.Length && line[pos] == (byte)'}')
                {
                    pos++;
                    break;
                }
                return Syntax("expected ',' or '}'", pos);
            }
        }
        if (SkipWs(line, pos) != line.Length) return Syntax("more than one value on the line", pos);

        if (textIndex < 0) return Bad(QuarantineKind.MissingText, $"text field '{_textField}' is missing");
        if (text is null) return Bad(QuarantineKind.TextNotString, $"text field '{_textField}' is {Describe(textKind)}, expected a string");
        if (idIndex >= 0 && id is null && idKind != JsonTokenType.Null)
            return Bad(QuarantineKind.InvalidId, $"id field '{_idField}' is {Describe(idKind)}, expected a string or a number");

        var record = new JsonRecord(line.ToArray(), _scratch.ToArray(), textIndex, idIndex, metadataIndex);
        return new ParsedLine(record, text, id, default, null);
    }

    private static bool NameEquals(ReadOnlySpan<byte> raw, bool escaped, byte[] name)
    {
        if (!escaped) return raw.SequenceEqual(name);
        return JsonStrings.Decode(raw, escaped) is { } decoded && decoded == Encoding.UTF8.GetString(name);
    }

    private static int SkipWs(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length && s[pos] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') pos++;
        return pos;
    }

    private static ParsedLine Syntax(string what, int pos) => Bad(QuarantineKind.InvalidJson, $"invalid JSON: {what} at byte {pos}");

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.String => "a string",
        _ => kind.ToString(),
    };

    private static ParsedLine Bad(QuarantineKind kind, string error) => new(null, null, null, kind, error);
}

/// <summary>
/// The one nesting limit of corpus JSON, shared by every reader and writer of records and metadata, so that what the
/// reader accepts the writers can write: 256 levels (System.Text.Json's readers default to 64). A deeper record is
/// quarantined by the reader as <see cref="QuarantineKind.InvalidJson"/>, with its file, line and reason.
/// </summary>
internal static class JsonLimits
{
    public const int MaxDepth = 256;
    public static readonly System.Text.Json.JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };
    public static readonly System.Text.Json.JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };
}
