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

        var classes = AsciiClasses;
        bool inWord = false, wordHasLetter = false;
        int words = 0, wordChars = 0, letters = 0, upper = 0, digits = 0, separators = 0, alphabetic = 0, hashes = 0, ellipses = 0;
        for (int i = 0; i < t.Length; i++)
        {
            char c = t[i];
            int k = c < 128 ? classes[c] : Classify(c);
            if (k == Space)
            {
                if (inWord && wordHasLetter) alphabetic++;
                inWord = false;
                continue;
            }
            if (!inWord) { inWord = true; wordHasLetter = false; words++; }
            wordChars++;
            if (k == 0) continue;
            if ((k & Letter) != 0)
            {
                letters++;
                wordHasLetter = true;
                upper += k >> 2; // Upper is bit 2 and Letter|Upper = 6: 1 for an upper-case letter
            }
            else if (k == Digit) digits++;
            else if (k == Separator) separators++;
            else if (k == Hash) hashes++;
            else if (k == Ellipsis) ellipses++;
            else if ((i == 0 || t[i - 1] != '.') && i + 2 < t.Length && t[i + 1] == '.' && t[i + 2] == '.') ellipses++;
        }
        if (inWord && wordHasLetter) alphabetic++;
        p.Words = words; p.WordChars = wordChars; p.Letters = letters; p.Upper = upper; p.Digits = digits;
        p.Separators = separators; p.AlphabeticWords = alphabetic; p.Hashes = hashes; p.Ellipses = ellipses;
        p.EndsEllipsis = t.EndsWith("...") || t[^1] == '…';
        p.EndsTerminal = IsTerminal(t[^1]) && !p.EndsEllipsis;
        p.StartsBullet = IsBullet(t[0]);
        return p;
    }

    /// <summary>Item separators of navigation bars and breadcrumbs.</summary>
    public static bool IsSeparator(char c) => c is '|' or '»' or '›' or '•' or '·' or '►' or '▸' or '→' or '¦' or '‹' or '«';

    /// <summary>Terminal punctuation (sentence end, closing quote).</summary>
    public static bool IsTerminal(char c) => c is '.' or '!' or '?' or '"' or '\'' or '”' or '’' or '。' or '！' or '？';

    /// <summary>Bullet characters a list line starts with.</summary>
    public static bool IsBullet(char c) => c is '•' or '-' or '*' or '‣' or '⁃' or '◦' or '●' or '▪' or '–' or '·' or '►';
}
