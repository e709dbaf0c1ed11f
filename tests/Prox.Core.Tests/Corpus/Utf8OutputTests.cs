using System.Text;
using System.Text.Json;
using Prox.Corpus;

namespace Prox.Tests.Corpus;

public class Utf8OutputTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain ascii")]
    [InlineData("line one\nline \"two\"\twith \\ backslash\r\n")]
    [InlineData("\u0000\u0001\u0008\u000c\u001f end")]
    [InlineData("ünïcödé 日本語 and a pair 😀 at the end😀")]
    [InlineData("\n\n\n")]
    public void Strings_written_as_json_read_back_unchanged(string text)
    {
        using var output = new Utf8Output(16);
        output.WriteJsonString(text);
        var json = output.WrittenSpan.ToArray();
        Assert.Equal(text, JsonSerializer.Deserialize<string>(json));
        // The same bytes as the UTF-8 path.
        using var viaUtf8 = new Utf8Output(16);
        viaUtf8.WriteJsonString(Encoding.UTF8.GetBytes(text));
        Assert.Equal(viaUtf8.WrittenSpan.ToArray(), json);
    }

    [Fact]
    public void Lone_surrogates_become_replacement_characters()
    {
        using var output = new Utf8Output(16);
        output.WriteJsonString("a\ud83d\nb\ude00c");
        Assert.Equal("a\ufffd\nb\ufffdc", JsonSerializer.Deserialize<string>(output.WrittenSpan));
    }

    [Fact]
    public void Long_random_texts_round_trip()
    {
        var rng = new Random(7);
        const string alphabet = "abc \n\t\"\\\u0001éß日😀";
        for (var round = 0; round < 200; round++)
        {
            var sb = new StringBuilder();
            var n = rng.Next(0, 5000);
            for (var i = 0; i < n; i++) sb.Append(alphabet[rng.Next(alphabet.Length)]);
            var text = sb.ToString();
            // Drop halves of pairs the random cut may have produced, so that the text is valid UTF-16.
            text = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
            using var output = new Utf8Output(64);
            output.WriteJsonString(text);
            Assert.Equal(text, JsonSerializer.Deserialize<string>(output.WrittenSpan));
        }
    }
}
