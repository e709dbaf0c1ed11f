using Prox.Chunking;
using Prox.Tests.Text;
using Prox.Text;

namespace Prox.Tests.Chunking;

public class LineChunkerTests
{
    // Whitespace counting makes costs easy to read: "[000]a b" is 2 words, + 1 overhead = 3.
    private static readonly ITokenCounter Words = TokenCounter.Create("whitespace");

    private static (int First, int Lines, int Tokens)[] Shape(IEnumerable<LineChunk> chunks) =>
        chunks.Select(c => (c.FirstLine, c.LineCount, c.TokenCount)).ToArray();

    [Fact]
    public void Lines_are_packed_greedily_in_order()
    {
        // costs: 3, 2, 5, 2 with a budget of 6
        var chunks = new LineChunker(Words, maxTokens: 6).Split("a b\nc\nd e f g\nh");
        Assert.Equal([(0, 2, 5), (2, 1, 5), (3, 1, 2)], Shape(chunks));
        Assert.Equal(["a b\nc", "d e f g", "h"], chunks.Select(c => c.Text.ToString()));
        Assert.Equal("[000]a b\n[001]c", chunks[0].ToNumberedText());
    }

    [Fact]
    public void A_line_that_exactly_fills_the_budget_is_appended()
    {
        // costs: 3, 3 with a budget of 6, then 2
        var chunks = new LineChunker(Words, maxTokens: 6).Split("a b\nc d\ne");
        Assert.Equal([(0, 2, 6), (2, 1, 2)], Shape(chunks));
    }

    [Fact]
    public void A_line_over_the_budget_is_a_chunk_of_its_own()
    {
        string longLine = string.Join(' ', Enumerable.Repeat("w", 20));
        var chunks = new LineChunker(Words, maxTokens: 10).Split($"a\nb\n{longLine}\nc\nd");
        Assert.Equal([(0, 2, 4), (2, 1, 21), (3, 2, 4)], Shape(chunks));

        var alone = new LineChunker(Words, maxTokens: 10).Split(longLine);
        Assert.Equal([(0, 1, 21)], Shape(alone));
    }

    [Fact]
    public void Empty_document_is_one_empty_line()
    {
        var chunk = Assert.Single(new LineChunker(Words).Split(""));
        Assert.Equal((0, 1, 2), (chunk.FirstLine, chunk.LineCount, chunk.TokenCount));
        Assert.True(chunk.Text.IsEmpty);
        Assert.Equal("[000]", chunk.ToNumberedText());
    }

    [Fact]
    public void Trailing_newline_makes_a_final_empty_line()
    {
        var chunks = new LineChunker(Words, maxTokens: 3).Split("a b\n");
        Assert.Equal([(0, 1, 3), (1, 1, 2)], Shape(chunks));
        Assert.Equal("[001]", chunks[1].ToNumberedText());
        Assert.Equal("[000]a b\n[001]", Assert.Single(new LineChunker(Words).Split("a b\n")).ToNumberedText());
    }

    [SkippableFact]
    public void Crlf_documents_keep_the_cr_in_each_line_and_its_cost()
    {
        var tokenizer = Llama2TokenizerTests.Load();
        var chunker = new LineChunker(tokenizer);
        var chunk = Assert.Single(chunker.Split("Hello\r\nworld\r\n"));
        Assert.Equal("[000]Hello\r\n[001]world\r\n[002]", chunk.ToNumberedText());
        Assert.Equal(chunker.LineCost(0, "Hello") + 1, chunker.LineCost(0, "Hello\r"));   // '\r' is one byte-fallback token
        Assert.Equal(tokenizer.CountTokens("[000]Hello\r", addBos: true), chunker.LineCost(0, "Hello\r"));
        Assert.Equal(chunker.LineCost(0, "Hello\r") + chunker.LineCost(1, "world\r") + chunker.LineCost(2, ""), chunk.TokenCount);
    }

    [Theory]
    [InlineData("whitespace", 40)]
    [InlineData("cl100k_base", 60)]
    [InlineData("o200k_base", 60)]
    [InlineData("gpt2", 60)]
    public void Random_documents_satisfy_the_greedy_invariants(string spec, int budget)
    {
        var counter = TokenCounter.Create(spec);
        var chunker = new LineChunker(counter, budget);
        var rng = new Random(spec.Length * 31 + budget);
        for (int round = 0; round < 40; round++)
        {
            var lines = Enumerable.Range(0, rng.Next(1, 60))
                .Select(_ => string.Join(' ', Enumerable.Range(0, rng.Next(0, 3) == 0 ? rng.Next(0, 60) : rng.Next(0, 8)).Select(w => $"w{rng.Next(1000)}")))
                .ToArray();
            string doc = string.Join(rng.Next(2) == 0 ? "\n" : "\r\n", lines);
            AssertGreedy(chunker, doc);
        }
    }

    [SkippableFact]
    public void Llama_chunking_of_a_long_document_satisfies_the_greedy_invariants()
    {
        var chunker = new LineChunker(Llama2TokenizerTests.Load());
        string doc = string.Join('\n', Enumerable.Repeat(ChunkingExamplesTests.ExampleDocument(), 3));
        var chunks = AssertGreedy(chunker, doc);
        Assert.Equal(51, chunks.Sum(c => c.LineCount));
        // Numbering stays global: the second copy's first line is line 17 wherever its chunk starts.
        var second = chunks.Single(c => c.FirstLine <= 17 && 17 < c.EndLine);
        Assert.StartsWith("[017]Home | Products", second.ToNumberedText().Split('\n')[17 - second.FirstLine], StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new LineChunker(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineChunker(Words, maxTokens: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineChunker(Words, perLineOverhead: -1));
    }

    /// <summary>
    /// The chunks tile the lines in order; each holds at most the budget unless it is a single line; each count is the sum
    /// of its line costs; and no chunk could have taken the next line (greedy) — together these pin the algorithm down.
    /// </summary>
    private static List<LineChunk> AssertGreedy(LineChunker chunker, string doc)
    {
        var costs = new List<int>();
        var lines = new List<string>();
        foreach (var line in DocumentLines.Enumerate(doc))
        {
            costs.Add(chunker.LineCost(lines.Count, line));
            lines.Add(line.ToString());
        }
        var chunks = chunker.Split(doc);
        int next = 0;
        foreach (var c in chunks)
        {
            Assert.Equal(next, c.FirstLine);
            Assert.True(c.LineCount >= 1);
            Assert.Equal(costs.Skip(c.FirstLine).Take(c.LineCount).Sum(), c.TokenCount);
            Assert.True(c.TokenCount <= chunker.MaxTokens || c.LineCount == 1);
            Assert.Equal(string.Join('\n', lines.Skip(c.FirstLine).Take(c.LineCount)), c.Text.ToString());
            if (c.EndLine < costs.Count && c.TokenCount <= chunker.MaxTokens)
                Assert.True(c.TokenCount + costs[c.EndLine] > chunker.MaxTokens, "a chunk left out a line that fitted");
            next = c.EndLine;
        }
        Assert.Equal(costs.Count, next);
        Assert.Equal(doc, string.Join('\n', chunks.Select(c => c.Text.ToString())));
        return chunks;
    }
}
