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
    /// character. Four lines are hashed side by side (four independent chains keep the multiplier busy): each round
    /// runs as many characters as the shortest remaining line has left, then hands a finished lane the next line.
    /// </summary>
    public LineProfile[] EnsureLineHashes()
    {
        var lines = Lines;
        if (_linesHashed) return lines;
        const ulong Basis = 14695981039346656037UL, Prime = 1099511628211UL;
        var text = Text.AsSpan();
        Span<int> line = stackalloc int[4], pos = stackalloc int[4], end = stackalloc int[4];
        Span<ulong> hash = stackalloc ulong[4];
        int next = 0, active = 0;
        // Fill the lanes with the first non-blank lines; a lane without a line stays at pos == end.
        for (int k = 0; k < 4; k++) active += Assign(lines, ref next, k, line, pos, end, hash) ? 1 : 0;
        while (active > 0)
        {
            int steps = int.MaxValue;
            for (int k = 0; k < 4; k++) if (line[k] >= 0) steps = Math.Min(steps, end[k] - pos[k]);
            if (active == 4)
            {
                ulong h0 = hash[0], h1 = hash[1], h2 = hash[2], h3 = hash[3];
                var s0 = text.Slice(pos[0], steps); var s1 = text.Slice(pos[1], steps);
                var s2 = text.Slice(pos[2], steps); var s3 = text.Slice(pos[3], steps);
                for (int j = 0; j < steps; j++)
                {
                    h0 = (h0 ^ s0[j]) * Prime; h1 = (h1 ^ s1[j]) * Prime;
                    h2 = (h2 ^ s2[j]) * Prime; h3 = (h3 ^ s3[j]) * Prime;
                }
                hash[0] = h0; hash[1] = h1; hash[2] = h2; hash[3] = h3;
            }
            else
            {
                for (int k = 0; k < 4; k++)
                {
                    if (line[k] < 0) continue;
                    ulong h = hash[k];
                    foreach (char c in text.Slice(pos[k], steps)) h = (h ^ c) * Prime;
                    hash[k] = h;
                }
            }
            for (int k = 0; k < 4; k++)
            {
                if (line[k] < 0) continue;
                pos[k] += steps;
                if (pos[k] < end[k]) continue;
                lines[line[k]].Hash = hash[k];
                if (!Assign(lines, ref next, k, line, pos, end, hash)) active--;
            }
        }
        _linesHashed = true;
        return lines;

        // Hands lane k the next non-blank line from `next` on (false, lane emptied, when there is none).
        static bool Assign(LineProfile[] lines, ref int next, int k, Span<int> line, Span<int> pos, Span<int> end, Span<ulong> hash)
        {
            while (next < lines.Length && lines[next].IsBlank) next++;
            if (next == lines.Length) { line[k] = -1; return false; }
            line[k] = next;
            pos[k] = lines[next].TrimStart;
            end[k] = lines[next].TrimStart + lines[next].TrimLength;
            hash[k] = Basis;
            next++;
            return true;
        }
    }

    public ReadOnlySpan<char> Trimmed(int line) => Text.AsSpan(Lines[line].TrimStart, Lines[line].TrimLength);

    public static TextProfile Analyze(string text)
    {
        var newlines = NewlineOffsets(text, out int count);
        var lines = new LineProfile[count + 1];
        int start = 0;
        for (int i = 0; i <= count; i++)
        {
            int end = i < count ? newlines[i] : text.Length;
            lines[i] = ProfileLine(text, start, end - start);
            start = end + 1;
        }
        return new TextProfile(text, lines);
    }

    [ThreadStatic] private static int[]? t_newlines;

    /// <summary>
    /// The offsets of every '\n' in <paramref name="text"/>, ascending, in this thread's buffer (<paramref name="count"/>
    /// of them): one vectorized pass with a bit per character, instead of a count and then one search per line.
    /// </summary>
    private static int[] NewlineOffsets(string text, out int count)
    {
        var offsets = t_newlines ??= new int[256];
        int n = 0, i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            ref ushort src = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text.AsSpan()));
            var newline = Vector128.Create((ushort)'\n');
            for (; i + 16 <= text.Length; i += 16)
            {
                uint mask = Vector128.Equals(Vector128.LoadUnsafe(ref src, (nuint)i), newline).ExtractMostSignificantBits()
                            | (Vector128.Equals(Vector128.LoadUnsafe(ref src, (nuint)i + 8), newline).ExtractMostSignificantBits() << 8);
                if (mask == 0) continue;
                if (n + 16 > offsets.Length) Array.Resize(ref offsets, 2 * offsets.Length);
                for (; mask != 0; mask &= mask - 1) offsets[n++] = i + BitOperations.TrailingZeroCount(mask);
            }
        }
        for (; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            if (n == offsets.Length) Array.Resize(ref offsets, 2 * offsets.Length);
            offsets[n++] = i;
        }
        t_newlines = offsets;
        count = n;
        return offsets;
    }

    // Character classes, in the priority order of the per-character tests below (white space, letter, digit,
    // separator, '#', '…', '.'); Upper only together with Letter. Each class is one bit, so a block's mask of a class
    // is one vector AND/compare away from its class bytes.
    private const byte Space = 1, Letter = 2, Upper = 4, Digit = 8, Separator = 16, Hash = 32, Ellipsis = 64, Dot = 128;

    /// <summary>
    /// The class of every UTF-16 code unit (64 KiB), computed once by <see cref="Classify"/>: a non-ASCII character
    /// costs one load instead of the <see cref="char"/> tests (about a third of the blocks of 16 characters of a
    /// Common Crawl page hold one).
    /// </summary>
    private static readonly byte[] Classes = BuildClasses();

    private static byte[] BuildClasses()
    {
        var table = new byte[char.MaxValue + 1];
        for (int c = 0; c <= char.MaxValue; c++) table[c] = Classify((char)c);
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

    private static bool IsSpace(char c) => Classes[c] == Space;

    /// <summary><see cref="char.IsWhiteSpace(char)"/>, through the class table (white space is the first class tested).</summary>
    internal static bool IsWhiteSpace(char c) => Classes[c] == Space;

    private static LineProfile ProfileLine(string text, int start, int length)
    {
        var p = new LineProfile { Start = start, Length = length };
        var span = text.AsSpan(start, length);
        int a = 0, b = span.Length;
        while (a < b && IsSpace(span[a])) a++;
        while (b > a && IsSpace(span[b - 1])) b--;
        p.TrimStart = start + a;
        p.TrimLength = b - a;
        var t = span[a..b];
        if (t.IsEmpty) return p;

        var c = new LineCounts();
        int at = 0;
        for (; at + 16 <= t.Length; at += 16) c.Block(t, at, t.Slice(at, 16), 0xFFFF);
        if (at < t.Length)
        {
            // The tail goes through the same block code: the 16 characters from there in the text (the rest of the
            // line and what follows it), or near the end of the text a copy padded with spaces; the lanes past the
            // line count as spaces — a space after the line's last word ends it just as the end of the line does.
            uint valid = (1u << (t.Length - at)) - 1;
            int from = p.TrimStart + at;
            if (from + 16 <= text.Length) c.Block(t, at, text.AsSpan(from, 16), valid);
            else
            {
                Span<char> padded = stackalloc char[16];
                padded.Fill(' ');
                t[at..].CopyTo(padded);
                c.Block(t, at, padded, valid);
            }
        }
        if (c.InWord && c.WordHasLetter) c.Alphabetic++;
        p.Words = c.Words; p.WordChars = c.WordChars; p.Letters = c.Letters; p.Upper = c.Upper; p.Digits = c.Digits;
        p.Separators = c.Separators; p.AlphabeticWords = c.Alphabetic; p.Hashes = c.Hashes; p.Ellipses = c.Ellipses;
        p.EndsEllipsis = t.EndsWith("...") || t[^1] == '…';
        p.EndsTerminal = IsTerminal(t[^1]) && !p.EndsEllipsis;
        p.StartsBullet = IsBullet(t[0]);
        return p;
    }

    /// <summary>
    /// Whether the SIMD ASCII masks agree with <see cref="Classify"/> on every ASCII character: white space is exactly
    /// \t…\r and ' ', letters A–Z/a–z (upper case A–Z), digits 0–9, and '|', '#', '.' the only ASCII separator, hash
    /// and dot. Checked once against the table; if the runtime's character data ever disagreed, every block would take
    /// its classes from the table.
    /// </summary>
    private static readonly bool AsciiMasks = BlockMasksMatchClasses();

    private static bool BlockMasksMatchClasses()
    {
        for (int c = 0; c < 128; c++)
        {
            byte expected = c == ' ' || (c >= 9 && c <= 13) ? Space
                : c is >= 'A' and <= 'Z' ? (byte)(Letter | Upper)
                : c is >= 'a' and <= 'z' ? Letter
                : c is >= '0' and <= '9' ? Digit
                : c == '|' ? Separator : c == '#' ? Hash : c == '.' ? Dot : (byte)0;
            if (Classes[c] != expected) return false;
        }
        return true;
    }

    /// <summary>
    /// The running counts of one line's profile and its state at the end of the last block: in a word, the word has a
    /// letter, the last character is a dot.
    /// </summary>
    private struct LineCounts
    {
        public int Words, WordChars, Letters, Upper, Digits, Separators, Alphabetic, Hashes, Ellipses;
        public bool InWord, WordHasLetter, PreviousDot;

        /// <summary>A '.' at <paramref name="i"/> that starts a run of at least three dots.</summary>
        private static bool IsEllipsisDots(ReadOnlySpan<char> t, int i) =>
            (i == 0 || t[i - 1] != '.') && i + 2 < t.Length && t[i + 1] == '.' && t[i + 2] == '.';

        /// <summary>
        /// The 16 characters <paramref name="block"/>, which are characters <paramref name="at"/> … at+15 of the
        /// trimmed line <paramref name="t"/> in the lanes set in <paramref name="valid"/> (the others, past the line's
        /// end, count as spaces whatever they hold): one bit per character
        /// for each class — from SIMD range tests when all 16 are ASCII, else from the class table — counted with
        /// popcount; the words are the runs of non-space bits, a run touching the block's ends continuing the word
        /// state across blocks. Dots are looked up in <paramref name="t"/> (a run of three may cross blocks).
        /// </summary>
        public void Block(ReadOnlySpan<char> t, int at, ReadOnlySpan<char> block, uint valid)
        {
            ref ushort src = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(block));
            var v0 = Vector128.LoadUnsafe(ref src);
            var v1 = Vector128.LoadUnsafe(ref src, 8);
            uint space, letter, upper, digit, separator, hash, ellipsis, dot;
            if (AsciiMasks && Vector128.IsHardwareAccelerated && ((v0 | v1) & Vector128.Create((ushort)0xFF80)) == Vector128<ushort>.Zero)
            {
                var b = Vector128.Narrow(v0, v1);
                space = (Vector128.Equals(b, Vector128.Create((byte)' '))
                         | Vector128.LessThanOrEqual(b - Vector128.Create((byte)9), Vector128.Create((byte)4))).ExtractMostSignificantBits();
                letter = Vector128.LessThanOrEqual((b | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)25)).ExtractMostSignificantBits();
                upper = Vector128.LessThanOrEqual(b - Vector128.Create((byte)'A'), Vector128.Create((byte)25)).ExtractMostSignificantBits();
                digit = Vector128.LessThanOrEqual(b - Vector128.Create((byte)'0'), Vector128.Create((byte)9)).ExtractMostSignificantBits();
                separator = Vector128.Equals(b, Vector128.Create((byte)'|')).ExtractMostSignificantBits();
                hash = Vector128.Equals(b, Vector128.Create((byte)'#')).ExtractMostSignificantBits();
                dot = Vector128.Equals(b, Vector128.Create((byte)'.')).ExtractMostSignificantBits();
                ellipsis = 0;
            }
            else
            {
                // Class bytes from the table, then one mask per class bit.
                var classes = Classes;
                Vector128<byte> cls = default;
                ref byte k = ref Unsafe.As<Vector128<byte>, byte>(ref cls);
                for (int i = 0; i < 16; i++) Unsafe.Add(ref k, i) = classes[block[i]];
                space = Vector128.Equals(cls, Vector128.Create(Space)).ExtractMostSignificantBits();
                letter = Vector128.Equals(cls & Vector128.Create(Letter), Vector128.Create(Letter)).ExtractMostSignificantBits();
                upper = Vector128.Equals(cls & Vector128.Create(TextProfile.Upper), Vector128.Create(TextProfile.Upper)).ExtractMostSignificantBits();
                digit = Vector128.Equals(cls, Vector128.Create(Digit)).ExtractMostSignificantBits();
                separator = Vector128.Equals(cls, Vector128.Create(Separator)).ExtractMostSignificantBits();
                hash = Vector128.Equals(cls, Vector128.Create(Hash)).ExtractMostSignificantBits();
                ellipsis = Vector128.Equals(cls, Vector128.Create(Ellipsis)).ExtractMostSignificantBits();
                dot = Vector128.Equals(cls, Vector128.Create(Dot)).ExtractMostSignificantBits();
            }

            // Lanes past the line's end count as spaces.
            space |= ~valid & 0xFFFF;
            letter &= valid; upper &= valid; digit &= valid; separator &= valid; hash &= valid; ellipsis &= valid; dot &= valid;

            uint ns = ~space & 0xFFFF;
            WordChars += BitOperations.PopCount(ns);
            Letters += BitOperations.PopCount(letter);
            Upper += BitOperations.PopCount(upper);
            Digits += BitOperations.PopCount(digit);
            Separators += BitOperations.PopCount(separator);
            Hashes += BitOperations.PopCount(hash);
            Ellipses += BitOperations.PopCount(ellipsis);

            // Runs of three or more dots, counted at their first dot: a dot after no dot (the previous block's last
            // character for bit 0) with dots at the next two bits. A run starting at bit 14 or 15 needs the next
            // block's characters: looked up in the line (rare).
            uint dotStarts = dot & ~((dot << 1) | (PreviousDot ? 1u : 0u));
            Ellipses += BitOperations.PopCount(dotStarts & (dot >> 1) & (dot >> 2));
            for (uint edge = dotStarts & 0xC000; edge != 0; edge &= edge - 1)
                if (IsEllipsisDots(t, at + BitOperations.TrailingZeroCount(edge))) Ellipses++;
            PreviousDot = (dot & 0x8000) != 0;

            // Words without a branch per word: bit 0 of x stands for the previous block's last character (in a word
            // or not), bits 1–16 for this block. A word starts at a non-space bit after a space bit.
            uint x = (ns << 1) | (InWord ? 1u : 0u);
            Words += BitOperations.PopCount(x & ~(x << 1) & ~1u);
            // Adding the letter bits (a subset of x) to x carries out of exactly the runs holding a letter, onto the
            // space bit just past the run's end: bits 1–16 are words with a letter that ended in this block, bit 17 the
            // word going on into the next block.
            uint y = (letter << 1) | (InWord && WordHasLetter ? 1u : 0u);
            uint carried = (x + y) & ~x;
            Alphabetic += BitOperations.PopCount(carried & 0x1FFFF);
            InWord = (ns & 0x8000) != 0;
            WordHasLetter = (carried & 0x20000) != 0;
        }
    }

    /// <summary>Item separators of navigation bars and breadcrumbs.</summary>
    public static bool IsSeparator(char c) => c is '|' or '»' or '›' or '•' or '·' or '►' or '▸' or '→' or '¦' or '‹' or '«';

    /// <summary>Terminal punctuation (sentence end, closing quote).</summary>
    public static bool IsTerminal(char c) => c is '.' or '!' or '?' or '"' or '\'' or '”' or '’' or '。' or '！' or '？';

    /// <summary>Bullet characters a list line starts with.</summary>
    public static bool IsBullet(char c) => c is '•' or '-' or '*' or '‣' or '⁃' or '◦' or '●' or '▪' or '–' or '·' or '►';
}
