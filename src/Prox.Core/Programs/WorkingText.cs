namespace Prox.Programs;

/// <summary>
/// The text a chunk program edits: the original string until a normalization changes it, then a reusable character
/// buffer, so that a chain of normalizations allocates no intermediate strings. The buffers are cached per thread
/// (not in the shared array pool: no rent/return cost, no pool trimming on every gen-2 collection, which large
/// documents trigger often); Dispose gives them back, keeping at most <see cref="MaxCachedChars"/> characters.
/// </summary>
internal sealed class WorkingText : IDisposable
{
    private const int MaxCachedChars = 1 << 20;

    [ThreadStatic] private static char[]? t_a;
    [ThreadStatic] private static char[]? t_b;
    [ThreadStatic] private static int[]? t_positions;

    private readonly string original;
    private char[]? _buffer;
    private char[]? _spare;
    private int _length;
    private int[]? _positions;

    public WorkingText(string original)
    {
        this.original = original;
        _buffer = t_a; _spare = t_b; _positions = t_positions;
        t_a = t_b = null;
        t_positions = null;
    }

    /// <summary>True once a normalization replaced something.</summary>
    public bool Changed { get; private set; }

    /// <summary>The current text.</summary>
    public ReadOnlySpan<char> Span => Changed ? _buffer.AsSpan(0, _length) : original.AsSpan();

    /// <summary>
    /// Replaces every non-overlapping occurrence of <paramref name="source"/> (left to right, as Python
    /// <c>str.replace</c>) by <paramref name="target"/>, unless the result would exceed <paramref name="limit"/>
    /// characters: then nothing changes, <paramref name="matches"/> is 0 and <paramref name="wouldBeLength"/> says how
    /// long it would have been. One search pass and one copy. <paramref name="wordDelta"/> is how many words the text
    /// gained (negative: lost), found by counting only the words around the matches (see <see cref="WordDelta"/>).
    /// </summary>
    public void ReplaceAll(string source, string target, long limit, out int matches, out long wouldBeLength, out int wordDelta)
    {
        matches = 0;
        wouldBeLength = 0;
        wordDelta = 0;
        var span = Span;
        var needle = source.AsSpan();
        var first = NextMatch(span, needle, 0);
        if (first < 0) return;

        _positions ??= new int[64];
        var count = 0;
        for (var at = first; at >= 0;)
        {
            if (count == _positions.Length) Array.Resize(ref _positions, _positions.Length * 2);
            _positions[count++] = at;
            at = NextMatch(span, needle, at + needle.Length);
        }
        var length = span.Length + (long)count * (target.Length - source.Length);
        if (length > limit)
        {
            wouldBeLength = length;
            return;
        }
        matches = count;

        if (_spare is null || _spare.Length < length)
            _spare = new char[Math.Max(length, Math.Max(4096, (long)(_spare?.Length ?? 0) * 2))];
        var dest = _spare.AsSpan();
        int from = 0, to = 0;
        for (var k = 0; k < count; k++)
        {
            var piece = span[from.._positions[k]];
            piece.CopyTo(dest[to..]);
            to += piece.Length;
            target.AsSpan().CopyTo(dest[to..]);
            to += target.Length;
            from = _positions[k] + needle.Length;
        }
        span[from..].CopyTo(dest[to..]);
        wordDelta = WordDelta(span, dest[..(int)length], _positions.AsSpan(0, count), needle.Length, target.Length - needle.Length);
        (_buffer, _spare) = (_spare, _buffer);
        _length = (int)length;
        Changed = true;
    }

    /// <summary>
    /// The first occurrence of <paramref name="needle"/> in <paramref name="text"/> at or after <paramref name="from"/>
    /// that neither starts nor ends between the two halves of a surrogate pair, or -1. Python strings are code points,
    /// so <c>str.replace</c> never cuts a character in two; a needle that begins with a low surrogate or ends with a high
    /// one (a lone half, which the Strict grammar's <c>\ud83d</c> escapes can write) must not match half of a pair.
    /// </summary>
    internal static int NextMatch(ReadOnlySpan<char> text, ReadOnlySpan<char> needle, int from)
    {
        bool checkStart = char.IsLowSurrogate(needle[0]), checkEnd = char.IsHighSurrogate(needle[^1]);
        while (from <= text.Length - needle.Length)
        {
            var rel = text[from..].IndexOf(needle);
            if (rel < 0) return -1;
            var at = from + rel;
            var end = at + needle.Length;
            if ((checkStart && at > 0 && char.IsHighSurrogate(text[at - 1])) ||
                (checkEnd && end < text.Length && char.IsLowSurrogate(text[end])))
            {
                from = at + 1;
                continue;
            }
            return at;
        }
        return -1;
    }

    /// <summary>
    /// Words of <paramref name="after"/> minus words of <paramref name="before"/>, where <paramref name="after"/> is
    /// <paramref name="before"/> with the <paramref name="sourceLength"/> characters at each of
    /// <paramref name="positions"/> replaced (each replacement <paramref name="growth"/> characters longer).
    /// Each match is widened to a window that ends at whitespace (or the text's ends) on both sides; overlapping
    /// windows merge. Outside the windows both texts are equal and no word crosses a window's edge, so word counts
    /// add up and only the windows need counting (a few words per match instead of the whole text).
    /// </summary>
    internal static int WordDelta(ReadOnlySpan<char> before, ReadOnlySpan<char> after, ReadOnlySpan<int> positions, int sourceLength, int growth)
    {
        var delta = 0;
        var n = before.Length;
        for (var k = 0; k < positions.Length; k++)
        {
            var first = k;
            var a = positions[k];
            while (a > 0 && !PyText.IsWhiteSpace(before[a - 1])) a--;
            var b = positions[k] + sourceLength;
            while (true)
            {
                while (b < n && !PyText.IsWhiteSpace(before[b])) b++;
                // A match starting inside the window or right at its whitespace edge joins it (its own window would
                // reach back into this one).
                if (k + 1 < positions.Length && positions[k + 1] <= b)
                {
                    k++;
                    b = Math.Max(b, positions[k] + sourceLength);
                    continue;
                }
                break;
            }
            // Matches before this window shift it by first * growth; those inside shift its end by (k + 1) * growth.
            delta += PyText.CountWords(after[(a + first * growth)..(b + (k + 1) * growth)]) - PyText.CountWords(before[a..b]);
        }
        return delta;
    }

    /// <summary>Goes back to the original text (the edits so far are dropped).</summary>
    public void Reset()
    {
        Changed = false;
        _length = 0;
    }

    /// <summary>The current text as a new string.</summary>
    public override string ToString() => Changed ? new string(Span) : original;

    /// <inheritdoc />
    public void Dispose()
    {
        t_a = _buffer is { Length: <= MaxCachedChars } ? _buffer : null;
        t_b = _spare is { Length: <= MaxCachedChars } ? _spare : null;
        t_positions = _positions is { Length: <= MaxCachedChars / 4 } ? _positions : null;
        _buffer = _spare = null;
        _positions = null;
    }
}
