using Microsoft.ML.Tokenizers;

namespace Prox.Text;

/// <summary>
/// A named encoding shipped in a Microsoft.ML.Tokenizers data package (tiktoken BPE). The wrapped tokenizer is
/// immutable apart from its internal thread-safe cache, so one instance serves every thread. Counting goes word by word
/// through a per-thread <see cref="PartCache{T}"/>: exact, because the encodings' pre-tokenizer regexes never put a
/// non-whitespace character and a following space in one piece, and look neither behind nor (across such a place) ahead.
/// </summary>
internal sealed class EncodingTokenCounter : ITokenCounter
{
    private readonly Tokenizer _tokenizer;
    private readonly PartCache<int> _counts;

    public EncodingTokenCounter(string name, Tokenizer tokenizer)
    {
        Name = name;
        _tokenizer = tokenizer;
        _counts = new PartCache<int>(CountWhole, maxEntries: 1 << 17);   // about 8 MB a thread
    }

    public string Name { get; }

    public int CountTokens(ReadOnlySpan<char> text)
    {
        int count = 0;
        foreach (var part in new WordParts(text, WordCut.KeepSpaceAfterNonWhiteSpace)) count += _counts.Get(part);
        return count;
    }

    /// <summary>Tokens of a text by the library, without the word cache (the reference the cache must agree with).</summary>
    internal int CountWhole(ReadOnlySpan<char> text) =>
        text.IsEmpty ? 0 : _tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: true);
}
