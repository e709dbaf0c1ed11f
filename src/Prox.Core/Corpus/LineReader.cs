using System.Buffers;

namespace Prox.Corpus;

/// <summary>
/// Splits a (decompressed) byte stream into lines on one pooled, growable buffer. Lines longer than the limit are
/// reported (with their first bytes) and skipped; a stream error ends reading, keeps what was decoded before it as the
/// final line, and is exposed as <see cref="Error"/>.
/// </summary>
internal sealed class LineReader : IDisposable
{
    internal enum Status { Line, TooLong, End }

    private const int InitialSize = 1 << 20;
    private readonly Stream _stream;
    private readonly int _maxLine;
    private byte[] _buf;
    private int _start, _end, _scanned;
    private bool _eof, _skipping;
    private byte[]? _tooLongPrefix;

    private readonly long _firstLine;

    /// <param name="stream">The bytes.</param>
    /// <param name="maxLine">The longest line returned whole.</param>
    /// <param name="linesBefore">Lines of the file before the stream's first byte (a range of a file): line numbers continue from there.</param>
    public LineReader(Stream stream, int maxLine, long linesBefore = 0)
    {
        _stream = stream;
        _firstLine = linesBefore + 1;
        LineNumber = linesBefore;
        _maxLine = maxLine;
        _buf = ArrayPool<byte>.Shared.Rent(Math.Min(InitialSize, maxLine + 1));
    }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The stream error that ended reading early, if any.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Offset and length in <see cref="Buffer"/> of the line last returned (without CR/LF).</summary>
    public int LineStart { get; private set; }
    public int LineLength { get; private set; }
    public byte[] Buffer => _buf;
    public ReadOnlySpan<byte> Line => _buf.AsSpan(LineStart, LineLength);

    /// <summary>False when the line last returned ended at the end of the stream rather than at a newline.</summary>
    public bool LineTerminated { get; private set; }

    /// <summary>For <see cref="Status.TooLong"/>: the first bytes of the line (at most <see cref="QuarantineRecord.MaxRawExcerptBytes"/>).</summary>
    public byte[] TooLongPrefix => _tooLongPrefix!;

    /// <summary>For <see cref="Status.TooLong"/>: the whole line's length in bytes (without CR/LF handling).</summary>
    public long TooLongLength { get; private set; }

    /// <summary>For <see cref="Status.TooLong"/>: the whole line's SHA-256, lower-case hex.</summary>
    public string TooLongSha256 { get; private set; } = "";

    private System.Security.Cryptography.IncrementalHash? _tooLongHash;

    private void SkipBytes(int from, int to)
    {
        _tooLongHash!.AppendData(_buf, from, to - from);
        TooLongLength += to - from;
    }

    private void EndSkip()
    {
        _skipping = false;
        TooLongSha256 = Convert.ToHexStringLower(_tooLongHash!.GetHashAndReset());
    }

    public Status Next()
    {
        while (true)
        {
            int nl = _buf.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                nl += _scanned;
                LineNumber++;
                if (_skipping)
                {
                    SkipBytes(_start, nl);
                    EndSkip();
                    _start = _scanned = nl + 1;
                    return Status.TooLong;
                }
                SetLine(_start, nl);
                LineTerminated = true;
                _start = _scanned = nl + 1;
                return Status.Line;
            }
            _scanned = _end;
            if (_eof)
            {
                if (_skipping)
                {
                    SkipBytes(_start, _end);
                    EndSkip();
                    LineNumber++;
                    _start = _scanned = _end;
                    return Status.TooLong;
                }
                if (_start < _end)
                {
                    LineNumber++;
                    SetLine(_start, _end);
                    LineTerminated = false;
                    _start = _scanned = _end;
                    return Status.Line;
                }
                return Status.End;
            }
            if (_skipping)
            {
                SkipBytes(_start, _end);
                _start = _scanned = _end = 0; // discard the rest of an over-long line
            }
            else if (_end - _start > _maxLine)
            {
                // Keep a bounded excerpt, and the length and hash of the whole line (exact, whatever its size).
                _tooLongPrefix = _buf.AsSpan(_start, Math.Min(_maxLine, QuarantineRecord.MaxRawExcerptBytes)).ToArray();
                _tooLongHash ??= System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                TooLongLength = 0;
                _skipping = true;
                SkipBytes(_start, _end);
                _start = _scanned = _end = 0;
            }
            Fill();
        }
    }

    private void SetLine(int start, int end)
    {
        if (end > start && _buf[end - 1] == (byte)'\r') end--;
        if (LineNumber == 1 && _firstLine == 1 && end - start >= 3 && _buf.AsSpan(start, 3).SequenceEqual("\uFEFF"u8)) start += 3;
        LineStart = start;
        LineLength = end - start;
    }

    private void Fill()
    {
        if (_start > 0)
        {
            _buf.AsSpan(_start, _end - _start).CopyTo(_buf);
            _end -= _start;
            _scanned -= _start;
            _start = 0;
        }
        if (_end == _buf.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buf.Length * 2, (long)_maxLine + 2));
            _buf.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = bigger;
        }
        try
        {
            int n = _stream.Read(_buf, _end, _buf.Length - _end);
            if (n == 0) _eof = true;
            _end += n;
        }
        // Data already handed out that failed its check afterwards cannot be taken back: that is the caller's to throw.
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException and not CompressedDataException { FailsFile: true })
        {
            Error = e;
            _eof = true;
        }
    }

    /// <summary>Reads on after an end that was a pause (a skipped stretch of a zstd file, see <see cref="ZstdGap"/>).</summary>
    public void Resume()
    {
        if (Error is null) _eof = false;
    }

    public void Dispose()
    {
        _tooLongHash?.Dispose();
        if (_buf.Length > 0) ArrayPool<byte>.Shared.Return(_buf);
        _buf = [];
    }
}
