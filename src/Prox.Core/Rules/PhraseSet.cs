using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace Prox.Rules;

/// <summary>
/// Whether a line holds one of a few dozen phrases, case-insensitively (<see cref="StringComparison.OrdinalIgnoreCase"/>,
/// the plain definition: <c>phrases.Any(p =&gt; line.Contains(p, OrdinalIgnoreCase))</c>).
/// <para>
/// The line is first folded to one byte per character (<see cref="FoldLine"/>: ASCII lower case, a non-ASCII
/// character to the ASCII letter it equals ignoring case, else 0 — so two characters equal ignoring case fold alike).
/// A phrase of length L ≥ <c>W + S − 1</c> (window W = 4 characters, stride S) covers a whole window that starts at one
/// of its first S positions, so only every S-th window of the line needs to be looked up — S = 2 or 3 for the phrase
/// lists here — in a bitmap of the folded windows at the phrases' first S offsets (read as one 32-bit load each, no
/// per-character rolling hash). A window that passes is confirmed with
/// <see cref="MemoryExtensions.StartsWith(ReadOnlySpan{char}, ReadOnlySpan{char}, StringComparison)"/> at each of the S
/// starts it could belong to, against the phrases whose fold agrees with the line's there (every phrase starts with an
/// ASCII character, so the first folded character picks a short list).
/// </para>
/// </summary>
internal sealed class PhraseSet
{
    private const int Window = 4, HashBits = 14;
    private readonly ulong[] _windows = new ulong[(1 << HashBits) / 64];
    /// <summary>The phrases (and their folds) by the fold of their first character.</summary>
    private readonly (string Phrase, byte[] Folded)[][] _byFirst = new (string, byte[])[128][];
    private readonly int _stride;

    public PhraseSet(IReadOnlyList<string> phrases)
    {
        if (phrases.Count == 0) throw new ArgumentException("no phrases", nameof(phrases));
        for (int c = 0; c < _byFirst.Length; c++) _byFirst[c] = [];
        _stride = phrases.Min(p => p.Length) - Window + 1;
        foreach (var p in phrases)
        {
            if (p.Length < Window || p[0] >= 128)
                throw new ArgumentException($"phrase '{p}' is shorter than the window or starts with a non-ASCII character", nameof(phrases));
            var folded = new byte[p.Length];
            FoldLine(p, folded);
            ref var bucket = ref _byFirst[folded[0]];
            bucket = [.. bucket, (p, folded)];
            for (int offset = 0; offset < _stride; offset++)
            {
                uint b = Bucket(MemoryMarshal.Read<uint>(folded[offset..]));
                _windows[b >> 6] |= 1UL << (int)b;
            }
        }
    }

    /// <summary>
    /// <see cref="FoldChar"/> of every UTF-16 code unit (64 KiB, computed once): on both the phrase and the line side,
    /// so that the bitmap passes every window that could start a case-insensitive match.
    /// </summary>
    private static readonly byte[] FoldTable = BuildFoldTable();

    private static byte[] BuildFoldTable()
    {
        var table = new byte[char.MaxValue + 1];
        for (int c = 0; c <= char.MaxValue; c++) table[c] = FoldChar((char)c);
        return table;
    }

    /// <summary>
    /// ASCII lower case for ASCII; a non-ASCII character folds to the ASCII letter it equals ignoring case (e.g. 'ſ'
    /// → 's', as OrdinalIgnoreCase compares upper-cased characters), else to 0.
    /// </summary>
    internal static byte FoldChar(char c)
    {
        char upper = char.ToUpperInvariant(c);
        return upper < 128 ? (byte)char.ToLowerInvariant(upper) : (byte)0;
    }

    /// <summary>Whether the ASCII part of <see cref="FoldTable"/> is "A–Z to a–z, the rest unchanged", which the SIMD path computes.</summary>
    private static readonly bool AsciiFoldIsLowerCase = Enumerable.Range(0, 128)
        .All(c => FoldTable[c] == (c is >= 'A' and <= 'Z' ? c + 32 : c));

    /// <summary>
    /// Writes the fold of each character of <paramref name="line"/> to <paramref name="folded"/> (at least as long):
    /// blocks of 16 ASCII characters are lower-cased with SIMD, the others go through the table.
    /// </summary>
    public static void FoldLine(ReadOnlySpan<char> line, Span<byte> folded)
    {
        if (folded.Length < line.Length) throw new ArgumentException("the fold buffer is shorter than the line", nameof(folded));
        var table = FoldTable;
        int i = 0;
        if (AsciiFoldIsLowerCase && Vector128.IsHardwareAccelerated)
        {
            ref ushort src = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(line));
            ref byte dst = ref MemoryMarshal.GetReference(folded);
            for (; i + 16 <= line.Length; i += 16)
            {
                var v0 = Vector128.LoadUnsafe(ref src, (nuint)i);
                var v1 = Vector128.LoadUnsafe(ref src, (nuint)i + 8);
                if (((v0 | v1) & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero)
                {
                    for (int k = i; k < i + 16; k++) folded[k] = table[line[k]];
                    continue;
                }
                var b = Vector128.Narrow(v0, v1);
                var isUpper = Vector128.LessThanOrEqual(b - Vector128.Create((byte)'A'), Vector128.Create((byte)25));
                (b + (isUpper & Vector128.Create((byte)0x20))).StoreUnsafe(ref dst, (nuint)i);
            }
        }
        for (; i < line.Length; i++) folded[i] = table[line[i]];
    }

    private static uint Bucket(uint window) => (window * 0x9E3779B1u) >> (32 - HashBits);

    /// <summary>Whether <paramref name="text"/> (one line) holds a phrase; <paramref name="folded"/> is <see cref="FoldLine"/> of it.</summary>
    public bool Occurs(ReadOnlySpan<char> text, ReadOnlySpan<byte> folded)
    {
        if (folded.Length < text.Length) throw new ArgumentException("the folded line is shorter than the line", nameof(folded));
        folded = folded[..text.Length];
        var windows = _windows;
        int stride = _stride;
        ref byte f = ref MemoryMarshal.GetReference(folded);
        for (int j = 0; j <= text.Length - Window; j += stride)
        {
            uint b = Bucket(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref f, j)));
            if ((windows[b >> 6] & (1UL << (int)b)) == 0) continue;
            // The window may sit at any of the first `stride` offsets of a phrase.
            for (int s = Math.Max(0, j - stride + 1); s <= j; s++)
                if (StartsWithPhrase(text[s..], folded[s..])) return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="at"/> starts with a phrase (OrdinalIgnoreCase): the folds must agree first (equal
    /// ignoring case implies equal folds), which turns most common-word candidates away without the string comparison.
    /// </summary>
    private bool StartsWithPhrase(ReadOnlySpan<char> at, ReadOnlySpan<byte> folded)
    {
        if (folded[0] >= 128) return false;
        foreach (var (phrase, foldedPhrase) in _byFirst[folded[0]])
            if (folded.StartsWith(foldedPhrase) && at.StartsWith(phrase, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
