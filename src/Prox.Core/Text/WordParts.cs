namespace Prox.Text;

/// <summary>How a text is cut into parts that a tokenizer encodes independently (see <see cref="WordParts"/>).</summary>
internal enum WordCut
{
    /// <summary>
    /// SentencePiece with a dummy prefix and escaped spaces: cut at a space after a character that is neither a space nor
    /// '▁' (U+2581, what a space becomes once escaped, so a literal one counts as a space); the space is dropped, as the
    /// next part's dummy-prefix '▁' stands for it. Exact when no piece holds '▁' after a non-'▁' character.
    /// </summary>
    DropSpaceAfterNonSpace,

    /// <summary>
    /// Regex pre-tokenized BPE (tiktoken): cut at a space after a non-whitespace character; the space starts the next
    /// part. Exact because the pre-tokenizer never puts a non-whitespace character and a following space in one piece.
    /// </summary>
    KeepSpaceAfterNonWhiteSpace,
}

/// <summary>
/// Enumerates the parts of a text cut by a <see cref="WordCut"/> rule, without allocating. The tokens of the whole text
/// are the tokens of its parts, in order; a dropped-space cut at the very end leaves a final empty part.
/// </summary>
internal ref struct WordParts
{
    private readonly ReadOnlySpan<char> _text;
    private readonly WordCut _cut;
    private int _start;        // start of the next part; -1 once the last part was returned
    private ReadOnlySpan<char> _current;

    public WordParts(ReadOnlySpan<char> text, WordCut cut)
    {
        _text = text;
        _cut = cut;
        _start = 0;
        _current = default;
    }

    public readonly ReadOnlySpan<char> Current => _current;

    public readonly WordParts GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_start < 0) return false;
        int end = NextCut(_start);
        _current = _text[_start..end];
        _start = end == _text.Length ? -1 : _cut == WordCut.DropSpaceAfterNonSpace ? end + 1 : end;
        return true;
    }

    /// <summary>The next cut after <paramref name="start"/>: a space whose previous character qualifies; or the end.</summary>
    private readonly int NextCut(int start)
    {
        int from = start + 1;
        while (from < _text.Length)
        {
            int space = _text[from..].IndexOf(' ');
            if (space < 0) break;
            int at = from + space;
            char previous = _text[at - 1];
            if (_cut == WordCut.DropSpaceAfterNonSpace ? previous is not (' ' or '\u2581') : !char.IsWhiteSpace(previous)) return at;
            from = at + 1;
        }
        return _text.Length;
    }
}

/// <summary>
/// A per-thread cache of a value computed from a short part of text (its token count, its ids). Thread-safe: each thread
/// has its own dictionary, which starts over when full; parts longer than <see cref="MaxKeyLength"/> are not cached.
/// </summary>
internal sealed class PartCache<T>
{
    /// <summary>Computes the value of one part.</summary>
    public delegate T Compute(ReadOnlySpan<char> part);

    /// <summary>Parts at most this long are cached.</summary>
    public const int MaxKeyLength = 48;

    private readonly ThreadLocal<Dictionary<string, T>> _values = new(() => new Dictionary<string, T>(StringComparer.Ordinal));
    private readonly Compute _compute;
    private readonly int _maxEntries;

    /// <param name="compute">The value of a part.</param>
    /// <param name="maxEntries">Entries per thread before the cache starts over.</param>
    public PartCache(Compute compute, int maxEntries)
    {
        _compute = compute;
        _maxEntries = maxEntries;
    }

    public T Get(ReadOnlySpan<char> part)
    {
        if (part.Length > MaxKeyLength) return _compute(part);
        var cache = _values.Value!;
        var lookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(part, out var value)) return value;
        value = _compute(part);
        if (cache.Count >= _maxEntries) cache.Clear();
        lookup[part] = value;
        return value;
    }
}
