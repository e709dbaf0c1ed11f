using System.Text;
using Prox.Text;

namespace Prox.Tests.Text;

/// <summary>
/// The hand-written tiktoken pre-tokenizer and the cached counting against Microsoft.ML.Tokenizers: same pieces as the
/// library's regex, same counts as <c>Tokenizer.CountTokens(text)</c>, on the shared corpus and on adversarial text.
/// </summary>
public class TiktokenSplitterTests
{
    public static TheoryData<string> Encodings() => new() { "cl100k_base", "o200k_base", "gpt2" };

    private static EncodingTokenCounter Counter(string spec) => Assert.IsType<EncodingTokenCounter>(TokenCounter.Create(spec));

    /// <summary>The library's pieces of <paramref name="text"/>, special tokens included.</summary>
    private static List<string> LibraryPieces(string spec, string text) =>
        Counter(spec).Library.PreTokenizer!.PreTokenize(text).Select(s => text.Substring(s.Offset, s.Length)).ToList();

    /// <summary>
    /// The library's count of <paramref name="text"/>. With no special token in the text that is
    /// <c>Tokenizer.CountTokens(text)</c>. The library keeps special tokens only in its LRU piece cache (filled when it is
    /// built), so once enough other pieces have evicted them a special token counts as its BPE pieces instead of 1, and
    /// <c>CountTokens</c> of such a text depends on what was counted before. The reference then sums what a fresh library
    /// counts: the library's own pieces, 1 for each special token, BPE for the others.
    /// </summary>
    private static int Reference(EncodingTokenCounter counter, string text)
    {
        if (!text.Contains("<|")) return counter.CountWhole(text);
        var library = (Microsoft.ML.Tokenizers.TiktokenTokenizer)counter.Library;
        return library.PreTokenizer!.PreTokenize(text).Sum(s => library.SpecialTokens!.ContainsKey(text.Substring(s.Offset, s.Length))
            ? 1
            : library.CountTokens(text.AsSpan(s.Offset, s.Length), considerPreTokenization: false, considerNormalization: false));
    }

    // Pieces that stress every branch: contractions in all cases, letters of every category the patterns tell apart
    // (Lu, Ll, Lt, Lm, Lo, marks), numbers of all kinds, whitespace of all kinds, surrogates (paired and lone), and
    // special tokens, whole and broken.
    private static readonly string[] Alphabet =
    [
        "a", "b", "s", "t", "d", "m", "l", "v", "e", "r", "S", "T", "D", "M", "L", "V", "E", "R", "X", "z", "Q",
        "'", "'", "'", "’", "'s", "'S", "'t", "'T", "'d", "'m", "'M", "'ll", "'LL", "'lL", "'ve", "'VE", "'re", "'Re", "'x",
        " ", " ", " ", " ", "  ", "    ", "\t", "\n", "\n", "\r\n", "\r", "\v", "\f", "\u00A0", "\u3000", "\u2028", "\u2029", "\u0085", "\u1680",
        "0", "1", "7", "42", "123", "9999", "\u0663", "\u00B2", "\u00BD", "\u216B", "\u2460",
        ".", ",", "!", "?", "-", "/", "//", "\\", "(", ")", "\"", "#", "$", "%", "&", "*", "+", "=", "<", ">", "|", "_", "~", "@", "`", "^",
        "é", "É", "ß", "ñ", "ç", "ø", "Ω", "ω", "Ж", "ж", "ǅ", "ʰ", "ª", "ſ", "\u212A", "İ", "ı",
        "\u0301", "\u0300", "\u0903", "\u20DD", "e\u0301", "E\u0301",
        "中", "文", "字", "の", "カ", "한", "국", "\u0645", "\u0631", "\u05D0", "\u0E01", "\u0E31",
        "😀", "🦙", "👍🏽", "\U0001D400", "\U0001D41A", "\uD83D", "\uDE00", "\u200B", "\u200D", "\uFEFF", "\0", "\u0001", "\u007F",
        "<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>", "<|", "|>", "<|endoftext", "<<|endoftext|>",
        "hello", "World", "HTTP", "McDonald", "iPhone", "don't", "WON'T", "it's", "They're", "naïve", "café",
    ];

    /// <summary>Random text from <see cref="Alphabet"/>, with now and then a long run of one piece.</summary>
    private static string RandomText(Random random, bool specials)
    {
        var sb = new StringBuilder();
        int parts = random.Next(0, 40);
        for (int i = 0; i < parts; i++)
        {
            string piece = Alphabet[random.Next(Alphabet.Length)];
            if (!specials && piece.Contains("<|")) continue;
            int repeat = random.Next(20) == 0 ? random.Next(2, 120) : 1;
            for (int k = 0; k < repeat; k++) sb.Append(piece);
        }
        return sb.ToString();
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Pieces_equal_the_library_pre_tokenizer_on_random_text(string spec)
    {
        var counter = Counter(spec);
        var random = new Random(20240611 + spec.Length);
        for (int i = 0; i < 4000; i++)
        {
            string text = RandomText(random, specials: false);
            Assert.True(LibraryPieces(spec, text).SequenceEqual(counter.Pieces(text)),
                $"{spec} pieces differ on {Escape(text)}:\n  library {string.Join(" | ", LibraryPieces(spec, text).Select(Escape))}\n  scanner {string.Join(" | ", counter.Pieces(text).Select(Escape))}");
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Counts_equal_the_library_on_random_text_with_special_tokens(string spec)
    {
        var counter = Counter(spec);
        var random = new Random(7 + spec.Length);
        for (int pass = 0; pass < 2; pass++)   // the second pass is served from the cache
        {
            var texts = Enumerable.Range(0, 3000).Select(_ => RandomText(random, specials: true)).ToList();
            foreach (string text in texts)
                Assert.True(Reference(counter, text) == counter.CountTokens(text), $"{spec} count differs on {Escape(text)}");
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Encodings))]
    public void Counts_and_pieces_equal_the_library_on_the_whole_corpus(string spec)
    {
        var counter = Counter(spec);
        var documents = TokenCounterTests.RealDocuments(int.MaxValue).ToList();
        Assert.True(documents.Count >= 697);
        foreach (string text in documents)
        {
            if (!text.Contains("<|")) Assert.Equal(LibraryPieces(spec, text), counter.Pieces(text));
            Assert.Equal(Reference(counter, text), counter.CountTokens(text));
        }
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Adversarial_texts_count_like_the_library(string spec)
    {
        var counter = Counter(spec);
        // A library instance of its own, used for these few texts only, so that its special tokens stay in its cache.
        var fresh = spec == "gpt2"
            ? Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt2")
            : Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding(spec);
        string[] texts =
        [
            "", " ", "\n", "\r\n", "a", "'", "'s", "'S", "'ll", "'LL", "'Ve", "'rE", "'ſ", "'\u212Al", "x'sy", "I'M", "we'D",
            "don't can't won't shouldn't y'all you're we've she'll I'd", "DON'T CAN'T YOU'RE", "'s's's'", "''s", "' s",
            new string(' ', 1000), new string(' ', 1000) + "x", "x" + new string(' ', 1000), new string('\t', 300) + "\n" + new string(' ', 5),
            "  \n  \n\n   x", "a  \r\n\r\n  b", "line\r\nline\r\n", "end\n", "end \n", "end  \n ", " \u00A0 x", "\u00A0x", "\u3000文",
            new string('1', 1001), "1234567 89", "٣٤٥٦ ²³ ½ Ⅻ", new string('a', 5000), new string('Ж', 300) + "ж", "ABCdefGHI jklMNO",
            "ǅungla ʰa ªb", "e\u0301\u0301\u0301", "\u0301abc", " \u0301", "!\u0301", "\u0301\u0301!", "ÉCOLE école",
            "😀😀😀 🦙x 👍🏽", "\U0001D400\U0001D41A\U0001D400", "\uD83Dabc\uDE00", "\uDE00\uD83D", "a\u200Bb\u200D\uFEFF",
            "<|endoftext|>", "a<|endoftext|>b", "<|endoftext|><|endoftext|>", "<|fim_prefix|> x <|fim_suffix|>", "<|endofprompt|>\n",
            "<<|endoftext|>>", "<|endoftext", "text <| other |> text", " <|endoftext|> ", "x  <|endoftext|>  y", "\n<|endoftext|>\n",
            "http://example.com/a/b?c=d&e=f#g", "C:\\Users\\x", "//////\r\n///", "!!!\r\n\r\n", " ...\n\n", "--\n/\n/", "a/\nb",
            "$100,000.00 (12.5%)", "2019-07-30T12:00:00Z", "\0\u0001\u007F\u0085",
        ];
        for (int pass = 0; pass < 2; pass++)
            foreach (string text in texts)
                Assert.True(fresh.CountTokens(text) == counter.CountTokens(text), $"{spec} count differs on {Escape(text)}");
        Assert.Equal(1, counter.CountTokens("<|endoftext|>"));
        Assert.Equal(3, counter.CountTokens("a<|endoftext|>b"));
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Every_ascii_character_alone_is_one_token(string spec)
    {
        // The counter counts a one-character ASCII piece as 1 without asking the library or its cache.
        var library = Counter(spec).Library;
        for (char c = '\0'; c < '\u0080'; c++)
            Assert.Equal(1, library.CountTokens(c.ToString(), considerPreTokenization: false, considerNormalization: false));
    }

    [Fact]
    public void Cache_tells_keys_apart_and_starts_over_when_full()
    {
        // Keys of every length class: 1-3 (one padded word), 4-8 (two overlapping words), 9-64 (arena), sharing heads and tails.
        var keys = new List<string>();
        foreach (string stem in new[] { "a", "ab", "abc", "abcd", "abcde", "abcdefgh", "abcdefghi", "abcdXXXXefgh", new string('x', 64) })
            foreach (string variant in new[] { stem, stem.ToUpperInvariant(), "\u00E9" + stem, stem + "\0", "\0" + stem })
                keys.Add(variant);
        keys.AddRange(["abcdYYYYefgh", "abcdXXXYefgh", "\0", "\0\0", "\0\0\0\0\0", "\uD83D\uDE00"]);
        keys = keys.Distinct().ToList();
        var value = keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, p => p.i + 1);
        int computed = 0;
        SpanCountCache.Compute compute = piece => { computed++; return value[piece.ToString()]; };

        var big = new SpanCountCache(maxKeyLength: 65);
        foreach (string key in keys) Assert.Equal(value[key], big.GetOrAdd(key, compute));
        Assert.Equal(keys.Count, computed);
        foreach (string key in keys) Assert.Equal(value[key], big.GetOrAdd(key, compute));
        Assert.Equal(keys.Count, computed);   // all hits

        var small = new SpanCountCache(capacityLog2: 3, arenaChars: 80, maxKeyLength: 65);
        for (int round = 0; round < 3; round++)
            foreach (string key in keys)
            {
                Assert.Equal(value[key], small.GetOrAdd(key, compute));
                Assert.True(small.Count <= 4);
            }
    }

    private static string Escape(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s.Length > 400 ? s[..400] : s)
            sb.Append(c is >= ' ' and < '\u007F' ? c.ToString() : $"\\u{(int)c:X4}");
        return sb.Append(s.Length > 400 ? "\"..." : "\"").ToString();
    }
}
