using System.Buffers;

namespace Prox.Rules;

/// <summary>
/// How many documents of a run (a shard, a work unit, a site) hold each line, counted over normalized line hashes
/// in a count-min sketch of fixed size (the CCNet idea: a line that recurs across many documents is boilerplate).
/// Build it in a pre-pass with <see cref="AddDocument"/> over the documents the refiner will then see, and hand it to
/// <see cref="RulesRefiner(RulesOptions?, CorpusLineCounts?)"/>; the rule <c>prox.corpus_repeated</c> removes a line held
/// by at least <see cref="RulesOptions.CorpusLineMinDocuments"/> documents (the document itself included).
/// </summary>
/// <remarks>
/// <para>Deterministic and independent of thread count and order: a line's hash is a fixed function of its
/// normalized text, every document adds 1 to the same cells for each distinct line it holds, and additions commute
/// (<see cref="AddDocument"/> may run on several threads at once; <see cref="Merge"/> adds per-shard sketches). The
/// estimate is the minimum over <see cref="Depth"/> cells: never below the true count, above it only through hash
/// collisions, which grow with documents × lines ÷ <see cref="Width"/>.</para>
/// <para>Normalization (as CCNet's): lower case, every digit read as 0, white space and punctuation dropped, so
/// "Posted on 12 May 2019" and "posted on 3 June 2020 " differ only in their letters.</para>
/// <para>Pipeline hook: the refiner only reads the sketch. Whoever runs the refinement builds one per work unit
/// (e.g. per input file or batch of files) before the chunk stage of its documents: one
/// <see cref="AddDocument"/> per document, then the refiner constructed with it.</para>
/// </remarks>
public sealed class CorpusLineCounts
{
    private readonly uint[] _cells;
    private readonly int _mask;
    private int _documents;

    /// <summary>
    /// A sketch of <paramref name="depth"/> rows × 2^<paramref name="log2Width"/> 32-bit counters (default 4 × 2^20:
    /// 16 MiB). An estimate exceeds the true count by about (distinct lines added) ÷ width per row, so the width should
    /// be well above documents × distinct lines per document (<see cref="ForDocuments"/> sizes it).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Depth outside 1…8 or width outside 2^8…2^28.</exception>
    public CorpusLineCounts(int log2Width = 20, int depth = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(log2Width, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(log2Width, 28);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(depth, 8);
        Width = 1 << log2Width;
        Depth = depth;
        _mask = Width - 1;
        _cells = new uint[(long)Width * depth];
    }

    /// <summary>
    /// A sketch sized for a work unit: width the power of two at or above 16 × <paramref name="documents"/> ×
    /// <paramref name="distinctLinesPerDocument"/> (capped at 2^28 per row), so that collisions add well under one
    /// document to an estimate on average; depth 4.
    /// </summary>
    public static CorpusLineCounts ForDocuments(int documents, int distinctLinesPerDocument = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(documents);
        ArgumentOutOfRangeException.ThrowIfNegative(distinctLinesPerDocument);
        double cells = 16.0 * Math.Max(1, documents) * Math.Max(1, distinctLinesPerDocument);
        int log2 = Math.Clamp((int)Math.Ceiling(Math.Log2(cells)), 8, 28);
        return new CorpusLineCounts(log2);
    }

    /// <summary>Counters per row.</summary>
    public int Width { get; }

    /// <summary>Rows (independent hash positions per line).</summary>
    public int Depth { get; }

    /// <summary>Documents added (through <see cref="AddDocument"/> or <see cref="Merge"/>).</summary>
    public int Documents => Volatile.Read(ref _documents);

    /// <summary>
    /// Counts the distinct non-blank lines of one document (split on <c>\n</c>) once each. Thread-safe: counters are
    /// incremented atomically, so the result does not depend on how documents are spread over threads.
    /// </summary>
    public void AddDocument(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        int lines = span.Count('\n') + 1;
        var hashes = ArrayPool<ulong>.Shared.Rent(lines);
        try
        {
            int n = 0;
            foreach (var range in span.Split('\n'))
            {
                ulong h = LineHash(span[range]);
                if (h != 0) hashes[n++] = h;
            }
            var distinct = hashes.AsSpan(0, n);
            distinct.Sort();
            ulong previous = 0;
            foreach (ulong h in distinct)
            {
                if (h == previous) continue;
                previous = h;
                for (int row = 0; row < Depth; row++) Interlocked.Increment(ref _cells[Cell(h, row)]);
            }
        }
        finally { ArrayPool<ulong>.Shared.Return(hashes); }
        Interlocked.Increment(ref _documents);
    }

    /// <summary>Adds another sketch of the same shape (e.g. one built per shard); not thread-safe against concurrent <see cref="AddDocument"/>.</summary>
    /// <exception cref="ArgumentException">Different width or depth.</exception>
    public void Merge(CorpusLineCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Width != Width || other.Depth != Depth)
            throw new ArgumentException($"Cannot merge a {other.Depth}×{other.Width} sketch into a {Depth}×{Width} one.", nameof(other));
        for (int i = 0; i < _cells.Length; i++) _cells[i] = (uint)Math.Min(uint.MaxValue, (ulong)_cells[i] + other._cells[i]);
        _documents += other.Documents;
    }

    /// <summary>The estimated number of documents holding <paramref name="line"/> (0 for a line without letters or digits).</summary>
    public int Estimate(ReadOnlySpan<char> line) => EstimateHash(LineHash(line));

    /// <summary>The estimate for a hash from <see cref="LineHash"/>.</summary>
    internal int EstimateHash(ulong hash)
    {
        if (hash == 0) return 0;
        uint min = uint.MaxValue;
        for (int row = 0; row < Depth; row++) min = Math.Min(min, Volatile.Read(ref _cells[Cell(hash, row)]));
        return (int)Math.Min(min, int.MaxValue);
    }

    // Row i reads cell (h1 + i·h2) mod width (double hashing from the two halves of a 64-bit mix of the line hash).
    private long Cell(ulong hash, int row)
    {
        ulong mixed = Mix(hash);
        uint h1 = (uint)mixed, h2 = (uint)(mixed >> 32) | 1;
        return (long)row * Width + (int)((h1 + (uint)row * h2) & (uint)_mask);
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33; x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53UL;
        return x ^ (x >> 33);
    }

    /// <summary>
    /// FNV-1a (64-bit) of the normalized line: letters lower-cased (invariant), digits as <c>0</c>, every other
    /// character (white space, punctuation, symbols) skipped. 0 when nothing is left (blank or symbol-only lines).
    /// </summary>
    public static ulong LineHash(ReadOnlySpan<char> line)
    {
        const ulong Basis = 14695981039346656037UL, Prime = 1099511628211UL;
        ulong h = Basis;
        bool any = false;
        foreach (char c in line)
        {
            char k;
            if (c < 128)
            {
                if (c is >= 'a' and <= 'z' or >= '0' and <= '9') k = c is >= '0' and <= '9' ? '0' : c;
                else if (c is >= 'A' and <= 'Z') k = (char)(c | 0x20);
                else continue;
            }
            else if (char.IsLetter(c)) k = char.ToLowerInvariant(c);
            else if (char.IsDigit(c)) k = '0';
            else continue;
            h = (h ^ k) * Prime;
            any = true;
        }
        return any ? (h == 0 ? 1 : h) : 0;
    }
}
