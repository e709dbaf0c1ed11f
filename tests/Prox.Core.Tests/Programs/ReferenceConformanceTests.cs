using System.IO.Compression;
using System.Text.Json;
using Prox.Programs;

namespace Prox.Tests.Programs;

/// <summary>Byte-identical agreement with the authors' executor on every shared vector and workload document.</summary>
public class ReferenceConformanceTests
{
    public static IEnumerable<object[]> VectorNames()
    {
        // The names are listed lazily from the shared file when present so that each vector is its own test case.
        var path = Path.Combine(SharedAssets.Root, "reference/executor-vectors.jsonl");
        if (!File.Exists(path))
        {
            yield return ["(shared vectors absent)"];
            yield break;
        }
        foreach (var line in File.ReadLines(path))
            if (line.Length > 0)
                yield return [JsonDocument.Parse(line).RootElement.GetProperty("name").GetString()!];
    }

    [SkippableTheory]
    [MemberData(nameof(VectorNames))]
    public void Vector_matches_reference_executor(string name)
    {
        var path = SharedAssets.Require("reference/executor-vectors.jsonl");
        var v = File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("name").GetString() == name);
        var stage = v.GetProperty("stage").GetString() == "doc" ? ProgramStage.Doc : ProgramStage.Chunk;
        var text = v.GetProperty("text").GetString()!;
        var result = ProgramExecutor.Execute(text, v.GetProperty("program").GetString()!, stage, ProgramDialect.Reference);

        if (v.TryGetProperty("exception", out var ex) && ex.ValueKind == JsonValueKind.String)
        {
            // The original crashes (division by zero on a document without words): we drop and say why.
            Assert.True(result.Dropped);
            Assert.Equal(DropReason.NoWords, result.DropReason);
            Assert.Equal("", result.Text);
            return;
        }
        Assert.Equal(v.GetProperty("output").GetString(), result.Text);
        if (v.TryGetProperty("num_error_op", out var err) && err.ValueKind == JsonValueKind.Number)
            Assert.Equal(err.GetInt32(), result.ErrorCount);
        if (v.TryGetProperty("processed_text", out var processed) && processed.ValueKind == JsonValueKind.String)
            Assert.Equal(processed.GetString(), result.ProcessedText);
        if (v.TryGetProperty("normalization_pairs", out var pairs) && pairs.ValueKind == JsonValueKind.Array)
        {
            var expected = pairs.EnumerateArray().Select(p => (p[0].GetString(), p[1].GetString())).ToList();
            var actual = result.Program.Operations.Where(o => o.Kind == OperationKind.Normalize).Select(o => (o.Source, o.Target)).ToList();
            Assert.Equal(expected, actual);
        }
    }

    [SkippableFact]
    public void Workload_outputs_are_byte_identical_in_reference_dialect()
    {
        var path = SharedAssets.Require("reference/executor-workload.jsonl.gz");
        var docs = 0;
        var failures = new List<string>();
        using var stream = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var w = JsonDocument.Parse(line).RootElement;
            var id = w.GetProperty("id").GetString();
            var text = w.GetProperty("text").GetString()!;
            var chunk = ProgramExecutor.Execute(text, w.GetProperty("chunk_program").GetString()!, ProgramStage.Chunk, ProgramDialect.Reference);
            var doc = ProgramExecutor.Execute(text, w.GetProperty("doc_program").GetString()!, ProgramStage.Doc, ProgramDialect.Reference);
            var crashed = w.TryGetProperty("reference_error", out var re) && re.ValueKind == JsonValueKind.String;
            if (crashed)
            {
                if (!chunk.Dropped || chunk.DropReason != DropReason.NoWords) failures.Add($"{id}: expected a no-words drop");
            }
            else if (chunk.Text != w.GetProperty("chunk_output").GetString())
            {
                failures.Add($"{id}: chunk output differs");
            }
            if (doc.Text != w.GetProperty("doc_output").GetString()) failures.Add($"{id}: doc output differs");
            docs++;
        }
        Assert.Equal(697, docs);
        Assert.Empty(failures);
    }
}
