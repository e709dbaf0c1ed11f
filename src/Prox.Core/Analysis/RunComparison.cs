using Prox.Programs;
using Prox.Refinement;

namespace Prox.Analysis;

/// <summary>
/// Compares the outcomes of two runs over the same inputs (run A, the reference, and run B): which documents one kept
/// and the other dropped, the counts per drop reason and per input file, and, for one document, what each run did
/// with each of its lines. Documents are matched by input file name and id (the n-th occurrence of an id in a file
/// with the n-th). Only a few numbers per document are kept, not the texts, so memory grows with the documents but
/// stays small.
/// </summary>
public sealed class RunComparison
{
    private RunComparison(IReadOnlyList<DocumentDifference> documents, IReadOnlyList<ReasonDifference> reasons, IReadOnlyList<FileDifference> files)
    {
        Documents = documents;
        Reasons = reasons;
        Files = files;
    }

    /// <summary>Every document of either run, in run A's order, then those only in run B.</summary>
    public IReadOnlyList<DocumentDifference> Documents { get; }

    /// <summary>Documents per outcome (<c>Kept</c>, then each drop reason) in each run, sorted by reason.</summary>
    public IReadOnlyList<ReasonDifference> Reasons { get; }

    /// <summary>Per input file, sorted by file name.</summary>
    public IReadOnlyList<FileDifference> Files { get; }

    /// <summary>The documents whose outcome or text differs (everything but <see cref="DifferenceKind.Same"/> and
    /// <see cref="DifferenceKind.DroppedInBoth"/>).</summary>
    public IEnumerable<DocumentDifference> Changed => Documents.Where(d => d.Kind is not (DifferenceKind.Same or DifferenceKind.DroppedInBoth));

    private readonly record struct Key(string File, string Id, int Occurrence);

    private readonly record struct Facts(long Record, bool Kept, DropReason Reason, long Characters, long Tokens, ulong TextHash);

    /// <summary>Compares two runs' outcomes (each enumerated once).</summary>
    public static RunComparison Compare(IEnumerable<DocumentOutcome> a, IEnumerable<DocumentOutcome> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var left = Collect(a);
        var right = Collect(b);
        var docs = new List<DocumentDifference>(left.Count);
        foreach (var (key, fa) in left)
        {
            right.TryGetValue(key, out var fb);
            docs.Add(Difference(key, fa, right.ContainsKey(key) ? fb : null));
        }
        foreach (var (key, fb) in right)
            if (!left.ContainsKey(key)) docs.Add(Difference(key, null, fb));

        var reasons = new SortedDictionary<string, (long A, long B)>(StringComparer.Ordinal);
        void Count(string reason, bool inA)
        {
            var (ca, cb) = reasons.GetValueOrDefault(reason);
            reasons[reason] = inA ? (ca + 1, cb) : (ca, cb + 1);
        }
        foreach (var f in left.Values) Count(f.Kept ? "Kept" : f.Reason.ToString(), true);
        foreach (var f in right.Values) Count(f.Kept ? "Kept" : f.Reason.ToString(), false);

        var files = docs.GroupBy(d => d.File, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new FileDifference(
            g.Key,
            g.LongCount(d => d.KeptInA), g.LongCount(d => d.KeptInB),
            g.LongCount(d => d.Kind is not DifferenceKind.OnlyInB && !d.KeptInA), g.LongCount(d => d.Kind is not DifferenceKind.OnlyInA && !d.KeptInB),
            g.Sum(d => d.TokensOutA), g.Sum(d => d.TokensOutB),
            g.LongCount(d => d.Kind is not (DifferenceKind.Same or DifferenceKind.DroppedInBoth)))).ToList();
        return new RunComparison(docs, reasons.Select(r => new ReasonDifference(r.Key, r.Value.A, r.Value.B)).ToList(), files);
    }

    /// <summary>
    /// What each run did with each input line of one document: kept (with the line as written), removed (by which
    /// call), or dropped with the whole document. Either outcome may be null (the run does not have the document).
    /// </summary>
    public static IReadOnlyList<LineComparison> CompareLines(DocumentOutcome? a, DocumentOutcome? b)
    {
        if (a is null && b is null) return [];
        var sideA = Lines(a);
        var sideB = Lines(b);
        var count = (int)Math.Max(a?.LinesIn ?? 0, b?.LinesIn ?? 0);
        var result = new List<LineComparison>(count);
        for (var i = 0; i < count; i++)
        {
            var (inA, callA, textA) = sideA(i);
            var (inB, callB, textB) = sideB(i);
            result.Add(new LineComparison(i, inA, inB, callA, callB, textA, textB));
        }
        return result;
    }

    private static Func<int, (string What, string? Call, string? Text)> Lines(DocumentOutcome? o)
    {
        if (o is null) return _ => ("absent", null, null);
        if (!o.Kept)
        {
            var original = (o.OriginalText ?? "").Split('\n');
            return i => ("dropped", null, i < original.Length ? original[i] : null);
        }
        var removedBy = new Dictionary<int, string>();
        foreach (var stage in new[] { o.Doc, o.Chunk })
            foreach (var r in stage?.RemovedRanges ?? [])
                for (var line = r.StartLine; line <= r.EndLine; line++)
                    removedBy.TryAdd(line, $"{r.Function} (program line {r.ProgramLine}){(r.Label is null ? "" : $" [{r.Label}]")}");
        var output = o.Text.Split('\n');
        var keptLines = o.LinesIn - removedBy.Count;
        // Kept input lines map in order onto the output lines when no normalization added or removed a newline.
        var mapped = keptLines == output.Length;
        var outputIndex = new Dictionary<int, int>();
        for (int i = 0, k = 0; i < o.LinesIn; i++)
            if (!removedBy.ContainsKey(i)) outputIndex[i] = k++;
        return i => removedBy.TryGetValue(i, out var call) ? ("removed", call, null)
            : ("kept", null, mapped && outputIndex.TryGetValue(i, out var k) ? output[k] : null);
    }

    private static Dictionary<Key, Facts> Collect(IEnumerable<DocumentOutcome> outcomes)
    {
        var map = new Dictionary<Key, Facts>();
        var occurrences = new Dictionary<(string, string), int>();
        foreach (var o in outcomes)
        {
            var file = Path.GetFileName(o.SourceFile ?? "");
            var n = occurrences.GetValueOrDefault((file, o.Id));
            occurrences[(file, o.Id)] = n + 1;
            map[new Key(file, o.Id, n)] = new Facts(o.SourceRecord, o.Kept, o.DropReason, o.CharactersOut, o.TokensOut,
                o.Kept ? System.IO.Hashing.XxHash64.HashToUInt64(System.Runtime.InteropServices.MemoryMarshal.AsBytes(o.Text.AsSpan())) : 0);
        }
        return map;
    }

    private static DocumentDifference Difference(Key key, Facts? a, Facts? b)
    {
        var kind = (a, b) switch
        {
            (null, _) => DifferenceKind.OnlyInB,
            (_, null) => DifferenceKind.OnlyInA,
            ({ Kept: true } x, { Kept: true } y) => x.TextHash == y.TextHash ? DifferenceKind.Same : DifferenceKind.TextChanged,
            ({ Kept: true }, _) => DifferenceKind.DroppedInB,
            (_, { Kept: true }) => DifferenceKind.KeptInB,
            ({ } x, { } y) => x.Reason == y.Reason ? DifferenceKind.DroppedInBoth : DifferenceKind.ReasonChanged,
        };
        return new DocumentDifference(key.Id, key.File, a?.Record ?? b?.Record ?? 0, kind,
            a?.Kept ?? false, b?.Kept ?? false, a?.Reason ?? DropReason.None, b?.Reason ?? DropReason.None,
            a?.Characters ?? 0, b?.Characters ?? 0, a?.Tokens ?? 0, b?.Tokens ?? 0);
    }
}
