using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Prox.Corpus;

/// <summary>
/// One document read from a corpus file: its id, text, metadata and where it came from. It also keeps the whole source
/// record (the raw JSON line, or the Parquet row) so that <see cref="CorpusWriter"/> can write it back with new text
/// and every other field untouched.
/// </summary>
public sealed class CorpusDocument
{
    private readonly SourceInfo _source;
    private JsonRecord? _json;
    private readonly ParquetRow? _row;
    private bool _metadataParsed;
    private JsonElement? _metadataElement;
    private IReadOnlyDictionary<string, object?>? _metadata;

    internal CorpusDocument(SourceInfo source, long line, string id, bool idIsDerived, string text, JsonRecord? json, ParquetRow? row)
    {
        _source = source;
        SourceLine = line;
        Id = id;
        IdIsDerived = idIsDerived;
        Text = text;
        _json = json;
        _row = row;
    }

    /// <summary>The document id: the id field of the record, or <see cref="ComputeContentId"/> of the text when the
    /// record has none (then <see cref="IdIsDerived"/> is true). A numeric id is kept as its JSON text.</summary>
    public string Id { get; }

    /// <summary>True when the record had no id and <see cref="Id"/> was computed from the text.</summary>
    public bool IdIsDerived { get; }

    /// <summary>The document text (the configured text field).</summary>
    public string Text { get; }

    /// <summary>The length of <see cref="Text"/> in UTF-16 characters (what the document views show as Chars).</summary>
    public int Chars => Text.Length;

    /// <summary>
    /// For a document of a <c>dropped/</c> sidecar: the stage that dropped it (<c>doc</c> or <c>chunk</c>), read from
    /// <c>metadata.prox.dropped_by</c>; null for any other document.
    /// </summary>
    public string? DropStage => ProxString("dropped_by");

    /// <summary>
    /// For a document of a <c>dropped/</c> sidecar: why it was dropped (<c>DropDoc</c>, <c>FewWordsLeft</c>, …), read
    /// from <c>metadata.prox.drop_reason</c>; null for any other document.
    /// </summary>
    public string? DropReason => ProxString("drop_reason");

    /// <summary>Full path of the file the document was read from.</summary>
    public string SourceFile => _source.Path;

    /// <summary>1-based line of the record (JSON Lines) or 1-based row within the file (Parquet).</summary>
    public long SourceLine { get; }

    /// <summary>Where the record is, as <c>file-name:line</c> (the file's name only; <see cref="SourceFile"/> has the path).</summary>
    public string Location => $"{Path.GetFileName(SourceFile)}:{SourceLine}";

    /// <summary>The format of the source file.</summary>
    public CorpusFormat SourceFormat => _source.Format;

    /// <summary>The text field name the document was read with.</summary>
    public string TextField => _source.Options.TextField;

    /// <summary>The id field name the document was read with.</summary>
    public string IdField => _source.Options.IdField;

    /// <summary>The raw JSON of the record's <c>metadata</c> field exactly as in the source, or null when there is none.
    /// (Parquet: the <c>metadata</c> column when it holds a JSON object.)</summary>
    public string? MetadataJson
    {
        get
        {
            var r = Json;
            return r.MetadataIndex < 0 ? null : Encoding.UTF8.GetString(r.Value(r.MetadataIndex));
        }
    }

    /// <summary>The <c>metadata</c> field as a <see cref="JsonElement"/> (parsed on first use), or null.</summary>
    public JsonElement? MetadataElement
    {
        get
        {
            EnsureMetadata();
            return _metadataElement;
        }
    }

    /// <summary>
    /// The <c>metadata</c> field as nested dictionaries (for PowerShell: <c>$doc.Metadata.url</c>), or null when
    /// there is none or it is not an object. Values are <see cref="string"/>, <see cref="long"/>, <see cref="double"/>,
    /// <see cref="bool"/>, null, nested dictionaries and <c>object?[]</c> arrays. Parsed on first use.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Metadata
    {
        get
        {
            EnsureMetadata();
            return _metadata;
        }
    }

    /// <summary>The whole source record as JSON (for Parquet, a JSON rendering of the row).</summary>
    public string RecordJson => Encoding.UTF8.GetString(Json.Utf8);

    /// <summary>
    /// The id given to a record without one: the lowercase hex SHA-256 of the UTF-8 bytes of its text (64 characters).
    /// Stable across runs, machines and formats; identical texts get identical ids.
    /// </summary>
    public static string ComputeContentId(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> hash = stackalloc byte[32];
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 4096)
        {
            Span<byte> buf = stackalloc byte[max];
            SHA256.HashData(buf[..Encoding.UTF8.GetBytes(text, buf)], hash);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        }
        return Convert.ToHexStringLower(hash);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Path.GetFileName(SourceFile)}:{SourceLine})";

    internal SourceInfo Source => _source;

    internal ParquetRow? Row => _row;

    /// <summary>The record as indexed JSON (built from the Parquet row on first use).</summary>
    internal JsonRecord Json => _json ??= ParquetJson.Render(_row!, _source);

    private string? ProxString(string name) =>
        Metadata is { } m && m.TryGetValue("prox", out var p) && p is IReadOnlyDictionary<string, object?> prox &&
        prox.TryGetValue(name, out var v) ? v as string : null;

    private void EnsureMetadata()
    {
        if (_metadataParsed) return;
        var r = Json;
        if (r.MetadataIndex >= 0)
        {
            using var doc = JsonDocument.Parse(r.Utf8.AsMemory(r.Members[r.MetadataIndex].ValueStart,
                r.Members[r.MetadataIndex].ValueEnd - r.Members[r.MetadataIndex].ValueStart), JsonLimits.DocumentOptions);
            _metadataElement = doc.RootElement.Clone();
            if (_metadataElement.Value.ValueKind == JsonValueKind.Object)
                _metadata = (IReadOnlyDictionary<string, object?>)ToClr(_metadataElement.Value)!;
        }
        _metadataParsed = true;
    }

    private static object? ToClr(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (d, p) =>
        {
            d[p.Name] = ToClr(p.Value);
            return d;
        }),
        JsonValueKind.Array => e.EnumerateArray().Select(ToClr).ToArray(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

/// <summary>What every document of one file shares: the path, format and read options.</summary>
internal sealed class SourceInfo(string path, CorpusFormat format, CorpusReadOptions options)
{
    public string Path { get; } = path;
    public CorpusFormat Format { get; } = format;
    public CorpusReadOptions Options { get; } = options;
    public ParquetTable? Table { get; set; }
}
