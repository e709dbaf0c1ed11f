using System.Buffers;
using Prox.Programs;
using Prox.Text;

namespace Prox.Refinement;

/// <summary>
/// Counts a document's tokens once and derives the refined text's count from the input's pieces, recounting only what
/// changed. A document splits into segments where a <c>'\n'</c> is followed by a character that is not white space:
/// the pre-tokenizers of cl100k_base and o200k_base always cut a piece there, and so does
/// the whitespace counter, so a text's count is the sum of its segments' counts. Removing whole lines keeps every
/// segment that lies in kept lines intact; only segments that lost lines, gained a new start or a changed last line
/// are counted again. Counters without that property (gpt2, LLaMA SentencePiece) count the output in full.
/// </summary>
internal sealed class SegmentTokens
{
    private int[] _lineStarts = [];   // start offset of each line; one extra entry: text length + 1
    private int[] _segmentTokens = []; // tokens of the segment starting at each segment-start line (other entries unused)
    private bool[] _segmentStart = [];
    private int _lines;

    /// <summary>
    /// True when deriving pays for <paramref name="counter"/>: cl100k_base and o200k_base, whose counts add up over
    /// segments (randomized test against counting the whole text). Not gpt2 (its counts do not always add up there),
    /// nor the whitespace counter (counting it again is cheaper than the bookkeeping).
    /// </summary>
    public static bool Supports(ITokenCounter counter) => counter is EncodingTokenCounter { Name: "cl100k_base" or "o200k_base" };

    /// <summary>True when <paramref name="counter"/>'s counts add up over segments (also the whitespace counter).</summary>
    internal static bool AddsUp(ITokenCounter counter) => Supports(counter) || counter is WhitespaceTokenCounter;

    /// <summary>Counts <paramref name="text"/> segment by segment and remembers each segment's count; returns the total.</summary>
    public long Count(ITokenCounter counter, string text, int lineCount)
    {
        Ensure(lineCount);
        _lines = lineCount;
        var span = text.AsSpan();
        var at = 0;
        for (var i = 0; i < lineCount; i++)
        {
            _lineStarts[i] = at;
            var nl = span[at..].IndexOf('\n');
            at = nl < 0 ? span.Length + 1 : at + nl + 1;
        }
        _lineStarts[lineCount] = span.Length + 1;
        long total = 0;
        var segmentFirst = 0;
        for (var i = 0; i <= lineCount; i++)
        {
            var starts = i == lineCount || i == 0 || StartsSegment(span, _lineStarts[i]);
            _segmentStart[Math.Min(i, lineCount)] = starts;
            if (!starts || i == 0) continue;
            var tokens = counter.CountTokens(span[_lineStarts[segmentFirst]..Math.Min(span.Length, _lineStarts[i])]);
            _segmentTokens[segmentFirst] = tokens;
            total += tokens;
            segmentFirst = i;
        }
        return total;
    }

    private static bool StartsSegment(ReadOnlySpan<char> text, int lineStart) =>
        lineStart < text.Length && !char.IsWhiteSpace(text[lineStart]);

    /// <summary>
    /// The tokens of <paramref name="r"/>'s text, when it is <paramref name="text"/> with whole lines removed (no
    /// normalization matched); null when the count cannot be derived and the output must be counted in full.
    /// </summary>
    public long? Derive(ITokenCounter counter, string text, ExecutionResult r)
    {
        if (r.Dropped || r.Ignored) return null;
        foreach (var n in r.Normalizations) if (n.Matches > 0) return null;
        var output = r.Text.AsSpan();
        var source = text.AsSpan();
        var lines = _lines;
        var removed = ArrayPool<bool>.Shared.Rent(lines);
        try
        {
            Array.Clear(removed, 0, lines);
            foreach (var lr in r.LineRemovals)
                for (int i = Math.Max(0, lr.StartLine), end = Math.Min(lines - 1, lr.EndLine); i <= end; i++) removed[i] = true;
            var lastKept = lines - 1;
            while (lastKept >= 0 && removed[lastKept]) lastKept--;
            if (lastKept < 0) return counter.CountTokens(output);

            long total = 0;
            var outAt = 0;          // output offset of the current kept line
            var segOutStart = 0;    // output offset where the current output segment started
            var segFirst = -1;      // input line that started the current output segment
            var segLines = 0;       // kept lines in the current output segment
            var contiguous = true;  // the segment's kept lines are consecutive input lines
            var prevKept = -1;
            for (var i = 0; i <= lastKept; i++)
            {
                if (removed[i]) continue;
                var lineLength = Math.Min(source.Length, _lineStarts[i + 1]) - _lineStarts[i] - (i + 1 < lines ? 1 : 0);
                if (lineLength < 0) lineLength = 0;
                var startsHere = segFirst < 0 || StartsSegment(source, _lineStarts[i]);
                if (startsHere && segFirst >= 0)
                {
                    total += SegmentCount(counter, output, segOutStart, outAt, segFirst, segLines, contiguous, isLastOutputSegment: false, prevKept);
                    segOutStart = outAt;
                }
                if (startsHere)
                {
                    segFirst = i;
                    segLines = 0;
                    contiguous = true;
                }
                else if (prevKept != i - 1)
                {
                    contiguous = false;
                }
                segLines++;
                prevKept = i;
                outAt += lineLength + (i == lastKept ? 0 : 1);
            }
            total += SegmentCount(counter, output, segOutStart, outAt, segFirst, segLines, contiguous, isLastOutputSegment: true, prevKept);
            return total;
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(removed);
        }
    }

    // An output segment keeps its input count when it is exactly one input segment: it starts at an input segment
    // start, its kept lines are that segment's lines, consecutive and complete, and its last line ends the same way
    // (with a newline, or as the end of the text) in both.
    private long SegmentCount(ITokenCounter counter, ReadOnlySpan<char> output, int from, int to, int first, int keptLines,
        bool contiguous, bool isLastOutputSegment, int lastLine)
    {
        if (contiguous && _segmentStart[first])
        {
            var next = first + 1;
            while (next < _lines && !_segmentStart[next]) next++;
            var sameLines = next - first == keptLines && lastLine == next - 1;
            var inputEndsText = next == _lines;
            if (sameLines && inputEndsText == isLastOutputSegment) return _segmentTokens[first];
        }
        return counter.CountTokens(output[from..Math.Min(output.Length, to)]);
    }

    private void Ensure(int lines)
    {
        if (_lineStarts.Length > lines) return;
        var n = Math.Max(lines + 1, _lineStarts.Length * 2);
        _lineStarts = new int[n];
        _segmentTokens = new int[n];
        _segmentStart = new bool[n];
    }
}
