using System.Text;
using System.Text.Json;
using Prox.Corpus;

namespace Prox.Tests.Corpus;

public sealed class CorpusRoundTripTests : IDisposable
{
    private readonly CorpusTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly string[] Records =
    [
        """{"id":"a1","text":"Hello \"world\"\nsecond line\ttab \u00e9 😀","metadata":{"url":"https://a.example/x","score":0.5,"tags":["x","y"]},"source":"cc"}""",
        """{"text":"no id here","added":"2019-07-01","n":  12,"metadata":{"prox":{"old":true},"lang":"en"}}""",
        """{"id":42,"text":"numeric id","nested":{"a":[1,2,{"b":null}]}}""",
        """{"id":"a4","text":"","metadata":null}""",
    ];

    [Theory]
    [InlineData("in.jsonl")]
    [InlineData("in.jsonl.gz")]
    [InlineData("in.jsonl.zst")]
    [InlineData("in.json.gz")]
    [InlineData("in.ndjson")]
    public void Jsonl_unchanged_copy_keeps_every_record_byte_for_byte(string name)
    {
        var input = _files.WriteLines(name, Records);
        var output = _files.PathOf("out/" + name);
        using (var writer = CorpusWriter.Create(output, new CorpusWriteOptions { WriteDerivedIds = false }))
        {
            foreach (var e in CorpusReader.Read(input)) writer.Write(e.Document!);
            writer.Complete();
            Assert.Equal(4, writer.Count);
        }
        var back = CorpusTestFiles.ReadAll(output);
        Assert.All(back, e => Assert.True(e.IsDocument));
        Assert.Equal(Records, back.Select(e => e.Document!.RecordJson));
        var docs = back.Select(e => e.Document!).ToList();
        Assert.Equal(["a1", CorpusDocument.ComputeContentId("no id here"), "42", "a4"], docs.Select(d => d.Id));
        Assert.Equal([false, true, false, false], docs.Select(d => d.IdIsDerived));
        Assert.Equal("Hello \"world\"\nsecond line\ttab é 😀", docs[0].Text);
        Assert.Equal([1L, 2, 3, 4], docs.Select(d => d.SourceLine));
        Assert.Equal(output, docs[0].SourceFile);
        Assert.Equal("""{"url":"https://a.example/x","score":0.5,"tags":["x","y"]}""", docs[0].MetadataJson);
        Assert.Equal("https://a.example/x", docs[0].Metadata!["url"]);
        Assert.Equal(0.5, docs[0].Metadata!["score"]);
        Assert.Equal(new object?[] { "x", "y" }, (object?[])docs[0].Metadata!["tags"]!);
        Assert.Null(docs[3].Metadata);
        Assert.Equal(JsonValueKind.Null, docs[3].MetadataElement!.Value.ValueKind);
    }

    [Theory]
    [InlineData("in.jsonl")]
    [InlineData("in.jsonl.gz")]
    [InlineData("in.jsonl.zst")]
    public void Jsonl_write_with_new_text_and_prox_keeps_other_fields(string name)
    {
        var input = _files.WriteLines(name, Records);
        var output = _files.PathOf("out/" + name);
        using (var writer = CorpusWriter.Create(output))
        {
            foreach (var doc in CorpusReader.Read(input).Select(e => e.Document!))
                writer.Write(doc, doc.Text.ToUpperInvariant() + "\u0001\\", $"{{\"program\":\"normalize()\",\"line\":{doc.SourceLine}}}");
            writer.Complete();
        }
        var back = CorpusTestFiles.ReadAll(output).Select(e => e.Document!).ToList();
        Assert.Equal(4, back.Count);
        Assert.Equal("HELLO \"WORLD\"\nSECOND LINE\tTAB É 😀\u0001\\", back[0].Text);
        Assert.Equal(
            """{"id":"a1","text":"HELLO \"WORLD\"\nSECOND LINE\tTAB É 😀\u0001\\","metadata":{"url":"https://a.example/x","score":0.5,"tags":["x","y"],"prox":{"program":"normalize()","line":1}},"source":"cc"}""",
            back[0].RecordJson);
        // the derived id is written (it was computed from the original text), the old prox is replaced
        Assert.Equal(CorpusDocument.ComputeContentId("no id here"), back[1].Id);
        Assert.False(back[1].IdIsDerived);
        Assert.Equal(
            "{\"id\":\"" + back[1].Id + "\"" + ""","text":"NO ID HERE\u0001\\","added":"2019-07-01","n":  12,"metadata":{"lang":"en","prox":{"program":"normalize()","line":2}}}""",
            back[1].RecordJson);
        Assert.Equal("""{"id":42,"text":"NUMERIC ID\u0001\\","nested":{"a":[1,2,{"b":null}]},"metadata":{"prox":{"program":"normalize()","line":3}}}""", back[2].RecordJson);
        Assert.Equal("""{"program":"normalize()","line":4}""", JsonSerializer.Serialize(back[3].MetadataElement!.Value.GetProperty("prox")));
    }

    [Fact]
    public void Prox_must_be_valid_json()
    {
        var input = _files.WriteLines("a.jsonl", Records[0]);
        using var writer = CorpusWriter.Create(_files.PathOf("o.jsonl"));
        var doc = CorpusReader.Read(input).Single().Document!;
        var e = Assert.Throws<ArgumentException>(() => writer.Write(doc, "x", "{\"a\":"));
        Assert.Contains("prox", e.Message);
        writer.Write(doc, "x", JsonDocument.Parse("[1,2]").RootElement);
        writer.Complete();
        Assert.Contains("\"prox\":[1,2]", File.ReadAllText(writer.Path));
    }

    [Fact]
    public void Custom_text_and_id_fields_redpajama_shape()
    {
        var input = _files.WriteLines("rp.jsonl", """{"raw_content":"RedPajama text","doc_id":"rp-1","meta":{"x":1}}""");
        var options = new CorpusReadOptions { TextField = "raw_content", IdField = "doc_id" };
        var doc = CorpusReader.Read(input, options).Single().Document!;
        Assert.Equal("RedPajama text", doc.Text);
        Assert.Equal("rp-1", doc.Id);
        var output = _files.PathOf("rp-out.jsonl");
        using (var w = CorpusWriter.Create(output)) { w.Write(doc, "new", "1"); w.Complete(); }
        Assert.Equal("""{"raw_content":"new","doc_id":"rp-1","meta":{"x":1},"metadata":{"prox":1}}""" + "\n", File.ReadAllText(output));
    }

    [Fact]
    public void Parquet_round_trip_keeps_columns_and_adds_prox_metadata()
    {
        var input = _files.WriteParquet("fw.parquet", 5, 3);
        var entries = CorpusTestFiles.ReadAll(input);
        Assert.All(entries, e => Assert.True(e.IsDocument, e.ToString()));
        Assert.Equal(8, entries.Count);
        var docs = entries.Select(e => e.Document!).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => $"doc-{i}"), docs.Select(d => d.Id));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => (long)i), docs.Select(d => d.SourceLine));
        Assert.Equal(CorpusTestFiles.ParquetText(6), docs[6].Text);
        Assert.Equal(CorpusFormat.Parquet, docs[0].SourceFormat);
        Assert.Null(docs[0].Metadata);
        using (var doc = JsonDocument.Parse(docs[6].RecordJson))
        {
            Assert.Equal("https://example.org/6", doc.RootElement.GetProperty("url").GetString());
            Assert.Equal(60, doc.RootElement.GetProperty("token_count").GetInt32());
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("score").ValueKind);
        }

        var output = _files.PathOf("out/fw.parquet");
        using (var writer = CorpusWriter.Create(output, new CorpusWriteOptions { ParquetRowGroupRows = 3 }))
        {
            foreach (var d in docs) writer.Write(d, d.Text + " (refined)", "{\"kept\":" + (d.SourceLine % 2 == 0 ? "true" : "false") + "}");
            writer.Complete();
        }
        var back = CorpusTestFiles.ReadAll(output).Select(e => e.Document!).ToList();
        Assert.Equal(8, back.Count);
        Assert.Equal(docs.Select(d => d.Id), back.Select(d => d.Id));
        Assert.Equal(docs.Select(d => d.Text + " (refined)"), back.Select(d => d.Text));
        Assert.Equal(true, ((IReadOnlyDictionary<string, object?>)back[1].Metadata!["prox"]!)["kept"]);
        using (var doc = JsonDocument.Parse(back[4].RecordJson))
        {
            Assert.Equal("https://example.org/4", doc.RootElement.GetProperty("url").GetString());
            Assert.Equal(40, doc.RootElement.GetProperty("token_count").GetInt32());
            Assert.Equal(1.0, doc.RootElement.GetProperty("score").GetDouble());
        }

        // a second generation merges into the existing metadata column
        var output2 = _files.PathOf("out2/fw.parquet");
        using (var writer = CorpusWriter.Create(output2))
        {
            foreach (var d in back) writer.Write(d, d.Text, """{"gen":2}""");
            writer.Complete();
        }
        var gen2 = CorpusTestFiles.ReadAll(output2).Select(e => e.Document!).ToList();
        Assert.Equal("""{"prox":{"gen":2}}""", gen2[0].MetadataJson);
    }

    [Fact]
    public void Parquet_document_can_be_written_as_jsonl()
    {
        var input = _files.WriteParquet("fw.parquet", 2);
        var output = _files.PathOf("fw.jsonl.zst");
        using (var writer = CorpusWriter.Create(output))
        {
            foreach (var e in CorpusReader.Read(input)) writer.Write(e.Document!, "t", "{}");
            writer.Complete();
        }
        var back = CorpusTestFiles.ReadAll(output).Select(e => e.Document!).ToList();
        Assert.Equal(
            """{"id":"doc-1","text":"t","url":"https://example.org/1","token_count":10,"score":0.25,"metadata":{"prox":{}}}""",
            back[1].RecordJson);
    }

    [Fact]
    public void Jsonl_documents_to_parquet_take_a_schema_derived_from_the_records()
    {
        var input = _files.WriteLines("a.jsonl",
            """{"id":"a","text":"one","n":1,"f":1,"ok":true,"tags":["x"],"metadata":{"url":"u"}}""",
            """{"text":"two","n":2,"f":2.5,"extra":null}""");
        var output = _files.PathOf("a.parquet");
        using (var writer = CorpusWriter.Create(output))
        {
            foreach (var e in CorpusReader.Read(input)) writer.Write(e.Document!, e.Document!.Text.ToUpperInvariant(), """{"k":1}""");
            writer.Complete();
        }
        var back = CorpusTestFiles.ReadAll(output).Select(e => e.Document!).ToList();
        Assert.Equal(["ONE", "TWO"], back.Select(d => d.Text));
        Assert.Equal("a", back[0].Id);
        Assert.Equal(CorpusDocument.ComputeContentId("two"), back[1].Id);
        Assert.False(back[1].IdIsDerived);
        Assert.Equal("""{"url":"u","prox":{"k":1}}""", back[0].MetadataJson);
        Assert.Equal("""{"prox":{"k":1}}""", back[1].MetadataJson);
        using var row = System.Text.Json.JsonDocument.Parse(back[1].RecordJson);
        Assert.Equal(2, row.RootElement.GetProperty("n").GetInt64());
        Assert.Equal(2.5, row.RootElement.GetProperty("f").GetDouble());
        using var row0 = System.Text.Json.JsonDocument.Parse(back[0].RecordJson);
        Assert.True(row0.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("""["x"]""", row0.RootElement.GetProperty("tags").GetString());
    }

    [Fact]
    public void Jsonl_record_that_does_not_fit_the_first_row_group_schema_fails_naming_it_and_publishes_nothing()
    {
        var input = _files.WriteLines("m.jsonl", """{"id":"a","text":"one","n":1}""", """{"id":"b","text":"two","n":"two"}""", """{"id":"c","text":"three","z":1}""");
        var output = _files.PathOf("m.parquet");
        var docs = CorpusReader.Read(input).Select(e => e.Document!).ToList();
        using (var writer = CorpusWriter.Create(output, new CorpusWriteOptions { ParquetRowGroupRows = 1 }))
        {
            writer.Write(docs[0]);
            var e = Assert.Throws<InvalidDataException>(() => writer.Write(docs[1]));
            Assert.Contains("m.jsonl:2", e.Message);
            Assert.Contains("'n'", e.Message);
            var z = Assert.Throws<InvalidDataException>(() => writer.Write(docs[2]));
            Assert.Contains("'z'", z.Message);
        }
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Jsonl_and_parquet_documents_do_not_mix_in_one_parquet_file()
    {
        var jsonl = CorpusReader.Read(_files.WriteLines("j.jsonl", Records[0])).Single().Document!;
        var parquet = CorpusReader.Read(_files.WriteParquet("p.parquet", 1)).First().Document!;
        using var writer = CorpusWriter.Create(_files.PathOf("mix.parquet"));
        writer.Write(jsonl);
        Assert.Throws<InvalidOperationException>(() => writer.Write(parquet));
    }

    [SkippableFact]
    public void Reads_the_shared_common_crawl_sample()
    {
        var path = SharedAssets.Require("corpora/cc-2019-30-sample.jsonl.gz");
        var entries = CorpusTestFiles.ReadAll(path);
        Assert.Equal(697, entries.Count);
        Assert.All(entries, e => Assert.True(e.IsDocument, e.ToString()));
        var docs = entries.Select(e => e.Document!).ToList();
        Assert.Equal(697, docs.Select(d => d.Id).Distinct().Count());
        Assert.All(docs, d => Assert.NotNull(d.Text));
        Assert.True(docs.Count(d => d.Text.Length > 0) > 600);
        Assert.Contains(docs, d => d.Metadata is { } m && m.ContainsKey("url"));

        // zstd copy and back: same records
        var output = _files.PathOf("cc.jsonl.zst");
        using (var w = CorpusWriter.Create(output)) { foreach (var d in docs) w.Write(d); w.Complete(); }
        var back = CorpusTestFiles.ReadAll(output).Select(e => e.Document!).ToList();
        Assert.Equal(docs.Select(d => d.RecordJson), back.Select(d => d.RecordJson));
    }

    [Fact]
    public void Content_ids_are_stable_sha256_hex()
    {
        // SHA-256("hello") is a published test vector
        Assert.Equal("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", CorpusDocument.ComputeContentId("hello"));
        var longText = new string('é', 5000);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(longText))), CorpusDocument.ComputeContentId(longText));
        var a = _files.WriteLines("a.jsonl", """{"text":"same"}""");
        var b = _files.WriteLines("b.jsonl.zst", """{"other":1,"text":"same","id":null}""");
        Assert.Equal(CorpusReader.Read(a).Single().Document!.Id, CorpusReader.Read(b).Single().Document!.Id);
        Assert.Equal(CorpusDocument.ComputeContentId("same"), CorpusReader.Read(b).Single().Document!.Id);
    }
}
