using System.Text.Json;
using Prox.Text;

namespace Prox.Tests.Text;

public class Llama2TokenizerTests
{
    private static Llama2Tokenizer? _shared;

    /// <summary>The shared LLaMA-2 tokenizer, loaded once for all tests (it is thread-safe); skips when the asset is absent.</summary>
    internal static Llama2Tokenizer Load()
    {
        string path = SharedAssets.Require("tokenizers/llama2/tokenizer.model");
        return LazyInitializer.EnsureInitialized(ref _shared, () => Llama2Tokenizer.Load(path));
    }

    public static TheoryData<int> GoldenCaseIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < 12; i++) data.Add(i);
        return data;
    }

    private static (string Text, int[] Ids, bool AddBos) GoldenCase(int index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedAssets.Require("tokenizers/llama2/golden-encodings.json")));
        var cases = doc.RootElement.GetProperty("cases");
        Assert.Equal(12, cases.GetArrayLength());
        var c = cases[index];
        return (c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("add_bos").GetBoolean());
    }

    [SkippableTheory]
    [MemberData(nameof(GoldenCaseIndexes))]
    public void Golden_encodings_are_reproduced(int index)
    {
        var tok = Load();
        var (text, expected, addBos) = GoldenCase(index);

        Assert.Equal(expected, tok.Encode(text, addBos));
        Assert.Equal(expected.Length, tok.CountTokens(text, addBos));
        Assert.Equal(addBos ? expected[1..] : expected, tok.Encode(text, addBos: false));
        Assert.Equal(expected.Length - (addBos ? 1 : 0), tok.CountTokens(text));
    }

    [SkippableFact]
    public void Bos_and_eos_ids_and_name()
    {
        var tok = Load();
        Assert.Equal(1, tok.BosId);
        Assert.Equal(2, tok.EosId);
        Assert.Equal("llama:llama2/tokenizer.model", tok.Name);
        Assert.Equal([1], tok.Encode("", addBos: true));
        Assert.Empty(tok.Encode("", addBos: false));
        Assert.Equal(0, tok.CountTokens(""));
        Assert.Equal([1, 15043, 3186], tok.Encode("Hello world", addBos: true));
    }

    [SkippableFact]
    public void Prompt_special_tokens_become_ids_and_each_segment_gets_a_dummy_prefix()
    {
        var tok = Load();
        Assert.Equal([1, 518, 25580, 29962], tok.EncodePrompt("<s>[INST]"));
        // Same as encoding the pieces around the special tokens separately.
        int[] expected = [.. tok.Encode("Hello", false), 2, 1, .. tok.Encode("world", false)];
        Assert.Equal(expected, tok.EncodePrompt("Hello</s><s>world"));
        Assert.Equal(tok.Encode("no specials here", false), tok.EncodePrompt("no specials here"));
        Assert.Empty(tok.EncodePrompt(""));
    }

    [SkippableFact]
    public void The_llama2_model_supports_word_by_word_encoding()
    {
        // Counting and encoding word by word (with the early stop of EncodePrompt) rely on this property of the vocabulary.
        Assert.True(Load().WordWise);
    }

    [SkippableFact]
    public void Truncated_prompt_equals_the_prefix_of_the_full_encoding()
    {
        var tok = Load();
        var rng = new Random(7);
        string[] words = ["alpha", "beta", "gamma", " ", "  ", "\n", "\r\n", "é", "🦙", "[INST]", "12", "-", "\t"];
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 6000; i++) sb.Append(words[rng.Next(words.Length)]);
        string text = sb.ToString();

        int[] full = tok.EncodeWhole(text, addBos: false);
        Assert.Equal(full, tok.EncodePrompt(text));
        Assert.Equal(full, tok.Encode(text, addBos: false));
        foreach (int max in new[] { 0, 1, 37, 2000, full.Length - 1, full.Length, full.Length + 5 })
        {
            int[] cut = tok.EncodePrompt(text, max);
            Assert.Equal(full.Take(max), cut);
        }
    }

    [SkippableTheory]
    [InlineData("a ")]
    [InlineData(" a")]
    [InlineData("a   b")]
    [InlineData("   ")]
    [InlineData(" ")]
    [InlineData("x y  z   \t w\u3000v \n  u ")]
    [InlineData("word word word word ")]
    [InlineData("[000]Hello world, 🦙 naïve  café\r")]
    [InlineData("a\u00A0b c\u2003 d")]
    public void Word_by_word_encoding_and_counting_equal_whole_text_encoding(string text)
    {
        var tok = Load();
        for (int pass = 0; pass < 2; pass++)   // the second pass is served from the cache
        {
            int[] whole = tok.EncodeWhole(text, addBos: true);
            Assert.Equal(whole, tok.Encode(text, addBos: true));
            Assert.Equal(whole.Length, tok.CountTokens(text, addBos: true));
            Assert.Equal(whole.Length - 1, tok.CountTokens(text));
        }
    }

    [SkippableFact]
    public void Word_by_word_counting_equals_whole_text_encoding_on_random_text()
    {
        // Spaces of every kind and in runs, words short and long (past the cache's 8-character inline keys and its
        // 256-character limit), unicode and byte-fallback characters, line numbers as the chunker writes them.
        var tok = Load();
        string[] alphabet =
        [
            " ", " ", " ", "  ", "   ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u2003", "▁", "▁▁", "a", "b", "the", "The", "word",
            "naïve", "café", "ß", "Ж", "中文", "の", "한", "🦙", "👍🏽", "\uD83D", "\u0301", "\u200B", "\0", "\u0001", "<s>", "</s>",
            "[000]", "[12]", "1", "42", "2019", ".", ",", "'s", "don't", "http://x.y/z", "-", "—", "\"",
        ];
        var random = new Random(4242);
        for (int pass = 0; pass < 2; pass++)   // the second pass is served from the cache
        {
            for (int i = 0; i < 1500; i++)
            {
                var sb = new System.Text.StringBuilder();
                int parts = random.Next(0, 30);
                for (int k = 0; k < parts; k++)
                {
                    string piece = alphabet[random.Next(alphabet.Length)];
                    int repeat = random.Next(25) == 0 ? random.Next(2, 150) : 1;
                    for (int r = 0; r < repeat; r++) sb.Append(piece);
                }
                string text = sb.ToString();
                Assert.True(tok.EncodeWhole(text, addBos: true).Length == tok.CountTokens(text, addBos: true),
                    $"count differs on [{string.Join(",", text.Take(200).Select(c => ((int)c).ToString("X")))}]");
            }
        }
    }

    [SkippableFact]
    public void Word_by_word_encoding_and_counting_equal_whole_text_encoding_on_real_documents()
    {
        var tok = Load();
        var documents = TokenCounterTests.RealDocuments(120).ToList();
        Assert.Equal(120, documents.Count);
        foreach (string text in documents)
        {
            int[] whole = tok.EncodeWhole(text, addBos: false);
            Assert.Equal(whole, tok.Encode(text, addBos: false));
            Assert.Equal(whole.Length, tok.CountTokens(text));
            foreach (string line in text.Split('\n').Take(40))
                Assert.Equal(tok.EncodeWhole(line, addBos: true).Length, tok.CountTokens(line, addBos: true));
        }
    }

    [SkippableFact]
    public void One_instance_is_safe_to_share_across_threads()
    {
        var tok = Load();
        var texts = Enumerable.Range(0, 300).Select(i => $"[{i:000}]line {i} naïve 🦙 " + new string('x', i % 40)).ToArray();
        int[][] sequential = texts.Select(t => tok.Encode(t, addBos: true)).ToArray();
        var parallel = new int[texts.Length][];
        var counts = new int[texts.Length];
        Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            parallel[i] = tok.Encode(texts[i], addBos: true);
            counts[i] = tok.CountTokens(texts[i], addBos: true);
        });
        Assert.Equal(sequential, parallel);
        Assert.Equal(sequential.Select(ids => ids.Length), counts);
    }

    [SkippableFact]
    public void Invalid_model_file_is_a_clear_error()
    {
        using var stream = new MemoryStream("not a sentencepiece model"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => Llama2Tokenizer.FromStream(stream, "bogus"));
        Assert.Contains("bogus", e.Message);
        Assert.Throws<FileNotFoundException>(() => Llama2Tokenizer.Load(Path.Combine(Path.GetTempPath(), "prox-no-such.model")));
    }
}
