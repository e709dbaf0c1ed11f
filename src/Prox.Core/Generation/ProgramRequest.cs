using Prox.Chunking;
using Prox.Programs;

namespace Prox.Generation;

/// <summary>
/// One request for a program: a whole document (doc stage) or one slice of its numbered lines (chunk stage). A
/// generator plans its own requests (<see cref="IProgramGenerator.Plan"/>): the rules take one request per document, a
/// LLaMA model one per ProX token chunk. The request carries the whole document (generators that use context, such as
/// the rules, read around the slice) and the slice itself (<see cref="Slice"/>).
/// </summary>
/// <param name="Stage">Which stage the program is for.</param>
/// <param name="DocumentText">The whole document text.</param>
/// <param name="FirstLine">Global 0-based index of the first line of the slice (0 for the doc stage).</param>
/// <param name="LineCount">Number of lines in the slice (all lines of the document for the doc stage).</param>
/// <param name="ChunkIndex">0-based index of the slice within its document (0 for the doc stage).</param>
public sealed record ProgramRequest(ProgramStage Stage, string DocumentText, int FirstLine, int LineCount, int ChunkIndex = 0)
{
    /// <summary>The document id, when the pipeline knows it (for generators that log or cache per document).</summary>
    public string? DocumentId { get; init; }

    /// <summary>
    /// The text of the slice: lines <see cref="FirstLine"/> … <see cref="FirstLine"/> + <see cref="LineCount"/> − 1,
    /// each with its line break (the last line of the document has none). A view of <see cref="DocumentText"/>.
    /// </summary>
    public ReadOnlyMemory<char> Slice => DocumentLines.Slice(DocumentText, FirstLine, LineCount);

    /// <summary>
    /// The ProX chunk-stage requests of a document: one per chunk of at most <see cref="LineChunker.MaxTokens"/>
    /// tokens of <paramref name="chunker"/>'s tokenizer (LLaMA-2 for the published models), covering every line once,
    /// in order.
    /// </summary>
    public static IReadOnlyList<ProgramRequest> TokenChunks(LineChunker chunker, string text, string? documentId = null)
    {
        ArgumentNullException.ThrowIfNull(chunker);
        ArgumentNullException.ThrowIfNull(text);
        var chunks = chunker.Split(text);
        var list = new ProgramRequest[chunks.Count];
        for (var c = 0; c < chunks.Count; c++)
            list[c] = new ProgramRequest(ProgramStage.Chunk, text, chunks[c].FirstLine, chunks[c].LineCount, c) { DocumentId = documentId };
        return list;
    }

    /// <summary>One request covering every line of <paramref name="text"/>.</summary>
    public static ProgramRequest WholeDocument(ProgramStage stage, string text, string? documentId = null) =>
        new(stage, text, 0, DocumentLines.Count(text)) { DocumentId = documentId };
}
