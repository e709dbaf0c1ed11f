using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Buffers.Text;
using System.Text;

namespace Prox.Corpus;

/// <summary>Vectorized scanning and decoding of JSON strings in UTF-8 (the bulk of every corpus record).</summary>
internal static class JsonStrings
{
    /// <summary>
    /// Index of the first byte that ends a run of plain string content — <c>"</c>, <c>\\</c> or a control character
    /// (below 0x20) — or -1. Three compares per vector: document texts stop here at every <c>\\n</c> escape, so this
    /// runs on short spans, where a general <see cref="SearchValues{T}"/> lookup of 34 values costs several times more.
    /// </summary>
    internal static int IndexOfSpecial(ReadOnlySpan<byte> s) => IndexOfSpecial<byte>(s);

    /// <summary>The same scan over UTF-16 text: the first character JSON must escape, or -1.</summary>
    internal static int IndexOfSpecial(ReadOnlySpan<char> s) => IndexOfSpecial(MemoryMarshal.Cast<char, ushort>(s));

    private static int IndexOfSpecial<T>(ReadOnlySpan<T> s) where T : unmanaged, IBinaryInteger<T>
    {
        T quote = T.CreateTruncating('"'), backslash = T.CreateTruncating('\\'), space = T.CreateTruncating(0x20);
        ref T start = ref MemoryMarshal.GetReference(s);
        int i = 0, n = s.Length;
        if (Vector256.IsHardwareAccelerated && n >= Vector256<T>.Count)
        {
            Vector256<T> q = Vector256.Create(quote), b = Vector256.Create(backslash), sp = Vector256.Create(space);
            for (; i <= n - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                var hit = Vector256.Equals(v, q) | Vector256.Equals(v, b) | Vector256.LessThan(v, sp);
                if (hit != Vector256<T>.Zero) return i + BitOperations.TrailingZeroCount(hit.ExtractMostSignificantBits());
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<T> q = Vector128.Create(quote), b = Vector128.Create(backslash), sp = Vector128.Create(space);
            for (; i <= n - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                var v = Vector128.LoadUnsafe(ref start, (nuint)i);
                var hit = Vector128.Equals(v, q) | Vector128.Equals(v, b) | Vector128.LessThan(v, sp);
                if (hit != Vector128<T>.Zero) return i + BitOperations.TrailingZeroCount(hit.ExtractMostSignificantBits());
            }
        }
        for (; i < n; i++)
        {
            T c = Unsafe.Add(ref start, i);
            if (c == quote || c == backslash || c < space) return i;
        }
        return -1;
    }

    /// <summary>
    /// Validates the JSON string starting with the quote at <paramref name="start"/> and returns the index just past
    /// its closing quote, or -1 with <paramref name="error"/>. <paramref name="escaped"/> tells whether it has escapes.
    /// </summary>
    public static int Scan(ReadOnlySpan<byte> s, int start, out bool escaped, out string? error)
    {
        escaped = false;
        error = null;
        int pos = start + 1;
        while (true)
        {
            int i = IndexOfSpecial(s[pos..]);
            if (i < 0)
            {
                error = "unterminated string";
                return -1;
            }
            pos += i;
            byte b = s[pos];
            if (b == (byte)'"') return pos + 1;
            if (b < 0x20)
            {
                error = $"control character 0x{b:x2} inside a string at byte {pos}";
                return -1;
            }
            escaped = true;
            if (pos + 1 >= s.Length)
            {
                error = "unterminated string";
                return -1;
            }
            switch (s[pos + 1])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    pos += 2;
                    break;
                case (byte)'u' when pos + 5 < s.Length && IsHex(s[pos + 2]) && IsHex(s[pos + 3]) && IsHex(s[pos + 4]) && IsHex(s[pos + 5]):
                    pos += 6;
                    break;
                default:
                    error = $"invalid escape sequence at byte {pos}";
                    return -1;
            }
        }
    }

    /// <summary>The string value of the (validated) contents between the quotes; null for a lone surrogate escape.</summary>
    public static string? Decode(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped) return Encoding.UTF8.GetString(raw);
        byte[]? rented = null;
        Span<byte> buf = raw.Length <= 512 ? stackalloc byte[raw.Length] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            int n = Unescape(raw, buf);
            return n < 0 ? null : Encoding.UTF8.GetString(buf[..n]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // An escape is never shorter than what it decodes to (\uXXXX: 6 bytes → at most 3; a pair: 12 → 4), so the
    // output fits in raw.Length bytes.
    private static int Unescape(ReadOnlySpan<byte> raw, Span<byte> dst)
    {
        int o = 0;
        while (true)
        {
            int i = raw.IndexOf((byte)'\\');
            if (i < 0)
            {
                raw.CopyTo(dst[o..]);
                return o + raw.Length;
            }
            raw[..i].CopyTo(dst[o..]);
            o += i;
            byte e = raw[i + 1];
            if (e != (byte)'u')
            {
                dst[o++] = e switch { (byte)'b' => 8, (byte)'f' => 12, (byte)'n' => 10, (byte)'r' => 13, (byte)'t' => 9, _ => e };
                raw = raw[(i + 2)..];
                continue;
            }
            int cp = Hex4(raw[(i + 2)..]);
            raw = raw[(i + 6)..];
            if (char.IsHighSurrogate((char)cp))
            {
                if (raw.Length < 6 || raw[0] != (byte)'\\' || raw[1] != (byte)'u') return -1;
                int low = Hex4(raw[2..]);
                if (!char.IsLowSurrogate((char)low)) return -1;
                cp = char.ConvertToUtf32((char)cp, (char)low);
                raw = raw[6..];
            }
            else if (char.IsLowSurrogate((char)cp))
            {
                return -1;
            }
            o += new Rune(cp).EncodeToUtf8(dst[o..]);
        }
    }

    private static bool IsHex(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 5;

    private static int Hex4(ReadOnlySpan<byte> s)
    {
        int v = 0;
        for (int k = 0; k < 4; k++)
        {
            int b = s[k];
            v = (v << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }
        return v;
    }
}
