namespace Prox.Analysis;

/// <summary>One input line of a document and what each run did with it.</summary>
/// <param name="Line">0-based line of the input document.</param>
/// <param name="InA">What run A did: <c>kept</c>, <c>removed</c> (by the call named in <paramref name="CallA"/>), <c>dropped</c> (the whole document), or <c>absent</c>.</param>
/// <param name="InB">What run B did.</param>
/// <param name="CallA">The call of run A that removed the line (<c>remove_lines</c> at program line n), or null.</param>
/// <param name="CallB">The call of run B that removed the line, or null.</param>
/// <param name="TextA">The line as run A wrote it (after normalization), the input line when run A dropped the document, else null.</param>
/// <param name="TextB">The line as run B wrote it, or the input line when run B dropped the document, else null.</param>
public sealed record LineComparison(int Line, string InA, string InB, string? CallA, string? CallB, string? TextA, string? TextB)
{
    /// <summary>True when the runs did different things with the line, or wrote it differently.</summary>
    public bool Differs => InA != InB || !string.Equals(TextA, TextB, StringComparison.Ordinal);
}
