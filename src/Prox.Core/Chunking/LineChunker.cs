using System.Buffers;
using Prox.Text;

namespace Prox.Chunking;

/// <summary>
/// Packs the numbered lines of a document greedily, in order, into chunks of at most <see cref="MaxTokens"/> tokens,
/// exactly as ProX does. A line costs the tokens of <c>[NNN]line</c> under <see cref="Counter"/> plus
/// <see cref="PerLineOverhead"/> (ProX: LLaMA-2 tokens plus 1 for the BOS its tokenizer adds per line). For each line:
/// if it fits in the current chunk it is appended; otherwise the current chunk (if any) is emitted and the line starts a
/// new one, which is emitted at once when the line alone exceeds the limit. Line numbers are global across chunks.
/// </summary>
/// <remarks>Immutable; thread-safe when its counter is (all Prox counters are).</remarks>
public sealed class LineChunker
{
    /// <summary>ProX's chunk budget: 1500 tokens.</summary>
    public const int ProxMaxTokens = 1500;

    /// <summary>ProX's per-line overhead: the BOS counted by <c>len(tokenizer.encode(line))</c>.</summary>
    public const int ProxPerLineOverhead = 1;

    /// <summary>Creates a chunker.</summary>
    /// <param name="counter">Counts the tokens of a numbered line (LLaMA-2 for ProX compatibility).</param>
    /// <param name="maxTokens">Budget per chunk.</param>
    /// <param name="perLineOverhead">Tokens added to each line's count.</param>
    public LineChunker(ITokenCounter counter, int maxTokens = ProxMaxTokens, int perLineOverhead = ProxPerLineOverhead)
    {
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(perLineOverhead);
        Counter = counter;
        MaxTokens = maxTokens;
        PerLineOverhead = perLineOverhead;
    }

    /// <summary>The counter of line costs.</summary>
    public ITokenCounter Counter { get; }

    /// <summary>Token budget per chunk.</summary>
    public int MaxTokens { get; }

    /// <summary>Tokens added to each line's count.</summary>
    public int PerLineOverhead { get; }

    /// <summary>Cost of line <paramref name="index"/>: tokens of <c>[NNN]line</c> plus <see cref="PerLineOverhead"/>.</summary>
    public int LineCost(int index, ReadOnlySpan<char> line)
    {
        char[]? rented = null;
        try
        {
            return LineCost(index, line, ref rented);
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Splits <paramref name="document"/> into chunks; the chunks' texts are slices of it.</summary>
    public List<LineChunk> Split(string document) => Split(document.AsMemory());

    /// <summary>Splits <paramref name="document"/> into chunks; the chunks' texts are slices of it.</summary>
    public List<LineChunk> Split(ReadOnlyMemory<char> document)
    {
        var chunks = new List<LineChunk>();
        var text = document.Span;
        char[]? rented = null;
        try
        {
            int count = 0, first = 0, lines = 0, start = 0, end = 0, index = 0;
            var enumerator = DocumentLines.Enumerate(text);
            while (enumerator.MoveNext())
            {
                var line = enumerator.Current;
                int cost = LineCost(index, line, ref rented);
                int lineStart = enumerator.CurrentStart, lineEnd = lineStart + line.Length;
                if (count + cost <= MaxTokens)
                {
                    if (lines == 0) (first, start) = (index, lineStart);
                    lines++;
                    count += cost;
                    end = lineEnd;
                }
                else
                {
                    if (lines > 0) chunks.Add(new LineChunk(document[start..end], first, lines, count));
                    (first, start, end, lines, count) = (index, lineStart, lineEnd, 1, cost);
                    if (cost > MaxTokens)
                    {
                        chunks.Add(new LineChunk(document[start..end], first, lines, count));
                        (lines, count) = (0, 0);
                    }
                }
                index++;
            }
            if (lines > 0) chunks.Add(new LineChunk(document[start..end], first, lines, count));
        }
        finally
        {
            if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        }
        return chunks;
    }

    /// <summary>Counts <c>[NNN]line</c> in a scratch buffer (on the stack when short, else pooled and reused).</summary>
    private int LineCost(int index, ReadOnlySpan<char> line, ref char[]? rented)
    {
        int length = LineNumbering.PrefixLength(index) + line.Length;
        Span<char> buffer = length <= 256 ? stackalloc char[256] : Rent(ref rented, length);
        int prefix = LineNumbering.WritePrefix(index, buffer);
        line.CopyTo(buffer[prefix..]);
        return Counter.CountTokens(buffer[..length]) + PerLineOverhead;
    }

    private static char[] Rent(ref char[]? rented, int length)
    {
        if (rented is not null && rented.Length >= length) return rented;
        if (rented is not null) ArrayPool<char>.Shared.Return(rented);
        return rented = ArrayPool<char>.Shared.Rent(length);
    }
}
