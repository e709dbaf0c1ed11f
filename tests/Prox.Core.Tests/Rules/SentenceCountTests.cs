using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>
/// C4's sentence count (a vectorized search from one '.', '!' or '?' to the next, stopping once the rule's minimum is
/// reached) against the plain definition, one character at a time, on random lines of punctuation runs, quotes, white
/// space and letters, some lines marked removed.
/// </summary>
public class SentenceCountTests
{
    [Fact]
    public void CountsLikeTheCharacterLoop()
    {
        var random = new Random(5150);
        const string alphabet = "ab .!?.\"'”’ \t\u00A0x.";
        for (int round = 0; round < 3000; round++)
        {
            var lines = new string[random.Next(1, 12)];
            for (int i = 0; i < lines.Length; i++)
                lines[i] = new string(Enumerable.Range(0, random.Next(0, 70)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var doc = TextProfile.Analyze(string.Join('\n', lines));
            var removed = Enumerable.Range(0, doc.Lines.Length).Select(_ => random.Next(4) == 0).ToArray();
            int expected = Reference(doc, removed);
            Assert.Equal(expected, DocumentRules.CountSentences(doc, removed));
            int enough = random.Next(1, 8);
            int limited = DocumentRules.CountSentences(doc, removed, enough);
            if (expected < enough) Assert.Equal(expected, limited);
            else Assert.True(limited >= enough);
        }
    }

    private static int Reference(TextProfile doc, bool[] removed)
    {
        int sentences = 0;
        for (int i = 0; i < doc.Lines.Length; i++)
        {
            if (doc.Lines[i].IsBlank || removed[i]) continue;
            var t = doc.Trimmed(i);
            for (int k = 0; k < t.Length; k++)
            {
                if (t[k] is not ('.' or '!' or '?')) continue;
                bool atEnd = k + 1 == t.Length || char.IsWhiteSpace(t[k + 1]) || t[k + 1] is '"' or '\'' or '”' or '’';
                bool runEnd = k + 1 == t.Length || t[k + 1] is not ('.' or '!' or '?');
                if (atEnd && runEnd) sentences++;
            }
        }
        return sentences;
    }
}
