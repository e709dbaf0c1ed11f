using System.Buffers;

namespace Prox.Programs;

/// <summary>
/// Runs ProX programs on documents. Doc programs keep or drop; chunk programs first apply every normalization in
/// program order over the whole text, then remove the marked lines, then decide (ProX rules): at most 5 % of the
/// words left with fewer than 2 errors → dropped; at most 10 words left → dropped; fewer than 2 errors → the edited
/// text; otherwise the program is ignored and the original text kept. A document without words is dropped.
/// </summary>
/// <remarks>Thread-safe: all methods are static and keep no shared state.</remarks>
public static class ProgramExecutor
{
    // Per-thread scratch arrays (not the shared array pool, whose trimming runs on every gen-2 collection).
    [ThreadStatic] private static long[]? t_runs;
    [ThreadStatic] private static int[]? t_edges;
    [ThreadStatic] private static int[]? t_pieces;

    /// <summary>Parses <paramref name="program"/> and runs it on <paramref name="text"/>.</summary>
    /// <param name="text">The document.</param>
    /// <param name="program">Program text (for a whole document: the chunk programs joined with <c>\n</c>).</param>
    /// <param name="stage">Doc or Chunk.</param>
    /// <param name="dialect">Strict (default) or Reference.</param>
    /// <param name="options">Thresholds and limits; <see cref="ExecutorOptions.Default"/> when null.</param>
    public static ExecutionResult Execute(string text, string program, ProgramStage stage = ProgramStage.Chunk, ProgramDialect dialect = ProgramDialect.Strict, ExecutorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Execute(text, ProxProgram.Parse(program, stage, dialect, lineCount: null, options));
    }

    /// <summary>Runs a parsed program on <paramref name="text"/> (with the options it was parsed with).</summary>
    public static ExecutionResult Execute(string text, ProxProgram program)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(program);
        return program.Stage == ProgramStage.Doc ? ExecuteDoc(text, program) : ExecuteChunk(text, program);
    }

    private static ExecutionResult ExecuteDoc(string text, ProxProgram program)
    {
        // The decision needs no counts: words and lines are counted only if the caller asks for them.
        var ignored = program.LimitExceeded;
        var dropped = !ignored && program.DropsDocument;
        return new ExecutionResult(dropped ? "" : text, text, text, program, dropped, dropped ? DropReason.DropDoc : DropReason.None,
            program.ErrorCount, ignored, wordsIn: -1, wordsOut: dropped ? 0 : -1, wordsOutDelta: 0, lineCount: -1, linesOf: text, [], null, 0, -1, -1);
    }

    private static ExecutionResult ExecuteChunk(string text, ProxProgram program)
    {
        var options = program.Options;
        var errors = program.ErrorCount;
        var ops = program.Operations;
        using var work = new WorkingText(text);
        List<NormalizationMatch>? normalizations = null;
        long[]? raw = null; // (start, end, opIndex) in program order
        var rawCount = 0;
        var allLinesOp = -1;
        var growthLimit = options.GrowthLimit(text.Length);
        var wordDelta = 0L; // words gained by the normalizations (from the text around their matches)
        var work_ = 0L;     // characters the normalizations scanned and wrote (ExecutorOptions.MaxNormalizeWork)
        var workLimitOp = -1;

        if (program.LimitExceeded)
        {
            errors = Math.Max(errors, options.MaxErrors);
        }
        else
        {
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                switch (op.Kind)
                {
                    case OperationKind.Normalize:
                    {
                        var source = op.Source!;
                        var target = op.Target ?? "";
                        string? skipped = null;
                        var matches = 0;
                        if (source.Length == 0) skipped = "empty source";
                        else if (source == " " && !op.IsDeletionForm) skipped = "single-space source (ProX guard)";
                        else if (work_ + work.Span.Length > options.MaxNormalizeWork)
                        {
                            workLimitOp = i;
                            skipped = $"work limit: the normalizations would scan more than {options.MaxNormalizeWork:N0} characters (MaxNormalizeWork); program ignored";
                        }
                        else
                        {
                            work_ += work.Span.Length;
                            work.ReplaceAll(source, target, growthLimit, out matches, out var wouldBe, out var delta);
                            if (matches > 0) work_ += work.Span.Length;
                            wordDelta += delta;
                            if (wouldBe > 0)
                            {
                                skipped = $"would grow the document to {wouldBe:N0} characters (limit {growthLimit:N0})";
                                if (program.Dialect == ProgramDialect.Strict) errors++;
                            }
                        }
                        (normalizations ??= new List<NormalizationMatch>(2)).Add(new NormalizationMatch(i, op.SourceLine, source, target, matches, skipped));
                        break;
                    }
                    case OperationKind.RemoveLines:
                        raw ??= new long[3 * 4];
                        if (3 * rawCount + 3 > raw.Length) Array.Resize(ref raw, raw.Length * 2);
                        raw[3 * rawCount] = op.Start;
                        raw[3 * rawCount + 1] = op.End;
                        raw[3 * rawCount + 2] = i;
                        rawCount++;
                        break;
                    case OperationKind.RemoveAllLines:
                        if (allLinesOp < 0) allLinesOp = i;
                        break;
                }
                if (workLimitOp >= 0) break;
            }
            if (workLimitOp >= 0)
            {
                // Not run to its end: ignored like a program over the operation limit, the original text kept.
                errors = Math.Max(errors, options.MaxErrors);
                work.Reset();
                wordDelta = 0;
                rawCount = 0;
                allLinesOp = -1;
            }
        }

        // Lines (of the normalized text) matter only to line removal; without it they are counted when asked for.
        // With it, only the newlines at the edges of the removed runs are located (and all of them counted).
        var span = work.Span;
        var lineCount = -1;
        long[]? runs = null;  // merged runs (start, end) of removed lines, then the newline indices at their edges
        int[]? edges = null;  // offsets of those newlines (-1: none)
        var runCount = 0;
        if (rawCount > 0 || allLinesOp >= 0)
        {
            runs = t_runs ?? new long[64];
            t_runs = null;
            runCount = MergeRanges(raw, rawCount, ref runs);
            edges = t_edges is { } cached && cached.Length >= 2 * runCount ? cached : new int[Math.Max(64, 2 * runCount)];
            t_edges = null;
            var targets = runs.AsSpan(2 * runCount, 2 * runCount);
            for (var m = 0; m < runCount; m++)
            {
                targets[2 * m] = runs[2 * m] - 1; // the newline before the first removed line (-1 for line 0)
                targets[2 * m + 1] = runs[2 * m + 1]; // the newline after the last one
            }
            lineCount = PyText.LocateNewlines(span, targets, edges) + 1;
            errors += CountRangeErrors(raw, rawCount, lineCount);
        }

        // Clip the ranges to the document (negative starts clip to 0; empty and out-of-range ranges vanish).
        var clippedCount = 0;
        if (raw is not null)
        {
            for (var r = 0; r < rawCount; r++)
            {
                var s = Math.Max(raw[3 * r], 0);
                var e = Math.Min(raw[3 * r + 1], lineCount - 1);
                if (s > e) continue;
                raw[3 * clippedCount] = s;
                raw[3 * clippedCount + 1] = e;
                raw[3 * clippedCount + 2] = raw[3 * r + 2];
                clippedCount++;
            }
        }

        // Words out = words in + outDelta (or exactly 0 when every line goes): the removed lines' words are counted,
        // the normalizations' change is known; the input's words are counted only as far as the decision needs.
        string processed;
        var outDelta = wordDelta;
        var allGone = allLinesOp >= 0;
        if (allGone) processed = "";
        else if (clippedCount == 0) processed = work.ToString();
        else
        {
            processed = RemoveLines(work, runs!, edges!, runCount, lineCount, out var removedWords);
            outDelta -= removedWords;
        }
        if (runs is not null && runs.Length <= 1 << 16) t_runs = runs;
        if (edges is not null && edges.Length <= 1 << 16) t_edges = edges;

        var wordsIn = CountInputWords(text, allGone, outDelta, errors, options, out var exact);
        long wordsOut = allGone ? 0 : wordsIn + outDelta; // exact when wordsIn is; else a lower bound that settles the decision

        bool dropped;
        DropReason reason;
        bool ignored = false;
        string final;
        if (wordsIn == 0)
        {
            dropped = true; reason = DropReason.NoWords; final = "";
        }
        else if ((double)wordsOut / wordsIn <= 1 - options.RemovedWordFraction && errors < options.MaxErrors)
        {
            dropped = true; reason = DropReason.FewWordsLeftFraction; final = "";
        }
        else if (wordsOut <= options.MinWords)
        {
            dropped = true; reason = DropReason.FewWordsLeft; final = "";
            ignored = errors >= options.MaxErrors;
        }
        else if (errors < options.MaxErrors)
        {
            dropped = false; reason = DropReason.None; final = processed;
        }
        else
        {
            dropped = false; reason = DropReason.None; final = text; ignored = true;
        }

        return new ExecutionResult(final, text, processed, program, dropped, reason, errors, ignored,
            wordsIn: exact ? (int)wordsIn : -1, wordsOut: allGone ? 0 : exact ? (int)wordsOut : -1, wordsOutDelta: (int)outDelta,
            lineCount, processed, (IReadOnlyList<NormalizationMatch>?)normalizations ?? [], raw, clippedCount, allLinesOp, workLimitOp);
    }

    /// <summary>
    /// Counts the input's words piece by piece until the keep/drop decision can no longer change (or to the end):
    /// words out = words in + <paramref name="outDelta"/> only grows with the count, and so does their ratio when
    /// <paramref name="outDelta"/> is negative (double division rounds monotonically), so once a partial count keeps
    /// the document, the full count would too. <paramref name="exact"/> tells whether the whole text was counted.
    /// </summary>
    private static long CountInputWords(string text, bool allGone, long outDelta, int errors, ExecutorOptions options, out bool exact)
    {
        var span = text.AsSpan();
        var fraction = 1 - options.RemovedWordFraction;
        var words = 0L;
        var prevSpace = true;
        var at = 0;
        var step = 512;
        while (at < span.Length)
        {
            var end = (int)Math.Min(span.Length, (long)at + step);
            words += PyText.CountWords(span[at..end], ref prevSpace);
            at = end;
            step *= 2;
            if (words > 0 && at < span.Length && Settled(words)) break;
        }
        exact = at >= span.Length;
        return words;

        bool Settled(long wordsIn)
        {
            if (allGone) return true; // 0 words out whatever the count: only "no words at all" depends on it
            var wordsOut = wordsIn + outDelta;
            if (wordsOut <= options.MinWords) return false;
            if (errors >= options.MaxErrors) return true;
            // Ratio ≥ 1 when nothing was lost; otherwise it only grows with the count.
            return outDelta >= 0 ? fraction < 1 : (double)wordsOut / wordsIn > fraction;
        }
    }

    /// <summary>
    /// ProX's accounting: sort the ranges by start (stably), merge a range into the previous one when it starts at or
    /// before the previous end + 1, then count one error per merged range that starts past the last line, else one
    /// per merged range that ends past it.
    /// </summary>
    internal static int CountRangeErrors(long[]? raw, int count, int lineCount)
    {
        if (count == 0 || raw is null) return 0;
        Span<int> small = count <= 64 ? stackalloc int[count] : default;
        var rented = count > 64 ? ArrayPool<int>.Shared.Rent(count) : null;
        var order = rented is null ? small : rented.AsSpan(0, count);
        for (var i = 0; i < count; i++) order[i] = i;
        // Stable sort by start: the index breaks ties.
        if (count <= 32)
        {
            for (var i = 1; i < count; i++)
            {
                var x = order[i];
                var j = i - 1;
                while (j >= 0 && raw[3 * order[j]] > raw[3 * x]) { order[j + 1] = order[j]; j--; }
                order[j + 1] = x;
            }
        }
        else
        {
            order.Sort((a, b) => raw[3 * a] != raw[3 * b] ? raw[3 * a].CompareTo(raw[3 * b]) : a.CompareTo(b));
        }
        var errors = 0;
        long ms = raw[3 * order[0]], me = raw[3 * order[0] + 1];
        for (var k = 1; k <= count; k++)
        {
            if (k < count)
            {
                long s = raw[3 * order[k]], e = raw[3 * order[k] + 1];
                if ((Int128)s <= (Int128)me + 1)
                {
                    me = Math.Max(me, e);
                    continue;
                }
                errors += MergedRangeError(ms, me, lineCount);
                ms = s; me = e;
            }
            else
            {
                errors += MergedRangeError(ms, me, lineCount);
            }
        }
        if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        return errors;
    }

    private static int MergedRangeError(long start, long end, int lineCount) => start >= lineCount || end >= lineCount ? 1 : 0;

    /// <summary>
    /// The union of the (unclipped) ranges as sorted runs of lines, written as (start, end) pairs at the front of
    /// <paramref name="runs"/>, which is grown to hold twice as many values again. Starts clip to 0; empty ranges
    /// vanish; runs that touch merge. Clipping the union's ends to the document later gives the clipped union.
    /// </summary>
    private static int MergeRanges(long[]? raw, int count, ref long[] runs)
    {
        if (runs.Length < 4 * count) runs = new long[Math.Max(64, 4 * count)];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            var s = Math.Max(raw![3 * i], 0);
            var e = raw[3 * i + 1];
            if (s > e) continue;
            runs[2 * n] = s;
            runs[2 * n + 1] = e;
            n++;
        }
        if (n == 0) return 0;
        // Sort the pairs by start: insertion sort for the usual handful, keys/items sort beyond.
        if (n <= 32)
        {
            for (var i = 1; i < n; i++)
            {
                long s = runs[2 * i], e = runs[2 * i + 1];
                var j = i - 1;
                while (j >= 0 && runs[2 * j] > s) { runs[2 * (j + 1)] = runs[2 * j]; runs[2 * (j + 1) + 1] = runs[2 * j + 1]; j--; }
                runs[2 * (j + 1)] = s;
                runs[2 * (j + 1) + 1] = e;
            }
        }
        else
        {
            var starts = new long[n];
            var ends = new long[n];
            for (var i = 0; i < n; i++) { starts[i] = runs[2 * i]; ends[i] = runs[2 * i + 1]; }
            Array.Sort(starts, ends);
            for (var i = 0; i < n; i++) { runs[2 * i] = starts[i]; runs[2 * i + 1] = ends[i]; }
        }
        var merged = 0;
        for (var i = 0; i < n; i++)
        {
            long s = runs[2 * i], e = runs[2 * i + 1];
            if (merged > 0 && s <= runs[2 * (merged - 1) + 1] + 1)
            {
                runs[2 * (merged - 1) + 1] = Math.Max(runs[2 * (merged - 1) + 1], e);
                continue;
            }
            runs[2 * merged] = s;
            runs[2 * merged + 1] = e;
            merged++;
        }
        return merged;
    }

    /// <summary>
    /// Joins the kept lines with <c>\n</c> and counts the words of the removed ones (removed runs are bounded by
    /// <c>\n</c>, which is whitespace, so words add up). <paramref name="edges"/> holds, per run, the offsets of the
    /// newline before its first line and after its last (-1: none, i.e. the text's start or end).
    /// </summary>
    private static string RemoveLines(WorkingText work, long[] runs, int[] edges, int runCount, int lineCount, out long removedWords)
    {
        var span = work.Span;
        removedWords = 0;
        // Kept pieces (offset pairs): before the first run, between runs, after the last; runs past the end vanish.
        var pieces = t_pieces ?? new int[64];
        t_pieces = null;
        var pieceCount = 0;
        var total = 0;
        var keepFrom = 0; // offset where the next kept piece starts, or -1 when the text ended in a removed run
        for (var m = 0; m < runCount && runs[2 * m] < lineCount; m++)
        {
            var removedStart = runs[2 * m] == 0 ? 0 : edges[2 * m] + 1;
            var removedEnd = edges[2 * m + 1] >= 0 ? edges[2 * m + 1] : span.Length;
            removedWords += PyText.CountWords(span[removedStart..removedEnd]);
            if (runs[2 * m] > 0) AddPiece(ref pieces, ref pieceCount, ref total, keepFrom, edges[2 * m]);
            keepFrom = edges[2 * m + 1] >= 0 ? edges[2 * m + 1] + 1 : -1;
            if (keepFrom < 0) break;
        }
        if (keepFrom >= 0) AddPiece(ref pieces, ref pieceCount, ref total, keepFrom, span.Length);
        var result = "";
        if (pieceCount > 0)
        {
            // The output is written once, straight from the kept pieces, with a newline between them.
            result = string.Create(total + pieceCount - 1, (work, pieces, pieceCount), static (dest, state) =>
            {
                var (w, p, n) = state;
                var src = w.Span;
                var at = 0;
                for (var k = 0; k < n; k++)
                {
                    if (k > 0) dest[at++] = '\n';
                    var piece = src[p[2 * k]..p[2 * k + 1]];
                    piece.CopyTo(dest[at..]);
                    at += piece.Length;
                }
            });
        }
        if (pieces.Length <= 1 << 16) t_pieces = pieces;
        return result;

        static void AddPiece(ref int[] pieces, ref int count, ref int total, int from, int to)
        {
            if (2 * count + 2 > pieces.Length) Array.Resize(ref pieces, pieces.Length * 2);
            pieces[2 * count] = from;
            pieces[2 * count + 1] = to;
            count++;
            total += to - from;
        }
    }
}
