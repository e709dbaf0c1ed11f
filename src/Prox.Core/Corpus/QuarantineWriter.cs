using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Prox.Corpus;

/// <summary>
/// Writes quarantine records as JSON Lines, one object per record:
/// <c>{"source_file":…,"line":…,"line_count":…,"kind":…,"reason":…,"raw":…}</c> where <c>raw</c> is the raw line as
/// text when it is valid UTF-8, else <c>raw_base64</c> holds it base64-encoded (neither when the reader had no bytes).
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
            if (Utf8.IsValid(raw.Span)) w.WriteString("raw", raw.Span);
            else w.WriteBase64String("raw_base64", raw.Span);
        }
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _file.Stream.WriteByte((byte)'\n');
        Count++;
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
