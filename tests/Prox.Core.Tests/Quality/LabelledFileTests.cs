using Prox.Quality;

namespace Prox.Tests.Quality;

public class LabelledFileTests
{
    [Fact]
    public void ReadsJsonArrayWithStringNumberBooleanAndNullLabels()
    {
        var docs = LabelledFile.Parse("""[{"text": ["a", "b", "c", "d", "e"], "labels": ["1", 0, null, true, "0"]}, {"lines": ["x"], "labels": [1]}]""", "mem.json");
        Assert.Equal(2, docs.Count);
        Assert.Equal(["a", "b", "c", "d", "e"], docs[0].Lines);
        Assert.Equal([true, false, null, true, false], docs[0].Keep);
        Assert.Equal("a\nb\nc\nd\ne", docs[0].Text);
        Assert.Equal([true], docs[1].Keep);
    }

    [Fact]
    public void ReadsJsonLinesAndSplitsAStringText()
    {
        var docs = LabelledFile.Parse("{\"text\": \"one\\ntwo\", \"labels\": [\"0\", \"1\"]}\n\n{\"lines\": [\"three\"], \"labels\": [null]}\n", "mem.jsonl");
        Assert.Equal(2, docs.Count);
        Assert.Equal(["one", "two"], docs[0].Lines);
        Assert.Equal([false, true], docs[0].Keep);
        Assert.Equal([(bool?)null], docs[1].Keep);
    }

    [Theory]
    [InlineData("""[{"text": ["a"], "labels": ["1"]}, {"text": ["a", "b"], "labels": ["1"]}]""", "record 1: 2 lines but 1 labels")]
    [InlineData("""[{"text": ["a"], "labels": ["1"]}, {"text": ["a"], "labels": ["yes"]}]""", "record 1: label 0 is \"yes\"")]
    [InlineData("""[{"text": ["a"], "labels": [2]}]""", "record 0: label 0 is 2")]
    [InlineData("""[{"labels": ["1"]}]""", "record 0: no 'text' or 'lines' property")]
    [InlineData("""[{"text": ["a"]}]""", "record 0: no 'labels' array")]
    [InlineData("""[{"text": [1], "labels": ["1"]}]""", "record 0: line 0 is Number")]
    [InlineData("""[{"text": ["a\nb"], "labels": ["1"]}]""", "record 0: line 0 contains a newline")]
    [InlineData("{\"text\": [\"a\"], \"labels\": [\"1\"]}\n{\"text\": [\"a\"], \"labels\": [", "record 1 (line 2): not valid JSON")]
    public void ErrorsNameTheFileAndTheRecord(string content, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => LabelledFile.Parse(content, "labels.json"));
        Assert.StartsWith("labels.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
