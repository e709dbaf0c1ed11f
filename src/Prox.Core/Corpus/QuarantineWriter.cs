using Prox.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Prox.Corpus;

/// <summary>
/// Writes quarantine records as JSON Lines, one object per record:
/// <c>{"source_file":…,"line":…,"line_count":…,"kind":…,"reason":…,"raw":…}</c> where <c>raw</c> is the raw line as
/// text when it is valid UTF-8 and JSON escaping would add at most a third to it, else <c>raw_base64</c> holds it
/// base64-encoded (neither when the reader had no bytes) — so a record costs at most 4/3 of its bytes (a line of NUL
/// bytes, 6 bytes each as <c>\u0000</c>, goes to base64). When the raw bytes are only the start of an over-long record,
/// <c>raw_length</c> and <c>raw_sha256</c> give the whole record's length and SHA-256 (see
/// <see cref="QuarantineRecord.MaxRawExcerptBytes"/>).
/// Like <see cref="CorpusWriter"/>, the file appears only on <see cref="Complete"/>; it is created on the first record,
/// so a clean input leaves no quarantine file.
/// </summary>
public sealed class QuarantineWriter : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private AtomicFile? _file;
    private Utf8JsonWriter? _json;
    private bool _completed;

    /// <summary>Creates a writer for <paramref name="path"/> (e.g. <see cref="CorpusFiles.QuarantinePath"/>).</summary>
    public QuarantineWriter(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The final path of the quarantine file.</summary>
    public string Path { get; }

    /// <summary>Records written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Appends one record.</summary>
    public void Write(QuarantineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_completed) throw new InvalidOperationException($"'{Path}': quarantine writer is already completed");
        _file ??= new AtomicFile(Path);
        _json ??= new Utf8JsonWriter(_file.Stream, WriterOptions);
        var w = _json;
        w.WriteStartObject();
        w.WriteString("source_file", record.SourceFile);
        w.WriteNumber("line", record.Line);
        w.WriteNumber("line_count", record.LineCount);
        w.WriteString("kind", record.Kind.ToString());
        w.WriteString("reason", record.Reason);
        if (record.Raw is { } raw)
        {
            if (Utf8.IsValid(raw.Span) && CheapToEscape(raw.Span)) w.WriteString("raw", raw.Span);
            else w.WriteBase64String("raw_base64", raw.Span);
            if (record.RawIsExcerpt)
            {
                w.WriteNumber("raw_length", record.RawLength);
                if (record.RawSha256 is { } sha) w.WriteString("raw_sha256", sha);
            }
        }
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _file.Stream.WriteByte((byte)'\n');
        Count++;
    }

    /// <summary>
    /// True when writing <paramref name="utf8"/> as a JSON string adds at most a third to it (base64's cost): control
    /// characters other than <c>\n \r \t \b \f</c> take 6 bytes (<c>\u0000</c>), those and <c>"</c> and <c>\</c> take 2.
    /// </summary>
    private static readonly System.Buffers.SearchValues<byte> Escaped =
        System.Buffers.SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    internal static bool CheapToEscape(ReadOnlySpan<byte> utf8)
    {
        long extra = 0;
        int at = 0;
        while (true)
        {
            int k = utf8[at..].IndexOfAny(Escaped);
            if (k < 0) break;
            byte b = utf8[at + k];
            extra += b is (byte)'"' or (byte)'\\' or (byte)'\n' or (byte)'\r' or (byte)'\t' or 8 or 12 ? 1 : 5;
            at += k + 1;
            if (extra * 3 > utf8.Length) return false;
        }
        return true;
    }

    /// <summary>Publishes the quarantine file under <see cref="Path"/> (nothing when no record was written).</summary>
    public void Complete()
    {
        if (_completed) return;
        _json?.Dispose();
        _file?.Commit();
        _completed = true;
    }

    /// <summary>Releases the file; without <see cref="Complete"/> nothing is published.</summary>
    public void Dispose()
    {
        _json?.Dispose();
        _file?.Dispose();
    }
}
