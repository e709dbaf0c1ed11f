using System.Text;
using System.Text.Json;
using Prox.Corpus;

namespace Prox.Tests.Corpus;

/// <summary>The hand-written top-level scanner must agree with System.Text.Json on what a record says.</summary>
public sealed class JsonLineParsingTests : IDisposable
{
    private readonly CorpusTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("""{"text":"plain"}""")]
    [InlineData("""{"text":"esc \" \\ \/ \b \f \n \r \t end"}""")]
    [InlineData("""{"text":"\u00e9\u4e2d\ud83d\ude00 mixed é 中 😀"}""")]
    [InlineData("""{"text":"\u0000 nul and \u001f"}""")]
    [InlineData("""  { "te\u0078t" : "escaped name" , "id" : 1.5e3 , "metadata" : { "a" : [ 1 , { } ] } }  """)]
    [InlineData("""{"a":true,"b":false,"c":null,"d":-0.5,"e":[],"f":{},"text":"after literals","g":"x"}""")]
    [InlineData("""{"text":""}""")]
    public void Agrees_with_System_Text_Json(string line)
    {
        var path = _files.WriteLines("a.jsonl", line);
        var doc = Assert.Single(CorpusTestFiles.ReadAll(path)).Document!;
        using var expected = JsonDocument.Parse(line);
        Assert.Equal(expected.RootElement.GetProperty("text").GetString(), doc.Text);
        if (expected.RootElement.TryGetProperty("id", out var id)) Assert.Equal(id.GetRawText(), doc.Id);
        if (expected.RootElement.TryGetProperty("metadata", out var meta)) Assert.Equal(meta.GetRawText(), doc.MetadataJson);
    }

    [Theory]
    [InlineData("""{"text":"lone \ud83d surrogate"}""", "lone surrogate")]
    [InlineData("""{"text":"bad \x escape"}""", "invalid escape sequence")]
    [InlineData("{\"text\":\"raw \t tab\"}", "control character 0x09")]
    [InlineData("""{"text":"unterminated}""", "unterminated string")]
    [InlineData("""{"text":"a" "id":"b"}""", "expected ',' or '}'")]
    [InlineData("""{"text":"a",}""", "expected a property name")]
    [InlineData("""{"text":"a","n":01}""", "invalid JSON")]
    [InlineData("""{"text":"a","m":{"x":}}""", "invalid JSON")]
    [InlineData("""{"text":"a"}{"text":"b"}""", "more than one value")]
    [InlineData("""{"text" "a"}""", "expected ':'")]
    public void Malformed_records_are_quarantined_with_the_reason(string line, string reason)
    {
        var path = _files.WriteBytes("bad.jsonl", Encoding.UTF8.GetBytes(line + "\n{\"text\":\"next\"}\n"));
        var entries = CorpusTestFiles.ReadAll(path);
        var q = entries[0].Quarantine!;
        Assert.Equal(QuarantineKind.InvalidJson, q.Kind);
        Assert.Contains(reason, q.Reason);
        Assert.Equal(line, q.RawText);
        Assert.Equal("next", entries[1].Document!.Text);
    }
}
