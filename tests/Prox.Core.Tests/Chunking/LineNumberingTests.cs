using Prox.Chunking;

namespace Prox.Tests.Chunking;

public class LineNumberingTests
{
    [Theory]
    [InlineData(0, "[000]")]
    [InlineData(7, "[007]")]
    [InlineData(42, "[042]")]
    [InlineData(999, "[999]")]
    [InlineData(1000, "[1000]")]
    [InlineData(123456, "[123456]")]
    [InlineData(int.MaxValue, "[2147483647]")]
    public void Prefix_is_zero_padded_to_three_digits(int index, string expected)
    {
        Assert.Equal(expected, LineNumbering.Prefix(index));
        Assert.Equal(expected.Length, LineNumbering.PrefixLength(index));
        Span<char> buffer = stackalloc char[16];
        Assert.Equal(expected.Length, LineNumbering.WritePrefix(index, buffer));
        Assert.Equal(expected, buffer[..expected.Length].ToString());
    }

    [Fact]
    public void Prefix_rejects_a_short_destination_and_negative_index()
    {
        Assert.Throws<ArgumentException>(() => LineNumbering.WritePrefix(1000, new char[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LineNumbering.Prefix(-1));
    }

    [Fact]
    public void Numbering_widens_past_999_lines()
    {
        string doc = string.Join('\n', Enumerable.Range(0, 1002).Select(i => $"l{i}"));
        string numbered = LineNumbering.Number(doc);
        string[] lines = numbered.Split('\n');

        Assert.Equal(1002, lines.Length);
        Assert.Equal("[000]l0", lines[0]);
        Assert.Equal("[999]l999", lines[999]);
        Assert.Equal("[1000]l1000", lines[1000]);
        Assert.Equal("[1001]l1001", lines[1001]);
        Assert.Equal(numbered.Length, LineNumbering.NumberedLength(doc));
    }

    [Fact]
    public void Numbering_starts_at_the_given_line_and_keeps_cr()
    {
        Assert.Equal("[998]a\r\n[999]\r\n[1000]b", LineNumbering.Number("a\r\n\r\nb", 998));
        Assert.Equal("[000]", LineNumbering.Number(""));
        Assert.Equal("[005]x\n[006]", LineNumbering.Number("x\n", 5));
    }

    [Theory]
    [InlineData("", new[] { "" })]
    [InlineData("one", new[] { "one" })]
    [InlineData("a\n", new[] { "a", "" })]
    [InlineData("\n\n", new[] { "", "", "" })]
    [InlineData("a\r\nb\r\n", new[] { "a\r", "b\r", "" })]
    [InlineData("a\rb", new[] { "a\rb" })]
    public void Lines_split_on_newline_only(string text, string[] expected)
    {
        var lines = new List<string>();
        var starts = new List<int>();
        var e = DocumentLines.Enumerate(text);
        while (e.MoveNext())
        {
            lines.Add(e.Current.ToString());
            starts.Add(e.CurrentStart);
        }
        Assert.Equal(expected, lines);
        Assert.Equal(expected.Length, DocumentLines.Count(text));
        for (int i = 0; i < lines.Count; i++) Assert.Equal(lines[i], text.Substring(starts[i], lines[i].Length));
    }
}
