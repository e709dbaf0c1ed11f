using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Prox.Corpus;
using Prox.Generation;
using Prox.Programs;
using Prox.Refinement;
using Prox.Rules;
using Prox.Tests.Corpus;

namespace Prox.Tests.Refinement;

/// <summary>A generator whose programs are given per document id (found in the text's first line), for exact checks.</summary>
internal sealed class ScriptedGenerator(Func<ProgramRequest, string> write, Prox.Chunking.LineChunker? chunker = null, bool concurrent = false) : IProgramGenerator
{
    public int Calls;
    public bool SupportsConcurrentCalls => concurrent;
    public GeneratorSpec Spec { get; init; } = new("scripted");
    public IReadOnlyList<ProgramRequest> Plan(ProgramStage stage, string text, int lineCount, string? documentId = null) =>
        stage == ProgramStage.Chunk && chunker is not null ? ProgramRequest.TokenChunks(chunker, text, documentId)
            : [new ProgramRequest(stage, text, 0, lineCount) { DocumentId = documentId }];
    public IReadOnlyList<ProgramResult> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        return requests.Select(r => new ProgramResult(write(r))).ToArray();
    }
    public void Dispose() { }
}

public class CorpusRefinerTests
{
    private static readonly RefineOptions Words = new() { Tokenizer = "whitespace" };

    private static string Doc(string id, int lines = 6) =>
        string.Join("\n", Enumerable.Range(0, lines).Select(i => i == 0 ? $"{id} | Home | News" : $"Line {i} of {id} is a sentence with a good number of plain words."));

    private static string Record(string id, string text, string extra = "") =>
        $$"""{"id":"{{id}}","text":{{JsonSerializer.Serialize(text)}},"metadata":{"url":"https://example.org/{{id}}"}{{extra}}}""";

    private static List<JsonElement> ReadJson(string path)
    {
        var lines = new List<string>();
        using (var s = File.OpenRead(path))
        using (var z = path.EndsWith(".gz") ? new GZipStream(s, CompressionMode.Decompress) : (Stream)s)
        using (var r = new StreamReader(z))
            while (r.ReadLine() is { } l) if (l.Length > 0) lines.Add(l);
        return lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    [Fact]
    public void Applies_the_generated_programs_and_records_provenance()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in.jsonl", Record("a", Doc("a")), Record("b", Doc("b")), Record("c", "c | spam spam"), Record("d", Doc("d"), ",\"lang\":\"en\""));
        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc
            ? (r.DocumentText.StartsWith("b") ? "drop_doc()" : "keep_doc()")
            : "remove_lines(line_start=0, line_end=0)\nnormalize(source_str=\"plain\", target_str=\"PLAIN\")");
        var summary = new CorpusRefiner(gen, Words).Run([input], t.PathOf("out"));

        var output = ReadJson(t.PathOf("out/in.jsonl"));
        Assert.Equal(["a", "d"], output.Select(e => e.GetProperty("id").GetString()));
        var a = output[0];
        var expected = ProgramExecutor.Execute(Doc("a"), "remove_lines(line_start=0, line_end=0)\nnormalize(source_str=\"plain\", target_str=\"PLAIN\")").Text;
        Assert.Equal(expected, a.GetProperty("text").GetString());
        Assert.Equal("https://example.org/a", a.GetProperty("metadata").GetProperty("url").GetString());
        Assert.Equal("en", output[1].GetProperty("lang").GetString());
        var prox = a.GetProperty("metadata").GetProperty("prox");
        Assert.Equal(2, prox.GetProperty("schema").GetInt32());
        Assert.Equal("keep_doc()", prox.GetProperty("doc").GetProperty("program").GetString());
        Assert.Equal("scripted", prox.GetProperty("doc").GetProperty("generator").GetString());
        Assert.Equal("Strict", prox.GetProperty("dialect").GetString());
        Assert.Equal("in.jsonl", prox.GetProperty("source_file").GetString());
        Assert.Equal(1, prox.GetProperty("source_record").GetInt32());
        var removed = prox.GetProperty("chunk").GetProperty("removed_lines")[0];
        Assert.Equal((0, 0, 1), (removed.GetProperty("start").GetInt32(), removed.GetProperty("end").GetInt32(), removed.GetProperty("program_line").GetInt32()));
        Assert.Equal(5, prox.GetProperty("chunk").GetProperty("normalizations")[0].GetProperty("matches").GetInt32());

        var dropped = ReadJson(t.PathOf("out/dropped/in.jsonl"));
        Assert.Equal(["b", "c"], dropped.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(Doc("b"), dropped[0].GetProperty("text").GetString()); // the original text, to see what vanished
        Assert.Equal("doc", dropped[0].GetProperty("metadata").GetProperty("prox").GetProperty("dropped_by").GetString());
        Assert.Equal("FewWordsLeftFraction", dropped[1].GetProperty("metadata").GetProperty("prox").GetProperty("drop_reason").GetString());

        Assert.Equal(4, summary.DocumentsIn);
        Assert.Equal(2, summary.DocumentsOut);
        Assert.Equal(2, summary.DocumentsDropped);
        Assert.Equal(1, summary.Doc!.DocumentsDropped);
        Assert.Equal(1, summary.Chunk!.DropReasons["FewWordsLeftFraction"]);
        Assert.Equal(3, summary.Chunk.Programs);
        Assert.Equal(3, summary.Chunk.Operations["remove_lines"]);
        Assert.Equal(3, summary.Chunk.LinesRemoved); // c lost its only line too (then dropped)
        Assert.Equal(10, summary.Chunk.NormalizationMatches);
        Assert.Equal(summary.WordsOut, summary.TokensOut); // whitespace tokenizer
        Assert.True(File.Exists(t.PathOf("out/_summary.json")));
        Assert.False(Directory.Exists(t.PathOf("out/quarantine")));
    }

    [SkippableFact]
    public void Refines_the_shared_common_crawl_sample_with_the_rules_backend()
    {
        var sample = SharedAssets.Require("corpora/cc-2019-30-sample.jsonl.gz");
        using var t = new CorpusTestFiles();
        using var rules = RulesRefiner.FromPreset("ProxRules");
        var summary = new CorpusRefiner(rules).Run([sample], t.PathOf("out"));

        var inputIds = ReadJson(sample).ToDictionary(e => e.GetProperty("id").GetString()!, e => e);
        var output = ReadJson(t.PathOf("out/cc-2019-30-sample.jsonl.gz"));
        var dropped = File.Exists(t.PathOf("out/dropped/cc-2019-30-sample.jsonl.gz")) ? ReadJson(t.PathOf("out/dropped/cc-2019-30-sample.jsonl.gz")) : [];
        Assert.Equal(697, inputIds.Count);
        Assert.Equal(697, summary.DocumentsIn);
        Assert.Equal(summary.DocumentsIn, summary.DocumentsOut + summary.DocumentsDropped + summary.DocumentsQuarantined);
        Assert.Equal(output.Count, summary.DocumentsOut);
        Assert.Equal(dropped.Count, summary.DocumentsDropped);
        Assert.InRange(summary.DocumentsOut, 100, 696);            // non-trivial: something kept, something dropped
        Assert.InRange(summary.TokenRetention, 0.05, 0.99);
        foreach (var e in output.Concat(dropped))
        {
            var id = e.GetProperty("id").GetString()!;
            var original = inputIds[id];
            Assert.Equal(original.GetProperty("metadata").GetProperty("url").GetString(), e.GetProperty("metadata").GetProperty("url").GetString());
            var prox = e.GetProperty("metadata").GetProperty("prox");
            Assert.Equal("rules:ProxRules", prox.GetProperty("doc").GetProperty("generator").GetString());
            Assert.True(prox.GetProperty("doc").TryGetProperty("program", out _));
        }
        Assert.All(output, e => Assert.True(e.GetProperty("metadata").GetProperty("prox").GetProperty("chunk").TryGetProperty("program", out _)));
        Assert.Equal(output.Count + dropped.Count, output.Concat(dropped).Select(e => e.GetProperty("id").GetString()).Distinct().Count());
        var again = RunSummary.Load(t.PathOf("out"));
        Assert.Equal(summary.DocumentsOut, again.DocumentsOut);
        Assert.Equal(summary.Chunk!.LinesRemoved, again.Chunk!.LinesRemoved);
        Assert.Equal(summary.TokensIn, again.Files.Single().TokensIn);
    }

    [Fact]
    public void Bad_records_of_every_kind_go_to_quarantine_and_the_counts_add_up()
    {
        using var t = new CorpusTestFiles();
        var good = Record("g1", Doc("g1"));
        var good2 = Record("g2", Doc("g2"));
        var bytes = new List<byte>();
        void Line(string s) => bytes.AddRange(Encoding.UTF8.GetBytes(s + "\n"));
        Line(good);
        Line("{\"id\":\"broken\",\"text\":");                     // invalid JSON
        bytes.AddRange([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a]); // invalid UTF-8
        Line("{\"id\":\"no-text\"}");                             // missing text
        Line("{\"id\":\"num\",\"text\":42}");                     // non-string text
        Line(good2);
        var plain = t.WriteBytes("mixed.jsonl", bytes.ToArray());
        // A truncated gzip stream: the documents before the damage survive.
        var full = t.WriteLines("whole.jsonl.gz", Enumerable.Range(0, 200).Select(i => Record($"z{i}", Doc($"z{i}"))).ToArray());
        var cut = File.ReadAllBytes(full);
        File.WriteAllBytes(t.PathOf("cut.jsonl.gz"), cut[..(cut.Length * 2 / 3)]);
        File.Delete(full);

        using var rules = RulesRefiner.FromPreset("ProxRules");
        var summary = new CorpusRefiner(rules, Words).Run([plain, t.PathOf("cut.jsonl.gz")], t.PathOf("out"));

        var mixed = summary.Files.Single(f => f.Input.EndsWith("mixed.jsonl"));
        Assert.Equal(4, mixed.DocumentsQuarantined);
        Assert.Equal(6, mixed.DocumentsIn);
        var quarantine = ReadJson(t.PathOf("out/quarantine/mixed.jsonl.jsonl"));
        Assert.Equal([2, 3, 4, 5], quarantine.Select(q => q.GetProperty("line").GetInt32()));
        Assert.All(quarantine, q => Assert.EndsWith("mixed.jsonl", q.GetProperty("source_file").GetString()));
        Assert.All(quarantine, q => Assert.False(string.IsNullOrEmpty(q.GetProperty("reason").GetString())));

        var truncated = summary.Files.Single(f => f.Input.EndsWith("cut.jsonl.gz"));
        Assert.InRange(truncated.DocumentsQuarantined, 1, 2); // the stream error, and the torn last record if any
        Assert.Equal(1, truncated.QuarantineReasons["CorruptStream"]);
        Assert.InRange(truncated.DocumentsIn, 2, 200);
        Assert.True(File.Exists(t.PathOf("out/quarantine/cut.jsonl.gz.jsonl")));
        Assert.True(File.Exists(t.PathOf("out/cut.jsonl.gz")));

        foreach (var f in summary.Files)
            Assert.Equal(f.DocumentsIn, f.DocumentsOut + f.DocumentsDropped + f.DocumentsQuarantined);
        Assert.Equal(summary.DocumentsIn, summary.DocumentsOut + summary.DocumentsDropped + summary.DocumentsQuarantined);
        Assert.Equal(4 + truncated.DocumentsQuarantined, summary.DocumentsQuarantined);
    }

    [Fact]
    public void Parquet_in_parquet_out_and_zstd_round_trip()
    {
        using var t = new CorpusTestFiles();
        var parquet = t.WriteParquet("fine.parquet", 3, 4);
        var zst = t.WriteLines("part.jsonl.zst", Record("z1", Doc("z1")), Record("z2", Doc("z2")));
        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "keep_doc()" : "keep_chunk()");
        var options = Words with { Executor = new ExecutorOptions { MinWords = 0 } };
        var summary = new CorpusRefiner(gen, options).Run([parquet, zst], t.PathOf("out"));

        var fromParquet = CorpusTestFiles.ReadAll(t.PathOf("out/fine.parquet")).Select(e => e.Document!).ToList();
        Assert.Equal(7, fromParquet.Count);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"doc-{i}"), fromParquet.Select(d => d.Id));
        Assert.Equal(CorpusTestFiles.ParquetText(3), fromParquet[3].Text);
        var fromZst = CorpusTestFiles.ReadAll(t.PathOf("out/part.jsonl.zst")).Select(e => e.Document!).ToList();
        Assert.Equal(["z1", "z2"], fromZst.Select(d => d.Id));
        Assert.Equal(Doc("z2"), fromZst[1].Text);
        Assert.Equal(9, summary.DocumentsOut);

        // Format changes: zstd in, gzip out; Parquet in, JSON Lines out; JSON in, Parquet out (schema derived from the records).
        var converted = new CorpusRefiner(gen, options with { OutputFormat = CorpusFormat.JsonlGzip }).Run([zst, parquet], t.PathOf("out2"));
        Assert.Equal(["z1", "z2"], CorpusTestFiles.ReadAll(t.PathOf("out2/part.jsonl.gz")).Select(e => e.Document!.Id));
        Assert.Equal(CorpusTestFiles.ParquetText(5), CorpusTestFiles.ReadAll(t.PathOf("out2/fine.jsonl.gz"))[5].Document!.Text);
        Assert.Equal(9, converted.DocumentsOut);
        var toParquet = new CorpusRefiner(gen, options with { OutputFormat = CorpusFormat.Parquet }).Run([zst], t.PathOf("out3"));
        Assert.Equal(2, toParquet.DocumentsOut);
        var parquetOut = CorpusTestFiles.ReadAll(t.PathOf("out3/part.parquet")).Select(e => e.Document!).ToList();
        Assert.Equal(["z1", "z2"], parquetOut.Select(d => d.Id));
        Assert.Equal(Doc("z2"), parquetOut[1].Text);
    }

    [Fact]
    public void Refuses_to_overwrite_without_force_and_replaces_everything_with_it()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in.jsonl", Record("a", Doc("a")), Record("b", "b short"));
        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "keep_doc()" : "keep_chunk()");
        new CorpusRefiner(gen, Words).Run([input], t.PathOf("out"));
        // The same command again resumes: every unit is committed, nothing is redone.
        var resumed = new CorpusRefiner(gen, Words).Run([input], t.PathOf("out"));
        Assert.Equal(1, resumed.UnitsSkipped);
        Assert.Equal(2, resumed.DocumentsIn);

        // A changed input is a changed plan: refused without Force, and the message says what changed.
        t.WriteLines("in.jsonl", Record("a", Doc("a")));
        File.SetLastWriteTimeUtc(input, DateTime.UtcNow.AddMinutes(1));
        var ex = Assert.Throws<IOException>(() => new CorpusRefiner(gen, Words).Run([input], t.PathOf("out")));
        Assert.Contains("in.jsonl", ex.Message);
        Assert.Contains("changed", ex.Message);
        Assert.Contains("Force", ex.Message);
        // A different generator option is refused too.
        using var other = new ScriptedGenerator(r => "keep_doc()") { Spec = new Prox.Generation.GeneratorSpec("scripted", "other") };
        ex = Assert.Throws<IOException>(() => new CorpusRefiner(other, Words).Run([input], t.PathOf("out")));
        Assert.Contains("scripted:other", ex.Message);

        // With Force, the sidecars of the earlier run disappear when the new run has nothing for them.
        Assert.True(File.Exists(t.PathOf("out/dropped/in.jsonl")));
        var again = new CorpusRefiner(gen, Words with { Force = true }).Run([input], t.PathOf("out"));
        Assert.Equal(1, again.DocumentsOut);
        Assert.False(File.Exists(t.PathOf("out/dropped/in.jsonl")));
    }

    [Fact]
    public void A_failing_generator_leaves_no_partial_output()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in.jsonl", Enumerable.Range(0, 600).Select(i => Record($"d{i}", Doc($"d{i}"))).ToArray());
        var calls = 0;
        using var gen = new ScriptedGenerator(r => Interlocked.Increment(ref calls) > 300 ? throw new InvalidOperationException("model crashed") : "keep_doc()");
        var ex = Assert.Throws<InvalidOperationException>(() => new CorpusRefiner(gen, Words with { BatchSize = 64, Stages = RefineStages.Doc }).Run([input], t.PathOf("out")));
        Assert.Equal("model crashed", ex.Message);
        Assert.False(File.Exists(t.PathOf("out/in.jsonl")));
        Assert.False(File.Exists(t.PathOf("out/_summary.json")));
        // Only the run's own records (plan, lock) remain: no corpus file, no staged or temporary file.
        Assert.Empty((Directory.Exists(t.PathOf("out")) ? Directory.GetFiles(t.PathOf("out"), "*", SearchOption.AllDirectories) : [])
            .Where(f => Path.GetFileName(f) is not ("_plan.json" or "_lock.task-0")));
    }

    [Fact]
    public void Several_refining_threads_keep_the_input_order_and_the_single_thread_output()
    {
        using var t = new CorpusTestFiles();
        var records = Enumerable.Range(0, 500).Select(i => Record($"d{i}", i % 7 == 3 ? $"d{i} spam" : Doc($"d{i}", 3 + i % 11))).ToArray();
        var input = t.WriteLines("in.jsonl", records);
        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc
            ? (r.DocumentText.Contains("d1") ? "drop_doc()" : "keep_doc()")
            : "remove_lines(line_start=0, line_end=0)", concurrent: true);
        var one = new CorpusRefiner(gen, Words with { Threads = 1, BatchSize = 9 }).Run([input], t.PathOf("one"));
        var many = new CorpusRefiner(gen, Words with { Threads = 3, BatchSize = 9 }).Run([input], t.PathOf("many"));
        Assert.Equal(File.ReadAllText(t.PathOf("one/in.jsonl")), File.ReadAllText(t.PathOf("many/in.jsonl")));
        Assert.Equal(File.ReadAllText(t.PathOf("one/dropped/in.jsonl")), File.ReadAllText(t.PathOf("many/dropped/in.jsonl")));
        Assert.Equal((one.DocumentsOut, one.DocumentsDropped, one.TokensOut), (many.DocumentsOut, many.DocumentsDropped, many.TokensOut));
        Assert.Equal(500, many.DocumentsIn);
    }

    [Fact]
    public void A_generator_failing_on_one_of_several_threads_stops_the_run_with_its_error()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in.jsonl", Enumerable.Range(0, 600).Select(i => Record($"d{i}", Doc($"d{i}"))).ToArray());
        using var gen = new ScriptedGenerator(r => r.DocumentText.StartsWith("d377 ") ? throw new InvalidOperationException("model crashed on d377") : "keep_doc()", concurrent: true);
        var ex = Assert.Throws<InvalidOperationException>(() => new CorpusRefiner(gen, Words with { Threads = 3, BatchSize = 16, Stages = RefineStages.Doc }).Run([input], t.PathOf("out")));
        Assert.Equal("model crashed on d377", ex.Message);
        Assert.False(File.Exists(t.PathOf("out/in.jsonl")));
        Assert.False(File.Exists(t.PathOf("out/_summary.json")));
    }

    [Fact]
    public void Stages_can_run_alone()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in.jsonl", Record("a", Doc("a")));
        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "drop_doc()" : "remove_lines(line_start=0, line_end=0)");
        var chunkOnly = new CorpusRefiner(gen, Words with { Stages = RefineStages.Chunk }).Run([input], t.PathOf("c"));
        Assert.Null(chunkOnly.Doc);
        Assert.Equal(1, chunkOnly.DocumentsOut);
        Assert.Equal("Chunk", chunkOnly.Stages);
        var docOnly = new CorpusRefiner(gen, Words with { Stages = RefineStages.Doc }).Run([input], t.PathOf("d"));
        Assert.Null(docOnly.Chunk);
        Assert.Equal(1, docOnly.DocumentsDropped);
    }

    [SkippableFact]
    public void Token_chunked_requests_cover_every_line_once_in_order()
    {
        var model = SharedAssets.Require("tokenizers/llama2/tokenizer.model");
        var requests = new List<ProgramRequest>();
        var chunker = new Prox.Chunking.LineChunker(Prox.Text.TokenCounter.Create(model));
        using var gen = new ScriptedGenerator(r => { lock (requests) requests.Add(r); return r.Stage == ProgramStage.Doc ? "keep_doc()" : "keep_chunk()"; }, chunker);
        var refiner = new DocumentRefiner(gen, Words with { Threads = 1 });
        var text = string.Join("\n", Enumerable.Range(0, 400).Select(i => $"Line {i} " + string.Join(" ", Enumerable.Repeat("word", 12))));
        var doc = refiner.Refine(text);
        var chunks = requests.Where(r => r.Stage == ProgramStage.Chunk).OrderBy(r => r.ChunkIndex).ToList();
        Assert.True(chunks.Count > 1);
        Assert.Equal(chunks.Count, doc.Chunk!.Requests);
        var next = 0;
        foreach (var c in chunks) { Assert.Equal(next, c.FirstLine); next += c.LineCount; }
        Assert.Equal(400, next);
        Assert.Equal(string.Join("\n", Enumerable.Repeat("keep_chunk()", chunks.Count)), doc.Chunk.Program);
    }

    [Fact]
    public void Summaries_merge_by_addition()
    {
        using var t = new CorpusTestFiles();
        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "keep_doc()" : "remove_lines(line_start=0, line_end=0)");
        var s1 = new CorpusRefiner(gen, Words).Run([t.WriteLines("a.jsonl", Record("a", Doc("a")))], t.PathOf("o1"));
        var s2 = new CorpusRefiner(gen, Words).Run([t.WriteLines("b.jsonl", Record("b", Doc("b")), Record("c", Doc("c")))], t.PathOf("o2"));
        var merged = RunSummary.Merge([RunSummary.Load(t.PathOf("o1")), RunSummary.Load(t.PathOf("o2/_summary.json"))]);
        Assert.Equal(2, merged.Runs);
        Assert.Equal(3, merged.DocumentsIn);
        Assert.Equal(s1.TokensOut + s2.TokensOut, merged.TokensOut);
        Assert.Equal(3, merged.Chunk!.LinesRemoved);
        Assert.Equal(2, merged.Files.Count);
        Assert.Equal(s1.ElapsedSeconds + s2.ElapsedSeconds, merged.ElapsedSeconds, 6);
        Assert.Throws<InvalidDataException>(() => RunSummary.Load(t.WriteLines("bogus.json", "[1, 2")));
        Assert.Throws<FileNotFoundException>(() => RunSummary.Load(t.PathOf("nowhere")));
    }

    [Fact]
    public void Programs_can_be_listed_without_running_them()
    {
        using var rules = RulesRefiner.FromPreset("ProxRules");
        var refiner = new DocumentRefiner(rules, Words);
        var programs = refiner.Programs(Doc("x"), "x");
        Assert.Equal([ProgramStage.Doc, ProgramStage.Chunk], programs.Select(p => p.Stage));
        Assert.All(programs, p => Assert.Equal("x", p.Id));
        Assert.All(programs, p => Assert.True(ProxProgram.Parse(p.Program, p.Stage).IsValid, p.Program));
    }
}
