using System.IO.Compression;
using System.Reflection;
using System.Text;

namespace Prox.Text;

/// <summary>
/// Byte-pair encoding of one tiktoken pre-tokenizer piece in O(n log n): the same merges as the library's (always the
/// adjacent pair of lowest rank, the leftmost of equal ones, until no pair is a token) found with a priority queue over a
/// linked list of parts instead of a scan of all pairs per merge, which makes the library quadratic in the length of a
/// piece — a run of one character class is one piece, so 1,000,000 blank lines or 100,000 CJK characters took minutes.
/// </summary>
/// <remarks>The ranks come from the encoding's data package (the very file the library reads). Counts of pieces
/// longer than the token cache's keys go through here; the tests compare both on random long pieces.</remarks>
internal sealed class TiktokenBpe
{
    private readonly Dictionary<string, int> _ranks;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _maxTokenBytes;

    [ThreadStatic] private static Scratch? t_scratch;

    private sealed class Scratch
    {
        public char[] Latin1 = [];
        public int[] Next = [], Prev = [], Rank = [];
        public readonly PriorityQueue<int, long> Queue = new();

        public void Ensure(int n)
        {
            if (Next.Length >= n + 1) return;
            int size = Math.Max(n + 1, Next.Length * 2);
            Latin1 = new char[size];
            Next = new int[size];
            Prev = new int[size];
            Rank = new int[size];
        }
    }

    private TiktokenBpe(Dictionary<string, int> ranks)
    {
        _ranks = ranks;
        _lookup = ranks.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var k in ranks.Keys) _maxTokenBytes = Math.Max(_maxTokenBytes, k.Length);
    }

    /// <summary>Loads the ranks of a tiktoken data file (<c>"Capacity: N"</c>, then one base64 token per line, with its
    /// rank after a space or else numbered from 0), as shipped deflated in the Microsoft.ML.Tokenizers data packages.</summary>
    public static TiktokenBpe FromDataPackage(string assemblyName, string resourceName)
    {
        var assembly = Assembly.Load(assemblyName);
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidDataException($"{assemblyName} holds no resource '{resourceName}'");
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        return FromTiktoken(inflated);
    }

    /// <summary>Reads a tiktoken ranks file (see <see cref="FromDataPackage"/>).</summary>
    public static TiktokenBpe FromTiktoken(Stream file)
    {
        using var reader = new StreamReader(file, Encoding.UTF8);
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        int next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            int space = line.IndexOf(' ');
            var token = Convert.FromBase64String(space < 0 ? line : line[..space]);
            int rank = space < 0 ? next : int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture);
            next = rank + 1;
            ranks[Latin1(token)] = rank;
        }
        return new TiktokenBpe(ranks);
    }

    private static string Latin1(ReadOnlySpan<byte> bytes) => string.Create(bytes.Length, bytes.ToArray(), static (d, b) =>
    {
        for (int i = 0; i < b.Length; i++) d[i] = (char)b[i];
    });

    /// <summary>Tokens of one piece (UTF-16; encoded to UTF-8 as the library does: a lone surrogate as the three bytes
    /// of its own code point, not as U+FFFD).</summary>
    public int Count(ReadOnlySpan<char> piece)
    {
        if (piece.IsEmpty) return 0;
        var s = t_scratch ??= new Scratch();
        s.Ensure(3 * piece.Length);
        var text = s.Latin1;
        int n = Wtf8(piece, text);
        if (n == 1) return 1;
        var bytes = text.AsSpan(0, n);
        if (n <= _maxTokenBytes && _lookup.ContainsKey(bytes)) return 1;

        // Parts start at every byte; part i runs to Next[i]. Rank[i]: the rank of part i joined with the part after it.
        var nextOf = s.Next;
        var prevOf = s.Prev;
        var rank = s.Rank;
        var queue = s.Queue;
        queue.Clear();
        for (int i = 0; i < n; i++)
        {
            nextOf[i] = i + 1;
            prevOf[i] = i - 1;
        }
        nextOf[n] = n;
        for (int i = 0; i + 1 < n; i++)
        {
            rank[i] = PairRank(bytes, i, i + 2);
            if (rank[i] != int.MaxValue) queue.Enqueue(i, Key(rank[i], i));
        }
        rank[n - 1] = int.MaxValue;
        int parts = n;
        while (queue.TryDequeue(out int i, out long key))
        {
            int r = (int)(key >> 32);
            if (nextOf[i] < 0 || rank[i] != r) continue; // merged away, or its pair changed since
            int j = nextOf[i];
            // Part i absorbs part j.
            int after = nextOf[j];
            nextOf[i] = after;
            if (after < n) prevOf[after] = i;
            nextOf[j] = -1;
            parts--;
            rank[i] = after < n ? PairRank(bytes, i, nextOf[after]) : int.MaxValue;
            if (rank[i] != int.MaxValue) queue.Enqueue(i, Key(rank[i], i));
            int p = prevOf[i];
            if (p >= 0)
            {
                rank[p] = PairRank(bytes, p, nextOf[i]);
                if (rank[p] != int.MaxValue) queue.Enqueue(p, Key(rank[p], p));
            }
        }
        return parts;
    }

    /// <summary>UTF-8 bytes of <paramref name="s"/>, one per char of <paramref name="dest"/>; lone surrogates are
    /// encoded like any other BMP code point (three bytes).</summary>
    private static int Wtf8(ReadOnlySpan<char> s, char[] dest)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            int c = s[i];
            if (c < 0x80) dest[n++] = (char)c;
            else if (c < 0x800)
            {
                dest[n++] = (char)(0xC0 | (c >> 6));
                dest[n++] = (char)(0x80 | (c & 0x3F));
            }
            else if (char.IsHighSurrogate((char)c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                int cp = char.ConvertToUtf32((char)c, s[++i]);
                dest[n++] = (char)(0xF0 | (cp >> 18));
                dest[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                dest[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                dest[n++] = (char)(0x80 | (cp & 0x3F));
            }
            else
            {
                dest[n++] = (char)(0xE0 | (c >> 12));
                dest[n++] = (char)(0x80 | ((c >> 6) & 0x3F));
                dest[n++] = (char)(0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    // Lowest rank first; among equal ranks, the leftmost part (its start offset).
    private static long Key(int rank, int start) => ((long)rank << 32) | (uint)start;

    private int PairRank(ReadOnlySpan<char> bytes, int start, int end) =>
        end - start <= _maxTokenBytes && _lookup.TryGetValue(bytes[start..end], out int r) ? r : int.MaxValue;
}
