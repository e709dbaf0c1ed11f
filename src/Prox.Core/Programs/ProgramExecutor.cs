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
    [ThreadStatic] private static int[]? t_newlines;
    [ThreadStatic] private static int[]? t_runs;

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
            program.ErrorCount, ignored, wordsIn: -1, wordsOut: dropped ? 0 : -1, wordsOutDelta: 0, lineCount: -1, linesOf: text, [], null, 0, -1);
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
                        else
                        {
                            work.ReplaceAll(source, target, growthLimit, out matches, out var wouldBe, out var delta);
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
            }
        }

        // Lines (of the normalized text) matter only to line removal; without it they are counted when asked for.
        var span = work.Span;
        var lineCount = -1;
        int[]? newlines = null;
        if (rawCount > 0 || allLinesOp >= 0)
        {
            newlines = t_newlines ?? new int[256];
            t_newlines = null;
            lineCount = PyText.FindNewlines(span, ref newlines) + 1;
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
            processed = RemoveLines(work, newlines!, raw!, clippedCount, lineCount, out var removedWords);
            outDelta -= removedWords;
        }
        if (newlines is not null && newlines.Length <= 1 << 18) t_newlines = newlines;

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
            lineCount, processed, (IReadOnlyList<NormalizationMatch>?)normalizations ?? [], raw, clippedCount, allLinesOp);
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

    private static int LineStart(int[] newlines, int line) => line == 0 ? 0 : newlines[line - 1] + 1;

    private static int LineEnd(int[] newlines, int line, int lineCount, int length) => line < lineCount - 1 ? newlines[line] : length;

    private static int MergedRangeError(long start, long end, int lineCount) => start >= lineCount || end >= lineCount ? 1 : 0;

    /// <summary>
    /// Joins the kept runs of lines with <c>\n</c> and counts the words of the removed ones (runs are separated by
    /// <c>\n</c>, which is whitespace, so words add up over lines).
    /// </summary>
    private static string RemoveLines(WorkingText work, int[] newlines, long[] ranges, int count, int lineCount, out long removedWords)
    {
        // Merge the clipped ranges (small: sort a copy of (start, end) pairs by start).
        Span<long> small = count <= 32 ? stackalloc long[2 * count] : default;
        var rented = count > 32 ? ArrayPool<long>.Shared.Rent(2 * count) : null;
        var pairs = rented is null ? small : rented.AsSpan(0, 2 * count);
        for (var i = 0; i < count; i++)
        {
            var s = ranges[3 * i];
            var e = ranges[3 * i + 1];
            var j = i - 1;
            while (j >= 0 && pairs[2 * j] > s) { pairs[2 * (j + 1)] = pairs[2 * j]; pairs[2 * (j + 1) + 1] = pairs[2 * j + 1]; j--; }
            pairs[2 * (j + 1)] = s;
            pairs[2 * (j + 1) + 1] = e;
        }
        var merged = 0;
        for (var i = 0; i < count; i++)
        {
            long s = pairs[2 * i], e = pairs[2 * i + 1];
            if (merged > 0 && s <= pairs[2 * (merged - 1) + 1] + 1)
            {
                pairs[2 * (merged - 1) + 1] = Math.Max(pairs[2 * (merged - 1) + 1], e);
                continue;
            }
            pairs[2 * merged] = s;
            pairs[2 * merged + 1] = e;
            merged++;
        }

        // Kept runs are the gaps between merged removed ranges; their character spans come from the newline offsets
        // (line k starts after newline k-1 and ends before newline k, or at the end of the text).
        var span = work.Span;
        var runs = t_runs is { } cached && cached.Length >= 2 * (merged + 1) ? cached : new int[Math.Max(64, 2 * (merged + 1))];
        t_runs = null;
        var runCount = 0;
        var total = 0;
        removedWords = 0;
        for (var m = 0; m <= merged; m++)
        {
            var keepFrom = m == 0 ? 0 : (int)pairs[2 * (m - 1) + 1] + 1;
            var keepTo = m < merged ? (int)pairs[2 * m] - 1 : lineCount - 1;
            if (m < merged)
            {
                var rs = (int)pairs[2 * m];
                var re = (int)pairs[2 * m + 1];
                removedWords += PyText.CountWords(span[LineStart(newlines, rs)..LineEnd(newlines, re, lineCount, span.Length)]);
            }
            if (keepFrom > keepTo) continue;
            var start = LineStart(newlines, keepFrom);
            var end = LineEnd(newlines, keepTo, lineCount, span.Length);
            runs[2 * runCount] = start;
            runs[2 * runCount + 1] = end;
            runCount++;
            total += end - start;
        }
        if (rented is not null) ArrayPool<long>.Shared.Return(rented);
        if (runCount == 0)
        {
            t_runs = runs;
            return "";
        }
        total += runCount - 1; // separators
        // The output is written once, straight from the kept runs.
        var result = string.Create(total, (work, runs, runCount), static (dest, state) =>
        {
            var (w0, r, n) = state;
            var src = w0.Span;
            var at = 0;
            for (var k = 0; k < n; k++)
            {
                if (k > 0) dest[at++] = '\n';
                var piece = src.Slice(r[2 * k], r[2 * k + 1] - r[2 * k]);
                piece.CopyTo(dest[at..]);
                at += piece.Length;
            }
        });
        t_runs = runs;
        return result;
    }
}
