using System.Runtime.InteropServices;

namespace Prox.Corpus;

/// <summary>
/// The system's zstd library (libzstd, present on most Linux machines) through its streaming API. Compression at level
/// 1 and decompression run several times faster than the managed port, which <see cref="CompressionStreams"/> keeps as
/// the fallback when the library is missing or too old (setting <c>PROX_MANAGED_ZSTD=1</c> forces the fallback).
/// Both produce and accept standard zstd frames, so files written by either read with either.
/// </summary>
internal static unsafe class NativeZstd
{
    // Parameter and directive values of zstd.h (stable API since 1.4.0).
    internal const int CompressionLevelParameter = 100;   // ZSTD_c_compressionLevel
    internal const int ChecksumFlagParameter = 201;       // ZSTD_c_checksumFlag
    internal const int Continue = 0, End = 2;             // ZSTD_e_continue, ZSTD_e_end

    [StructLayout(LayoutKind.Sequential)]
    internal struct Buffer
    {
        public void* Data;
        public nuint Size;
        public nuint Pos;
    }

    private static readonly Api? Loaded = Load();

    /// <summary>Whether the native library is loaded and usable.</summary>
    public static bool IsAvailable => Loaded is not null;

    /// <summary>The loaded library's version (e.g. 1.5.4), or null.</summary>
    public static string? Version => Loaded is { } a ? FormatVersion(a.VersionNumber()) : null;

    internal static Api Functions => Loaded ?? throw new InvalidOperationException("the native zstd library is not available");

    internal sealed class Api
    {
        public delegate* unmanaged<uint> VersionNumber;
        public delegate* unmanaged<nint> CreateCCtx;
        public delegate* unmanaged<nint, nuint> FreeCCtx;
        public delegate* unmanaged<nint, int, int, nuint> SetCParameter;
        public delegate* unmanaged<nint, Buffer*, Buffer*, int, nuint> CompressStream2;
        public delegate* unmanaged<nint> CreateDCtx;
        public delegate* unmanaged<nint, nuint> FreeDCtx;
        public delegate* unmanaged<nint, Buffer*, Buffer*, nuint> DecompressStream;
        public delegate* unmanaged<nuint, uint> IsError;
        public delegate* unmanaged<nuint, byte*> GetErrorName;
        public delegate* unmanaged<nuint, int> GetErrorCode;
    }

    /// <summary>zstd's <c>ZSTD_error_checksum_wrong</c>: a frame's content does not match its checksum.</summary>
    internal const int ChecksumWrong = 22;

    /// <summary>Throws <see cref="InvalidDataException"/> with zstd's message when <paramref name="code"/> is an error.</summary>
    internal static nuint Check(nuint code, string what)
    {
        var api = Functions;
        if (api.IsError(code) == 0) return code;
        var name = Marshal.PtrToStringUTF8((nint)api.GetErrorName(code)) ?? "unknown error";
        throw new InvalidDataException($"zstd {what} failed: {name}");
    }

    private static Api? Load()
    {
        if (Environment.GetEnvironmentVariable("PROX_MANAGED_ZSTD") is "1" or "true") return null;
        string[] names = OperatingSystem.IsWindows() ? ["libzstd.dll", "zstd.dll"]
            : OperatingSystem.IsMacOS() ? ["libzstd.1.dylib", "libzstd.dylib"]
            : ["libzstd.so.1", "libzstd.so"];
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var lib)) continue;
            try
            {
                var api = new Api
                {
                    VersionNumber = (delegate* unmanaged<uint>)NativeLibrary.GetExport(lib, "ZSTD_versionNumber"),
                    CreateCCtx = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "ZSTD_createCCtx"),
                    FreeCCtx = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(lib, "ZSTD_freeCCtx"),
                    SetCParameter = (delegate* unmanaged<nint, int, int, nuint>)NativeLibrary.GetExport(lib, "ZSTD_CCtx_setParameter"),
                    CompressStream2 = (delegate* unmanaged<nint, Buffer*, Buffer*, int, nuint>)NativeLibrary.GetExport(lib, "ZSTD_compressStream2"),
                    CreateDCtx = (delegate* unmanaged<nint>)NativeLibrary.GetExport(lib, "ZSTD_createDCtx"),
                    FreeDCtx = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(lib, "ZSTD_freeDCtx"),
                    DecompressStream = (delegate* unmanaged<nint, Buffer*, Buffer*, nuint>)NativeLibrary.GetExport(lib, "ZSTD_decompressStream"),
                    IsError = (delegate* unmanaged<nuint, uint>)NativeLibrary.GetExport(lib, "ZSTD_isError"),
                    GetErrorName = (delegate* unmanaged<nuint, byte*>)NativeLibrary.GetExport(lib, "ZSTD_getErrorName"),
                    GetErrorCode = (delegate* unmanaged<nuint, int>)NativeLibrary.GetExport(lib, "ZSTD_getErrorCode"),
                };
                // ZSTD_compressStream2 and the parameter API are stable from 1.4.0 on.
                if (api.VersionNumber() >= 10400) return api;
            }
            catch (EntryPointNotFoundException)
            {
            }
            NativeLibrary.Free(lib);
        }
        return null;
    }

    private static string FormatVersion(uint v) => $"{v / 10000}.{v / 100 % 100}.{v % 100}";
}

/// <summary>A write-only stream that compresses into an inner stream with the native zstd library.</summary>
internal sealed unsafe class NativeZstdCompressStream : Stream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly byte[] _out = new byte[1 << 17];
    private nint _ctx;

    public NativeZstdCompressStream(Stream inner, int level, bool checksum, bool leaveOpen)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        var api = NativeZstd.Functions;
        _ctx = api.CreateCCtx();
        if (_ctx == 0) throw new OutOfMemoryException("zstd could not allocate a compression context");
        NativeZstd.Check(api.SetCParameter(_ctx, NativeZstd.CompressionLevelParameter, level), "setting the level");
        NativeZstd.Check(api.SetCParameter(_ctx, NativeZstd.ChecksumFlagParameter, checksum ? 1 : 0), "setting the checksum flag");
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => _ctx != 0;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_ctx == 0, this);
        var api = NativeZstd.Functions;
        fixed (byte* src = buffer)
        fixed (byte* dst = _out)
        {
            var input = new NativeZstd.Buffer { Data = src, Size = (nuint)buffer.Length };
            while (input.Pos < input.Size)
            {
                var output = new NativeZstd.Buffer { Data = dst, Size = (nuint)_out.Length };
                NativeZstd.Check(api.CompressStream2(_ctx, &output, &input, NativeZstd.Continue), "compression");
                if (output.Pos > 0) _inner.Write(_out, 0, (int)output.Pos);
            }
        }
    }

    /// <summary>Buffered data stays inside zstd until the frame ends at <see cref="Dispose(bool)"/>.</summary>
    public override void Flush() { }

    protected override void Dispose(bool disposing)
    {
        if (_ctx == 0) { base.Dispose(disposing); return; }
        var api = NativeZstd.Functions;
        try
        {
            if (disposing)
            {
                // End the frame: zstd returns how much is still to flush, 0 when done.
                fixed (byte* dst = _out)
                {
                    var input = new NativeZstd.Buffer();
                    nuint left;
                    do
                    {
                        var output = new NativeZstd.Buffer { Data = dst, Size = (nuint)_out.Length };
                        left = NativeZstd.Check(api.CompressStream2(_ctx, &output, &input, NativeZstd.End), "ending the frame");
                        if (output.Pos > 0) _inner.Write(_out, 0, (int)output.Pos);
                    } while (left != 0);
                }
                _inner.Flush();
                if (!_leaveOpen) _inner.Dispose();
            }
        }
        finally
        {
            api.FreeCCtx(_ctx);
            _ctx = 0;
            base.Dispose(disposing);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
