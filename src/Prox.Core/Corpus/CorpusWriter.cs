using Prox.IO;
using System.Text;
using System.Text.Json;

namespace Prox.Corpus;

/// <summary>How a <see cref="CorpusWriter"/> writes.</summary>
public sealed record CorpusWriteOptions
{
    /// <summary>The defaults.</summary>
    public static CorpusWriteOptions Default { get; } = new();

    /// <summary>Output format; null (default) = from the output file's extension.</summary>
    public CorpusFormat? Format { get; init; }

    /// <summary>Compression level: zstd 1–22 (default 1, the fastest; 3 is zstd's usual default and ~10% smaller); gzip 1–3 = fastest (default), 4–8 = optimal, 9 = smallest;
    /// ignored for plain JSON Lines and Parquet.</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>Parquet: most rows buffered per row group (default 10,000).</summary>
    public int ParquetRowGroupRows { get; init; } = 10_000;

    /// <summary>Parquet: a row group is also closed once its texts reach this many characters (default 16 Mi), which
    /// bounds the writer's memory.</summary>
    public long ParquetRowGroupChars { get; init; } = 16L << 20;

    /// <summary>Parquet: a Parquet file whose schema the output takes when no document is written at all (an input whose
    /// every document was dropped), usually the input file. Without it such an output has the columns id, text and
    /// metadata (strings) and no rows; with documents, the schema always comes from the first one.</summary>
    public string? ParquetSchemaSource { get; init; }

    /// <summary>When a document's id was derived from its text (<see cref="CorpusDocument.IdIsDerived"/>), write it
    /// into the id field of the output record (default true), so that the id survives a change of text.</summary>
    public bool WriteDerivedIds { get; init; } = true;
}

/// <summary>
/// Writes documents to a corpus file, keeping every field of the source record except the text (which may be replaced)
/// and <c>metadata.prox</c> (which may be added). Output goes to a temporary file beside <see cref="Path"/> and appears
/// under its real name only when <see cref="Complete"/> succeeds; disposing an uncompleted writer deletes the temporary
/// file. A writer is not thread-safe.
/// </summary>
/// <example>
/// <code>
/// using var writer = CorpusWriter.Create("out/a.jsonl.zst");
/// foreach (var doc in CorpusReader.ReadDocuments("in/a.jsonl.zst", q => quarantine.Write(q)))
///     writer.Write(doc, doc.Text.Trim(), """{"program":"drop_doc()"}""");
/// writer.Complete();
/// </code>
/// </example>
public abstract class CorpusWriter : IDisposable
{
    private protected CorpusWriter(string path, CorpusFormat format, CorpusWriteOptions options)
    {
        Path = System.IO.Path.GetFullPath(path);
        Format = format;
        Options = options;
    }

    /// <summary>Creates a writer for <paramref name="path"/>; the format comes from <see cref="CorpusWriteOptions.Format"/>
    /// or else the extension. Missing folders are created.</summary>
    /// <exception cref="NotSupportedException">The extension is not a corpus extension and no format is given.</exception>
    public static CorpusWriter Create(string path, CorpusWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= CorpusWriteOptions.Default;
        var format = options.Format ?? CorpusFormats.FromPath(path);
        return format == CorpusFormat.Parquet ? new ParquetCorpusWriter(path, options) : new JsonlCorpusWriter(path, format, options);
    }

    /// <summary>The final path of the output (the file exists under this name only after <see cref="Complete"/>).</summary>
    public string Path { get; }

    /// <summary>The output format.</summary>
    public CorpusFormat Format { get; }

    /// <summary>The options in force.</summary>
    public CorpusWriteOptions Options { get; }

    /// <summary>Documents written so far.</summary>
    public long Count { get; private set; }

    /// <summary>True once <see cref="Complete"/> has succeeded.</summary>
    public bool IsCompleted { get; private set; }

    /// <summary>Writes <paramref name="document"/> unchanged.</summary>
    public void Write(CorpusDocument document) => Write(document, document.Text, ReadOnlySpan<byte>.Empty);

    /// <summary>
    /// Writes <paramref name="document"/>'s record with its text replaced by <paramref name="text"/> and, when
    /// <paramref name="proxJson"/> is not empty, <c>metadata.prox</c> set to that UTF-8 JSON value (replacing any
    /// existing <c>prox</c>; a <c>metadata</c> object is created when the record has none). Every other field is
    /// copied as it was in the source.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="proxJson"/> is not one valid JSON value.</exception>
    /// <exception cref="InvalidDataException">The record cannot be written; the message names this file and the
    /// document's source file and line.</exception>
    public void Write(CorpusDocument document, string text, ReadOnlySpan<byte> proxJson)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(text);
        if (IsCompleted) throw new InvalidOperationException($"'{Path}': writer is already completed");
        if (!proxJson.IsEmpty) ValidateJson(proxJson);
        try
        {
            WriteCore(document, text, proxJson);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidCastException)
        {
            // Every corpus error names the files and the record: the output, and where the document came from.
            throw new InvalidDataException(
                $"'{Path}': the record from {document.SourceFile}:{document.SourceLine} (id '{document.Id}') could not be written: {e.Message}", e);
        }
        Count++;
    }

    /// <summary>As <see cref="Write(CorpusDocument, string, ReadOnlySpan{byte})"/>, with <c>prox</c> as JSON text (null: none).</summary>
    public void Write(CorpusDocument document, string text, string? proxJson) =>
        Write(document, text, proxJson is null ? ReadOnlySpan<byte>.Empty : Encoding.UTF8.GetBytes(proxJson));

    /// <summary>As <see cref="Write(CorpusDocument, string, ReadOnlySpan{byte})"/>, with <c>prox</c> as a <see cref="JsonElement"/>.</summary>
    public void Write(CorpusDocument document, string text, JsonElement prox) =>
        Write(document, text, JsonSerializer.SerializeToUtf8Bytes(prox));

    /// <summary>Finishes the file (flushes, writes compression trailers / the Parquet footer) and renames it onto
    /// <see cref="Path"/>. Only then does the output exist.</summary>
    public void Complete()
    {
        if (IsCompleted) return;
        CompleteCore();
        IsCompleted = true;
    }

    /// <summary>Releases the file; without a successful <see cref="Complete"/> the temporary output is deleted.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    private protected abstract void WriteCore(CorpusDocument document, string text, ReadOnlySpan<byte> prox);

    private protected abstract void CompleteCore();

    /// <summary>Releases resources; deletes the temporary file unless completed.</summary>
    protected abstract void Dispose(bool disposing);

    private static void ValidateJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, JsonLimits.ReaderOptions);
            reader.Read();
            reader.Skip();
            if (reader.Read()) throw new JsonException("more than one JSON value");
        }
        catch (JsonException e)
        {
            throw new ArgumentException("prox metadata is not a single valid JSON value: " + e.Message, "proxJson", e);
        }
    }
}

/// <summary>Writes JSON Lines (plain, gzip or zstd), one record per line.</summary>
internal sealed class JsonlCorpusWriter : CorpusWriter
{
    private const int FlushThreshold = 1 << 20;
    private readonly AtomicFile _file;
    private readonly Stream _stream;
    private readonly Utf8Output _out = new(FlushThreshold * 2);

    public JsonlCorpusWriter(string path, CorpusFormat format, CorpusWriteOptions options) : base(path, format, options)
    {
        _file = new AtomicFile(Path);
        try
        {
            _stream = CompressionStreams.OpenWrite(_file.Stream, format, options.CompressionLevel);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    private protected override void WriteCore(CorpusDocument doc, string text, ReadOnlySpan<byte> prox)
    {
        var r = doc.Json;
        var o = _out;
        bool writeId = doc.IdIsDerived && Options.WriteDerivedIds;
        bool first = true;
        o.Write((byte)'{');
        if (writeId && r.IdIndex < 0)
        {
            o.WriteJsonString(doc.IdField);
            o.Write((byte)':');
            o.WriteJsonString(doc.Id);
            first = false;
        }
        var members = r.Members;
        for (int i = 0; i < members.Length; i++)
        {
            if (!first) o.Write((byte)',');
            first = false;
            if (i == r.TextIndex)
            {
                o.Write(r.NamePrefix(i));
                // unchanged text (the common case after refinement): copy the source's JSON string as it was
                if (ReferenceEquals(text, doc.Text) || string.Equals(text, doc.Text, StringComparison.Ordinal)) o.Write(r.Value(i));
                else o.WriteJsonString(text);
            }
            else if (i == r.IdIndex && writeId)
            {
                o.Write(r.NamePrefix(i));
                o.WriteJsonString(doc.Id);
            }
            else if (i == r.MetadataIndex && !prox.IsEmpty)
            {
                o.Write(r.NamePrefix(i));
                o.WriteMetadataWithProx(r.Value(i), prox);
            }
            else
            {
                o.Write(r.Member(i));
            }
        }
        if (r.MetadataIndex < 0 && !prox.IsEmpty)
        {
            if (!first) o.Write((byte)',');
            o.Write("\"metadata\":"u8);
            o.WriteMetadataWithProx(default, prox);
        }
        o.Write("}\n"u8);
        if (o.Length >= FlushThreshold) o.CopyTo(_stream);
    }

    private protected override void CompleteCore()
    {
        _out.CopyTo(_stream);
        if (!ReferenceEquals(_stream, _file.Stream)) _stream.Dispose();
        _file.Commit();
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        if (!IsCompleted)
        {
            try
            {
                if (!ReferenceEquals(_stream, _file.Stream)) _stream.Dispose();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // the temporary file is deleted below anyway
            }
        }
        _file.Dispose();
        _out.Dispose();
    }
}
