namespace Prox.Chunking;

/// <summary>
/// Splits a document into lines the ProX way: on <c>'\n'</c> only (a <c>'\r'</c> stays part of its line). A document of
/// N newlines has N + 1 lines: the empty document is one empty line and a trailing newline makes a final empty line.
/// </summary>
public static class DocumentLines
{
    /// <summary>Number of lines of <paramref name="text"/> (newlines + 1).</summary>
    public static int Count(ReadOnlySpan<char> text) => text.Count('\n') + 1;

    /// <summary>
    /// Lines <paramref name="firstLine"/> … <paramref name="firstLine"/> + <paramref name="lineCount"/> − 1 of
    /// <paramref name="text"/> as a view, each with its <c>'\n'</c> (the document's last line has none). Out-of-range
    /// parts are clipped.
    /// </summary>
    public static ReadOnlyMemory<char> Slice(string text, int firstLine, int lineCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (lineCount <= 0) return ReadOnlyMemory<char>.Empty;
        var span = text.AsSpan();
        int start = 0;
        for (int line = 0; line < firstLine; line++)
        {
            var nl = span[start..].IndexOf('\n');
            if (nl < 0) return ReadOnlyMemory<char>.Empty;
            start += nl + 1;
        }
        int end = start;
        for (int line = 0; line < lineCount; line++)
        {
            var nl = span[end..].IndexOf('\n');
            if (nl < 0) { end = span.Length; break; }
            end += nl + 1;
        }
        return text.AsMemory(start, end - start);
    }

    /// <summary>Enumerates the lines without allocating: <c>foreach (var line in DocumentLines.Enumerate(text))</c>.</summary>
    public static LineEnumerator Enumerate(ReadOnlySpan<char> text) => new(text);
}

/// <summary>Allocation-free enumerator of the lines of a text split on <c>'\n'</c>; see <see cref="DocumentLines"/>.</summary>
public ref struct LineEnumerator
{
    private readonly ReadOnlySpan<char> _text;
    private int _next;          // start of the line after Current; > _text.Length once the last line was returned
    private ReadOnlySpan<char> _current;
    private int _currentStart;

    internal LineEnumerator(ReadOnlySpan<char> text)
    {
        _text = text;
        _next = 0;
        _current = default;
        _currentStart = -1;
    }

    /// <summary>The current line, without its <c>'\n'</c>.</summary>
    public readonly ReadOnlySpan<char> Current => _current;

    /// <summary>Offset of the current line's first character in the enumerated text.</summary>
    public readonly int CurrentStart => _currentStart;

    /// <summary>Returns this enumerator (for <c>foreach</c>).</summary>
    public readonly LineEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next line; false after the last one.</summary>
    public bool MoveNext()
    {
        if (_next > _text.Length) return false;
        int start = _next;
        int newline = _text[start..].IndexOf('\n');
        int end = newline < 0 ? _text.Length : start + newline;
        _current = _text[start..end];
        _currentStart = start;
        _next = end + 1;
        return true;
    }
}
