namespace Prox.Corpus;

/// <summary>How records are read: which fields hold the text and the id, and the size limit of one record.</summary>
public sealed record CorpusReadOptions
{
    /// <summary>The defaults: text in <c>text</c>, id in <c>id</c>.</summary>
    public static CorpusReadOptions Default { get; } = new();

    /// <summary>The top-level field (JSON) or column (Parquet) holding the document text; default <c>text</c>
    /// (RedPajama uses <c>raw_content</c>).</summary>
    public string TextField { get; init; } = "text";

    /// <summary>The top-level field or column holding the document id; default <c>id</c>. When a record has no id
    /// (absent or null) its id is <see cref="CorpusDocument.ComputeContentId"/> of the text.</summary>
    public string IdField { get; init; } = "id";

    /// <summary>Longest JSON line accepted, in bytes (default 64 MiB); a longer line is quarantined as
    /// <see cref="QuarantineKind.RecordTooLarge"/> with its first bytes, and reading goes on.</summary>
    public int MaxRecordBytes { get; init; } = 64 << 20;
}
