using System.Text;
using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>
/// The phrase search (folded lines, every S-th four-character window through a bitmap, confirmation with
/// OrdinalIgnoreCase) against its plain definition — <c>phrases.Any(p =&gt; line.Contains(p, OrdinalIgnoreCase))</c> —
/// on random lines built from planted phrases in random case (with characters that equal ASCII letters ignoring case,
/// such as 'ſ' and 'ı'), phrase fragments and non-ASCII characters; and on random phrase lists of mixed lengths, so
/// that every stride is exercised.
/// </summary>
public class PhraseSetTests
{
    private const string Noise = "ab sS iIkK.,:»«éÉóÓäÄöÖñÑſıİK\u212Aµÿ←()-\t\u00A0©Ã\uD83D\uDE00\0";

    [Fact]
    public void RuleListsMatchLikeContainsIgnoreCase()
    {
        var random = new Random(2024);
        foreach (var phrases in new[] { LineRules.ShortBoilerplatePhrases, LineRules.ConsentPhrases })
        {
            var set = new PhraseSet(phrases);
            var all = LineRules.ShortBoilerplatePhrases.Concat(LineRules.ConsentPhrases).ToArray();
            for (int round = 0; round < 20000; round++)
                Check(set, phrases, RandomLine(random, all));
        }
    }

    [Fact]
    public void RandomPhraseListsMatchLikeContainsIgnoreCase()
    {
        var random = new Random(77);
        const string alphabet = "abcAB ſı.é";
        for (int list = 0; list < 300; list++)
        {
            int minLength = random.Next(4, 8);
            var phrases = new string[random.Next(1, 12)];
            for (int i = 0; i < phrases.Length; i++)
            {
                var p = new StringBuilder();
                p.Append("abcAB"[random.Next(5)]); // phrases start with an ASCII character
                int length = minLength + random.Next(0, 5);
                while (p.Length < length) p.Append(alphabet[random.Next(alphabet.Length)]);
                phrases[i] = p.ToString();
            }
            var set = new PhraseSet(phrases);
            for (int round = 0; round < 300; round++)
            {
                var line = new StringBuilder();
                int length = random.Next(0, 60);
                while (line.Length < length)
                {
                    if (random.Next(8) == 0) line.Append(Vary(random, phrases[random.Next(phrases.Length)]));
                    else line.Append(alphabet[random.Next(alphabet.Length)]);
                }
                Check(set, phrases, line.ToString());
            }
        }
    }

    private static void Check(PhraseSet set, string[] phrases, string line)
    {
        bool expected = phrases.Any(p => line.Contains(p, StringComparison.OrdinalIgnoreCase));
        var folded = new byte[line.Length];
        PhraseSet.FoldLine(line, folded);
        Assert.True(expected == set.Occurs(line, folded), $"'{line}': expected {expected}");
    }

    private static string RandomLine(Random random, string[] phrases)
    {
        var line = new StringBuilder();
        int parts = random.Next(0, 8);
        for (int i = 0; i < parts; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    line.Append(Vary(random, phrases[random.Next(phrases.Length)]));
                    break;
                case 1: // a fragment: a phrase cut short or started late
                    var p = Vary(random, phrases[random.Next(phrases.Length)]);
                    int cut = random.Next(1, p.Length);
                    line.Append(random.Next(2) == 0 ? p[..cut] : p[cut..]);
                    break;
                default:
                    int n = random.Next(1, 24);
                    for (int k = 0; k < n; k++) line.Append(Noise[random.Next(Noise.Length)]);
                    break;
            }
        }
        return line.ToString();
    }

    /// <summary>The phrase with characters in random case, some replaced by non-ASCII characters equal or close to them ignoring case.</summary>
    private static string Vary(Random random, string phrase)
    {
        var chars = phrase.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            int r = random.Next(10);
            if (r < 3) chars[i] = char.ToUpperInvariant(chars[i]);
            else if (r == 3 && chars[i] is 's' or 'S') chars[i] = 'ſ';
            else if (r == 3 && chars[i] is 'i' or 'I') chars[i] = random.Next(2) == 0 ? 'ı' : 'İ';
            else if (r == 3 && chars[i] is 'k' or 'K') chars[i] = '\u212A';
            else if (r == 4 && chars[i] == 'a') chars[i] = 'ä';
        }
        return new string(chars);
    }
}
