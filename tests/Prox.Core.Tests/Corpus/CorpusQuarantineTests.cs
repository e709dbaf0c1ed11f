using System.Text;
using System.Text.Json;
using Prox.Corpus;

namespace Prox.Tests.Corpus;

public sealed class CorpusQuarantineTests : IDisposable
{
    private readonly CorpusTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static byte[] BadLinesFile()
    {
        var ms = new MemoryStream();
        void Line(string s) => ms.Write(Encoding.UTF8.GetBytes(s + "\n"));
        Line("""{"id":"ok1","text":"first"}""");
        Line("""{"id":"bad-json","text":"unterminated""");
        ms.Write("{\"id\":\"bad-utf8\",\"text\":\"caf"u8);
        ms.Write([0xC3, 0x28]);
        ms.Write("\"}\n"u8);
        Line("""{"id":"no-text","body":"x"}""");
        Line("""{"id":"numeric-text","text":12}""");
        Line("");
        Line("""[1,2,3]""");
        Line("""{"id":{"a":1},"text":"object id"}""");
        Line("""{"id":"ok2","text":"last"} trailing""");
        Line("""{"id":"ok3","text":"really last"}""");
        return ms.ToArray();
    }

    [Theory]
    [InlineData("bad.jsonl")]
    [InlineData("bad.jsonl.gz")]
    [InlineData("bad.jsonl.zst")]
    public void Bad_lines_are_quarantined_with_line_and_reason_and_reading_goes_on(string name)
    {
        var path = _files.WriteBytes(name, BadLinesFile());
        var entries = CorpusTestFiles.ReadAll(path);
        Assert.Equal(["ok1", "ok3"], entries.Where(e => e.IsDocument).Select(e => e.Document!.Id));
        Assert.Equal([1L, 10], entries.Where(e => e.IsDocument).Select(e => e.Document!.SourceLine));
        var q = entries.Where(e => !e.IsDocument).Select(e => e.Quarantine!).ToList();
        Assert.All(q, r => Assert.Equal(Path.GetFullPath(path), r.SourceFile));
        Assert.Equal([2L, 3, 4, 5, 7, 8, 9], q.Select(r => r.Line));
        Assert.Equal(
            [QuarantineKind.InvalidJson, QuarantineKind.InvalidUtf8, QuarantineKind.MissingText, QuarantineKind.TextNotString,
             QuarantineKind.InvalidJson, QuarantineKind.InvalidId, QuarantineKind.InvalidJson],
            q.Select(r => r.Kind));
        Assert.StartsWith("invalid JSON", q[0].Reason);
        Assert.Equal("invalid UTF-8 at byte 28 of the line", q[1].Reason);
        Assert.Equal("text field 'text' is missing", q[2].Reason);
        Assert.Equal("text field 'text' is a number, expected a string", q[3].Reason);
        Assert.Contains("not a JSON object", q[4].Reason);
        Assert.Equal("id field 'id' is an object, expected a string or a number", q[5].Reason);
        // raw bytes are kept exactly
        Assert.Equal("""{"id":"bad-json","text":"unterminated""", q[0].RawText);
        Assert.Null(q[1].RawText);
        Assert.Equal(new byte[] { 0xC3, 0x28 }, q[1].Raw!.Value.ToArray()[28..30]);
        Assert.Equal($"{Path.GetFullPath(path)}:4: text field 'text' is missing", q[2].Message);
    }

    [Theory]
    [InlineData("cut.jsonl.gz")]
    [InlineData("cut.jsonl.zst")]
    public void Truncated_compressed_stream_keeps_what_was_decoded_and_quarantines_the_error(string name)
    {
        var lines = Enumerable.Range(0, 3000).Select(i => $$"""{"id":"d{{i}}","text":"document {{i}} {{new string((char)('a' + i % 26), 200)}}"}""").ToArray();
        var full = _files.WriteLines(name, lines);
        var bytes = File.ReadAllBytes(full);
        var cut = _files.WriteBytes("x/" + name.Replace(".jsonl", ".raw"), []);
        cut = Path.Combine(Path.GetDirectoryName(cut)!, name);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var entries = CorpusTestFiles.ReadAll(cut);
        var docs = entries.Where(e => e.IsDocument).Select(e => e.Document!).ToList();
        Assert.NotEmpty(docs);
        Assert.True(docs.Count < 3000);
        // the documents before the damage are intact and in order
        Assert.Equal(Enumerable.Range(0, docs.Count).Select(i => $"d{i}"), docs.Select(d => d.Id));
        var stream = entries.Last().Quarantine!;
        Assert.Equal(QuarantineKind.CorruptStream, stream.Kind);
        Assert.Equal(cut, stream.SourceFile);
        Assert.Contains(name.EndsWith(".gz") ? "gzip" : "zstd", stream.Reason);
        Assert.Contains("truncated or corrupt", stream.Reason);
        // a partly decoded last line is quarantined too, never silently dropped
        var partial = entries.Where(e => !e.IsDocument).Select(e => e.Quarantine!).SkipLast(1).ToList();
        Assert.True(partial.Count <= 1);
        Assert.All(partial, p =>
        {
            Assert.Equal(QuarantineKind.InvalidJson, p.Kind);
            Assert.StartsWith("line cut off where the compressed stream broke", p.Reason);
            Assert.Equal(docs.Count + 1, p.Line);
            Assert.StartsWith($"{{\"id\":\"d{docs.Count}\"", p.RawText);
        });
        Assert.Equal(docs.Count + partial.Count + 1, entries.Count);
    }

    [Fact]
    public void Multi_member_gzip_is_read_whole_and_a_cut_one_is_caught()
    {
        var a = File.ReadAllBytes(_files.WriteLines("a.jsonl.gz", Enumerable.Range(0, 500).Select(i => $$"""{"id":"a{{i}}","text":"first member {{i}}"}""").ToArray()));
        var b = File.ReadAllBytes(_files.WriteLines("b.jsonl.gz", Enumerable.Range(0, 300).Select(i => $$"""{"id":"b{{i}}","text":"second member {{i}}"}""").ToArray()));
        var empty = File.ReadAllBytes(_files.WriteBytes("e.jsonl.gz", []));
        var both = _files.PathOf("both.jsonl.gz");
        File.WriteAllBytes(both, [.. a, .. b]);
        var entries = CorpusTestFiles.ReadAll(both);
        Assert.Equal(800, entries.Count);
        Assert.All(entries, e => Assert.True(e.IsDocument, e.ToString()));

        // BGZF-like: data members, then an empty end-of-file member
        File.WriteAllBytes(both, [.. a, .. b, .. empty]);
        Assert.All(CorpusTestFiles.ReadAll(both), e => Assert.True(e.IsDocument, e.ToString()));

        var cut = _files.PathOf("cut.jsonl.gz");
        File.WriteAllBytes(cut, [.. a, .. b[..(b.Length - 3)]]);
        var cutEntries = CorpusTestFiles.ReadAll(cut);
        Assert.Equal(QuarantineKind.CorruptStream, cutEntries.Last().Quarantine!.Kind);
        Assert.Equal(500, cutEntries.Count(e => e.Document?.Id.StartsWith('a') == true));
    }

    [Fact]
    public void Corrupt_zstd_content_is_caught_by_the_frame_checksum()
    {
        var lines = Enumerable.Range(0, 2000).Select(i => $$"""{"id":"d{{i}}","text":"document {{i}}"}""").ToArray();
        var src = _files.WriteLines("src.jsonl", lines);
        var zst = _files.PathOf("c.jsonl.zst");
        using (var w = CorpusWriter.Create(zst)) { foreach (var e in CorpusReader.Read(src)) w.Write(e.Document!); w.Complete(); }
        var bytes = File.ReadAllBytes(zst);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(zst, bytes);
        // The single frame's data fails its checksum: nothing read from the file can be trusted, so the file fails.
        var error = Assert.Throws<CorpusReadException>(() => CorpusTestFiles.ReadAll(zst));
        Assert.Equal(zst, error.SourceFile);
        Assert.Contains("checksum", error.Message);
    }

    [Fact]
    public void Not_a_gzip_file_is_quarantined_not_thrown()
    {
        var path = _files.PathOf("plain.jsonl.gz");
        File.WriteAllText(path, """{"text":"not compressed"}""" + "\n");
        var entries = CorpusTestFiles.ReadAll(path);
        var q = Assert.Single(entries).Quarantine!;
        Assert.Equal(QuarantineKind.CorruptStream, q.Kind);
        Assert.Equal(1, q.Line);
    }

    [Fact]
    public async Task Corrupt_parquet_row_group_is_quarantined_and_the_other_groups_are_read()
    {
        var path = _files.WriteParquet("fw.parquet", 4, 4, 4);
        long offset;
        var reader = await Parquet.ParquetReader.CreateAsync(path);
        offset = reader.Metadata!.RowGroups[1].Columns[1].MetaData!.DataPageOffset;
        await reader.DisposeAsync();
        var bytes = File.ReadAllBytes(path);
        for (long i = offset; i < offset + 24; i++) bytes[i] = 0xFF;
        File.WriteAllBytes(path, bytes);

        var entries = CorpusTestFiles.ReadAll(path);
        Assert.Equal(["doc-0", "doc-1", "doc-2", "doc-3", "doc-8", "doc-9", "doc-10", "doc-11"],
            entries.Where(e => e.IsDocument).Select(e => e.Document!.Id));
        var q = Assert.Single(entries, e => !e.IsDocument).Quarantine!;
        Assert.Equal(QuarantineKind.CorruptRowGroup, q.Kind);
        Assert.Equal(5, q.Line);
        Assert.Equal(4, q.LineCount);
        Assert.StartsWith("row group 1 (rows 5-8) could not be decoded", q.Reason);
    }

    [Fact]
    public void Unreadable_parquet_file_and_missing_text_column_are_quarantined()
    {
        var garbage = _files.PathOf("garbage.parquet");
        File.WriteAllBytes(garbage, Encoding.UTF8.GetBytes("this is not parquet at all, just some text bytes"));
        var q = Assert.Single(CorpusTestFiles.ReadAll(garbage)).Quarantine!;
        Assert.Equal(QuarantineKind.UnreadableFile, q.Kind);
        Assert.StartsWith("not a readable Parquet file", q.Reason);

        var good = _files.WriteParquet("fw.parquet", 3);
        var q2 = Assert.Single(CorpusTestFiles.ReadAll(good, new CorpusReadOptions { TextField = "content" })).Quarantine!;
        Assert.Equal(QuarantineKind.UnreadableFile, q2.Kind);
        Assert.Equal(3, q2.LineCount);
        Assert.Contains("text column 'content' is missing", q2.Reason);
    }

    [Fact]
    public void Over_long_line_is_quarantined_with_its_first_bytes()
    {
        var path = _files.WriteLines("long.jsonl",
            """{"text":"short"}""", $$"""{"text":"{{new string('x', 5000)}}"}""", """{"text":"after"}""");
        var entries = CorpusTestFiles.ReadAll(path, new CorpusReadOptions { MaxRecordBytes = 1000 });
        Assert.Equal(["short", "after"], entries.Where(e => e.IsDocument).Select(e => e.Document!.Text));
        var q = Assert.Single(entries, e => !e.IsDocument).Quarantine!;
        Assert.Equal((QuarantineKind.RecordTooLarge, 2L, 1000), (q.Kind, q.Line, q.Raw!.Value.Length));
        Assert.Equal(3, entries.Last().Document!.SourceLine);
    }

    [Fact]
    public void Crlf_bom_and_blank_lines_are_handled()
    {
        var path = _files.WriteBytes("crlf.jsonl", [.. "\uFEFF"u8, .. "{\"text\":\"a\"}\r\n\r\n  \r\n{\"text\":\"b\"}"u8]);
        var docs = CorpusTestFiles.ReadAll(path).Select(e => e.Document!).ToList();
        Assert.Equal(["a", "b"], docs.Select(d => d.Text));
        Assert.Equal([1L, 4], docs.Select(d => d.SourceLine));
    }

    [Fact]
    public void Quarantine_writer_writes_jsonl_and_only_when_something_was_quarantined()
    {
        var input = _files.WriteBytes("bad.jsonl", BadLinesFile());
        var outDir = _files.PathOf("out");
        var qPath = CorpusFiles.QuarantinePath(input, outDir);
        Assert.Equal(Path.Combine(outDir, "quarantine", "bad.jsonl.jsonl"), qPath);
        using (var q = new QuarantineWriter(qPath))
        {
            var docs = CorpusReader.ReadDocuments(input, q.Write).ToList();
            Assert.Equal(2, docs.Count);
            Assert.Equal(7, q.Count);
            Assert.False(File.Exists(qPath));
            q.Complete();
        }
        var lines = File.ReadAllLines(qPath);
        Assert.Equal(7, lines.Length);
        using (var first = JsonDocument.Parse(lines[0]))
        {
            var r = first.RootElement;
            Assert.Equal(input, r.GetProperty("source_file").GetString());
            Assert.Equal(2, r.GetProperty("line").GetInt64());
            Assert.Equal("InvalidJson", r.GetProperty("kind").GetString());
            Assert.Equal("""{"id":"bad-json","text":"unterminated""", r.GetProperty("raw").GetString());
        }
        using (var utf8 = JsonDocument.Parse(lines[1]))
        {
            var raw = Convert.FromBase64String(utf8.RootElement.GetProperty("raw_base64").GetString()!);
            Assert.Equal(new byte[] { 0xC3, 0x28 }, raw[28..30]);
        }

        var clean = _files.WriteLines("clean.jsonl", """{"text":"fine"}""");
        var cleanQ = CorpusFiles.QuarantinePath(clean, outDir);
        using (var q = new QuarantineWriter(cleanQ))
        {
            Assert.Single(CorpusReader.ReadDocuments(clean, q.Write));
            q.Complete();
        }
        Assert.False(File.Exists(cleanQ));
    }
}
