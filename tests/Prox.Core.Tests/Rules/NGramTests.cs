using System.Text;
using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>
/// Gopher's n-gram statistics (level 2 sieved, levels 3 … 10 restricted to the positions whose shorter n-gram repeats)
/// against the plain definition: the lower-cased words compared as strings, every n-gram of every position counted.
/// Random texts from small vocabularies (many repeats, long repeated runs), every threshold below every value so that
/// each statistic is reported.
/// </summary>
public class NGramTests
{
    private static readonly string[] Vocabulary = ["the", "The", "of", "cat", "CAT", "sat", "mat", "a", "déjà", "DÉJÀ", "vu", "x1", "…", "ſun", "SUN"];

    [Fact]
    public void StatisticsMatchCountingEveryNGram()
    {
        var random = new Random(4242);
        var options = new RulesOptions
        {
            GopherRepetition = true,
            MaxTopNGramCharFraction = [-1, -1, -1],
            MaxDuplicateNGramCharFraction = [-1, -1, -1, -1, -1, -1],
        };
        for (int round = 0; round < 1500; round++)
        {
            int vocabulary = random.Next(2, Vocabulary.Length + 1);
            var text = new StringBuilder();
            int words = random.Next(0, 300);
            var recent = new List<string>();
            while (recent.Count < words)
            {
                if (recent.Count > 10 && random.Next(6) == 0)
                {
                    // Repeat an earlier run of words (long repeated n-grams).
                    int from = random.Next(recent.Count - 10), length = random.Next(1, 12);
                    for (int k = 0; k < length && from + k < recent.Count; k++) recent.Add(recent[from + k]);
                }
                else recent.Add(Vocabulary[random.Next(vocabulary)]);
            }
            foreach (var w in recent) text.Append(w).Append(" \n\t\u00A0"[random.Next(4)]);
            var doc = TextProfile.Analyze(text.ToString());
            var actual = DocumentRules.Evaluate(doc, options, null)
                .Where(f => f.Rule.Contains("gram")).Select(f => (f.Rule, f.Value)).ToList();
            var expected = Reference(text.ToString());
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void StopWordsFromTheWordSplitMatchTheScan()
    {
        var random = new Random(808);
        string[] pieces = ["the", "THE", "tHe", "wıth", "wİth", "with", "and", "an", "that", "have", "of", "be", "to", "x", "théé", "ſo", "withe", "oft"];
        const string spaces = " \n\t\u00A0\u2003\u0085";
        for (int round = 0; round < 3000; round++)
        {
            var text = new System.Text.StringBuilder();
            int words = random.Next(0, 30);
            for (int k = 0; k < words; k++)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
                if (random.Next(5) > 0) text.Append(spaces[random.Next(spaces.Length)]);
            }
            var s = text.ToString();
            int enough = random.Next(1, 6);
            Assert.Equal(DocumentRules.CountStopWords(s, enough), DocumentRules.CountStopWordsInWords(s, enough));
            Assert.Equal(DocumentRules.CountStopWords(s, int.MaxValue), DocumentRules.CountStopWordsInWords(s, int.MaxValue));
        }
    }

    private static List<(string, double)> Reference(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(w => new string(w.Select(char.ToLowerInvariant).ToArray())).ToArray();
        long total = words.Sum(w => (long)w.Length);
        var result = new List<(string, double)>();
        if (total == 0) return result;
        for (int n = 2; n <= 4 && n <= words.Length; n++)
        {
            var counts = new Dictionary<string, int>();
            int best = 0, bestAt = 0;
            for (int i = 0; i + n <= words.Length; i++)
            {
                var key = string.Join(' ', words, i, n);
                int c = counts[key] = counts.GetValueOrDefault(key) + 1;
                if (c > best) { best = c; bestAt = i; }
            }
            if (best < 2) continue;
            int chars = 0;
            for (int k = 0; k < n; k++) chars += words[bestAt + k].Length;
            result.Add(($"gopher.top_{n}gram_chars", (double)chars * best / total));
        }
        for (int n = 5; n <= 10 && n <= words.Length; n++)
        {
            var counts = new Dictionary<string, int>();
            for (int i = 0; i + n <= words.Length; i++)
            {
                var key = string.Join(' ', words, i, n);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
            var covered = new bool[words.Length];
            for (int i = 0; i + n <= words.Length; i++)
                if (counts[string.Join(' ', words, i, n)] >= 2) for (int k = 0; k < n; k++) covered[i + k] = true;
            long dup = 0;
            for (int i = 0; i < words.Length; i++) if (covered[i]) dup += words[i].Length;
            result.Add(($"gopher.duplicate_{n}gram_chars", (double)dup / total));
        }
        return result;
    }
}
