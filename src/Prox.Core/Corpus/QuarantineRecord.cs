using System.Text;

namespace Prox.Corpus;

/// <summary>Why a record (or a whole stretch of a file) could not be read as a document.</summary>
public enum QuarantineKind
{
    /// <summary>The line is not valid JSON, or not a JSON object.</summary>
    InvalidJson,
    /// <summary>The line holds bytes that are not valid UTF-8.</summary>
    InvalidUtf8,
    /// <summary>The record has no text field.</summary>
    MissingText,
    /// <summary>The text field is not a string (a number, null, an object...).</summary>
    TextNotString,
    /// <summary>The id field is neither a string, a number nor null.</summary>
    InvalidId,
    /// <summary>The line is longer than <see cref="CorpusReadOptions.MaxRecordBytes"/>.</summary>
    RecordTooLarge,
    /// <summary>The compressed stream is truncated or corrupt (gzip, zstd); what was decoded before it was kept.</summary>
    CorruptStream,
    /// <summary>A Parquet row group could not be decoded; its rows are named by <see cref="QuarantineRecord.Line"/> and <see cref="QuarantineRecord.LineCount"/>.</summary>
    CorruptRowGroup,
    /// <summary>The file as a whole cannot be read (not Parquet, corrupt footer, unsupported schema, missing text column).</summary>
    UnreadableFile,
}

/// <summary>
/// One record (or stretch of a file) that was set aside instead of read: where it is, why, and its raw bytes when the
/// reader had them. Nothing is dropped silently: every bad line, row group or stream error becomes one of these.
/// </summary>
public sealed class QuarantineRecord
{
    /// <summary>
    /// The most bytes of an over-long record (<see cref="QuarantineKind.RecordTooLarge"/>) kept in <see cref="Raw"/>:
    /// 64 KiB; <see cref="RawLength"/> and <see cref="RawSha256"/> describe the whole record exactly.
    /// </summary>
    public const int MaxRawExcerptBytes = 64 << 10;

    /// <summary>Creates a quarantine record.</summary>
    /// <param name="sourceFile">The file.</param>
    /// <param name="line">1-based line or first row; 0 when not tied to a record.</param>
    /// <param name="kind">The category.</param>
    /// <param name="reason">What is wrong.</param>
    /// <param name="raw">The record's bytes (or the first bytes of it, then give <paramref name="rawLength"/> and <paramref name="rawSha256"/>).</param>
    /// <param name="lineCount">Lines/rows covered (see <see cref="LineCount"/>).</param>
    /// <param name="rawLength">The whole record's length when <paramref name="raw"/> is an excerpt; -1 otherwise.</param>
    /// <param name="rawSha256">The whole record's SHA-256 (lower-case hex) when <paramref name="raw"/> is an excerpt.</param>
    public QuarantineRecord(string sourceFile, long line, QuarantineKind kind, string reason, ReadOnlyMemory<byte>? raw = null, long lineCount = 1,
        long rawLength = -1, string? rawSha256 = null)
    {
        SourceFile = sourceFile;
        Line = line;
        Kind = kind;
        Reason = reason;
        Raw = raw;
        LineCount = lineCount;
        RawLength = rawLength >= 0 ? rawLength : raw?.Length ?? -1;
        RawSha256 = rawSha256;
    }

    /// <summary>Length in bytes of the whole record, which <see cref="Raw"/> holds only the start of when
    /// <see cref="RawIsExcerpt"/>; -1 when the reader had no bytes.</summary>
    public long RawLength { get; }

    /// <summary>SHA-256 of the whole record (lower-case hex) when <see cref="Raw"/> is an excerpt; null otherwise.</summary>
    public string? RawSha256 { get; }

    /// <summary>True when <see cref="Raw"/> holds only the first bytes of the record (an over-long line).</summary>
    public bool RawIsExcerpt => Raw is { } r && RawLength > r.Length;

    /// <summary>The file the record came from.</summary>
    public string SourceFile { get; }

    /// <summary>1-based line (JSON Lines) or first row (Parquet); 0 when the problem is not tied to one record
    /// (a whole unreadable file).</summary>
    public long Line { get; }

    /// <summary>How many lines/rows the record covers: 1 for a bad line, the row count for a corrupt row group,
    /// 0 when unknown (a stream error: the rest of the stream could not be decoded).</summary>
    public long LineCount { get; }

    /// <summary>
    /// How many records this entry stands for in a run's counts (<c>DocumentsIn</c>, <c>DocumentsQuarantined</c>):
    /// <see cref="LineCount"/> (every row of a corrupt row group or unreadable Parquet file), and 1 when that is 0 —
    /// a stretch of a stream whose records cannot be told apart still lost at least one record.
    /// </summary>
    public long RecordCount => Math.Max(1, LineCount);

    /// <summary>The category of the problem.</summary>
    public QuarantineKind Kind { get; }

    /// <summary>A human-readable reason (e.g. <c>text field 'text' is a Number, expected a string</c>).</summary>
    public string Reason { get; }

    /// <summary>The raw bytes of the line (without its newline) when the reader had them; null otherwise.
    /// For <see cref="QuarantineKind.RecordTooLarge"/> this is the first <see cref="MaxRawExcerptBytes"/> bytes.</summary>
    public ReadOnlyMemory<byte>? Raw { get; }

    /// <summary>The raw bytes as text when they are valid UTF-8; null otherwise (then see <see cref="Raw"/>).</summary>
    public string? RawText => Raw is { } r && System.Text.Unicode.Utf8.IsValid(r.Span) ? Encoding.UTF8.GetString(r.Span) : null;

    /// <summary>Where the record is, as <c>file-name:line</c> (the file's name only; <see cref="SourceFile"/> has the path).</summary>
    public string Location => $"{System.IO.Path.GetFileName(SourceFile)}:{Line}";

    /// <summary><c>file:line: reason</c>, the form used in error messages.</summary>
    public string Message => Line > 0 ? $"{SourceFile}:{Line}: {Reason}" : $"{SourceFile}: {Reason}";

    /// <inheritdoc/>
    public override string ToString() => Message;
}

/// <summary>One item from a <see cref="CorpusReader"/>: either a <see cref="Document"/> or a <see cref="Quarantine"/> record.</summary>
public readonly struct CorpusEntry
{
    internal CorpusEntry(CorpusDocument? document, QuarantineRecord? quarantine)
    {
        Document = document;
        Quarantine = quarantine;
    }

    /// <summary>The document, or null when this entry is a quarantine record.</summary>
    public CorpusDocument? Document { get; }

    /// <summary>The quarantine record, or null when this entry is a document.</summary>
    public QuarantineRecord? Quarantine { get; }

    /// <summary>True when <see cref="Document"/> is set.</summary>
    public bool IsDocument => Document is not null;

    /// <inheritdoc/>
    public override string ToString() => Document?.ToString() ?? Quarantine!.ToString();
}
