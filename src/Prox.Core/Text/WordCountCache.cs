namespace Prox.Text;

/// <summary>
/// Counts a text's tokens part by part, caching each short part's count per thread. A text is cut before a space that
/// follows a character the tokenizer never joins to a following space (see <see cref="Cut"/>); the caller guarantees
/// that no token spans such a place, so the count of the whole is the sum of the counts of the parts.
/// </summary>
/// <remarks>Thread-safe: each thread has its own dictionary, bounded by starting over when full.</remarks>
internal sealed class WordCountCache
{
    /// <summary>How a text is cut into independently tokenized parts.</summary>
    public enum Cut
    {
        /// <summary>
        /// SentencePiece with a dummy prefix: cut at a space after a non-space; the space is dropped, as the next part's
        /// dummy-prefix '▁' stands for it.
        /// </summary>
        DropSpaceAfterNonSpace,

        /// <summary>Regex pre-tokenized BPE (tiktoken): cut at a space after a non-whitespace character; the space starts the next part.</summary>
        KeepSpaceAfterNonWhiteSpace,
    }

    /// <summary>Counts one part (never called with a span longer than needed; may be empty only after a trailing cut).</summary>
    public delegate int PartCounter(ReadOnlySpan<char> part);

    /// <summary>Parts at most this long have their counts cached.</summary>
    private const int MaxCachedLength = 48;

    /// <summary>Entries per thread (about 8 MB) before the cache starts over.</summary>
    private const int MaxEntries = 1 << 17;

    private readonly ThreadLocal<Dictionary<string, int>> _counts = new(() => new Dictionary<string, int>(StringComparer.Ordinal));
    private readonly Cut _cut;
    private readonly PartCounter _countPart;

    public WordCountCache(Cut cut, PartCounter countPart)
    {
        _cut = cut;
        _countPart = countPart;
    }

    public int Count(ReadOnlySpan<char> text)
    {
        var cache = _counts.Value!;
        var lookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        int count = 0, start = 0;
        while (true)
        {
            int end = NextCut(text, start);
            var part = text[start..end];
            if (part.Length > MaxCachedLength)
            {
                count += _countPart(part);
            }
            else if (lookup.TryGetValue(part, out int cached))
            {
                count += cached;
            }
            else
            {
                int n = _countPart(part);
                if (cache.Count >= MaxEntries) cache.Clear();
                lookup[part] = n;
                count += n;
            }
            if (end == text.Length) return count;
            start = _cut == Cut.DropSpaceAfterNonSpace ? end + 1 : end;
        }
    }

    /// <summary>The next cut after <paramref name="start"/>: a space whose previous character qualifies; or the end.</summary>
    private int NextCut(ReadOnlySpan<char> text, int start)
    {
        int from = start + 1;
        while (from < text.Length)
        {
            int space = text[from..].IndexOf(' ');
            if (space < 0) break;
            int at = from + space;
            char previous = text[at - 1];
            if (_cut == Cut.DropSpaceAfterNonSpace ? previous != ' ' : !char.IsWhiteSpace(previous)) return at;
            from = at + 1;
        }
        return text.Length;
    }
}
