using System.Text;
using System.Text.Unicode;

namespace Prox.Corpus;

/// <summary>
/// Streams documents out of corpus files (JSON Lines, gzip or zstd JSON Lines, Parquet), one record at a time, with
/// memory independent of the file size. Bad records never stop reading: each becomes a <see cref="QuarantineRecord"/>
/// in the same stream of <see cref="CorpusEntry"/> items, in file order.
/// </summary>
/// <example>
/// <code>
/// foreach (var entry in CorpusReader.Read("in/a.jsonl.zst"))
///     if (entry.Document is { } doc) Console.WriteLine($"{doc.Id}: {doc.Text.Length} chars");
///     else Console.Error.WriteLine(entry.Quarantine!.Message);
/// </code>
/// </example>
public static class CorpusReader
{
    /// <summary>
    /// Reads the file at <paramref name="path"/>, its format chosen by extension (<see cref="CorpusFormats.FromPath"/>).
    /// The file is opened when enumeration starts and closed when it ends or the enumerator is disposed.
    /// </summary>
    /// <exception cref="NotSupportedException">The extension is not a corpus extension.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist (thrown when enumeration starts).</exception>
    public static IEnumerable<CorpusEntry> Read(string path, CorpusReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var format = CorpusFormats.FromPath(path);
        return ReadFile(Path.GetFullPath(path), format, options ?? CorpusReadOptions.Default);
    }

    /// <summary>
    /// Reads a corpus from an open stream in the given format; <paramref name="sourceName"/> names it in documents and
    /// quarantine records. Parquet needs a seekable stream. The stream is disposed when enumeration ends.
    /// </summary>
    public static IEnumerable<CorpusEntry> Read(Stream stream, CorpusFormat format, string sourceName, CorpusReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        var source = new SourceInfo(sourceName, format, options ?? CorpusReadOptions.Default);
        return format == CorpusFormat.Parquet ? ParquetCorpusReader.Read(stream, source) : ReadJsonl(stream, source, 0);
    }

    /// <summary>Reads the row groups [<paramref name="firstGroup"/>, <paramref name="groupEnd"/>) of a Parquet file, rows numbered as in the whole file.</summary>
    internal static IEnumerable<CorpusEntry> ReadParquetGroups(Stream stream, string sourceName, int firstGroup, int groupEnd, CorpusReadOptions? options = null) =>
        ParquetCorpusReader.Read(stream, new SourceInfo(sourceName, CorpusFormat.Parquet, options ?? CorpusReadOptions.Default), firstGroup, groupEnd);

    /// <summary>
    /// Reads the lines of one byte range of a plain JSON Lines file (<see cref="JsonlRange"/>: the lines that start in
    /// the range), numbered as in the whole file.
    /// </summary>
    internal static IEnumerable<CorpusEntry> ReadJsonlRange(JsonlRange range, string sourceName, CorpusReadOptions? options = null) =>
        ReadJsonl(range, new SourceInfo(sourceName, CorpusFormat.Jsonl, options ?? CorpusReadOptions.Default), range.LinesBefore);

    /// <summary>
    /// Reads only the documents of <paramref name="path"/>, handing each quarantine record to
    /// <paramref name="quarantine"/> as it is met (e.g. a <see cref="QuarantineWriter"/>'s <c>Write</c>).
    /// </summary>
    public static IEnumerable<CorpusDocument> ReadDocuments(string path, Action<QuarantineRecord> quarantine, CorpusReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(quarantine);
        return Filter(Read(path, options), quarantine);
    }

    private static IEnumerable<CorpusDocument> Filter(IEnumerable<CorpusEntry> entries, Action<QuarantineRecord> quarantine)
    {
        foreach (var e in entries)
        {
            if (e.Document is { } d) yield return d;
            else quarantine(e.Quarantine!);
        }
    }

    // An iterator, so that the file is opened when enumeration starts and never left open by an unenumerated call.
    private static IEnumerable<CorpusEntry> ReadFile(string path, CorpusFormat format, CorpusReadOptions options)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        foreach (var entry in Read(file, format, path, options)) yield return entry;
    }

    private static IEnumerable<CorpusEntry> ReadJsonl(Stream file, SourceInfo source, long linesBefore)
    {
        Stream stream;
        try
        {
            stream = CompressionStreams.OpenRead(file, source.Format);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        using var _ = stream;
        using var _file = file;
        using var lines = new LineReader(stream, source.Options.MaxRecordBytes, linesBefore);
        var parser = new JsonRecordParser(source.Options.TextField, source.Options.IdField);
        var zstd = stream as ZstdDecompressStream;
        while (true)
        {
            LineReader.Status status;
            try
            {
                status = lines.Next();
            }
            catch (CompressedDataException e)
            {
                throw new CorpusReadException(source.Path, lines.LineNumber, e.Offset,
                    $"{e.Message}. The {lines.LineNumber} lines read before it cannot be trusted (the damage garbles the output before the check reveals it): nothing read from this file may be published", e);
            }
            if (status == LineReader.Status.End)
            {
                if (zstd?.PendingGap is not { } gap) break;
                var lost = gap.NextFrame >= 0
                    ? $"{gap.Length} bytes at offset {gap.Offset} are not a zstd frame ({gap.Error}); skipped to the next frame at offset {gap.NextFrame}"
                    : $"{gap.Length} bytes at offset {gap.Offset} to the end of the file are not a zstd frame ({gap.Error}); no frame follows";
                yield return new CorpusEntry(null, new QuarantineRecord(source.Path, lines.LineNumber + 1, QuarantineKind.CorruptStream,
                    $"{lost}: the records in them (at least one, count unknown) are lost; the lines after them are numbered as read",
                    raw: null, lineCount: 0));
                zstd.ResumeAfterGap();
                lines.Resume();
                continue;
            }
            if (status == LineReader.Status.TooLong)
            {
                yield return new CorpusEntry(null, new QuarantineRecord(source.Path, lines.LineNumber, QuarantineKind.RecordTooLarge,
                    $"line is {lines.TooLongLength} bytes, longer than {source.Options.MaxRecordBytes} bytes (MaxRecordBytes); raw holds its first {lines.TooLongPrefix.Length} bytes, raw_length and raw_sha256 describe all of it",
                    lines.TooLongPrefix, lineCount: 1, rawLength: lines.TooLongLength, rawSha256: lines.TooLongSha256));
                continue;
            }
            if (ToEntry(lines, parser, source) is { } entry) yield return entry;
        }
        if (lines.Error is { } error)
        {
            yield return new CorpusEntry(null, new QuarantineRecord(source.Path, lines.LineNumber + 1, QuarantineKind.CorruptStream,
                $"{Describe(source.Format)} stream is truncated or corrupt after line {lines.LineNumber}; the rest of the file could not be decoded: {error.Message}",
                raw: null, lineCount: 0));
        }
    }

    private static CorpusEntry? ToEntry(LineReader lines, JsonRecordParser parser, SourceInfo source)
    {
        var line = lines.Line;
        if (line.IndexOfAnyExcept(" \t\r"u8) < 0) return null; // a blank line carries no record
        if (!Utf8.IsValid(line))
        {
            return Quarantined(source, lines.LineNumber, QuarantineKind.InvalidUtf8,
                $"invalid UTF-8 at byte {InvalidUtf8Offset(line)} of the line", line.ToArray());
        }
        var parsed = parser.Parse(line);
        if (parsed.Record is null)
        {
            if (!lines.LineTerminated && lines.Error is not null)
                return Quarantined(source, lines.LineNumber, parsed.Kind, "line cut off where the compressed stream broke: " + parsed.Error, line.ToArray());
            return Quarantined(source, lines.LineNumber, parsed.Kind, parsed.Error!, line.ToArray());
        }
        var derived = parsed.Id is null;
        var id = parsed.Id ?? CorpusDocument.ComputeContentId(parsed.Text!);
        return new CorpusEntry(new CorpusDocument(source, lines.LineNumber, id, derived, parsed.Text!, parsed.Record, null), null);
    }

    internal static CorpusEntry Quarantined(SourceInfo source, long line, QuarantineKind kind, string reason, byte[]? raw) =>
        new(null, new QuarantineRecord(source.Path, line, kind, reason, raw));

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> line)
    {
        int i = 0;
        while (i < line.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(line[i..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return i;
            i += consumed;
        }
        return i;
    }

    private static string Describe(CorpusFormat format) => format switch
    {
        CorpusFormat.JsonlGzip => "gzip",
        CorpusFormat.JsonlZstd => "zstd",
        _ => "input",
    };
}
