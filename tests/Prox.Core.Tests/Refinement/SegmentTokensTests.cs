using Prox.Programs;
using Prox.Refinement;
using Prox.Text;

namespace Prox.Tests.Refinement;

/// <summary>The output's token count derived from the input's segments equals counting the output, for random edits.</summary>
public class SegmentTokensTests
{
    private static readonly string[] Pieces =
    [
        "Home", " | ", "News", "The council met on Tuesday.", "  indented line", "\tTabbed", "", " ", "x", "12345",
        "über straße", "日本語のテキスト", "emoji 🙂 here", "<|endoftext|>", "end.", "...", "- item", "\r", "a\r", "  ",
        "Copyright © 2026", "don't", "'s", "http://example.org/a?b=c",
    ];

    [Theory]
    [InlineData("cl100k_base")]
    [InlineData("o200k_base")]
    [InlineData("whitespace")]
    public void Derived_counts_equal_full_counts_for_random_line_removals(string spec)
    {
        var counter = TokenCounter.Create(spec);
        Assert.True(SegmentTokens.AddsUp(counter));
        var rng = new Random(8);
        var seg = new SegmentTokens();
        for (var round = 0; round < 3000; round++)
        {
            var n = rng.Next(1, 14);
            var lines = Enumerable.Range(0, n).Select(_ => string.Concat(Enumerable.Range(0, rng.Next(0, 4)).Select(_ => Pieces[rng.Next(Pieces.Length)]))).ToArray();
            var text = string.Join('\n', lines) + (rng.Next(4) == 0 ? "\n" : "");
            var lineCount = Prox.Chunking.DocumentLines.Count(text);
            var whole = counter.CountTokens(text);
            var bySegment = seg.Count(counter, text, lineCount);
            Assert.True(whole == bySegment, $"{spec}: {System.Text.Json.JsonSerializer.Serialize(text)}: {whole} ≠ {bySegment} by segment");
            var ops = new List<string>();
            for (var k = rng.Next(0, 3); k > 0; k--)
            {
                var a = rng.Next(lineCount);
                var b = Math.Min(lineCount - 1, a + rng.Next(0, 3));
                ops.Add($"remove_lines(line_start={a}, line_end={b})");
            }
            if (ops.Count == 0) ops.Add("keep_chunk()");
            // Reference dialect: overlapping ranges are fine there.
            var r = ProgramExecutor.Execute(text, string.Join('\n', ops), ProgramStage.Chunk, ProgramDialect.Reference);
            if (r.Dropped || r.Ignored) continue;
            var derived = seg.Derive(counter, text, r);
            Assert.NotNull(derived);
            Assert.True(counter.CountTokens(r.Text) == derived, $"{spec}: {System.Text.Json.JsonSerializer.Serialize(text)} with {string.Join("; ", ops)} → {System.Text.Json.JsonSerializer.Serialize(r.Text)}: {counter.CountTokens(r.Text)} ≠ {derived}");
        }
    }

    [Fact]
    public void Counters_whose_counts_do_not_add_up_count_the_output_in_full()
    {
        Assert.False(SegmentTokens.Supports(TokenCounter.Create("gpt2")));
        Assert.True(SegmentTokens.Supports(TokenCounter.Create("cl100k_base")));
        Assert.False(SegmentTokens.Supports(TokenCounter.Create("whitespace"))); // cheaper to count again
    }

    [Fact]
    public void A_normalization_that_matched_is_counted_in_full()
    {
        var counter = TokenCounter.Create("cl100k_base");
        var seg = new SegmentTokens();
        var text = "Share this\nThe council met on Tuesday.\nMore text here";
        seg.Count(counter, text, 3);
        var r = ProgramExecutor.Execute(text, "normalize(source_str=\"council\", target_str=\"board\")", ProgramStage.Chunk);
        Assert.Null(seg.Derive(counter, text, r));
    }
}
