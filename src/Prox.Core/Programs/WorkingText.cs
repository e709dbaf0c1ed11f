using System.Buffers;
using System.Runtime.CompilerServices;

namespace Prox.Programs;

/// <summary>
/// The text a chunk program edits: the original string until a normalization changes it, then a pooled character
/// buffer, so that a chain of normalizations allocates no intermediate strings. Dispose returns the buffers.
/// </summary>
internal sealed class WorkingText(string original) : IDisposable
{
    private char[]? _buffer;
    private char[]? _spare;
    private int _length;
    private int[]? _positions;

    /// <summary>True once a normalization replaced something.</summary>
    public bool Changed { get; private set; }

    /// <summary>The current text.</summary>
    public ReadOnlySpan<char> Span => Changed ? _buffer.AsSpan(0, _length) : original.AsSpan();

    /// <summary>
    /// Replaces every non-overlapping occurrence of <paramref name="source"/> (left to right, as Python
    /// <c>str.replace</c>) by <paramref name="target"/>, unless the result would exceed <paramref name="limit"/>
    /// characters: then nothing changes, <paramref name="matches"/> is 0 and <paramref name="wouldBeLength"/> says how
    /// long it would have been. One search pass and one copy.
    /// </summary>
    public void ReplaceAll(string source, string target, long limit, out int matches, out long wouldBeLength)
    {
        matches = 0;
        wouldBeLength = 0;
        var span = Span;
        var needle = source.AsSpan();
        var first = span.IndexOf(needle);
        if (first < 0) return;

        _positions ??= ArrayPool<int>.Shared.Rent(16);
        var count = 0;
        for (var at = first; at >= 0;)
        {
            if (count == _positions.Length)
            {
                var bigger = ArrayPool<int>.Shared.Rent(_positions.Length * 2);
                _positions.AsSpan(0, count).CopyTo(bigger);
                ArrayPool<int>.Shared.Return(_positions);
                _positions = bigger;
            }
            _positions[count++] = at;
            var next = at + needle.Length;
            var rel = span[next..].IndexOf(needle);
            at = rel < 0 ? -1 : next + rel;
        }
        var length = span.Length + (long)count * (target.Length - source.Length);
        if (length > limit)
        {
            wouldBeLength = length;
            return;
        }
        matches = count;

        if (_spare is null || _spare.Length < length)
        {
            if (_spare is not null) ArrayPool<char>.Shared.Return(_spare);
            _spare = ArrayPool<char>.Shared.Rent((int)Math.Max(length, 16));
        }
        var dest = _spare.AsSpan();
        int from = 0, to = 0;
        for (var k = 0; k < count; k++)
        {
            var piece = span[from.._positions[k]];
            piece.CopyTo(dest[to..]);
            to += piece.Length;
            target.AsSpan().CopyTo(dest[to..]);
            to += target.Length;
            from = _positions[k] + needle.Length;
        }
        span[from..].CopyTo(dest[to..]);
        (_buffer, _spare) = (_spare, _buffer);
        _length = (int)length;
        Changed = true;
    }

    /// <summary>The current text as a new string, counting its words while copying.</summary>
    public string ToStringCountingWords(out int words)
    {
        var box = new StrongBox<int>();
        var result = string.Create(_length, (this, box), static (dest, state) => state.box.Value = PyText.CopyAndCountWords(state.Item1.Span, dest));
        words = box.Value;
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer is not null) ArrayPool<char>.Shared.Return(_buffer);
        if (_spare is not null) ArrayPool<char>.Shared.Return(_spare);
        if (_positions is not null) ArrayPool<int>.Shared.Return(_positions);
        _buffer = _spare = null;
        _positions = null;
    }
}
