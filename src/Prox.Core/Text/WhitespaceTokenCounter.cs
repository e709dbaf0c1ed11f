using Prox.Programs;

namespace Prox.Text;

/// <summary>Counts whitespace-separated words, exactly as Python's <c>len(text.split())</c>. Needs no data; stateless.</summary>
internal sealed class WhitespaceTokenCounter : ITokenCounter
{
    public static readonly WhitespaceTokenCounter Instance = new();

    private WhitespaceTokenCounter() { }

    public string Name => TokenCounter.Whitespace;

    public int CountTokens(ReadOnlySpan<char> text) => PyText.CountWords(text);
}
