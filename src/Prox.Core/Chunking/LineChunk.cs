namespace Prox.Chunking;

/// <summary>
/// A run of consecutive lines of a document, as <see cref="LineChunker"/> packs them.
/// </summary>
/// <param name="Text">The chunk's lines as they are in the document (joined by their <c>'\n'</c>, not numbered): a slice
/// of the document, not a copy.</param>
/// <param name="FirstLine">Global 0-based index of the first line.</param>
/// <param name="LineCount">Number of lines (at least 1).</param>
/// <param name="TokenCount">Sum of the line costs (tokens of each numbered line plus the per-line overhead).</param>
public readonly record struct LineChunk(ReadOnlyMemory<char> Text, int FirstLine, int LineCount, int TokenCount)
{
    /// <summary>Index one past the last line.</summary>
    public int EndLine => FirstLine + LineCount;

    /// <summary>The lines numbered with their global indexes, <c>[NNN]line</c> joined by <c>'\n'</c>.</summary>
    public string ToNumberedText() => LineNumbering.Number(Text.Span, FirstLine);
}
