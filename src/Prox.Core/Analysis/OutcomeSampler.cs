using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Prox.Refinement;

namespace Prox.Analysis;

/// <summary>
/// Draws a reproducible sample of a run's documents for review. Each document gets a pseudo-random priority from the
/// seed and its identity (input file name, id, record), and the sample is the documents with the lowest priorities:
/// the same seed over the same run gives the same sample on any machine, whatever order the files are read in, and a
/// larger count only adds documents. Memory is bounded by the count (per reason with <c>perReason</c>).
/// </summary>
public static class OutcomeSampler
{
    /// <summary>The outcome name of a kept document in <c>reasons</c> (the others are the <see cref="Programs.DropReason"/> names).</summary>
    public const string Kept = "Kept";

    /// <summary>Samples <paramref name="count"/> documents (or <paramref name="count"/> per outcome with <paramref name="perReason"/>).</summary>
    /// <param name="outcomes">The run's outcomes (kept and dropped).</param>
    /// <param name="count">How many documents (at least 1).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="reasons">Only documents with one of these outcomes (<c>Kept</c>, <c>DropDoc</c>, <c>FewWordsLeft</c>, …, case-insensitive); null or empty for all.</param>
    /// <param name="perReason">Draw <paramref name="count"/> documents of each outcome instead of <paramref name="count"/> in all.</param>
    /// <returns>The sample, grouped by outcome (in name order), each group in priority order.</returns>
    /// <exception cref="ArgumentException">A reason that is neither <c>Kept</c> nor a drop reason.</exception>
    public static IReadOnlyList<DocumentOutcome> Sample(IEnumerable<DocumentOutcome> outcomes, int count, long seed,
        IEnumerable<string>? reasons = null, bool perReason = false)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var wanted = Reasons(reasons);
        var heaps = new Dictionary<string, PriorityQueue<DocumentOutcome, ulong>>(StringComparer.Ordinal);
        foreach (var o in outcomes)
        {
            var outcome = OutcomeName(o);
            if (wanted is not null && !wanted.Contains(outcome)) continue;
            var group = perReason ? outcome : "";
            if (!heaps.TryGetValue(group, out var heap)) heaps[group] = heap = new PriorityQueue<DocumentOutcome, ulong>(Comparer<ulong>.Create((x, y) => y.CompareTo(x)));
            var p = Priority(o, seed);
            if (heap.Count < count) heap.Enqueue(o, p);
            else if (heap.TryPeek(out _, out var worst) && p < worst) heap.EnqueueDequeue(o, p);
        }
        var result = new List<DocumentOutcome>();
        foreach (var group in heaps.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            var items = new List<(DocumentOutcome O, ulong P)>();
            while (group.Value.TryDequeue(out var o, out var p)) items.Add((o, p));
            result.AddRange(items.OrderBy(x => x.P).Select(x => x.O));
        }
        return result;
    }

    /// <summary><c>Kept</c> for a kept document, else its drop reason's name.</summary>
    public static string OutcomeName(DocumentOutcome outcome) => outcome.Kept ? Kept : outcome.DropReason.ToString();

    private static HashSet<string>? Reasons(IEnumerable<string>? reasons)
    {
        if (reasons is null) return null;
        var known = Enum.GetNames<Programs.DropReason>().Where(n => n != nameof(Programs.DropReason.None)).Prepend(Kept).ToArray();
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in reasons)
        {
            var name = known.FirstOrDefault(k => string.Equals(k, r?.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown outcome '{r}'; known: {string.Join(", ", known)}", nameof(reasons));
            set.Add(name);
        }
        return set.Count == 0 ? null : set;
    }

    private static ulong Priority(DocumentOutcome o, long seed)
    {
        Span<byte> seedBytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(seedBytes, seed);
        BinaryPrimitives.WriteInt64LittleEndian(seedBytes[8..], o.SourceRecord);
        var h = new XxHash64(seed);
        h.Append(seedBytes);
        h.Append(MemoryMarshal.AsBytes(Path.GetFileName(o.SourceFile ?? "").AsSpan()));
        h.Append([0]);
        h.Append(MemoryMarshal.AsBytes(o.Id.AsSpan()));
        return h.GetCurrentHashAsUInt64();
    }
}
