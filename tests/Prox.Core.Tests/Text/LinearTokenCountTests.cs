using System.Text;
using Prox.Text;

namespace Prox.Tests.Text;

/// <summary>
/// Token counts in linear time for every input (issue 10): a run of one character class is one pre-tokenizer piece, and
/// the library's BPE merge loop is quadratic in a piece's length (1,000,000 blank lines took 580 s, 100,000 CJK
/// characters 23 s). Long pieces now go through <see cref="TiktokenBpe"/>; these tests keep its counts exactly the
/// library's.
/// </summary>
public class LinearTokenCountTests
{
    public static TheoryData<string> Encodings() => new() { "cl100k_base", "o200k_base", "gpt2" };

    private static string RandomLongText(Random rng)
    {
        string[] units = ["中", "文字", "日本語", "\n", "\n\n ", " ", "  \n", "a", "ab", "The", "ü", "😀", "\ud83d", "!!", "-=", "123", "'s", "\t", "é", "ß"];
        var sb = new StringBuilder();
        int runs = rng.Next(1, 4);
        for (int r = 0; r < runs; r++)
        {
            // long runs of one or two units: what makes a single long piece
            var u1 = units[rng.Next(units.Length)];
            var u2 = rng.Next(3) == 0 ? units[rng.Next(units.Length)] : u1;
            int n = rng.Next(40, 1500);
            for (int i = 0; i < n; i++) sb.Append(rng.Next(4) == 0 ? u2 : u1);
            if (rng.Next(2) == 0) sb.Append(" word ");
        }
        return sb.ToString();
    }

    [SkippableTheory]
    [MemberData(nameof(Encodings))]
    public void Long_pieces_count_exactly_as_the_library(string spec)
    {
        var counter = Assert.IsType<EncodingTokenCounter>(TokenCounter.Create(spec));
        var rng = new Random(spec.Length * 7919);
        int checkedPieces = 0;
        for (int t = 0; t < 60; t++)
        {
            var text = RandomLongText(rng);
            foreach (var piece in counter.Pieces(text))
            {
                if (piece.Length <= SpanCountCache.DefaultMaxKeyLength) continue;
                Assert.Equal(counter.CountPiece(piece), counter.CountLongPiece(piece));
                checkedPieces++;
            }
            if (t % 10 == 0) Assert.Equal(counter.CountWhole(text), counter.CountTokens(text));
        }
        Assert.True(checkedPieces > 50, $"only {checkedPieces} long pieces");
    }

    [SkippableTheory]
    [MemberData(nameof(Encodings))]
    public void A_million_blank_lines_and_a_100k_CJK_run_are_counted_exactly(string spec)
    {
        var counter = Assert.IsType<EncodingTokenCounter>(TokenCounter.Create(spec));
        // Uniform runs decompose at blocks the library can still count: the count of k blocks and a rest is k times the
        // block's plus the rest's (checked here against the library on two blocks).
        const int block = 4096;
        int BlockCount(string unit) => counter.CountWhole(string.Concat(Enumerable.Repeat(unit, block)));
        foreach (var (unit, total) in new[] { ("\n", 1_000_000), ("中", 100_000) })
        {
            int perBlock = BlockCount(unit);
            Assert.Equal(counter.CountWhole(string.Concat(Enumerable.Repeat(unit, 2 * block))), 2 * perBlock);
            int rest = total % block;
            int expected = total / block * perBlock + counter.CountWhole(string.Concat(Enumerable.Repeat(unit, rest)));
            var run = string.Concat(Enumerable.Repeat(unit, total));
            // Before: minutes (quadratic); now a fraction of a second.
            Assert.Equal(expected, counter.CountTokens(run));
        }
    }

    [SkippableFact]
    public void Llama2_and_whitespace_count_hostile_runs_exactly()
    {
        var llama = Llama2Tokenizer.Load(SharedAssets.Require("tokenizers/llama2/tokenizer.model"));
        string[] hostile =
        [
            string.Concat(Enumerable.Repeat("\n", 1_000_000)),
            "text " + string.Concat(Enumerable.Repeat(" ", 1_000_000)) + " end",
            string.Concat(Enumerable.Repeat("中", 100_000)),
            string.Concat(Enumerable.Repeat("a", 200_000)),
            string.Concat(Enumerable.Repeat("a ", 200_000)),
            string.Concat(Enumerable.Repeat(".", 200_000)),
        ];
        foreach (var text in hostile)
        {
            // The library's SentencePiece BPE is the reference (it merges with a priority queue, linear enough here).
            Assert.Equal(llama.EncodeWhole(text, addBos: false).Length, llama.CountTokens(text));
            Assert.Equal(Prox.Programs.PyText.CountWords(text), TokenCounter.Create("whitespace").CountTokens(text));
        }
        Assert.Equal(200_000, TokenCounter.Create("whitespace").CountTokens(hostile[4]));
    }
}
