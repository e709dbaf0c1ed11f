using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Prox.Corpus;

/// <summary>Opens decompressing and compressing streams for the JSON Lines formats.</summary>
internal static class CompressionStreams
{
    public static Stream OpenRead(Stream file, CorpusFormat format) => format switch
    {
        CorpusFormat.Jsonl => file,
        CorpusFormat.JsonlGzip => GzipTrailerCheck.Wrap(file),
        CorpusFormat.JsonlZstd => new ZstdSharp.DecompressionStream(file, leaveOpen: false),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a JSON Lines format"),
    };

    public static Stream OpenWrite(Stream file, CorpusFormat format, int? level) => format switch
    {
        CorpusFormat.Jsonl => file,
        CorpusFormat.JsonlGzip => new GZipStream(file, GzipLevel(level), leaveOpen: true),
        CorpusFormat.JsonlZstd => Zstd(file, level ?? 3),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a JSON Lines format"),
    };

    private static Stream Zstd(Stream file, int level)
    {
        var z = new ZstdSharp.CompressionStream(file, level, leaveOpen: true);
        // A frame checksum lets readers detect corruption, not only truncation.
        z.SetParameter(ZstdSharp.Unsafe.ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return z;
    }

    private static CompressionLevel GzipLevel(int? level) => level switch
    {
        null => CompressionLevel.Fastest,
        <= 0 => CompressionLevel.NoCompression,
        <= 3 => CompressionLevel.Fastest,
        <= 8 => CompressionLevel.Optimal,
        _ => CompressionLevel.SmallestSize,
    };
}

/// <summary>
/// .NET's <see cref="GZipStream"/> ends silently on a truncated file. This wrapper checks, at the end of the stream,
/// the decoded size and CRC-32 against the gzip trailer (the file's last 8 bytes) and throws
/// <see cref="InvalidDataException"/> when they disagree. Only a seekable file can be checked; the check covers a
/// single-member gzip file (what gzip, Python and most corpus tools write).
/// </summary>
internal sealed class GzipTrailerCheck : Stream
{
    private readonly GZipStream _inner;
    private readonly uint _expectedCrc, _expectedSize;
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _checked;

    private GzipTrailerCheck(Stream file, uint crc, uint size)
    {
        _inner = new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
        _expectedCrc = crc;
        _expectedSize = size;
    }

    public static Stream Wrap(Stream file)
    {
        if (!file.CanSeek || file.Length < 18) return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
        var pos = file.Position;
        Span<byte> trailer = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(trailer);
        file.Position = pos;
        return new GzipTrailerCheck(file, BinaryPrimitives.ReadUInt32LittleEndian(trailer), BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = _inner.Read(buffer);
        if (n > 0)
        {
            _crc.Append(buffer[..n]);
            _length += n;
        }
        else if (buffer.Length > 0 && !_checked)
        {
            _checked = true;
            var crc = _crc.GetCurrentHashAsUInt32();
            if ((uint)_length != _expectedSize || crc != _expectedCrc)
                throw new InvalidDataException(
                    $"gzip stream is truncated or corrupt: {_length} bytes decoded, but the gzip trailer says {_expectedSize} bytes " +
                    $"(mod 2^32) with CRC-32 {_expectedCrc:x8}, decoded data has {crc:x8}");
        }
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }
}
