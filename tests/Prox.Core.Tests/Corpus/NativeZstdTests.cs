using System.Text;
using Prox.Corpus;

namespace Prox.Tests.Corpus;

/// <summary>The native zstd streams against the managed port: same format both ways, truncation and corruption caught.</summary>
public class NativeZstdTests
{
    private static void RequireNative()
    {
        Skip.IfNot(NativeZstd.IsAvailable, "the system has no libzstd (>= 1.4); the managed zstd is used instead");
    }

    private static byte[] Sample(int size, int seed)
    {
        var rng = new Random(seed);
        var words = new[] { "the", "corpus", "refined", "line", "\n", "Prox", "{\"id\":", "ü", "日本", " " };
        var sb = new StringBuilder();
        while (sb.Length < size) sb.Append(words[rng.Next(words.Length)]).Append(rng.Next(3) == 0 ? rng.Next(1000).ToString() : " ");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static byte[] CompressNative(byte[] data, int level = 1, int writeSize = 4096)
    {
        var ms = new MemoryStream();
        using (var z = new NativeZstdCompressStream(ms, level, checksum: true, leaveOpen: true))
            for (var i = 0; i < data.Length; i += writeSize) z.Write(data.AsSpan(i, Math.Min(writeSize, data.Length - i)));
        return ms.ToArray();
    }

    private static byte[] ReadAll(Stream s, int readSize = 1000)
    {
        var ms = new MemoryStream();
        var buf = new byte[readSize];
        int n;
        while ((n = s.Read(buf, 0, buf.Length)) > 0) ms.Write(buf, 0, n);
        return ms.ToArray();
    }

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    [InlineData(3_000_000)]
    public void Native_output_reads_back_with_both_decoders(int size)
    {
        RequireNative();
        var data = Sample(size, size);
        var packed = CompressNative(data);
        Assert.Equal(data, ReadAll(new ZstdDecompressStream(new MemoryStream(packed), 1 << 16, leaveOpen: false, native: true)));
        Assert.Equal(data, ReadAll(new ZstdSharp.DecompressionStream(new MemoryStream(packed))));
    }

    [SkippableFact]
    public void Managed_output_and_concatenated_frames_read_with_the_native_decoder()
    {
        RequireNative();
        var a = Sample(200_000, 1);
        var b = Sample(50_000, 2);
        var ms = new MemoryStream();
        using (var z = new ZstdSharp.CompressionStream(ms, 3, leaveOpen: true)) z.Write(a);
        ms.Write(CompressNative(b, level: 5));
        var got = ReadAll(new ZstdDecompressStream(new MemoryStream(ms.ToArray()), 4096, leaveOpen: false, native: true), readSize: 333);
        Assert.Equal(a.Concat(b).ToArray(), got);
    }

    [SkippableFact]
    public void A_cut_stream_is_an_error_not_a_silent_end()
    {
        RequireNative();
        var data = Sample(500_000, 3);
        var packed = CompressNative(data);
        foreach (var cut in new[] { packed.Length - 1, packed.Length - 4, packed.Length / 2, 5 })
        {
            var s = new ZstdDecompressStream(new MemoryStream(packed[..cut]), 1 << 16, leaveOpen: false, native: true);
            var e = Assert.Throws<CompressedDataException>(() => ReadAll(s));
            Assert.Contains("zstd", e.Message);
        }
    }

    [SkippableFact]
    public void Corrupt_content_is_caught_by_the_checksum()
    {
        RequireNative();
        var data = Sample(300_000, 4);
        var packed = CompressNative(data);
        packed[packed.Length / 2] ^= 0x5A;
        var s = new ZstdDecompressStream(new MemoryStream(packed), 1 << 16, leaveOpen: false, native: true);
        Assert.Throws<CompressedDataException>(() => ReadAll(s));
    }

    [SkippableFact]
    public void Garbage_is_reported_as_a_gap_with_zstds_reason()
    {
        RequireNative();
        var s = new ZstdDecompressStream(new MemoryStream(Encoding.ASCII.GetBytes("this is not zstd at all")), 1 << 16, leaveOpen: false, native: true);
        Assert.Empty(ReadAll(s));
        var gap = Assert.NotNull(s.PendingGap);
        Assert.Equal((0L, 23L, -1L), (gap.Offset, gap.Length, gap.NextFrame));
        Assert.Contains("nknown frame descriptor", gap.Error);
    }
}
