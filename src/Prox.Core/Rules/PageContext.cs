using System.Buffers;

namespace Prox.Rules;

/// <summary>
/// The main-block rule for whole web pages (<see cref="RulesOptions.PageContext"/>, rule <c>prox.outside_main_block</c>).
/// A page rendered to text is title, menus, the article, then teasers, comments and footer; the article is the one
/// stretch where prose lines outweigh everything else. Each non-blank line gets a score: a prose line (at least
/// <see cref="RulesOptions.PageProseMinWords"/> words, not removed by another rule, and — when the page's language has
/// a stop-word list — at least <see cref="RulesOptions.PageMinStopWordRatio"/> × its words stop words; the language is
/// the list with the most hits in the first 150 tokens of such lines) scores its
/// word count (capped at <see cref="RulesOptions.PageProseWordCap"/>, times <see cref="RulesOptions.PageUnpunctuatedWeight"/>
/// without terminal punctuation); any other kept line costs <see cref="RulesOptions.PageOtherLinePenalty"/>, a line
/// another rule removed <see cref="RulesOptions.PageRemovedLinePenalty"/> (<see cref="RulesOptions.PageShortRunPenalty"/>
/// for <c>prox.short_run</c>, which also marks lists inside articles). The main block is the contiguous range of lines
/// with the largest total score (Kadane's maximum subarray); every line outside it is removed, and inside it the other
/// rules decide as before — so headings, list items and short paragraphs between prose lines stay.
/// </summary>
/// <remarks>
/// Only documents shaped like a whole page take part: at least <see cref="RulesOptions.PageMinLines"/> non-blank lines,
/// and blank lines (the block breaks of an HTML-to-text render) making up at least
/// <see cref="RulesOptions.PageMinBlankLineFraction"/> of all lines. Short fragments and text without block breaks are
/// left to the per-line rules. Word counts of lines in scripts written without spaces (CJK, Thai) count two such
/// characters as one word; their pages get no stop-word cue.
/// </remarks>
internal static class PageContext
{
    /// <summary>The rule name of lines outside the main block.</summary>
    public const string Rule = "prox.outside_main_block";

    /// <summary>True when the page rules apply to <paramref name="doc"/>.</summary>
    public static bool Applies(TextProfile doc, RulesOptions o)
    {
        int lines = doc.Lines.Length, nonBlank = doc.NonBlankLines;
        return o.PageContext && nonBlank >= o.PageMinLines && lines - nonBlank >= o.PageMinBlankLineFraction * lines;
    }

    /// <summary>
    /// Marks the lines outside the main block with <see cref="Rule"/> (lines already removed keep their rule);
    /// <paramref name="reasons"/> holds the other rules' decisions for every line of the document.
    /// </summary>
    public static void Apply(TextProfile doc, RulesOptions o, string?[] reasons)
    {
        if (!Applies(doc, o)) return;
        var lines = doc.Lines;
        int n = lines.Length;
        var words = ArrayPool<double>.Shared.Rent(n);
        try
        {
            // Word counts of the lines the other rules keep; the page's language from the stop words of its first
            // prose candidates (up to LanguageSampleTokens tokens).
            Span<int> total = stackalloc int[StopWords.Languages.Length];
            total.Clear();
            int sampled = 0;
            for (int i = 0; i < n; i++)
            {
                words[i] = 0;
                if (lines[i].IsBlank || reasons[i] is not null) continue;
                var t = doc.Trimmed(i);
                double w = WordUnits(t, lines[i].Words);
                words[i] = w;
                if (w >= o.PageProseMinWords && sampled < LanguageSampleTokens) sampled += StopWords.Count(t, total);
            }
            int language = -1;
            for (int k = 0; k < total.Length; k++)
                if (total[k] > 0 && (language < 0 || total[k] > total[language])) language = k;
            if (language >= 0 && total[language] < o.PageLanguageMinStopWordRatio * sampled) language = -1;

            // Kadane: the range with the largest total score.
            double best = 0, run = 0;
            int bestStart = 0, bestEnd = -1, runStart = 0;
            for (int i = 0; i < n; i++)
            {
                if (run <= 0) { run = 0; runStart = i; }
                run += Score(doc, o, reasons, words, language, i);
                if (run > best) { best = run; bestStart = runStart; bestEnd = i; }
            }
            if (bestEnd < 0) return;  // no prose at all: leave the page to the line rules
            for (int i = 0; i < n; i++)
                if ((i < bestStart || i > bestEnd) && !lines[i].IsBlank) reasons[i] ??= Rule;
        }
        finally { ArrayPool<double>.Shared.Return(words); }
    }

    private static double Score(TextProfile doc, RulesOptions o, string?[] reasons, double[] words, int language, int i)
    {
        ref readonly var p = ref doc.Lines[i];
        if (p.IsBlank) return 0;
        if (reasons[i] is { } rule) return rule == "prox.short_run" ? -o.PageShortRunPenalty : -o.PageRemovedLinePenalty;
        double w = words[i];
        if (w < o.PageProseMinWords) return -o.PageOtherLinePenalty;
        if (language >= 0 && !StopWords.HasAtLeast(doc.Trimmed(i), language, (int)Math.Ceiling(o.PageMinStopWordRatio * p.Words)))
            return -o.PageOtherLinePenalty;
        char last = doc.Text[p.TrimStart + p.TrimLength - 1];
        bool terminal = TextProfile.IsTerminal(last) || last is ':' or ')';
        return Math.Min(w, o.PageProseWordCap) * (terminal ? 1 : o.PageUnpunctuatedWeight);
    }

    /// <summary>The tokens of prose candidates the page's language is read from.</summary>
    private const int LanguageSampleTokens = 150;

    /// <summary>
    /// Words of a line, where a run of characters of a script written without spaces (CJK ideographs, kana, Hangul,
    /// Thai) counts one word per two characters: whitespace words without such characters, plus half their count.
    /// </summary>
    internal static double WordUnits(ReadOnlySpan<char> line, int whitespaceWords)
    {
        int first = IndexOfNoSpaceScript(line);
        if (first < 0) return whitespaceWords;
        int noSpace = 0, plainWords = 0;
        bool inWord = false, wordHasNoSpace = false;
        foreach (char c in line)
        {
            if (TextProfile.IsWhiteSpace(c))
            {
                if (inWord && !wordHasNoSpace) plainWords++;
                inWord = false; wordHasNoSpace = false;
                continue;
            }
            inWord = true;
            if (IsNoSpaceScript(c)) { noSpace++; wordHasNoSpace = true; }
        }
        if (inWord && !wordHasNoSpace) plainWords++;
        return Math.Max(whitespaceWords, plainWords + noSpace / 2.0);
    }

    private static int IndexOfNoSpaceScript(ReadOnlySpan<char> line)
    {
        int i = line.IndexOfAnyExceptInRange('\u0000', '\u0DFF');
        if (i < 0) return -1;
        for (; i < line.Length; i++) if (IsNoSpaceScript(line[i])) return i;
        return -1;
    }

    private static bool IsNoSpaceScript(char c) =>
        c is >= '\u0E00' and <= '\u0E7F'      // Thai
            or >= '\u2E80' and <= '\u9FFF'    // CJK radicals, punctuation, kana, ideographs
            or >= '\uAC00' and <= '\uD7AF'    // Hangul syllables
            or >= '\uF900' and <= '\uFAFF';   // CJK compatibility ideographs
}
