namespace Prox.Corpus;

/// <summary>
/// A corpus file that cannot be read safely, named with the place of the damage: the file, the last line (or row) read
/// before it, and the byte offset in the (compressed) file where it was found. Thrown while enumerating
/// <see cref="CorpusReader"/> when records already handed out cannot be trusted — a gzip member or zstd frame whose
/// CRC-32/checksum or structure fails after it produced data — so the caller must not publish anything read from
/// this file (the run's unit fails). Damage that costs only the records in it is quarantined instead
/// (<see cref="QuarantineKind.CorruptStream"/>).
/// </summary>
public sealed class CorpusReadException : IOException
{
    /// <summary>Creates the exception; the message is <c>file:line: reason</c> (<c>file: reason</c> when line is 0).</summary>
    public CorpusReadException(string sourceFile, long line, long offset, string reason, Exception? inner = null)
        : base(line > 0 ? $"{sourceFile}:{line}: {reason}" : $"{sourceFile}: {reason}", inner)
    {
        SourceFile = sourceFile;
        Line = line;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The file being read.</summary>
    public string SourceFile { get; }

    /// <summary>The last line (JSON Lines) or row (Parquet) read before the damage; 0 when none was.</summary>
    public long Line { get; }

    /// <summary>Byte offset in the file (compressed bytes for gzip/zstd) where the damage was found; -1 when unknown.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Reason { get; }
}
