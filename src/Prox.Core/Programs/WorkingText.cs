using System.Runtime.CompilerServices;

namespace Prox.Programs;

/// <summary>
/// The text a chunk program edits: the original string until a normalization changes it, then a reusable character
/// buffer, so that a chain of normalizations allocates no intermediate strings. The buffers are cached per thread
/// (not in the shared array pool: no rent/return cost, no pool trimming on every gen-2 collection, which large
/// documents trigger often); Dispose gives them back, keeping at most <see cref="MaxCachedChars"/> characters.
/// </summary>
internal sealed class WorkingText : IDisposable
{
    private const int MaxCachedChars = 1 << 20;

    [ThreadStatic] private static char[]? t_a;
    [ThreadStatic] private static char[]? t_b;
    [ThreadStatic] private static int[]? t_positions;

    private readonly string original;
    private char[]? _buffer;
    private char[]? _spare;
    private int _length;
    private int[]? _positions;

    public WorkingText(string original)
    {
        this.original = original;
        _buffer = t_a; _spare = t_b; _positions = t_positions;
        t_a = t_b = null;
        t_positions = null;
    }

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

        _positions ??= new int[64];
        var count = 0;
        for (var at = first; at >= 0;)
        {
            if (count == _positions.Length) Array.Resize(ref _positions, _positions.Length * 2);
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
            _spare = new char[Math.Max(length, Math.Max(4096, (long)(_spare?.Length ?? 0) * 2))];
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
        t_a = _buffer is { Length: <= MaxCachedChars } ? _buffer : null;
        t_b = _spare is { Length: <= MaxCachedChars } ? _spare : null;
        t_positions = _positions is { Length: <= MaxCachedChars / 4 } ? _positions : null;
        _buffer = _spare = null;
        _positions = null;
    }
}
