namespace Prox.Text;

/// <summary>
/// Whitespace as Python's <c>str.split()</c> / <c>str.rstrip()</c> see it (<c>str.isspace</c>): the .NET white-space
/// characters plus the separators U+001C..U+001F, which .NET does not count as white space.
/// </summary>
internal static class PythonWhitespace
{
    public static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || (c >= '\u001C' && c <= '\u001F');

    /// <summary>Number of whitespace-separated words, as <c>len(text.split())</c>.</summary>
    public static int CountWords(ReadOnlySpan<char> text)
    {
        int words = 0;
        bool inWord = false;
        foreach (char c in text)
        {
            if (IsWhiteSpace(c)) inWord = false;
            else if (!inWord) { inWord = true; words++; }
        }
        return words;
    }

    /// <summary>The text without trailing whitespace, as <c>text.rstrip()</c>.</summary>
    public static ReadOnlySpan<char> TrimEnd(ReadOnlySpan<char> text)
    {
        int end = text.Length;
        while (end > 0 && IsWhiteSpace(text[end - 1])) end--;
        return text[..end];
    }
}
