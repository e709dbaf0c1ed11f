namespace Prox.Corpus;

/// <summary>
/// One byte range of a JSON Lines file as a stream of whole lines: it starts at the first line start at or after the
/// range's first byte and ends with the line that crosses (or ends at) the range's end, so that consecutive ranges
/// read every line of the file exactly once. The lines before the range are counted (one vectorized pass over the
/// bytes before it), so line numbers stay the file's own.
/// </summary>
internal sealed class JsonlRange : Stream
{
    private const int ScanBuffer = 1 << 20;
    private readonly FileStream _file;
    private readonly long _end;
    private long _position;
    private bool _done;
    private byte _last = (byte)'\n';

    private JsonlRange(FileStream file, long start, long end)
    {
        _file = file;
        _end = end;
        _position = start;
        _file.Seek(start, SeekOrigin.Begin);
        _done = start >= end;
    }

    /// <summary>The 1-based line number of the range's first line, minus one: the lines of the file before it.</summary>
    public long LinesBefore { get; private init; }

    /// <summary>The offset of the range's first line in the file.</summary>
    public long FirstLineOffset { get; private init; }

    /// <summary>The line breaks read so far (the lines of the range, once read to its end).</summary>
    public long LinesRead { get; private set; }

    /// <summary>
    /// Opens the range [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="file"/> (which it owns from
    /// now on). The lines before the range are counted from <paramref name="known"/> — a line start at or before the
    /// range's first line and the lines before it (where an earlier range of the file ended) — or from the file's start.
    /// </summary>
    public static JsonlRange Open(FileStream file, long start, long end, (long Offset, long LinesBefore)? known = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        end = Math.Min(end, file.Length);
        long lines = 0, first = 0;
        if (known is { } k && k.Offset >= start)
        {
            // An earlier range ended at or past this one's start: no line starts in between, so its end is our first line.
            lines = k.LinesBefore;
            first = k.Offset;
        }
        else if (start > 0)
        {
            // The range's first line starts after the first '\n' at or after start − 1; the '\n's before it are counted.
            var buffer = new byte[ScanBuffer];
            long position = known?.Offset ?? 0;
            lines = known?.LinesBefore ?? 0;
            file.Seek(position, SeekOrigin.Begin);
            first = file.Length; // no line starts in the range: it lies inside one line of the range before
            while (true)
            {
                var n = file.Read(buffer);
                if (n == 0) break;
                var span = buffer.AsSpan(0, n);
                var skip = (int)Math.Clamp(start - 1 - position, 0, n);
                lines += span[..skip].Count((byte)'\n');
                if (skip < n && span[skip..].IndexOf((byte)'\n') is var at and >= 0)
                {
                    first = position + skip + at + 1;
                    lines++;
                    break;
                }
                position += n;
            }
        }
        return new JsonlRange(file, first, end) { LinesBefore = lines, FirstLineOffset = first };
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        if (_done || buffer.Length == 0) return 0;
        if (_position < _end)
        {
            var n = _file.Read(buffer[..(int)Math.Min(buffer.Length, _end - _position)]);
            if (n == 0) { _done = true; return 0; }
            _position += n;
            _last = buffer[n - 1];
            LinesRead += buffer[..n].Count((byte)'\n');
            // At the range's end on a line start: the next line is the next range's.
            if (_position >= _end && _last == (byte)'\n') _done = true;
            return n;
        }
        // Past the end inside the line that crosses it: up to and with its line break.
        var m = _file.Read(buffer);
        if (m == 0) { _done = true; return 0; }
        var nl = buffer[..m].IndexOf((byte)'\n');
        if (nl >= 0) { _done = true; m = nl + 1; LinesRead++; }
        _position += m;
        return m;
    }

    /// <inheritdoc/>
    public override bool CanRead => true;
    /// <inheritdoc/>
    public override bool CanSeek => false;
    /// <inheritdoc/>
    public override bool CanWrite => false;
    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();
    /// <summary>The offset in the file of the next byte read.</summary>
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    /// <inheritdoc/>
    public override void Flush() { }
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
