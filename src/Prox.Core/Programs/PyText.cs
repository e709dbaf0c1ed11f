using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prox.Programs;

/// <summary>
/// Python text semantics the reference executor depends on: <c>str.isspace</c>, <c>str.split()</c> word counts and
/// <c>int()</c> parsing of decimal strings.
/// </summary>
internal static class PyText
{
    /// <summary>
    /// Python <c>str.isspace</c> for one UTF-16 unit. Every Python whitespace code point is in the BMP:
    /// U+0009–U+000D, U+001C–U+001F, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsWhiteSpace(char c)
    {
        if (c < 0x80) return c == ' ' || (uint)(c - '\t') <= '\r' - '\t' || (uint)(c - '\x1c') <= 3;
        return c == '\u0085' || c == '\u00a0' || c == '\u1680' || (uint)(c - '\u2000') <= 0x0a ||
               c == '\u2028' || c == '\u2029' || c == '\u202f' || c == '\u205f' || c == '\u3000';
    }

    /// <summary>The number of words of Python's <c>len(text.split())</c>: maximal runs of non-whitespace.</summary>
    public static int CountWords(ReadOnlySpan<char> text)
    {
        var prevSpace = true;
        return CountWords(text, ref prevSpace);
    }

    /// <summary>
    /// Words that start in <paramref name="text"/> (a non-whitespace character after whitespace), for counting a text
    /// piece by piece: <paramref name="prevSpace"/> says whether the character before the piece is whitespace (true at
    /// the start of a text) and comes back as whether its last character is.
    /// </summary>
    public static int CountWords(ReadOnlySpan<char> text, ref bool prevSpace)
    {
        var words = 0;
        var i = 0;
        var prev = prevSpace;
        if (Avx2.IsSupported && text.Length >= 32)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var last = text.Length - 32;
            var carry = prev ? 1u : 0u;
            while (i <= last)
            {
                var wsMask = WhiteSpaceMask32(ref start, (nuint)i, out _);
                words += System.Numerics.BitOperations.PopCount(~wsMask & ((wsMask << 1) | carry));
                carry = wsMask >> 31;
                i += 32;
            }
            prev = carry != 0;
        }
        for (; i < text.Length; i++)
        {
            var isSpace = IsWhiteSpace(text[i]);
            if (!isSpace && prev) words++;
            prev = isSpace;
        }
        prevSpace = prev;
        return words;
    }

    /// <summary>
    /// Writes the offset of every <c>\n</c> of <paramref name="text"/> into <paramref name="positions"/> (grown as
    /// needed) and returns how many there are.
    /// </summary>
    public static int FindNewlines(ReadOnlySpan<char> text, ref int[] positions)
    {
        var count = 0;
        var i = 0;
        if (Avx2.IsSupported && text.Length >= 32)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var last = text.Length - 32;
            var lf = Vector256.Create((ushort)'\n');
            while (i <= last)
            {
                // Two 16-bit compares packed into one byte mask: one movemask per 32 characters.
                var e0 = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), lf).AsInt16();
                var e1 = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i + 16), lf).AsInt16();
                var packed = Avx2.PackSignedSaturate(e0, e1);
                if (!Vector256.EqualsAll(packed, Vector256<sbyte>.Zero))
                {
                    var mask = Avx2.Permute4x64(packed.AsUInt64(), 0b11_01_10_00).AsByte().ExtractMostSignificantBits();
                    if (count + 32 > positions.Length) Array.Resize(ref positions, Math.Max(positions.Length * 2, count + 32));
                    for (; mask != 0; mask &= mask - 1)
                        positions[count++] = i + System.Numerics.BitOperations.TrailingZeroCount(mask);
                }
                i += 32;
            }
        }
        while (true)
        {
            var rel = text[i..].IndexOf('\n');
            if (rel < 0) break;
            if (count >= positions.Length) Array.Resize(ref positions, Math.Max(positions.Length * 2, 16));
            positions[count++] = i + rel;
            i += rel + 1;
        }
        return count;
    }

    /// <summary>
    /// Words (as <see cref="CountWords(ReadOnlySpan{char})"/>) and <c>\n</c> characters in one pass over the text.
    /// </summary>
    public static int CountWordsAndNewlines(ReadOnlySpan<char> text, out int newlines)
    {
        int[]? none = null;
        return CountWordsAndNewlines(text, ref none, out newlines);
    }

    /// <summary>
    /// As <see cref="CountWordsAndNewlines(ReadOnlySpan{char}, out int)"/>, also writing the offset of every <c>\n</c>
    /// into <paramref name="positions"/> (grown as needed) when it is not null.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // a large loop: inlined into bigger methods it spills its registers
    public static int CountWordsAndNewlines(ReadOnlySpan<char> text, ref int[]? positions, out int newlines)
    {
        var words = 0;
        var lf = 0;
        var i = 0;
        var prevSpace = true;
        if (Avx2.IsSupported && text.Length >= 32)
        {
            // 32 characters per step, classified as bytes (see WhiteSpaceMask32): one mask for words, one for newlines.
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var last = text.Length - 32;
            var carry = 1u; // 1 when the character before the block is whitespace (or there is none)
            while (i <= last)
            {
                var wsMask = WhiteSpaceMask32(ref start, (nuint)i, out var lfMask);
                words += System.Numerics.BitOperations.PopCount(~wsMask & ((wsMask << 1) | carry));
                if (lfMask != 0)
                {
                    if (positions is not null)
                    {
                        if (lf + 32 > positions.Length) Array.Resize(ref positions, Math.Max(positions.Length * 2, lf + 32));
                        for (var m = lfMask; m != 0; m &= m - 1)
                            positions[lf++] = i + System.Numerics.BitOperations.TrailingZeroCount(m);
                    }
                    else
                    {
                        lf += System.Numerics.BitOperations.PopCount(lfMask);
                    }
                }
                carry = wsMask >> 31;
                i += 32;
            }
            prevSpace = carry != 0;
        }
        if (Vector256.IsHardwareAccelerated && text.Length - i >= Vector256<ushort>.Count)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(text));
            var last = text.Length - Vector256<ushort>.Count;
            var newline = Vector256.Create((ushort)'\n');
            var asciiMax = Vector256.Create((ushort)0x7f);
            while (i <= last)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var ws = AsciiWhiteSpace(v);
                if (Vector256.GreaterThanAny(v, asciiMax))
                    ws |= NonAsciiWhiteSpace(v);
                var wsMask = ws.ExtractMostSignificantBits();           // bit k set = char k is whitespace
                var nonWs = ~wsMask & 0xFFFFu;
                var prevMask = (wsMask << 1) | (prevSpace ? 1u : 0u);  // whitespace before char k
                words += System.Numerics.BitOperations.PopCount(nonWs & prevMask);
                var lfMask = Vector256.Equals(v, newline).ExtractMostSignificantBits();
                if (lfMask != 0)
                {
                    if (positions is not null)
                    {
                        if (lf + 16 > positions.Length) Array.Resize(ref positions, Math.Max(positions.Length * 2, lf + 16));
                        for (var m = lfMask; m != 0; m &= m - 1)
                            positions[lf++] = i + System.Numerics.BitOperations.TrailingZeroCount(m);
                    }
                    else
                    {
                        lf += System.Numerics.BitOperations.PopCount(lfMask);
                    }
                }
                prevSpace = (wsMask & 0x8000u) != 0;
                i += Vector256<ushort>.Count;
            }
        }
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (positions is not null)
                {
                    if (lf >= positions.Length) Array.Resize(ref positions, Math.Max(positions.Length * 2, 16));
                    positions[lf] = i;
                }
                lf++;
            }
            var isSpace = IsWhiteSpace(c);
            if (!isSpace && prevSpace) words++;
            prevSpace = isSpace;
        }
        newlines = lf;
        return words;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> and returns its word count, reading the
    /// text once (for building an output while counting its words).
    /// </summary>
    public static int CopyAndCountWords(ReadOnlySpan<char> source, Span<char> destination)
    {
        if (destination.Length < source.Length) throw new ArgumentException("destination too short", nameof(destination));
        var words = 0;
        var i = 0;
        var prevSpace = true;
        if (Avx2.IsSupported && source.Length >= 32)
        {
            ref var src = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(source));
            ref var dst = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(destination));
            var last = source.Length - 32;
            var carry = 1u;
            while (i <= last)
            {
                Vector256.LoadUnsafe(ref src, (nuint)i).StoreUnsafe(ref dst, (nuint)i);
                Vector256.LoadUnsafe(ref src, (nuint)i + 16).StoreUnsafe(ref dst, (nuint)i + 16);
                var wsMask = WhiteSpaceMask32(ref src, (nuint)i, out _);
                words += System.Numerics.BitOperations.PopCount(~wsMask & ((wsMask << 1) | carry));
                carry = wsMask >> 31;
                i += 32;
            }
            prevSpace = carry != 0;
        }
        if (Vector256.IsHardwareAccelerated && source.Length - i >= Vector256<ushort>.Count)
        {
            ref var src = ref Unsafe.As<char, ushort>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source));
            ref var dst = ref Unsafe.As<char, ushort>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination));
            var last = source.Length - Vector256<ushort>.Count;
            var asciiMax = Vector256.Create((ushort)0x7f);
            while (i <= last)
            {
                var v = Vector256.LoadUnsafe(ref src, (nuint)i);
                v.StoreUnsafe(ref dst, (nuint)i);
                var ws = AsciiWhiteSpace(v);
                if (Vector256.GreaterThanAny(v, asciiMax)) ws |= NonAsciiWhiteSpace(v);
                var wsMask = ws.ExtractMostSignificantBits();
                var prevMask = (wsMask << 1) | (prevSpace ? 1u : 0u);
                words += System.Numerics.BitOperations.PopCount(~wsMask & 0xFFFFu & prevMask);
                prevSpace = (wsMask & 0x8000u) != 0;
                i += Vector256<ushort>.Count;
            }
        }
        for (; i < source.Length; i++)
        {
            var c = source[i];
            destination[i] = c;
            var isSpace = IsWhiteSpace(c);
            if (!isSpace && prevSpace) words++;
            prevSpace = isSpace;
        }
        return words;
    }

    /// <summary>
    /// Whitespace (bit k: character i + k) and <c>\n</c> masks of the 32 characters at <paramref name="i"/>. The
    /// characters are narrowed to bytes with unsigned saturation (U+0100–U+7FFF become 0xFF, U+8000 and above 0x00,
    /// neither whitespace), so one byte compare chain covers 32 characters; the few whitespace characters above U+00FF
    /// (U+1680 and up) are checked on the 16-bit lanes only when a block holds a character that high.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WhiteSpaceMask32(ref ushort text, nuint i, out uint lfMask)
    {
        var v0 = Vector256.LoadUnsafe(ref text, i);
        var v1 = Vector256.LoadUnsafe(ref text, i + 16);
        // vpackuswb packs per 128-bit lane: reorder the quadwords to restore character order.
        var b = Avx2.Permute4x64(Avx2.PackUnsignedSaturate(v0.AsInt16(), v1.AsInt16()).AsUInt64(), 0b11_01_10_00).AsByte();
        var ws = Vector256.Equals(b, Vector256.Create((byte)' '))
            | Vector256.LessThanOrEqual(b - Vector256.Create((byte)'\t'), Vector256.Create((byte)('\r' - '\t')))
            | Vector256.LessThanOrEqual(b - Vector256.Create((byte)0x1c), Vector256.Create((byte)3))
            | Vector256.Equals(b, Vector256.Create((byte)0x85))
            | Vector256.Equals(b, Vector256.Create((byte)0xa0));
        if (Vector256.GreaterThanAny(Vector256.Max(v0, v1), Vector256.Create((ushort)0x167f)))
        {
            var high = Avx2.PackSignedSaturate(NonAsciiWhiteSpace(v0).AsInt16(), NonAsciiWhiteSpace(v1).AsInt16());
            ws |= Avx2.Permute4x64(high.AsUInt64(), 0b11_01_10_00).AsByte();
        }
        lfMask = Vector256.Equals(b, Vector256.Create((byte)'\n')).ExtractMostSignificantBits();
        return ws.ExtractMostSignificantBits();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> AsciiWhiteSpace(Vector256<ushort> v) =>
        Vector256.Equals(v, Vector256.Create((ushort)' '))
        | Vector256.LessThanOrEqual(v - Vector256.Create((ushort)'\t'), Vector256.Create((ushort)('\r' - '\t')))
        | Vector256.LessThanOrEqual(v - Vector256.Create((ushort)0x1c), Vector256.Create((ushort)3));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> NonAsciiWhiteSpace(Vector256<ushort> v) =>
        Vector256.Equals(v, Vector256.Create((ushort)0x85))
        | Vector256.Equals(v, Vector256.Create((ushort)0xa0))
        | Vector256.Equals(v, Vector256.Create((ushort)0x1680))
        | Vector256.LessThanOrEqual(v - Vector256.Create((ushort)0x2000), Vector256.Create((ushort)0x0a))
        | Vector256.Equals(v, Vector256.Create((ushort)0x2028))
        | Vector256.Equals(v, Vector256.Create((ushort)0x2029))
        | Vector256.Equals(v, Vector256.Create((ushort)0x202f))
        | Vector256.Equals(v, Vector256.Create((ushort)0x205f))
        | Vector256.Equals(v, Vector256.Create((ushort)0x3000));

    /// <summary>Python <c>str.strip()</c> (whitespace) of a span.</summary>
    public static ReadOnlySpan<char> Strip(ReadOnlySpan<char> s)
    {
        var a = 0;
        var b = s.Length;
        while (a < b && IsWhiteSpace(s[a])) a++;
        while (b > a && IsWhiteSpace(s[b - 1])) b--;
        return s[a..b];
    }

    /// <summary>
    /// Python <c>int(s)</c> for base 10: surrounding whitespace, one sign, decimal digits (any Unicode Nd digit) with
    /// single underscores between digits. Values beyond <see cref="long"/> saturate (only their order matters).
    /// </summary>
    public static bool TryParseInt(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        s = Strip(s);
        if (s.IsEmpty) return false;
        var negative = false;
        var i = 0;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        if (i >= s.Length) return false;
        var magnitude = 0UL;
        var saturated = false;
        var prevDigit = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            int d;
            if ((uint)(c - '0') <= 9) d = c - '0';
            else if (c == '_')
            {
                if (!prevDigit || i + 1 >= s.Length) return false;
                prevDigit = false;
                continue;
            }
            else if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var pair = new string([c, s[i + 1]]);
                if (CharUnicodeInfo.GetUnicodeCategory(pair, 0) != UnicodeCategory.DecimalDigitNumber) return false;
                d = CharUnicodeInfo.GetDecimalDigitValue(pair, 0);
                i++;
            }
            else
            {
                // Python accepts any Unicode decimal digit (category Nd), not superscripts or other numerals.
                if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.DecimalDigitNumber) return false;
                d = CharUnicodeInfo.GetDecimalDigitValue(c);
            }
            prevDigit = true;
            if (!saturated)
            {
                if (magnitude > (ulong.MaxValue - 9) / 10) saturated = true;
                else magnitude = magnitude * 10 + (ulong)d;
            }
        }
        if (!prevDigit) return false;
        if (saturated || magnitude > long.MaxValue) value = negative ? long.MinValue : long.MaxValue;
        else value = negative ? -(long)magnitude : (long)magnitude;
        return true;
    }
}
