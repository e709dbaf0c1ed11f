using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Prox.Generation;
using Prox.Programs;
using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>
/// Regression fingerprint: SHA-256 of every program (and of every audit record) the rules write for the 697
/// documents of the shared Common Crawl sample, doc and chunk stage (whole document and a middle line range), per
/// preset. The constants were computed by the rules code before its throughput rewrite; any change in behaviour
/// changes a hash. Changed on purpose once since (issue 13): programs now write one <c>remove_lines</c> range per
/// rule (adjacent lines removed by different rules are separate ranges: C4, ProxRules), and ProxRules gained the
/// main-block rule for whole pages (<c>prox.outside_main_block</c>); Gopher and FineWeb programs are unchanged.
/// </summary>
public class RulesFingerprintTests
{
    private static readonly Lazy<List<string>> Texts = new(() =>
    {
        var path = SharedAssets.Require("corpora/cc-2019-30-sample.jsonl.gz");
        var texts = new List<string>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) texts.Add(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
        return texts;
    });

    [SkippableTheory]
    [InlineData("ProxRules",
        "d440b6d9fc27505a6b50ffbc3a4af8c3b01612750643eb8a83d43d09bea8a183",
        "6dfcfe039cd44fa64a73d097b967dc1974a162f7f506efc3175ab69b3be55d3c")]
    [InlineData("Gopher",
        "35eb6028600a24b51020d3e16725849e760720c5059af9375ebb294622d724f1",
        "d3bf7e1a7bed120bd1f33a581abe70186576f0cdc055d06c7df1cffd99ca3136")]
    [InlineData("C4",
        "f280513a411f4cec6e9d929b0e17e09eabdc0494a048d074a1aaa11f7daab4e6",
        "5ac2210dede74c0e768cad5baaea09fe93ab2383f4f1c3dbbe3c06cf1c7c39ee")]
    [InlineData("FineWeb",
        "c51248c07570aa2f04a2f5e196b6db6a3b60e4d07facc75a6d9c7f3ad21afca4",
        "a6c10d737fe69446d0b15f432b540e54cb4517e5507de7fc7a91c77467c32882")]
    public void ProgramsForTheCommonCrawlSampleAreUnchanged(string preset, string programsSha256, string auditSha256)
    {
        var texts = Texts.Value;
        Assert.Equal(697, texts.Count);
        using var rules = RulesRefiner.FromPreset(preset);
        var programs = new StringBuilder();
        var audit = new StringBuilder();
        foreach (var text in texts)
        {
            int lines = RulesTestDocs.LineCount(text);
            var requests = new[]
            {
                new ProgramRequest(ProgramStage.Doc, text, 0, lines),
                new ProgramRequest(ProgramStage.Chunk, text, 0, lines),
                new ProgramRequest(ProgramStage.Chunk, text, lines / 3, lines / 3 + 1),
            };
            foreach (var result in rules.Generate(requests)) programs.Append(result.Program).Append('\u0001');
            foreach (var request in requests) Describe(rules.Explain(request), audit);
        }
        string programsActual = Sha256(programs), auditActual = Sha256(audit);
        Assert.True(programsActual == programsSha256 && auditActual == auditSha256,
            $"{preset}: programs {programsActual} (expected {programsSha256}), audit {auditActual} (expected {auditSha256})");
    }

    private static void Describe(RulesDecision d, StringBuilder sb)
    {
        sb.Append(d.Stage).Append('|').Append(d.Program).Append('|');
        foreach (var f in d.DocumentFindings)
            sb.Append(f.Rule).Append(' ').Append(f.Value.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
              .Append(f.Comparison).Append(' ').Append(f.Threshold.ToString("R", CultureInfo.InvariantCulture)).Append(';');
        foreach (var l in d.RemovedLines) sb.Append(l.Line).Append(' ').Append(l.Rule).Append(';');
        foreach (var e in d.Normalizations) sb.Append(e.Source).Append('>').Append(e.Target).Append(' ').Append(e.Rule).Append(';');
        sb.Append('\n');
    }

    private static string Sha256(StringBuilder sb) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
}
