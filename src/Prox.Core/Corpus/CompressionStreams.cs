using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Prox.Corpus;

/// <summary>Opens decompressing and compressing streams for the JSON Lines formats.</summary>
internal static class CompressionStreams
{
    // ZstdSharp's streams are several times faster with a large buffer than with their default one.
    private const int BufferSize = 1 << 20;

    // Level 1: about twice as fast as level 3 for ~10% larger files. CorpusWriteOptions.CompressionLevel overrides it.
    // The system's libzstd is used when present (NativeZstd), the managed ZstdSharp otherwise.
    internal const int DefaultZstdLevel = 1;

    public static Stream OpenRead(Stream file, CorpusFormat format) => format switch
    {
        CorpusFormat.Jsonl => file,
        CorpusFormat.JsonlGzip => GzipTrailerCheck.Wrap(file),
        CorpusFormat.JsonlZstd => new ZstdDecompressStream(file, BufferSize, leaveOpen: false, native: NativeZstd.IsAvailable),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a JSON Lines format"),
    };

    public static Stream OpenWrite(Stream file, CorpusFormat format, int? level) => format switch
    {
        CorpusFormat.Jsonl => file,
        CorpusFormat.JsonlGzip => new GZipStream(file, GzipLevel(level), leaveOpen: true),
        CorpusFormat.JsonlZstd => Zstd(file, level ?? DefaultZstdLevel),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not a JSON Lines format"),
    };

    private static Stream Zstd(Stream file, int level)
    {
        // A frame checksum lets readers detect corruption, not only truncation.
        if (NativeZstd.IsAvailable) return new NativeZstdCompressStream(file, level, checksum: true, leaveOpen: true);
        var z = new ZstdSharp.CompressionStream(file, level, BufferSize, leaveOpen: true);
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
/// Damage found in a compressed stream, with the compressed byte offset where it surfaced. <see cref="Truncated"/>: the
/// stream ended inside a gzip member or zstd frame (what was decoded before is a correct prefix). Otherwise the data
/// failed an integrity check (CRC-32, checksum, structure) and <see cref="DecodedBefore"/> bytes of it — possibly
/// garbled — were already handed out. <see cref="FailsFile"/>: the damage makes what was (or would be) read from the
/// file untrustworthy, so the file must fail rather than be partly quarantined.
/// </summary>
internal sealed class CompressedDataException(string message, long offset, bool truncated, long decodedBefore, Exception? inner = null, bool? failsFile = null)
    : IOException(message, inner)
{
    public long Offset { get; } = offset;
    public bool Truncated { get; } = truncated;
    public long DecodedBefore { get; } = decodedBefore;
    public bool FailsFile { get; } = failsFile ?? (!truncated && decodedBefore > 0);
}

/// <summary>
/// .NET's <see cref="GZipStream"/> (zlib) verifies the CRC-32 and size of every complete gzip member — but only at the
/// member's end, after all its (possibly garbled) data was handed out, and with a misleading message ("unsupported
/// compression method"); and it ends silently when the file is cut inside a member. This wrapper turns the first into
/// a <see cref="CompressedDataException"/> with the compressed offset, and checks, at the end of the stream, that the
/// last member ended: the gzip trailer (the file's last 8 bytes) must match the CRC-32 and size of the data decoded last
/// — all of it for a single-member file, or the last ISIZE bytes (kept in a small ring when ISIZE ≤ 16 MiB) for a
/// multi-member file (concatenated gzip, BGZF); otherwise a truncation. Only a seekable file's trailer can be checked.
/// </summary>
internal sealed class GzipTrailerCheck : Stream
{
    private const uint MaxRing = 16 << 20;
    private readonly Stream _file;
    private readonly GZipStream _inner;
    private readonly bool _hasTrailer;
    private readonly uint _expectedCrc, _expectedSize;
    private readonly Crc32 _crc = new();
    private readonly byte[]? _ring; // the last _expectedSize bytes decoded, circular
    private long _length;
    private bool _checked;

    private GzipTrailerCheck(Stream file, bool hasTrailer, uint crc, uint size)
    {
        _file = file;
        _inner = new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
        _hasTrailer = hasTrailer;
        _expectedCrc = crc;
        _expectedSize = size;
        if (hasTrailer && size <= MaxRing && size < file.Length * 1100L) _ring = new byte[size];
    }

    public static Stream Wrap(Stream file)
    {
        if (!file.CanSeek || file.Length == 0) return new GzipTrailerCheck(file, false, 0, 0);
        if (file.Length < 18)
        {
            // Header (10 bytes) + trailer (8 bytes) is the least a gzip member holds: the file was cut short.
            return new CutShort(file);
        }
        var pos = file.Position;
        Span<byte> trailer = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(trailer);
        file.Position = pos;
        return new GzipTrailerCheck(file, true, BinaryPrimitives.ReadUInt32LittleEndian(trailer), BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        try
        {
            n = _inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            long at = _file.CanSeek ? _file.Position : -1;
            throw new CompressedDataException(
                $"gzip data fails its integrity check (CRC-32, length or deflate structure) in the compressed bytes before offset {at}, " +
                $"after {_length} decoded bytes (zlib: {e.Message})", at, truncated: false, _length, e);
        }
        if (n > 0)
        {
            _crc.Append(buffer[..n]);
            if (_ring is { Length: > 0 }) Remember(buffer[..n]);
            _length += n;
        }
        else if (buffer.Length > 0 && !_checked && _hasTrailer)
        {
            _checked = true;
            if (!LastMemberEnded())
                throw new CompressedDataException(
                    $"{_length} bytes decoded, but the gzip trailer says the last member holds {_expectedSize} bytes (mod 2^32) " +
                    $"with CRC-32 {_expectedCrc:x8}, which the decoded data does not end with: the file is cut inside its last member",
                    _file.Length, truncated: true, _length);
        }
        return n;
    }

    // Byte k of the output lives at ring[k % ring.Length]; only the last ring.Length bytes are kept.
    private void Remember(ReadOnlySpan<byte> data)
    {
        var ring = _ring!;
        long at = _length;
        if (data.Length > ring.Length)
        {
            at += data.Length - ring.Length;
            data = data[^ring.Length..];
        }
        int start = (int)(at % ring.Length);
        int first = Math.Min(data.Length, ring.Length - start);
        data[..first].CopyTo(ring.AsSpan(start));
        data[first..].CopyTo(ring);
    }

    /// <summary>A gzip file shorter than a header and a trailer: every read fails, so the reader quarantines it.</summary>
    private sealed class CutShort(Stream file) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer) => throw new InvalidDataException(
            $"the file is {file.Length} bytes long, shorter than the smallest gzip member (18 bytes): it was cut short");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) file.Dispose();
            base.Dispose(disposing);
        }
    }

    private bool LastMemberEnded()
    {
        if ((uint)_length == _expectedSize && _crc.GetCurrentHashAsUInt32() == _expectedCrc) return true; // single member
        if (_ring is null || _length < _ring.Length) return false;
        var crc = new Crc32();
        if (_ring.Length > 0)
        {
            int oldest = (int)(_length % _ring.Length);
            crc.Append(_ring.AsSpan(oldest));
            crc.Append(_ring.AsSpan(0, oldest));
        }
        return crc.GetCurrentHashAsUInt32() == _expectedCrc;
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
