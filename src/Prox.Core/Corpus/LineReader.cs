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

    public LineReader(Stream stream, int maxLine)
    {
        _stream = stream;
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

    /// <summary>For <see cref="Status.TooLong"/>: the first bytes of the line.</summary>
    public byte[] TooLongPrefix => _tooLongPrefix!;

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
                    _skipping = false;
                    _start = _scanned = nl + 1;
                    return Status.TooLong;
                }
                SetLine(_start, nl);
                _start = _scanned = nl + 1;
                return Status.Line;
            }
            _scanned = _end;
            if (_eof)
            {
                if (_skipping)
                {
                    _skipping = false;
                    LineNumber++;
                    _start = _scanned = _end;
                    return Status.TooLong;
                }
                if (_start < _end)
                {
                    LineNumber++;
                    SetLine(_start, _end);
                    _start = _scanned = _end;
                    return Status.Line;
                }
                return Status.End;
            }
            if (_skipping)
            {
                _start = _scanned = _end = 0; // discard the rest of an over-long line
            }
            else if (_end - _start > _maxLine)
            {
                _tooLongPrefix = _buf.AsSpan(_start, _maxLine).ToArray();
                _skipping = true;
                _start = _scanned = _end = 0;
            }
            Fill();
        }
    }

    private void SetLine(int start, int end)
    {
        if (end > start && _buf[end - 1] == (byte)'\r') end--;
        if (LineNumber == 1 && end - start >= 3 && _buf.AsSpan(start, 3).SequenceEqual("\uFEFF"u8)) start += 3;
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
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            Error = e;
            _eof = true;
        }
    }

    public void Dispose()
    {
        if (_buf.Length > 0) ArrayPool<byte>.Shared.Return(_buf);
        _buf = [];
    }
}
