using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>
/// The line profile's block path (16 characters at a time: SIMD range tests for ASCII blocks, the class table for the
/// others, the padded tail) against the plain per-character definition, on random lines built to cross block ends
/// inside words, runs of dots, non-ASCII characters of every class (white space, upper case, digits, separators,
/// '…', a lone surrogate) and every ASCII class.
/// </summary>
public class TextProfileTests
{
    private const string Alphabet = "aZ m9|#.  \t\r.-…»éÃ©x\u00A0\u2003ÉΣж٣·•→\uD83D\u0085ſ";

    [Fact]
    public void BlockPathCountsLikeTheCharacterLoop()
    {
        var random = new Random(12345);
        for (int round = 0; round < 5000; round++)
        {
            int length = random.Next(0, 140);
            var chars = new char[length];
            bool ascii = random.Next(3) > 0;
            for (int i = 0; i < length; i++)
            {
                char c = Alphabet[random.Next(Alphabet.Length)];
                chars[i] = ascii && c >= 128 ? 'q' : c;
            }
            var text = new string(chars) + "\n" + new string(chars).ToUpperInvariant();
            var profile = TextProfile.Analyze(text);
            for (int line = 0; line < profile.Lines.Length; line++)
            {
                var p = profile.Lines[line];
                var expected = Reference(text.AsSpan(p.TrimStart, p.TrimLength));
                var actual = (p.Words, p.WordChars, p.Letters, p.Upper, p.Digits, p.Separators, p.AlphabeticWords, p.Hashes, p.Ellipses);
                Assert.True(expected == actual, $"'{text}' line {line}: expected {expected}, got {actual}");
            }
        }
    }

    [Fact]
    public void LinesSplitOnNewlinesLikeStringSplit()
    {
        var random = new Random(99);
        for (int round = 0; round < 500; round++)
        {
            var chars = new char[random.Next(0, 3000)];
            double newlines = random.NextDouble();
            for (int i = 0; i < chars.Length; i++) chars[i] = random.NextDouble() < newlines ? '\n' : "a \r."[random.Next(4)];
            var text = new string(chars);
            var profile = TextProfile.Analyze(text);
            var expected = text.Split('\n');
            Assert.Equal(expected.Length, profile.Lines.Length);
            int start = 0;
            for (int line = 0; line < expected.Length; line++)
            {
                Assert.Equal(start, profile.Lines[line].Start);
                Assert.Equal(expected[line].Length, profile.Lines[line].Length);
                start += expected[line].Length + 1;
            }
        }
    }

    [Fact]
    public void LineHashesAreFnv1aOfEachTrimmedLine()
    {
        var random = new Random(31);
        for (int round = 0; round < 400; round++)
        {
            var text = new System.Text.StringBuilder();
            int lines = random.Next(0, 40);
            for (int line = 0; line < lines; line++)
            {
                int length = random.Next(3) == 0 ? 0 : random.Next(1, random.Next(2) == 0 ? 8 : 200);
                for (int k = 0; k < length; k++) text.Append(" ab\tcé…"[random.Next(7)]);
                text.Append('\n');
            }
            var profile = TextProfile.Analyze(text.ToString());
            var hashed = profile.EnsureLineHashes();
            for (int line = 0; line < hashed.Length; line++)
            {
                ulong expected = 0;
                if (!hashed[line].IsBlank)
                {
                    expected = 14695981039346656037UL;
                    foreach (char c in profile.Trimmed(line)) expected = (expected ^ c) * 1099511628211UL;
                }
                Assert.Equal(expected, hashed[line].Hash);
            }
        }
    }

    /// <summary>The counts of a trimmed line, straight from the <see cref="char"/> tests, one character at a time.</summary>
    private static (int, int, int, int, int, int, int, int, int) Reference(ReadOnlySpan<char> t)
    {
        bool inWord = false, hasLetter = false;
        int words = 0, wordChars = 0, letters = 0, upper = 0, digits = 0, separators = 0, alphabetic = 0, hashes = 0, ellipses = 0;
        for (int i = 0; i < t.Length; i++)
        {
            char c = t[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord && hasLetter) alphabetic++;
                inWord = false;
                continue;
            }
            if (!inWord) { inWord = true; hasLetter = false; words++; }
            wordChars++;
            if (char.IsLetter(c)) { letters++; hasLetter = true; if (char.IsUpper(c)) upper++; }
            else if (char.IsDigit(c)) digits++;
            else if (TextProfile.IsSeparator(c)) separators++;
            else if (c == '#') hashes++;
            else if (c == '…') ellipses++;
            else if (c == '.' && (i == 0 || t[i - 1] != '.') && i + 2 < t.Length && t[i + 1] == '.' && t[i + 2] == '.') ellipses++;
        }
        if (inWord && hasLetter) alphabetic++;
        return (words, wordChars, letters, upper, digits, separators, alphabetic, hashes, ellipses);
    }
}
