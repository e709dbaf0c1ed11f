using Prox.Text;

namespace Prox.Tests.Text;

public class TokenCounterTests
{
    [Theory]
    [InlineData("cl100k_base", "cl100k_base", "hello world", 2)]
    [InlineData("CL100K_BASE", "cl100k_base", "Hello, world!", 4)]
    [InlineData("o200k_base", "o200k_base", "hello world", 2)]
    [InlineData("gpt2", "gpt2", "hello world", 2)]
    [InlineData("whitespace", "whitespace", "  two\twords\n", 2)]
    [InlineData("words", "whitespace", "a b c", 3)]
    public void Named_specs_count_tokens(string spec, string expectedName, string text, int expected)
    {
        var counter = TokenCounter.Create(spec);
        Assert.Equal(expectedName, counter.Name);
        Assert.Equal(expected, counter.CountTokens(text));
        Assert.Equal(0, counter.CountTokens(""));
    }

    [Fact]
    public void Encodings_differ_where_their_vocabularies_differ()
    {
        // Four spaces are one cl100k token but four gpt2 tokens; a long CJK run is cheaper under o200k.
        Assert.Equal(1, TokenCounter.Create("cl100k_base").CountTokens("    "));
        Assert.Equal(4, TokenCounter.Create("gpt2").CountTokens("    "));
        const string cjk = "人工智能正在改变世界的每一个角落";
        Assert.True(TokenCounter.Create("o200k_base").CountTokens(cjk) < TokenCounter.Create("cl100k_base").CountTokens(cjk));
    }

    [Fact]
    public void Default_spec_is_cl100k_and_named_counters_are_shared()
    {
        Assert.Equal("cl100k_base", TokenCounter.Create(null).Name);
        Assert.Equal("cl100k_base", TokenCounter.Create("  ").Name);
        Assert.Same(TokenCounter.Create("cl100k_base"), TokenCounter.Create(" Cl100k_Base "));
    }

    [Fact]
    public void Whitespace_counter_follows_python_split()
    {
        var c = TokenCounter.Create("whitespace");
        Assert.Equal(0, c.CountTokens(" \t\r\n\u00A0\u2003"));
        Assert.Equal(3, c.CountTokens("a\u001Cb\u001Fc"));      // Python treats U+001C..U+001F as whitespace
        Assert.Equal(1, c.CountTokens("zero\u200Bwidth"));       // ...but not U+200B
        Assert.Equal(2, c.CountTokens("\r\nline one\r\n"));
    }

    [Fact]
    public void Unknown_name_or_missing_file_is_a_clear_error()
    {
        var e = Assert.Throws<FileNotFoundException>(() => TokenCounter.Create("cl100k"));
        Assert.Contains("cl100k_base", e.Message);
        Assert.Contains("Unknown tokenizer 'cl100k'", e.Message);
        Assert.Throws<FileNotFoundException>(() => TokenCounter.Create("llama:/nonexistent/tokenizer.model"));
    }

    [SkippableFact]
    public void Path_specs_load_the_llama_tokenizer()
    {
        string model = SharedAssets.Require("tokenizers/llama2/tokenizer.model");
        foreach (string spec in new[] { model, "llama:" + model, Path.GetDirectoryName(model)! })
        {
            var counter = TokenCounter.Create(spec);
            Assert.IsType<Llama2Tokenizer>(counter);
            Assert.Same(TokenCounter.Create(model), counter);   // one instance per model file
            Assert.Equal(2, counter.CountTokens("Hello world"));
        }
    }

    public static TheoryData<string> Encodings() => new() { "cl100k_base", "o200k_base", "gpt2" };

    [SkippableTheory]
    [MemberData(nameof(Encodings))]
    public void Word_by_word_counting_equals_whole_text_counting(string spec)
    {
        var counter = Assert.IsType<EncodingTokenCounter>(TokenCounter.Create(spec));
        string[] tricky =
        [
            "a ", " a", "a   b", "   ", " ", "a\t  b", "a\t\t b", "a\n b", "a \n b", "x\u00A0 y\u3000 z", "🦙 🦙  🦙",
            "don't  won't 's", "12345 678  9", "end.   Next", "[000]Hello world, naïve  café\r\n", "  \n\n  x  \n",
            "word word word word ", "HTTPS://example.com/a b?c=d  e", "ÀÉÎÕÜ àéîõü ΑΒΓ αβγ",
        ];
        for (int pass = 0; pass < 2; pass++)   // the second pass is served from the cache
            foreach (string text in tricky) Assert.Equal(counter.CountWhole(text), counter.CountTokens(text));

        var documents = RealDocuments(60).ToList();
        Assert.Equal(60, documents.Count);
        foreach (string text in documents)
        {
            Assert.Equal(counter.CountWhole(text), counter.CountTokens(text));
            foreach (string line in text.Split('\n').Take(30)) Assert.Equal(counter.CountWhole(line), counter.CountTokens(line));
        }
    }

    /// <summary>The first <paramref name="count"/> documents of the shared Common Crawl sample (skips the test when it is absent).</summary>
    internal static IEnumerable<string> RealDocuments(int count)
    {
        string path = SharedAssets.Require("corpora/cc-2019-30-sample.jsonl.gz");
        return Read(path, count);

        static IEnumerable<string> Read(string path, int count)
        {
            using var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress));
            int n = 0;
            while (n < count && reader.ReadLine() is { } json)
            {
                if (json.Length == 0) continue;
                n++;
                yield return System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("text").GetString()!;
            }
        }
    }

    [Fact]
    public void Counters_are_safe_to_share_across_threads()
    {
        var texts = Enumerable.Range(0, 400).Select(i => string.Join(' ', Enumerable.Repeat($"token{i} naïve 🦙 ", i % 13 + 1))).ToArray();
        foreach (string spec in new[] { "cl100k_base", "o200k_base", "gpt2", "whitespace" })
        {
            var counter = TokenCounter.Create(spec);
            int[] sequential = texts.Select(t => counter.CountTokens(t)).ToArray();
            int[] parallel = new int[texts.Length];
            Parallel.For(0, texts.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = counter.CountTokens(texts[i]));
            Assert.Equal(sequential, parallel);
        }
    }
}
