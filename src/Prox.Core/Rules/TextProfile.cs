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

    public ReadOnlySpan<char> Trimmed(int line) => Text.AsSpan(Lines[line].TrimStart, Lines[line].TrimLength);

    public static TextProfile Analyze(string text)
    {
        int count = 1;
        foreach (var c in text.AsSpan()) if (c == '\n') count++;
        var lines = new LineProfile[count];
        int start = 0;
        for (int i = 0; i < count; i++)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            lines[i] = ProfileLine(text, start, end - start);
            start = end + 1;
        }
        return new TextProfile(text, lines);
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

        bool inWord = false, wordHasLetter = false;
        ulong hash = 14695981039346656037UL;
        for (int i = 0; i < t.Length; i++)
        {
            char c = t[i];
            hash = (hash ^ c) * 1099511628211UL;
            if (char.IsWhiteSpace(c))
            {
                if (inWord && wordHasLetter) p.AlphabeticWords++;
                inWord = false;
                continue;
            }
            if (!inWord) { inWord = true; wordHasLetter = false; p.Words++; }
            p.WordChars++;
            if (char.IsLetter(c))
            {
                p.Letters++;
                wordHasLetter = true;
                if (char.IsUpper(c)) p.Upper++;
            }
            else if (char.IsDigit(c)) p.Digits++;
            else if (IsSeparator(c)) p.Separators++;
            else if (c == '#') p.Hashes++;
            else if (c == '…') p.Ellipses++;
            else if (c == '.' && (i == 0 || t[i - 1] != '.') && i + 2 < t.Length && t[i + 1] == '.' && t[i + 2] == '.') p.Ellipses++;
        }
        if (inWord && wordHasLetter) p.AlphabeticWords++;
        p.Hash = hash;
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
