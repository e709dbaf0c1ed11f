using System.Globalization;
using System.Runtime.CompilerServices;

namespace Prox.Text;

/// <summary>The pre-tokenizer regex of a tiktoken encoding, as Microsoft.ML.Tokenizers 2.0.1 builds it.</summary>
internal enum TiktokenPattern
{
    /// <summary>r50k / gpt2.</summary>
    Gpt2,

    /// <summary>cl100k_base.</summary>
    Cl100k,

    /// <summary>o200k_base.</summary>
    O200k,
}

/// <summary>
/// A hand-written scanner that cuts text into exactly the pieces of the pre-tokenizer regex of a tiktoken encoding, so
/// that each piece can be BPE-encoded (or looked up in a cache) on its own; written from the regexes' semantics rather than
/// run through <see cref="System.Text.RegularExpressions.Regex"/>, which is the largest cost of the library's counting.
/// </summary>
/// <remarks>
/// <para>The library (Microsoft.ML.Tokenizers 2.0.1, <c>RegexPreTokenizer</c>) first cuts out special tokens, then, within
/// each stretch between them, repeatedly takes the first regex match of the remaining text. Every character is matched
/// by some branch, so each match starts where the previous one ended, and the anchors (<c>$</c>, lookaheads) see the end
/// of the stretch as the end of input. <see cref="NextEnd"/> returns the end of the match that starts at a position;
/// the branches below are tried in the regex's order, with .NET's backtracking (or atomic/possessive) semantics.</para>
/// <para>Character classes are decided per UTF-16 code unit, as .NET's regex engine does: a surrogate half is neither
/// <c>\p{L}</c> nor <c>\p{N}</c> nor <c>\s</c>, so an astral letter counts as "other". <c>\s</c> is
/// <see cref="char.IsWhiteSpace(char)"/>. The case-insensitive contractions (<c>(?i:...)</c>) match only the ASCII case
/// pairs of their letters (checked against the library's compiled regex: no long s, no Kelvin sign).</para>
/// <para>Regexes (as read from the library's <c>RegexPreTokenizer</c> at run time):</para>
/// <list type="bullet">
/// <item>gpt2: <c>'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)$|\s+(?!\S)|\s</c></item>
/// <item>cl100k_base: <c>'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)$|\s*[\r\n]|\s+(?!\S)|\s</c></item>
/// <item>o200k_base: <c>[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+</c></item>
/// </list>
/// <para>The tests compare the pieces with the library's pre-tokenizer on the shared corpus and on random adversarial text.</para>
/// </remarks>
internal static class TiktokenSplitter
{
    // Character class bits, one byte per UTF-16 code unit (a 64 KB table built once from CharUnicodeInfo, the data the
    // regex engine uses too).
    private const byte L = 1;        // \p{L}
    private const byte N = 2;        // \p{N}
    private const byte S = 4;        // \s
    private const byte NL = 8;       // \r or \n
    private const byte Up = 16;      // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (o200k's "upper" run)
    private const byte Low = 32;     // [\p{Ll}\p{Lm}\p{Lo}\p{M}] (o200k's "lower" run)
    private const byte Other = 64;   // [^\s\p{L}\p{N}]
    private const byte Prefix = 128; // [^\r\n\p{L}\p{N}]: the optional one-character prefix of a letter run

    private static readonly byte[] Classes = BuildClasses();

    private static byte[] BuildClasses()
    {
        var classes = new byte[char.MaxValue + 1];
        for (int i = 0; i <= char.MaxValue; i++)
        {
            char c = (char)i;
            int bits = 0;
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (char.IsLetter(c)) bits |= L;
            if (char.IsNumber(c)) bits |= N;
            if (char.IsWhiteSpace(c)) bits |= S;
            if (c is '\r' or '\n') bits |= NL;
            if (category is UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
                or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.EnclosingMark) bits |= Up;
            if (category is UnicodeCategory.LowercaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
                or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark) bits |= Low;
            if ((bits & (L | N | S)) == 0) bits |= Other;
            if ((bits & (L | N | NL)) == 0) bits |= Prefix;
            classes[i] = (byte)bits;
        }
        return classes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Class(char c) => Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(Classes), (nint)c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Is(ReadOnlySpan<char> s, int i, int bits) => (uint)i < (uint)s.Length && (Class(s[i]) & bits) != 0;

    /// <summary>End of the pre-tokenizer match that starts at <paramref name="start"/> (&lt; length) of a special-token-free stretch.</summary>
    public static int NextEnd(TiktokenPattern pattern, ReadOnlySpan<char> text, int start) => pattern switch
    {
        TiktokenPattern.Cl100k => NextCl100k(text, start),
        TiktokenPattern.O200k => NextO200k(text, start),
        _ => NextGpt2(text, start),
    };

    /// <summary>One cl100k_base match; see the class remarks for the regex.</summary>
    public static int NextCl100k(ReadOnlySpan<char> s, int p)
    {
        int n = s.Length;
        char c = s[p];
        int cls = Class(c);
        // '(?i:[sdmt]|ll|ve|re)
        if (c == '\'' && Contraction(s, p) is > 0 and var contraction) return p + contraction;
        // (?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+): the prefix is atomic, so once taken a letter must follow it.
        int q = (cls & Prefix) != 0 ? p + 1 : p;
        if (Is(s, q, L))
        {
            q++;
            while (Is(s, q, L)) q++;
            return q;
        }
        // (?>\p{N}{1,3})
        if ((cls & N) != 0)
        {
            q = p + 1;
            if (Is(s, q, N)) q++;
            if (Is(s, q, N)) q++;
            return q;
        }
        // ' ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)': an unmatched optional space leaves a space, which is not "other".
        q = c == ' ' ? p + 1 : p;
        if (Is(s, q, Other))
        {
            q++;
            while (Is(s, q, Other)) q++;
            while (Is(s, q, NL)) q++;
            return q;
        }
        // Only whitespace is left: c is \s. Let [p, r) be the whitespace run.
        int r = p + 1, lastNewLine = (cls & NL) != 0 ? p : -1;
        for (; r < n && (Class(s[r]) & S) != 0; r++)
            if ((Class(s[r]) & NL) != 0) lastNewLine = r;
        // (?>\s+)$: the run reaches the end of the stretch.
        if (r == n) return n;
        // \s*[\r\n]: backtracks to the last line break of the run.
        if (lastNewLine >= 0) return lastNewLine + 1;
        // \s+(?!\S): all but the run's last character, when that leaves one.
        if (r - p >= 2) return r - 1;
        // \s
        return p + 1;
    }

    /// <summary>One o200k_base match; see the class remarks for the regex.</summary>
    public static int NextO200k(ReadOnlySpan<char> s, int p)
    {
        int n = s.Length;
        char c = s[p];
        int cls = Class(c);
        // Both letter branches need a letter or mark at p, or a prefix character at p and a letter or mark after it.
        bool prefix = (cls & Prefix) != 0;
        if ((cls & (Up | Low)) != 0 || (prefix && Is(s, p + 1, Up | Low)))
        {
            // Branch 1, [^\r\n\p{L}\p{N}]?[Up]*[Low]+(contraction)?, then branch 2, [^\r\n\p{L}\p{N}]?[Up]+[Low]*(contraction)?:
            // each tried first with the optional prefix taken (when the character qualifies), then without it.
            if (prefix && UpperLower(s, p + 1) is > 0 and var e1) return e1;
            if (UpperLower(s, p) is > 0 and var e2) return e2;
            if (prefix && UpperThenLower(s, p + 1) is > 0 and var e3) return e3;
            if (UpperThenLower(s, p) is > 0 and var e4) return e4;
        }
        // \p{N}{1,3}
        if ((cls & N) != 0)
        {
            int q = p + 1;
            if (Is(s, q, N)) q++;
            if (Is(s, q, N)) q++;
            return q;
        }
        // ' ?[^\s\p{L}\p{N}]+[\r\n/]*'
        {
            int q = c == ' ' ? p + 1 : p;
            if (Is(s, q, Other))
            {
                q++;
                while (Is(s, q, Other)) q++;
                while ((uint)q < (uint)n && (s[q] is '\r' or '\n' or '/')) q++;
                return q;
            }
        }
        // Only whitespace is left: [p, r) is the whitespace run.
        int r = p + 1, lastNewLine = (cls & NL) != 0 ? p : -1;
        for (; r < n && (Class(s[r]) & S) != 0; r++)
            if ((Class(s[r]) & NL) != 0) lastNewLine = r;
        // \s*[\r\n]+: \s* gives back characters until [\r\n]+ can match, at the run's last line break (which ends the match,
        // as no line break follows it inside the run).
        if (lastNewLine >= 0) return lastNewLine + 1;
        // \s+(?!\S): the whole run at the end of the stretch, else all but its last character when that leaves one.
        if (r == n) return n;
        if (r - p >= 2) return r - 1;
        // \s+ (a single whitespace character before a non-space)
        return r;
    }

    /// <summary>
    /// [Up]*[Low]+ then an optional contraction, from <paramref name="s0"/>; the match end, or 0. The greedy [Up]* gives back
    /// characters until [Low]+ can start (characters of \p{Lm}, \p{Lo} and \p{M} are in both sets).
    /// </summary>
    private static int UpperLower(ReadOnlySpan<char> s, int s0)
    {
        int k = s0;
        while (Is(s, k, Up)) k++;
        for (int j = k; j >= s0; j--)
        {
            if (!Is(s, j, Low)) continue;
            int e = j + 1;
            while (Is(s, e, Low)) e++;
            return e + ContractionO200k(s, e);
        }
        return 0;
    }

    /// <summary>[Up]+[Low]* then an optional contraction, from <paramref name="s0"/>; the match end, or 0.</summary>
    private static int UpperThenLower(ReadOnlySpan<char> s, int s0)
    {
        if (!Is(s, s0, Up)) return 0;
        int e = s0 + 1;
        while (Is(s, e, Up)) e++;
        while (Is(s, e, Low)) e++;
        return e + ContractionO200k(s, e);
    }

    /// <summary>Length of <c>(?i:'s|'t|'re|'ve|'m|'ll|'d)</c> at <paramref name="i"/>, or 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ContractionO200k(ReadOnlySpan<char> s, int i) =>
        (uint)i < (uint)s.Length && s[i] == '\'' ? Contraction(s, i) : 0;

    /// <summary>
    /// Length of an English contraction at <paramref name="i"/> (which holds an apostrophe): <c>'s 't 'm 'd</c> (2) or
    /// <c>'ll 've 're</c> (3), ASCII case-insensitive; 0 when none. Both case-insensitive patterns accept this same set.
    /// </summary>
    private static int Contraction(ReadOnlySpan<char> s, int i)
    {
        if (i + 1 >= s.Length) return 0;
        // c | 0x20 equals an ASCII lower-case letter only for that letter and its upper case.
        int c1 = s[i + 1] | 0x20;
        if (c1 is 's' or 't' or 'm' or 'd') return 2;
        if (i + 2 >= s.Length) return 0;
        int c2 = s[i + 2] | 0x20;
        return (c1 == 'l' && c2 == 'l') || (c1 is 'v' or 'r' && c2 == 'e') ? 3 : 0;
    }

    /// <summary>One gpt2 match; see the class remarks for the regex.</summary>
    public static int NextGpt2(ReadOnlySpan<char> s, int p)
    {
        int n = s.Length;
        char c = s[p];
        // '(?:[sdmt]|ll|ve|re), case-sensitive.
        if (c == '\'' && p + 1 < n)
        {
            char c1 = s[p + 1];
            if (c1 is 's' or 'd' or 'm' or 't') return p + 2;
            if (p + 2 < n && ((c1 == 'l' && s[p + 2] == 'l') || (c1 is 'v' or 'r' && s[p + 2] == 'e'))) return p + 3;
        }
        // ' ?(?>\p{L}+)', ' ?(?>\p{N}+)', ' ?(?>[^\s\p{L}\p{N}]+)': an unmatched optional space leaves a space, which is none.
        int q = c == ' ' ? p + 1 : p;
        if ((uint)q < (uint)n)
        {
            int cls = Class(s[q]) & (L | N | Other);
            if (cls != 0)
            {
                q++;
                while (Is(s, q, cls)) q++;
                return q;
            }
        }
        // Whitespace: (?>\s+)$, then \s+(?!\S), then \s.
        int r = p + 1;
        while (Is(s, r, S)) r++;
        if (r == n) return n;
        return r - p >= 2 ? r - 1 : p + 1;
    }
}
