using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Prox.Programs;

/// <summary>Which code a vectorized helper may use (tests force the portable and scalar paths on any machine).</summary>
internal enum SimdPath
{
    /// <summary>The fastest the hardware supports (AVX2 on x64, else 128-bit vectors, else scalar).</summary>
    Best,
    /// <summary>The portable 128-bit path (what ARM64 and x64 without AVX2 run); scalar where not accelerated.</summary>
    Vector128,
    /// <summary>Plain scalar code (the oracle the vector paths are checked against).</summary>
    Scalar,
}

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
    public static int CountWords(ReadOnlySpan<char> text, ref bool prevSpace) => CountWords(text, ref prevSpace, SimdPath.Best);

    /// <summary><see cref="CountWords(ReadOnlySpan{char}, ref bool)"/> on the given code path (tests force each one).</summary>
    internal static int CountWords(ReadOnlySpan<char> text, ref bool prevSpace, SimdPath path)
    {
        var words = 0;
        var i = 0;
        var prev = prevSpace;
        // A block's whitespace mask (bit k: character k) gives its word starts at once: non-whitespace bits whose
        // previous bit (the carry from the block before, for bit 0) is whitespace.
        if (path == SimdPath.Best && Avx2.IsSupported && text.Length >= 32)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var last = text.Length - 32;
            var carry = prev ? 1u : 0u;
            while (i <= last)
            {
                var wsMask = WhiteSpaceMask32(ref start, (nuint)i);
                words += BitOperations.PopCount(~wsMask & ((wsMask << 1) | carry));
                carry = wsMask >> 31;
                i += 32;
            }
            prev = carry != 0;
        }
        else if (path != SimdPath.Scalar && Vector128.IsHardwareAccelerated && text.Length >= 16)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var last = text.Length - 16;
            var carry = prev ? 1u : 0u;
            while (i <= last)
            {
                var wsMask = WhiteSpaceMask16(ref start, (nuint)i);
                words += BitOperations.PopCount(~wsMask & 0xFFFFu & ((wsMask << 1) | carry));
                carry = wsMask >> 15;
                i += 16;
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
    /// Counts the <c>\n</c> of <paramref name="text"/> and finds where a few of them are: for each of the ascending
    /// newline indices in <paramref name="targets"/> (0 = the first newline), the offset of that newline in
    /// <paramref name="positions"/>, or -1 when the text has no such newline (negative targets included). One
    /// branch-light pass: a block of characters becomes one bit mask whose population count advances the running count.
    /// </summary>
    public static int LocateNewlines(ReadOnlySpan<char> text, ReadOnlySpan<long> targets, Span<int> positions) =>
        LocateNewlines(text, targets, positions, SimdPath.Best);

    /// <summary><see cref="LocateNewlines(ReadOnlySpan{char}, ReadOnlySpan{long}, Span{int})"/> on the given code path.</summary>
    internal static int LocateNewlines(ReadOnlySpan<char> text, ReadOnlySpan<long> targets, Span<int> positions, SimdPath path)
    {
        var count = 0;
        var t = 0;
        while (t < targets.Length && targets[t] < 0) positions[t++] = -1;
        var next = t < targets.Length ? targets[t] : long.MaxValue;
        var i = 0;
        if (path == SimdPath.Best && Avx2.IsSupported && text.Length >= 32)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var last = text.Length - 32;
            var lf = Vector256.Create((ushort)'\n');
            while (i <= last)
            {
                var e0 = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), lf).AsInt16();
                var e1 = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i + 16), lf).AsInt16();
                var mask = Avx2.Permute4x64(Avx2.PackSignedSaturate(e0, e1).AsUInt64(), 0b11_01_10_00).AsByte().ExtractMostSignificantBits();
                Consume(mask, i, ref count, ref t, ref next, targets, positions);
                i += 32;
            }
        }
        else if (path != SimdPath.Scalar && Vector128.IsHardwareAccelerated && text.Length >= 16)
        {
            ref var start = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
            var last = text.Length - 16;
            var lf = Vector128.Create((ushort)'\n');
            while (i <= last)
            {
                // Equal lanes are 0xFFFF: narrowing keeps 0xFF, so one byte mask covers 16 characters.
                var e0 = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)i), lf);
                var e1 = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)i + 8), lf);
                Consume(Vector128.Narrow(e0, e1).ExtractMostSignificantBits(), i, ref count, ref t, ref next, targets, positions);
                i += 16;
            }
        }
        for (; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            if (next == count)
            {
                positions[t++] = i;
                next = t < targets.Length ? targets[t] : long.MaxValue;
            }
            count++;
        }
        for (; t < targets.Length; t++) positions[t] = -1;
        return count;
    }

    /// <summary>Adds a block's newlines (bit k: character <paramref name="i"/> + k) to the count, locating the wanted ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Consume(uint mask, int i, ref int count, ref int t, ref long next, ReadOnlySpan<long> targets, Span<int> positions)
    {
        var c = BitOperations.PopCount(mask);
        while (next < count + c)
        {
            // The wanted newline is in this block: drop the lower set bits before it.
            var m = mask;
            for (var k = next - count; k > 0; k--) m &= m - 1;
            positions[t++] = i + BitOperations.TrailingZeroCount(m);
            next = t < targets.Length ? targets[t] : long.MaxValue;
        }
        count += c;
    }

    /// <summary>
    /// Whitespace mask (bit k: character i + k) of the 32 characters at <paramref name="i"/>. The characters are
    /// narrowed to bytes with unsigned saturation (U+0100–U+7FFF become 0xFF, U+8000 and above 0x00, neither
    /// whitespace), so one byte compare chain covers 32 characters; the few whitespace characters above U+00FF
    /// (U+1680 and up) are checked on the 16-bit lanes only when a block holds a character that high.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WhiteSpaceMask32(ref ushort text, nuint i)
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
        return ws.ExtractMostSignificantBits();
    }

    /// <summary>
    /// The portable 16-character form of <see cref="WhiteSpaceMask32"/> (ARM64, x64 without AVX2): the characters are
    /// capped at 0xFF (not whitespace) and narrowed to bytes with the cross-platform vector API.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WhiteSpaceMask16(ref ushort text, nuint i)
    {
        var v0 = Vector128.LoadUnsafe(ref text, i);
        var v1 = Vector128.LoadUnsafe(ref text, i + 8);
        var cap = Vector128.Create((ushort)0xff);
        var b = Vector128.Narrow(Vector128.Min(v0, cap), Vector128.Min(v1, cap));
        var ws = Vector128.Equals(b, Vector128.Create((byte)' '))
            | Vector128.LessThanOrEqual(b - Vector128.Create((byte)'\t'), Vector128.Create((byte)('\r' - '\t')))
            | Vector128.LessThanOrEqual(b - Vector128.Create((byte)0x1c), Vector128.Create((byte)3))
            | Vector128.Equals(b, Vector128.Create((byte)0x85))
            | Vector128.Equals(b, Vector128.Create((byte)0xa0));
        if (Vector128.GreaterThanAny(Vector128.Max(v0, v1), Vector128.Create((ushort)0x167f)))
            ws |= Vector128.Narrow(NonAsciiWhiteSpace(v0), NonAsciiWhiteSpace(v1)); // 0xFFFF lanes narrow to 0xFF
        return ws.ExtractMostSignificantBits();
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ushort> NonAsciiWhiteSpace(Vector128<ushort> v) =>
        Vector128.Equals(v, Vector128.Create((ushort)0x1680))
        | Vector128.LessThanOrEqual(v - Vector128.Create((ushort)0x2000), Vector128.Create((ushort)0x0a))
        | Vector128.Equals(v, Vector128.Create((ushort)0x2028))
        | Vector128.Equals(v, Vector128.Create((ushort)0x2029))
        | Vector128.Equals(v, Vector128.Create((ushort)0x202f))
        | Vector128.Equals(v, Vector128.Create((ushort)0x205f))
        | Vector128.Equals(v, Vector128.Create((ushort)0x3000));

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
