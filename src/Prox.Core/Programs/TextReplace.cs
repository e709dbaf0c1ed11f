using System.Buffers;

namespace Prox.Programs;

/// <summary>Ordinal replace-all with a match count and a size limit, in one search pass and one copy.</summary>
internal static class TextReplace
{
    /// <summary>
    /// Replaces every non-overlapping occurrence of <paramref name="source"/> (left to right, as Python
    /// <c>str.replace</c>) by <paramref name="target"/>. Returns <paramref name="text"/> itself when nothing matches or
    /// when the result would exceed <paramref name="limit"/> characters (then <paramref name="wouldBeLength"/> says how
    /// long it would have been and <paramref name="matches"/> is 0).
    /// </summary>
    public static string ReplaceAll(string text, string source, string target, long limit, out int matches, out long wouldBeLength)
    {
        matches = 0;
        wouldBeLength = 0;
        var span = text.AsSpan();
        var first = span.IndexOf(source.AsSpan());
        if (first < 0) return text;

        var positions = ArrayPool<int>.Shared.Rent(16);
        try
        {
            var count = 0;
            var at = first;
            while (at >= 0)
            {
                if (count == positions.Length)
                {
                    var bigger = ArrayPool<int>.Shared.Rent(positions.Length * 2);
                    positions.AsSpan(0, count).CopyTo(bigger);
                    ArrayPool<int>.Shared.Return(positions);
                    positions = bigger;
                }
                positions[count++] = at;
                var next = at + source.Length;
                var rel = span[next..].IndexOf(source.AsSpan());
                at = rel < 0 ? -1 : next + rel;
            }
            var length = text.Length + (long)count * (target.Length - source.Length);
            if (length > limit)
            {
                wouldBeLength = length;
                return text;
            }
            matches = count;
            if (length == 0) return "";
            return string.Create((int)length, (text, source.Length, target, positions, count), static (dest, st) =>
            {
                var (src, sourceLength, tgt, pos, n) = st;
                var from = 0;
                var to = 0;
                for (var k = 0; k < n; k++)
                {
                    var piece = src.AsSpan(from, pos[k] - from);
                    piece.CopyTo(dest[to..]);
                    to += piece.Length;
                    tgt.AsSpan().CopyTo(dest[to..]);
                    to += tgt.Length;
                    from = pos[k] + sourceLength;
                }
                src.AsSpan(from).CopyTo(dest[to..]);
            });
        }
        finally
        {
            ArrayPool<int>.Shared.Return(positions);
        }
    }
}
