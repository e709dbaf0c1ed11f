using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
    public static int CountWords(ReadOnlySpan<char> text) => CountWordsAndNewlines(text, out _);

    /// <summary>
    /// Words (as <see cref="CountWords"/>) and <c>\n</c> characters in one pass over the text.
    /// </summary>
    public static int CountWordsAndNewlines(ReadOnlySpan<char> text, out int newlines)
    {
        var words = 0;
        var lf = 0;
        var i = 0;
        var prevSpace = true;
        if (Vector256.IsHardwareAccelerated && text.Length >= Vector256<ushort>.Count)
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
                lf += System.Numerics.BitOperations.PopCount(Vector256.Equals(v, newline).ExtractMostSignificantBits());
                prevSpace = (wsMask & 0x8000u) != 0;
                i += Vector256<ushort>.Count;
            }
        }
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n') lf++;
            var isSpace = IsWhiteSpace(c);
            if (!isSpace && prevSpace) words++;
            prevSpace = isSpace;
        }
        newlines = lf;
        return words;
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
