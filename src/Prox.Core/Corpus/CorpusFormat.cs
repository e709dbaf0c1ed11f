namespace Prox.Corpus;

/// <summary>The on-disk shape of a corpus file; chosen from the file name by <see cref="CorpusFormats.FromPath"/>.</summary>
public enum CorpusFormat
{
    /// <summary>JSON Lines, uncompressed (<c>.jsonl</c>, <c>.ndjson</c>, <c>.json</c>).</summary>
    Jsonl,
    /// <summary>JSON Lines in gzip (<c>.jsonl.gz</c>, <c>.json.gz</c>, <c>.jsonl.gzip</c>, ...).</summary>
    JsonlGzip,
    /// <summary>JSON Lines in Zstandard (<c>.jsonl.zst</c>, <c>.json.zst</c>, <c>.jsonl.zstd</c>, ...).</summary>
    JsonlZstd,
    /// <summary>Apache Parquet (<c>.parquet</c>, <c>.pq</c>): one document per row, flat columns.</summary>
    Parquet,
}

/// <summary>File-name rules for corpus files: which extensions are recognised and what format each means.</summary>
public static class CorpusFormats
{
    private static readonly string[] JsonStems = [".jsonl", ".ndjson", ".json"];
    private static readonly (string Suffix, CorpusFormat Format)[] Compressions =
    [
        (".gz", CorpusFormat.JsonlGzip), (".gzip", CorpusFormat.JsonlGzip),
        (".zst", CorpusFormat.JsonlZstd), (".zstd", CorpusFormat.JsonlZstd),
        ("", CorpusFormat.Jsonl),
    ];
    private static readonly string[] ParquetSuffixes = [".parquet", ".pq"];

    /// <summary>Every recognised extension, for messages and help (e.g. <c>.jsonl.gz</c>).</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } =
        JsonStems.SelectMany(s => Compressions.Select(c => s + c.Suffix)).Concat(ParquetSuffixes).ToArray();

    /// <summary>
    /// The format of <paramref name="path"/> from its extension (case-insensitive), or false when the extension is not
    /// a corpus extension. <paramref name="extension"/> is the matched extension (e.g. <c>.jsonl.gz</c>).
    /// </summary>
    public static bool TryFromPath(string path, out CorpusFormat format, out string extension)
    {
        var name = Path.GetFileName(path);
        foreach (var pq in ParquetSuffixes)
        {
            if (name.Length > pq.Length && name.EndsWith(pq, StringComparison.OrdinalIgnoreCase))
            {
                format = CorpusFormat.Parquet;
                extension = name[^pq.Length..];
                return true;
            }
        }
        foreach (var (suffix, fmt) in Compressions)
        {
            foreach (var stem in JsonStems)
            {
                var ext = stem + suffix;
                if (name.Length > ext.Length && name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                {
                    format = fmt;
                    extension = name[^ext.Length..];
                    return true;
                }
            }
        }
        format = default;
        extension = "";
        return false;
    }

    /// <summary>The format of <paramref name="path"/> from its extension.</summary>
    /// <exception cref="NotSupportedException">The extension is not a corpus extension; the message names the file
    /// and lists the supported extensions.</exception>
    public static CorpusFormat FromPath(string path)
    {
        if (TryFromPath(path, out var format, out _)) return format;
        throw new NotSupportedException(
            $"'{path}': unsupported corpus file extension '{Path.GetExtension(path)}'; supported: {string.Join(", ", SupportedExtensions)}");
    }

    /// <summary>The canonical extension written for <paramref name="format"/> (<c>.jsonl</c>, <c>.jsonl.gz</c>,
    /// <c>.jsonl.zst</c>, <c>.parquet</c>).</summary>
    public static string CanonicalExtension(CorpusFormat format) => format switch
    {
        CorpusFormat.Jsonl => ".jsonl",
        CorpusFormat.JsonlGzip => ".jsonl.gz",
        CorpusFormat.JsonlZstd => ".jsonl.zst",
        CorpusFormat.Parquet => ".parquet",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>The file name without its corpus extension (<c>a.jsonl.gz</c> → <c>a</c>); the whole name when the
    /// extension is not recognised.</summary>
    public static string Stem(string path)
    {
        var name = Path.GetFileName(path);
        return TryFromPath(name, out _, out var ext) ? name[..^ext.Length] : name;
    }
}
