using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Prox.Corpus;

namespace Prox.Tests.Corpus;

/// <summary>Damaged and hostile corpus files (issue 10): nothing unverified passes as good, every record is counted,
/// every error names its file, and quarantine stays bounded.</summary>
public sealed class HostileCorpusTests : IDisposable
{
    private readonly CorpusTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Record(int i) => $$$"""{"id":"d{{{i}}}","text":"document {{{i}}} with a few words of text","metadata":{"n":{{{i}}}}}""";

    [SkippableTheory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.75)]
    public void Gzip_with_one_flipped_bit_fails_the_file_naming_it_and_the_offset(double where)
    {
        var sample = SharedAssets.Require("corpora/cc-2019-30-sample.jsonl.gz");
        var bytes = File.ReadAllBytes(sample);
        var at = (int)(bytes.Length * where);
        bytes[at] ^= 0x10;
        var path = _files.PathOf("damaged.jsonl.gz");
        File.WriteAllBytes(path, bytes);

        // Before: the garbled documents came out as documents and one CorruptStream record at the end, no error.
        var e = Assert.Throws<CorpusReadException>(() => CorpusReader.Read(path).ToList());
        Assert.Equal(path, e.SourceFile);
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("gzip data fails its integrity check", e.Message);
        Assert.Contains("nothing read from this file may be published", e.Message);
        Assert.InRange(e.Offset, at, bytes.Length);
        Assert.True(e.Line > 0);
    }

    [Fact]
    public void Gzip_that_is_not_gzip_at_all_is_still_quarantined()
    {
        var path = _files.PathOf("plain.jsonl.gz");
        File.WriteAllText(path, """{"text":"not compressed"}""" + "\n");
        Assert.Equal(QuarantineKind.CorruptStream, Assert.Single(CorpusTestFiles.ReadAll(path)).Quarantine!.Kind);
    }

    /// <summary>Five zstd frames of 100 records each, and the offset where each frame starts.</summary>
    private static (byte[] Bytes, long[] Starts) MultiFrame(int frames = 5, int perFrame = 100)
    {
        var ms = new MemoryStream();
        var starts = new long[frames];
        for (int f = 0; f < frames; f++)
        {
            starts[f] = ms.Length;
            var text = string.Concat(Enumerable.Range(f * perFrame, perFrame).Select(i => Record(i) + "\n"));
            using var z = new ZstdSharp.CompressionStream(ms, 3, leaveOpen: true);
            z.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
            z.Write(Encoding.UTF8.GetBytes(text));
        }
        return (ms.ToArray(), starts);
    }

    private static byte[] Garbage(int n, int seed)
    {
        var g = new byte[n];
        new Random(seed).NextBytes(g);
        return g;
    }

    [Fact]
    public void Zstd_with_4KB_of_garbage_between_frames_skips_it_and_reads_every_frame_after_it()
    {
        var (bytes, starts) = MultiFrame();
        var at = (int)starts[2];
        var path = _files.PathOf("garbage.jsonl.zst");
        File.WriteAllBytes(path, [.. bytes[..at], .. Garbage(4096, 1), .. bytes[at..]]);

        // Before: reading stopped at the garbage; the 300 records after it were neither kept nor counted.
        var entries = CorpusTestFiles.ReadAll(path);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"d{i}"), entries.Where(e => e.IsDocument).Select(e => e.Document!.Id));
        var q = Assert.Single(entries, e => !e.IsDocument).Quarantine!;
        Assert.Equal(QuarantineKind.CorruptStream, q.Kind);
        Assert.Equal(201, q.Line);
        Assert.Contains($"4096 bytes at offset {at} are not a zstd frame", q.Reason);
        Assert.Contains($"skipped to the next frame at offset {at + 4096}", q.Reason);
        Assert.Equal(1, q.RecordCount);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Zstd_frame_overwritten_by_garbage_loses_only_the_damaged_frames_with_both_decoders(bool native)
    {
        Skip.If(native && !NativeZstd.IsAvailable, "no system libzstd");
        var (bytes, starts) = MultiFrame();
        var damaged = (byte[])bytes.Clone();
        // 4 KB of garbage from the middle of frame 2 on (frames are ~1.5 KB: it reaches into frame 3 and beyond).
        int from = (int)((starts[1] + starts[2]) / 2);
        Garbage(Math.Min(4096, (int)starts[4] - from), 2).CopyTo(damaged, from);
        var s = new ZstdDecompressStream(new MemoryStream(damaged), 1 << 16, leaveOpen: false, native);
        var got = new MemoryStream();
        var gaps = new List<ZstdGap>();
        var buf = new byte[4096];
        while (true)
        {
            int n = s.Read(buf);
            if (n > 0) { got.Write(buf, 0, n); continue; }
            if (s.PendingGap is not { } gap) break;
            gaps.Add(gap);
            s.ResumeAfterGap();
        }
        var lines = Encoding.UTF8.GetString(got.ToArray()).Split('\n');
        // Frame 0 whole, frame 4 whole: the damage cost frames 1 (after its intact blocks), 2 and 3 at most.
        Assert.Equal(Enumerable.Range(0, 100).Select(Record), lines.Take(100));
        Assert.Equal(Enumerable.Range(400, 100).Select(Record), lines.Where(l => l.Length > 0).TakeLast(100));
        Assert.NotEmpty(gaps);
        Assert.All(gaps, g => Assert.True(g.NextFrame > g.Offset));
    }

    [Fact]
    public void Zstd_frame_that_fails_its_checksum_fails_the_file_naming_it()
    {
        // Incompressible content is stored as raw blocks: a flipped bit there decodes without a structural error, and
        // only the frame checksum at the end shows that the bytes handed out were garbled.
        var content = new byte[200_000];
        new Random(4).NextBytes(content);
        var ms = new MemoryStream();
        using (var z = new ZstdSharp.CompressionStream(ms, 3, leaveOpen: true))
        {
            z.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
            z.Write(content);
        }
        var bytes = ms.ToArray();
        bytes[bytes.Length / 2] ^= 0x01;
        var path = _files.PathOf("checksum.jsonl.zst");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CorpusReadException>(() => CorpusReader.Read(path).ToList());
        Assert.Equal(path, e.SourceFile);
        Assert.Contains("does not match its checksum", e.Message);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void Truncated_parquet_is_quarantined_naming_the_file_never_thrown()
    {
        var good = File.ReadAllBytes(_files.WriteParquet("good.parquet", 50, 50));
        foreach (var cut in new[] { good.Length - 1, good.Length - 8, good.Length / 2, 100, 12, 3 })
        {
            var path = _files.PathOf($"cut-{cut}.parquet");
            File.WriteAllBytes(path, good[..cut]);
            var entries = CorpusTestFiles.ReadAll(path);
            var q = Assert.Single(entries).Quarantine!;
            Assert.Equal(QuarantineKind.UnreadableFile, q.Kind);
            Assert.Equal(path, q.SourceFile);
            Assert.StartsWith(path + ": ", q.Message);
        }
    }

    private static string Nested(int depth) => new string('[', depth - 1) + "1" + new string(']', depth - 1);

    [Theory]
    [InlineData(CorpusFormat.Jsonl)]
    [InlineData(CorpusFormat.JsonlGzip)]
    [InlineData(CorpusFormat.JsonlZstd)]
    public void Metadata_nested_up_to_256_deep_is_read_and_written_and_deeper_is_quarantined(CorpusFormat format)
    {
        // depth counts the record object and the metadata object: 2 + (n - 2) arrays
        var ok = $$$"""{"id":"deep","text":"some text","metadata":{"x":{{{Nested(254)}}}}}""";
        var tooDeep = $$$"""{"id":"deeper","text":"some text","metadata":{"x":{{{Nested(300)}}}}}""";
        var input = _files.WriteLines("deep.jsonl", Record(1), ok, tooDeep, Record(2));
        var entries = CorpusTestFiles.ReadAll(input);
        Assert.Equal(["d1", "deep", "d2"], entries.Where(e => e.IsDocument).Select(e => e.Document!.Id));
        var q = Assert.Single(entries, e => !e.IsDocument).Quarantine!;
        Assert.Equal((QuarantineKind.InvalidJson, 3L), (q.Kind, q.Line));
        Assert.Contains("depth", q.Reason);

        var deep = entries.Single(e => e.Document?.Id == "deep").Document!;
        Assert.NotNull(deep.Metadata);   // parsed with the same limit (was: JsonDocument's 64)
        // Before: the writers read metadata with the default limit of 64 and threw a JsonException naming no file.
        var output = _files.PathOf("out/deep" + CorpusFormats.CanonicalExtension(format));
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using (var w = CorpusWriter.Create(output))
        {
            foreach (var e in entries.Where(e => e.IsDocument)) w.Write(e.Document!, e.Document!.Text, """{"kept":true}"""u8);
            w.Complete();
        }
        var back = CorpusTestFiles.ReadAll(output);
        Assert.All(back, e => Assert.True(e.IsDocument, e.ToString()));
        Assert.Contains(Nested(254), Encoding.UTF8.GetString(back[1].Document!.Json.Utf8));
    }

    [Fact]
    public void Quarantine_of_NUL_bytes_stays_within_a_third_over_the_input_and_is_exact()
    {
        var nul = new byte[300_000];
        var input = _files.WriteBytes("nul.jsonl", [.. nul, (byte)'\n', .. Encoding.UTF8.GetBytes(Record(1) + "\n")]);
        var qpath = _files.PathOf("q/nul.jsonl");
        using (var qw = new QuarantineWriter(qpath))
        {
            foreach (var e in CorpusReader.Read(input)) if (!e.IsDocument) qw.Write(e.Quarantine!);
            qw.Complete();
        }
        // Before: \u0000 per byte, 6x the input.
        Assert.InRange(new FileInfo(qpath).Length, nul.Length, nul.Length * 4 / 3 + 1000);
        using var doc = JsonDocument.Parse(File.ReadAllText(qpath));
        Assert.Equal(nul, doc.RootElement.GetProperty("raw_base64").GetBytesFromBase64());
        Assert.False(doc.RootElement.TryGetProperty("raw", out _));
    }

    [Fact]
    public void Over_long_line_is_quarantined_as_a_bounded_excerpt_with_exact_length_and_hash()
    {
        var line = new byte[3_000_000];
        new Random(3).NextBytes(line);
        for (int i = 0; i < line.Length; i++) if (line[i] == (byte)'\n') line[i] = 0;
        var input = _files.WriteBytes("long.jsonl", [.. Encoding.UTF8.GetBytes(Record(1) + "\n"), .. line, (byte)'\n', .. Encoding.UTF8.GetBytes(Record(2) + "\n")]);
        var entries = CorpusTestFiles.ReadAll(input, new CorpusReadOptions { MaxRecordBytes = 1 << 20 });
        Assert.Equal(["d1", "d2"], entries.Where(e => e.IsDocument).Select(e => e.Document!.Id));
        var q = Assert.Single(entries, e => !e.IsDocument).Quarantine!;
        Assert.Equal(QuarantineKind.RecordTooLarge, q.Kind);
        Assert.Equal(line[..QuarantineRecord.MaxRawExcerptBytes], q.Raw!.Value.ToArray());
        Assert.Equal(line.Length, q.RawLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(line)), q.RawSha256);
        Assert.True(q.RawIsExcerpt);

        var qpath = _files.PathOf("q/long.jsonl");
        using (var qw = new QuarantineWriter(qpath)) { qw.Write(q); qw.Complete(); }
        Assert.True(new FileInfo(qpath).Length < 100_000);
        using var doc = JsonDocument.Parse(File.ReadAllText(qpath));
        Assert.Equal(line.Length, doc.RootElement.GetProperty("raw_length").GetInt64());
        Assert.Equal(q.RawSha256, doc.RootElement.GetProperty("raw_sha256").GetString());
    }
}
