using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Prox.Text;

namespace Prox.Models;

/// <summary>
/// What a grammar needs to know about a LLaMA-2 vocabulary, computed once per tokenizer (<see cref="For"/>): the UTF-8
/// bytes every token adds to the decoded text (<c>▁</c> → space, <c>&lt;0xNN&gt;</c> → the byte NN, special tokens
/// nothing), a trie of those byte strings (so a grammar walks the shared prefixes of many tokens once and drops a whole
/// subtree at the first byte it rejects), and the "plain string" tokens — pieces that may stand anywhere inside a
/// string literal (no quote, backslash or control byte; whole UTF-8 characters) — sorted by byte length, so that the
/// tokens allowed inside a free string are a prefix of one list.
/// </summary>
internal sealed class TokenByteIndex
{
    private static readonly ConditionalWeakTable<Llama2Tokenizer, TokenByteIndex> Cache = new();

    private readonly byte[] _bytes;
    private readonly int[] _offsets;

    private TokenByteIndex(Llama2Tokenizer tokenizer)
    {
        var pieces = tokenizer.Pieces;
        int size = 0;
        foreach (var (_, id) in pieces) size = Math.Max(size, id + 1);
        Size = size;
        var text = new byte[size][];
        var special = new HashSet<int> { tokenizer.BosId, tokenizer.EosId, tokenizer.UnknownId };
        foreach (var (piece, id) in pieces)
        {
            if (special.Contains(id)) { text[id] = []; continue; }
            if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>' &&
                byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
                text[id] = [b];
            else text[id] = Encoding.UTF8.GetBytes(piece.Replace('▁', ' '));
        }
        _offsets = new int[size + 1];
        for (int i = 0; i < size; i++) _offsets[i + 1] = _offsets[i] + (text[i]?.Length ?? 0);
        _bytes = new byte[_offsets[size]];
        for (int i = 0; i < size; i++) text[i]?.CopyTo(_bytes, _offsets[i]);

        BuildTrie();
        BuildPlain(text, pieces);
    }

    /// <summary>The index of <paramref name="tokenizer"/>'s vocabulary (built on first use, then shared).</summary>
    public static TokenByteIndex For(Llama2Tokenizer tokenizer) => Cache.GetValue(tokenizer, t => new TokenByteIndex(t));

    /// <summary>Token ids are below this.</summary>
    public int Size { get; }

    /// <summary>The bytes token <paramref name="id"/> adds to the text (empty for special tokens and unknown ids).</summary>
    public ReadOnlySpan<byte> BytesOf(int id) =>
        (uint)id < (uint)Size ? _bytes.AsSpan(_offsets[id], _offsets[id + 1] - _offsets[id]) : [];

    // ---- the trie: node 0 is the root (no bytes); children are a first-child / next-sibling list ----

    /// <summary>Nodes of the trie (the root included).</summary>
    public int NodeCount { get; private set; }

    /// <summary>Per node: its first child, or -1.</summary>
    public int[] FirstChild { get; private set; } = [];

    /// <summary>Per node: its next sibling, or -1.</summary>
    public int[] NextSibling { get; private set; } = [];

    /// <summary>Per node: the byte on the edge into it.</summary>
    public byte[] NodeByte { get; private set; } = [];

    /// <summary>Per node: where its tokens (those whose bytes end exactly here) start in <see cref="NodeTokens"/>; one more entry than nodes.</summary>
    public int[] NodeTokenStart { get; private set; } = [];

    /// <summary>Token ids grouped by trie node.</summary>
    public int[] NodeTokens { get; private set; } = [];

    private void BuildTrie()
    {
        // Children are found through a dictionary while building, then flattened into sibling lists.
        var children = new Dictionary<(int Node, byte Byte), int>();
        var parent = new List<int> { -1 };
        var edge = new List<byte> { 0 };
        var endsAt = new int[Size];
        for (int id = 0; id < Size; id++)
        {
            var bytes = BytesOf(id);
            if (bytes.IsEmpty) { endsAt[id] = -1; continue; }
            int node = 0;
            foreach (var b in bytes)
            {
                if (!children.TryGetValue((node, b), out var child))
                {
                    child = parent.Count;
                    parent.Add(node);
                    edge.Add(b);
                    children.Add((node, b), child);
                }
                node = child;
            }
            endsAt[id] = node;
        }
        NodeCount = parent.Count;
        FirstChild = new int[NodeCount];
        NextSibling = new int[NodeCount];
        Array.Fill(FirstChild, -1);
        Array.Fill(NextSibling, -1);
        NodeByte = [.. edge];
        // Siblings in descending byte order when prepended from the highest node down: any order works, this one is stable.
        for (int n = NodeCount - 1; n >= 1; n--)
        {
            int p = parent[n];
            NextSibling[n] = FirstChild[p];
            FirstChild[p] = n;
        }
        var counts = new int[NodeCount + 1];
        foreach (var n in endsAt) if (n >= 0) counts[n + 1]++;
        for (int n = 0; n < NodeCount; n++) counts[n + 1] += counts[n];
        NodeTokenStart = counts;
        NodeTokens = new int[counts[NodeCount]];
        var fill = (int[])counts.Clone();
        for (int id = 0; id < Size; id++) if (endsAt[id] >= 0) NodeTokens[fill[endsAt[id]]++] = id;
    }

    // ---- plain string tokens ----

    /// <summary>Plain string tokens (see the class summary) sorted by byte length, then id.</summary>
    public int[] PlainByLength { get; private set; } = [];

    /// <summary><c>PlainCountUpTo[n]</c>: how many of <see cref="PlainByLength"/> have at most n bytes (the last entry covers all).</summary>
    public int[] PlainCountUpTo { get; private set; } = [];

    /// <summary>The tokens with bytes that are not plain: a grammar checks each of them byte by byte inside a string.</summary>
    public int[] NotPlain { get; private set; } = [];

    private void BuildPlain(byte[][] text, IReadOnlyDictionary<string, int> pieces)
    {
        var isByteToken = new bool[Size];
        foreach (var (piece, id) in pieces) isByteToken[id] = piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal);
        var plain = new List<int>();
        var notPlain = new List<int>();
        int maxLength = 0;
        for (int id = 0; id < Size; id++)
        {
            var bytes = text[id];
            if (bytes is null || bytes.Length == 0) continue;
            bool ok = !isByteToken[id] || bytes[0] < 0x80;   // a byte token of a multi-byte character is part of one
            foreach (var b in bytes) if (b < 0x20 || b == 0x7F || b == (byte)'"' || b == (byte)'\\') { ok = false; break; }
            if (ok) { plain.Add(id); maxLength = Math.Max(maxLength, bytes.Length); }
            else notPlain.Add(id);
        }
        plain.Sort((a, b) => text[a].Length != text[b].Length ? text[a].Length.CompareTo(text[b].Length) : a.CompareTo(b));
        PlainByLength = [.. plain];
        PlainCountUpTo = new int[maxLength + 1];
        foreach (var id in plain) PlainCountUpTo[text[id].Length]++;
        for (int n = 1; n <= maxLength; n++) PlainCountUpTo[n] += PlainCountUpTo[n - 1];
        NotPlain = [.. notPlain];
        WithoutBytes = [.. Enumerable.Range(0, Size).Where(id => text[id] is null || text[id].Length == 0)];
    }

    /// <summary>The ids below <see cref="Size"/> that add no bytes: special tokens (BOS, EOS, unknown) and gaps.</summary>
    public int[] WithoutBytes { get; private set; } = [];

    /// <summary>How many plain string tokens have at most <paramref name="bytes"/> bytes.</summary>
    public int PlainCountAtMost(int bytes) =>
        bytes <= 0 ? 0 : PlainCountUpTo[Math.Min(bytes, PlainCountUpTo.Length - 1)];
}
