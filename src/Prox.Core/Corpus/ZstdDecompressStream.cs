using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ZstdSharp.Unsafe;

namespace Prox.Corpus;

/// <summary>A stretch of a zstd file that is not a decodable frame, skipped by <see cref="ZstdDecompressStream"/>.</summary>
/// <param name="Offset">Compressed byte offset where the stretch starts.</param>
/// <param name="Length">Its length in bytes (to the next frame, or to the end of the file).</param>
/// <param name="Error">zstd's reason for refusing the bytes at <paramref name="Offset"/>.</param>
/// <param name="NextFrame">Offset of the frame where decoding goes on, or -1 when none was found before the end.</param>
internal readonly record struct ZstdGap(long Offset, long Length, string Error, long NextFrame);

/// <summary>
/// A read-only stream that decompresses zstd frames (one or several, concatenated) from an inner stream, with the
/// system's libzstd (<see cref="NativeZstd"/>) or the managed port (ZstdSharp's C API), and survives damage where it can:
/// <list type="bullet">
/// <item>bytes where a frame should start that are not one (garbage between frames, a frame whose header is damaged):
/// the stream skips to the next frame magic and reports the skipped stretch as <see cref="PendingGap"/> — <c>Read</c>
/// returns 0 until <see cref="ResumeAfterGap"/>, so the reader can quarantine it between the lines before and after;</item>
/// <item>a frame that fails (checksum, structure) after it produced data: a <see cref="CompressedDataException"/>, as
/// that data may be garbled and cannot be taken back;</item>
/// <item>input that ends inside a frame: a <see cref="CompressedDataException"/> marked truncated.</item>
/// </list>
/// </summary>
internal sealed unsafe class ZstdDecompressStream : Stream
{
    private const uint FrameMagic = 0xFD2FB528;          // little-endian 28 B5 2F FD
    private const uint SkippableMagicMask = 0xFFFFFFF0;  // 0x184D2A50 .. 0x184D2A5F
    private const uint SkippableMagic = 0x184D2A50;

    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly bool _native;
    private readonly byte[] _in;
    private long _inBase;           // file offset of _in[0]
    private int _inPos, _inEnd;
    private bool _eof;
    private bool _inFrame;          // the last call left a frame unfinished (zstd returned a hint > 0)
    private long _frameStart;       // file offset where the current frame began
    private long _frameOutput;      // bytes the current frame produced
    private long _totalOutput;
    private nint _nativeCtx;
    private ZSTD_DCtx_s* _managedCtx;
    private bool _disposed;

    public ZstdDecompressStream(Stream inner, int bufferSize, bool leaveOpen, bool native)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        _native = native;
        _in = new byte[Math.Max(bufferSize, 64)];
        CreateContext();
    }

    /// <summary>A skipped stretch not yet taken by the reader; <c>Read</c> returns 0 while one is pending.</summary>
    public ZstdGap? PendingGap { get; private set; }

    /// <summary>Goes on decoding after <see cref="PendingGap"/>.</summary>
    public void ResumeAfterGap() => PendingGap = null;

    public override bool CanRead => !_disposed;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _totalOutput; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty || PendingGap is not null) return 0;
        while (true)
        {
            if (_inPos == _inEnd && !_eof) Refill(_inEnd);
            if (_inPos == _inEnd && _eof && !_inFrame) return 0;
            if (!_inFrame)
            {
                _frameStart = _inBase + _inPos;
                _frameOutput = 0;
            }
            nuint hint;
            int produced;
            string? error;
            bool checksumWrong;
            fixed (byte* src = _in)
            fixed (byte* dst = buffer)
            {
                (hint, produced, error, checksumWrong) = Decompress(src, dst, buffer.Length);
            }
            if (error is not null)
            {
                if (checksumWrong)
                    throw new CompressedDataException(
                        $"zstd frame at offset {_frameStart} does not match its checksum ({error}): its content is garbled",
                        _frameStart, truncated: false, _totalOutput + produced, failsFile: true);
                // A block is decoded whole before any of it comes out, so a block that fails its structure gave nothing:
                // what the frame produced before came from intact blocks. The rest of the frame is lost.
                _frameOutput += produced;
                Resync(error, brokenFrame: _frameOutput > 0);
                if (produced > 0)
                {
                    _totalOutput += produced;
                    return produced;
                }
                return 0;
            }
            _inFrame = hint != 0;
            _frameOutput += produced;
            _totalOutput += produced;
            if (produced > 0) return produced;
            // Nothing came out and no input is left: a frame still open here was cut short.
            if (_inPos == _inEnd && _eof)
            {
                if (_inFrame)
                    throw new CompressedDataException($"zstd stream is truncated: the input ends inside the frame that starts at offset {_frameStart}",
                        _inBase + _inEnd, truncated: true, _totalOutput);
                return 0;
            }
        }
    }

    private (nuint Hint, int Produced, string? Error, bool ChecksumWrong) Decompress(byte* src, byte* dst, int dstLength)
    {
        if (_native)
        {
            var api = NativeZstd.Functions;
            var input = new NativeZstd.Buffer { Data = src, Size = (nuint)_inEnd, Pos = (nuint)_inPos };
            var output = new NativeZstd.Buffer { Data = dst, Size = (nuint)dstLength };
            var code = api.DecompressStream(_nativeCtx, &output, &input);
            _inPos = (int)input.Pos;
            if (api.IsError(code) != 0)
                return (0, (int)output.Pos, Marshal.PtrToStringUTF8((nint)api.GetErrorName(code)) ?? "unknown error", api.GetErrorCode(code) == NativeZstd.ChecksumWrong);
            return (code, (int)output.Pos, null, false);
        }
        else
        {
            var input = new ZSTD_inBuffer_s { src = src, size = (nuint)_inEnd, pos = (nuint)_inPos };
            var output = new ZSTD_outBuffer_s { dst = dst, size = (nuint)dstLength };
            var code = Methods.ZSTD_decompressStream(_managedCtx, &output, &input);
            _inPos = (int)input.pos;
            if (Methods.ZSTD_isError(code))
                return (0, (int)output.pos, Methods.ZSTD_getErrorName(code), Methods.ZSTD_getErrorCode(code) == ZSTD_ErrorCode.ZSTD_error_checksum_wrong);
            return (code, (int)output.pos, null, false);
        }
    }

    /// <summary>
    /// The bytes from the current frame's start are not a frame (<paramref name="brokenFrame"/> false), or the frame broke
    /// after it produced data (true): find the next frame (or skippable frame) magic after the frame's start, or after
    /// the place of the error, with a fresh decoder, and report the stretch in between.
    /// </summary>
    private void Resync(string error, bool brokenFrame)
    {
        ResetContext();
        _inFrame = false;
        // The decoder may have read far past the damage (a garbage block header announces up to 128 KiB), so the search
        // starts right after the frame's start, or at the oldest byte still buffered.
        long gapStart = _frameStart;
        long from = Math.Max(gapStart + 1, _inBase);
        if (from > _inBase + _inEnd) from = _inBase + _inEnd;
        if (brokenFrame) error = $"the frame broke after {_frameOutput} decoded bytes, at about offset {_inBase + _inPos}: {error}";
        _inPos = (int)(from - _inBase);
        _frameOutput = 0;
        while (true)
        {
            for (int i = _inPos; i + 4 <= _inEnd; i++)
            {
                uint magic = BinaryPrimitives.ReadUInt32LittleEndian(_in.AsSpan(i));
                if (magic == FrameMagic || (magic & SkippableMagicMask) == SkippableMagic)
                {
                    _inPos = i;
                    long next = _inBase + i;
                    PendingGap = new ZstdGap(gapStart, next - gapStart, error, next);
                    return;
                }
            }
            if (_eof)
            {
                _inPos = _inEnd;
                long end = _inBase + _inEnd;
                PendingGap = new ZstdGap(gapStart, end - gapStart, error, -1);
                return;
            }
            // Keep the last 3 bytes: a magic may straddle the refill.
            Refill(Math.Max(_inPos, _inEnd - 3));
        }
    }

    /// <summary>Moves the bytes from <paramref name="keepFrom"/> to the buffer's front and reads more after them.</summary>
    private void Refill(int keepFrom)
    {
        int keep = _inEnd - keepFrom;
        if (keep > 0) Buffer.BlockCopy(_in, keepFrom, _in, 0, keep);
        _inBase += keepFrom;
        _inPos = Math.Max(0, _inPos - keepFrom);
        _inEnd = keep;
        int n = _inner.Read(_in, _inEnd, _in.Length - _inEnd);
        if (n == 0) _eof = true;
        _inEnd += n;
    }

    private void CreateContext()
    {
        if (_native)
        {
            _nativeCtx = NativeZstd.Functions.CreateDCtx();
            if (_nativeCtx == 0) throw new OutOfMemoryException("zstd could not allocate a decompression context");
        }
        else
        {
            _managedCtx = Methods.ZSTD_createDCtx();
            if (_managedCtx == null) throw new OutOfMemoryException("zstd could not allocate a decompression context");
        }
    }

    private void FreeContext()
    {
        if (_native && _nativeCtx != 0) NativeZstd.Functions.FreeDCtx(_nativeCtx);
        if (!_native && _managedCtx != null) Methods.ZSTD_freeDCtx(_managedCtx);
        _nativeCtx = 0;
        _managedCtx = null;
    }

    private void ResetContext()
    {
        FreeContext();
        CreateContext();
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            FreeContext();
            if (disposing && !_leaveOpen) _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
