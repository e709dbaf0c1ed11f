using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Prox.Rules;

/// <summary>Character-class facts about one line, computed in one pass (no allocation beyond the array).</summary>
internal struct LineProfile
{
    /// <summary>Offset of the line in the document text.</summary>
    public int Start;
    /// <summary>Length of the line (without the <c>\n</c>; a <c>\r</c> stays part of it).</summary>
    public int Length;
    /// <summary>Offset and length of the line without leading/trailing white space.</summary>
    public int TrimStart, TrimLength;
    public int Words, WordChars, Letters, Digits, Upper, Separators, AlphabeticWords, Hashes, Ellipses;
    public bool EndsTerminal, EndsEllipsis, StartsBullet;
    /// <summary>FNV-1a of the trimmed text (0 for a blank line); only after <see cref="TextProfile.EnsureLineHashes"/>.</summary>
    public ulong Hash;

    public readonly bool IsBlank => TrimLength == 0;
}

/// <summary>Splits a document into lines (on <c>\n</c> only) and profiles each line.</summary>
internal sealed class TextProfile
{
    public string Text { get; }
    public LineProfile[] Lines { get; }
    public int TotalWords { get; }
    public int TotalWordChars { get; }
    public int NonBlankLines { get; }

    /// <summary>
    /// Per-line phrase bits (<see cref="LineRules"/> fills them for the whole text on first use, one scan per phrase
    /// group); <see cref="PhrasesScanned"/> says which groups are filled. A profile is only used by one thread at a time.
    /// </summary>
    internal byte[]? PhraseLines;

    /// <summary>The phrase groups already scanned into <see cref="PhraseLines"/>.</summary>
    internal int PhrasesScanned;

    private TextProfile(string text, LineProfile[] lines)
    {
        Text = text;
        Lines = lines;
        int words = 0, chars = 0, nonBlank = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            words += lines[i].Words;
            chars += lines[i].WordChars;
            if (!lines[i].IsBlank) nonBlank++;
        }
        TotalWords = words;
        TotalWordChars = chars;
        NonBlankLines = nonBlank;
    }

    /// <summary>The line holding the character at <paramref name="offset"/>, searching forward from line <paramref name="from"/>.</summary>
    public int LineAt(int offset, int from)
    {
        var lines = Lines;
        int i = from;
        while (i + 1 < lines.Length && lines[i + 1].Start <= offset) i++;
        return i;
    }

    private bool _linesHashed;

    /// <summary>
    /// Fills <see cref="LineProfile.Hash"/> of every line (once). Only the repetition rules compare lines, so the
    /// profile leaves the hash out until one of them asks: FNV-1a is a chain of dependent multiplications, one per
    /// character, and would otherwise set the pace of the whole profile.
    /// </summary>
    public LineProfile[] EnsureLineHashes()
    {
        var lines = Lines;
        if (_linesHashed) return lines;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].IsBlank) continue;
            ulong hash = 14695981039346656037UL;
            foreach (char c in Text.AsSpan(lines[i].TrimStart, lines[i].TrimLength)) hash = (hash ^ c) * 1099511628211UL;
            lines[i].Hash = hash;
        }
        _linesHashed = true;
        return lines;
    }

    public ReadOnlySpan<char> Trimmed(int line) => Text.AsSpan(Lines[line].TrimStart, Lines[line].TrimLength);

    public static TextProfile Analyze(string text)
    {
        int count = text.AsSpan().Count('\n') + 1;
        var lines = new LineProfile[count];
        int start = 0;
        for (int i = 0; i < count; i++)
        {
            int end = text.AsSpan(start).IndexOf('\n');
            end = end < 0 ? text.Length : start + end;
            lines[i] = ProfileLine(text, start, end - start);
            start = end + 1;
        }
        return new TextProfile(text, lines);
    }

    // Character classes, in the priority order of the per-character tests below (white space, letter, digit,
    // separator, '#', '…', '.'); Upper only together with Letter.
    private const byte Space = 1, Letter = 2, Upper = 4, Digit = 8, Separator = 16, Hash = 32, Ellipsis = 64, Dot = 128;

    /// <summary>The class of every ASCII character, computed once by the same tests <see cref="Classify"/> runs.</summary>
    private static readonly byte[] AsciiClasses = BuildAsciiClasses();

    private static byte[] BuildAsciiClasses()
    {
        var table = new byte[128];
        for (int c = 0; c < table.Length; c++) table[c] = Classify((char)c);
        return table;
    }

    /// <summary>The character class of <paramref name="c"/> (one of the class constants, <c>Letter|Upper</c>, or 0).</summary>
    private static byte Classify(char c)
    {
        if (char.IsWhiteSpace(c)) return Space;
        if (char.IsLetter(c)) return char.IsUpper(c) ? (byte)(Letter | Upper) : Letter;
        if (char.IsDigit(c)) return Digit;
        if (IsSeparator(c)) return Separator;
        if (c == '#') return Hash;
        if (c == '…') return Ellipsis;
        if (c == '.') return Dot;
        return 0;
    }

    private static LineProfile ProfileLine(string text, int start, int length)
    {
        var p = new LineProfile { Start = start, Length = length };
        var span = text.AsSpan(start, length);
        int a = 0, b = span.Length;
        while (a < b && char.IsWhiteSpace(span[a])) a++;
        while (b > a && char.IsWhiteSpace(span[b - 1])) b--;
        p.TrimStart = start + a;
        p.TrimLength = b - a;
        var t = span[a..b];
        if (t.IsEmpty) return p;

        var c = new LineCounts();
        int at = 0;
        if (VectorBlocks)
        {
            // Blocks of 16 ASCII characters through SIMD masks; a block holding another character, and the tail,
            // go through the per-character loop, which continues the same word state.
            for (; at + 16 <= t.Length; at += 16)
                if (!c.AsciiBlock(t, at)) c.Chars(t, at, at + 16);
        }
        c.Chars(t, at, t.Length);
        if (c.InWord && c.WordHasLetter) c.Alphabetic++;
        p.Words = c.Words; p.WordChars = c.WordChars; p.Letters = c.Letters; p.Upper = c.Upper; p.Digits = c.Digits;
        p.Separators = c.Separators; p.AlphabeticWords = c.Alphabetic; p.Hashes = c.Hashes; p.Ellipses = c.Ellipses;
        p.EndsEllipsis = t.EndsWith("...") || t[^1] == '…';
        p.EndsTerminal = IsTerminal(t[^1]) && !p.EndsEllipsis;
        p.StartsBullet = IsBullet(t[0]);
        return p;
    }

    /// <summary>
    /// Whether the SIMD block path agrees with <see cref="Classify"/> on every ASCII character: white space is exactly
    /// \t…\r and ' ', letters A–Z/a–z (upper case A–Z), digits 0–9, and '|', '#', '.' the only ASCII separator, hash
    /// and dot. Checked once against the table; if the runtime's character data ever disagreed, the per-character loop
    /// would do all the work.
    /// </summary>
    private static readonly bool VectorBlocks = Vector128.IsHardwareAccelerated && BlockMasksMatchClasses();

    private static bool BlockMasksMatchClasses()
    {
        for (int c = 0; c < 128; c++)
        {
            byte expected = c == ' ' || (c >= 9 && c <= 13) ? Space
                : c is >= 'A' and <= 'Z' ? (byte)(Letter | Upper)
                : c is >= 'a' and <= 'z' ? Letter
                : c is >= '0' and <= '9' ? Digit
                : c == '|' ? Separator : c == '#' ? Hash : c == '.' ? Dot : (byte)0;
            if (AsciiClasses[c] != expected) return false;
        }
        return true;
    }

    /// <summary>The running counts of one line's profile and its word state (in a word; the word has a letter).</summary>
    private struct LineCounts
    {
        public int Words, WordChars, Letters, Upper, Digits, Separators, Alphabetic, Hashes, Ellipses;
        public bool InWord, WordHasLetter;

        /// <summary>Characters <paramref name="from"/> … <paramref name="to"/>-1 of the trimmed line <paramref name="t"/>, one by one.</summary>
        public void Chars(ReadOnlySpan<char> t, int from, int to)
        {
            var classes = AsciiClasses;
            for (int i = from; i < to; i++)
            {
                char c = t[i];
                int k = c < 128 ? classes[c] : Classify(c);
                if (k == Space)
                {
                    if (InWord && WordHasLetter) Alphabetic++;
                    InWord = false;
                    continue;
                }
                if (!InWord) { InWord = true; WordHasLetter = false; Words++; }
                WordChars++;
                if (k == 0) continue;
                if ((k & Letter) != 0)
                {
                    Letters++;
                    WordHasLetter = true;
                    Upper += k >> 2; // Upper is bit 2 and Letter|Upper = 6: 1 for an upper-case letter
                }
                else if (k == Digit) Digits++;
                else if (k == Separator) Separators++;
                else if (k == Hash) Hashes++;
                else if (k == Ellipsis) Ellipses++;
                else if (IsEllipsisDots(t, i)) Ellipses++;
            }
        }

        /// <summary>A '.' at <paramref name="i"/> that starts a run of at least three dots.</summary>
        private static bool IsEllipsisDots(ReadOnlySpan<char> t, int i) =>
            (i == 0 || t[i - 1] != '.') && i + 2 < t.Length && t[i + 1] == '.' && t[i + 2] == '.';

        /// <summary>
        /// Characters <paramref name="at"/> … at+15 of <paramref name="t"/> when all are ASCII (else false, nothing
        /// counted): one bit per character for each class, counted with popcount; the words are the runs of non-space
        /// bits, a run touching the block's ends continuing the word state across blocks.
        /// </summary>
        public bool AsciiBlock(ReadOnlySpan<char> t, int at)
        {
            ref ushort src = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(t));
            var v0 = Vector128.LoadUnsafe(ref src, (nuint)at);
            var v1 = Vector128.LoadUnsafe(ref src, (nuint)at + 8);
            if (((v0 | v1) & Vector128.Create((ushort)0xFF80)) != Vector128<ushort>.Zero) return false;
            var b = Vector128.Narrow(v0, v1);
            uint space = (Vector128.Equals(b, Vector128.Create((byte)' '))
                          | Vector128.LessThanOrEqual(b - Vector128.Create((byte)9), Vector128.Create((byte)4))).ExtractMostSignificantBits();
            uint letter = Vector128.LessThanOrEqual((b | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)25)).ExtractMostSignificantBits();
            uint upper = Vector128.LessThanOrEqual(b - Vector128.Create((byte)'A'), Vector128.Create((byte)25)).ExtractMostSignificantBits();
            uint digit = Vector128.LessThanOrEqual(b - Vector128.Create((byte)'0'), Vector128.Create((byte)9)).ExtractMostSignificantBits();
            uint pipe = Vector128.Equals(b, Vector128.Create((byte)'|')).ExtractMostSignificantBits();
            uint hash = Vector128.Equals(b, Vector128.Create((byte)'#')).ExtractMostSignificantBits();
            uint dot = Vector128.Equals(b, Vector128.Create((byte)'.')).ExtractMostSignificantBits();

            uint ns = ~space & 0xFFFF;
            WordChars += BitOperations.PopCount(ns);
            Letters += BitOperations.PopCount(letter);
            Upper += BitOperations.PopCount(upper);
            Digits += BitOperations.PopCount(digit);
            Separators += BitOperations.PopCount(pipe);
            Hashes += BitOperations.PopCount(hash);
            for (; dot != 0; dot &= dot - 1)
                if (IsEllipsisDots(t, at + BitOperations.TrailingZeroCount(dot))) Ellipses++;

            // A word starts at a non-space bit whose previous character (the previous block's last, for bit 0) is space.
            Words += BitOperations.PopCount(ns & ~((ns << 1) | (InWord ? 1u : 0u)));
            if (InWord && (ns & 1) == 0)
            {
                if (WordHasLetter) Alphabetic++;
                InWord = false;
            }
            for (uint m = ns; m != 0;)
            {
                uint low = m & (0u - m);
                uint run = m & ~(m + low); // the lowest run of non-space bits
                bool has = (run & letter) != 0;
                if (low == 1 && InWord) has |= WordHasLetter; // the word from the previous block goes on
                if ((run & 0x8000) != 0) { InWord = true; WordHasLetter = has; } // and this one into the next block
                else if (has) Alphabetic++;
                m &= ~run;
            }
            if ((ns & 0x8000) == 0) InWord = false;
            return true;
        }
    }

    /// <summary>Item separators of navigation bars and breadcrumbs.</summary>
    public static bool IsSeparator(char c) => c is '|' or '»' or '›' or '•' or '·' or '►' or '▸' or '→' or '¦' or '‹' or '«';

    /// <summary>Terminal punctuation (sentence end, closing quote).</summary>
    public static bool IsTerminal(char c) => c is '.' or '!' or '?' or '"' or '\'' or '”' or '’' or '。' or '！' or '？';

    /// <summary>Bullet characters a list line starts with.</summary>
    public static bool IsBullet(char c) => c is '•' or '-' or '*' or '‣' or '⁃' or '◦' or '●' or '▪' or '–' or '·' or '►';
}
