namespace Prox.Rules;

/// <summary>The document-level rules (Gopher quality and repetition, C4, FineWeb). Every fired rule is reported.</summary>
internal static class DocumentRules
{
    private static readonly string[] StopWords = ["the", "be", "to", "of", "and", "that", "have", "with"];

    public static List<RuleFinding> Evaluate(TextProfile doc, RulesOptions o, bool[]? c4Removed)
    {
        var found = new List<RuleFinding>();
        var text = doc.Text;
        if (o.GopherQuality) GopherQuality(doc, o, found);
        if (o.GopherRepetition) GopherRepetition(doc, o, found);
        if ((o.C4Document || o.DropLoremIpsum) && text.Contains("lorem ipsum", StringComparison.OrdinalIgnoreCase))
            found.Add(new RuleFinding(o.C4Document ? "c4.lorem_ipsum" : "prox.lorem_ipsum", 1, "contains", 1));
        if (o.C4Document)
        {
            if (o.C4DropCurlyBracket && text.Contains('{')) found.Add(new RuleFinding("c4.curly_bracket", 1, "contains", 1));
            if (o.C4MinSentences > 0)
            {
                int sentences = CountSentences(doc, c4Removed);
                if (sentences < o.C4MinSentences) found.Add(new RuleFinding("c4.min_sentences", sentences, "<", o.C4MinSentences));
            }
        }
        if (o.FineWebQuality) FineWeb(doc, o, found);
        return found;
    }

    private static void GopherQuality(TextProfile doc, RulesOptions o, List<RuleFinding> found)
    {
        int words = doc.TotalWords;
        if (words < o.MinWords) found.Add(new RuleFinding("gopher.min_words", words, "<", o.MinWords));
        if (words > o.MaxWords) found.Add(new RuleFinding("gopher.max_words", words, ">", o.MaxWords));
        if (words == 0) return;
        var lines = doc.Lines;
        int hashes = 0, ellipses = 0, alpha = 0, bullets = 0, ellipsisEnds = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            hashes += lines[i].Hashes;
            ellipses += lines[i].Ellipses;
            alpha += lines[i].AlphabeticWords;
            if (lines[i].StartsBullet) bullets++;
            if (lines[i].EndsEllipsis) ellipsisEnds++;
        }
        double meanLength = (double)doc.TotalWordChars / words;
        if (meanLength < o.MinMeanWordLength) found.Add(new RuleFinding("gopher.mean_word_length", meanLength, "<", o.MinMeanWordLength));
        if (meanLength > o.MaxMeanWordLength) found.Add(new RuleFinding("gopher.mean_word_length", meanLength, ">", o.MaxMeanWordLength));
        double symbolRatio = (double)(hashes + ellipses) / words;
        if (symbolRatio > o.MaxSymbolWordRatio) found.Add(new RuleFinding("gopher.symbol_word_ratio", symbolRatio, ">", o.MaxSymbolWordRatio));
        int nonBlank = Math.Max(1, doc.NonBlankLines);
        double bulletFraction = (double)bullets / nonBlank;
        if (bulletFraction > o.MaxBulletLineFraction) found.Add(new RuleFinding("gopher.bullet_lines", bulletFraction, ">", o.MaxBulletLineFraction));
        double ellipsisFraction = (double)ellipsisEnds / nonBlank;
        if (ellipsisFraction > o.MaxEllipsisLineFraction) found.Add(new RuleFinding("gopher.ellipsis_lines", ellipsisFraction, ">", o.MaxEllipsisLineFraction));
        double alphaFraction = (double)alpha / words;
        if (alphaFraction < o.MinAlphabeticWordFraction) found.Add(new RuleFinding("gopher.alphabetic_words", alphaFraction, "<", o.MinAlphabeticWordFraction));
        if (o.MinStopWords > 0)
        {
            int stop = CountStopWords(doc.Text, o.MinStopWords);
            if (stop < o.MinStopWords) found.Add(new RuleFinding("gopher.stop_words", stop, "<", o.MinStopWords));
        }
    }

    private static int CountStopWords(string text, int enough)
    {
        int count = 0;
        var span = text.AsSpan();
        int i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i])) i++;
            int s = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i])) i++;
            if (i - s < 2 || i - s > 4) continue;
            var word = span[s..i];
            foreach (var stop in StopWords)
            {
                if (word.Equals(stop, StringComparison.OrdinalIgnoreCase)) { if (++count >= enough) return count; break; }
            }
        }
        return count;
    }

    private static void GopherRepetition(TextProfile doc, RulesOptions o, List<RuleFinding> found)
    {
        var lines = doc.Lines;
        int totalChars = 0, nonBlank = 0;
        for (int i = 0; i < lines.Length; i++) { totalChars += lines[i].TrimLength; if (!lines[i].IsBlank) nonBlank++; }
        if (nonBlank == 0) return;

        // Duplicate lines: every occurrence after the first.
        DuplicateLines(doc, out int dupLines, out int dupLineChars);
        double lineFraction = (double)dupLines / nonBlank;
        if (lineFraction > o.MaxDuplicateLineFraction) found.Add(new RuleFinding("gopher.duplicate_lines", lineFraction, ">", o.MaxDuplicateLineFraction));
        double lineChars = (double)dupLineChars / Math.Max(1, totalChars);
        if (lineChars > o.MaxDuplicateLineCharFraction) found.Add(new RuleFinding("gopher.duplicate_line_chars", lineChars, ">", o.MaxDuplicateLineCharFraction));

        // Paragraphs: maximal runs of non-blank lines.
        var seen = new HashSet<ulong>();
        int paragraphs = 0, dupParagraphs = 0, dupParagraphChars = 0;
        for (int i = 0; i < lines.Length;)
        {
            if (lines[i].IsBlank) { i++; continue; }
            ulong h = 1469598103934665603UL;
            int chars = 0;
            for (; i < lines.Length && !lines[i].IsBlank; i++) { h = (h ^ lines[i].Hash) * 1099511628211UL; chars += lines[i].TrimLength; }
            paragraphs++;
            if (!seen.Add(h)) { dupParagraphs++; dupParagraphChars += chars; }
        }
        double paragraphFraction = (double)dupParagraphs / paragraphs;
        if (paragraphFraction > o.MaxDuplicateParagraphFraction) found.Add(new RuleFinding("gopher.duplicate_paragraphs", paragraphFraction, ">", o.MaxDuplicateParagraphFraction));
        double paragraphChars = (double)dupParagraphChars / Math.Max(1, totalChars);
        if (paragraphChars > o.MaxDuplicateParagraphCharFraction) found.Add(new RuleFinding("gopher.duplicate_paragraph_chars", paragraphChars, ">", o.MaxDuplicateParagraphCharFraction));

        NGrams(doc.Text, o, found);
    }

    /// <summary>Lines (non-blank, trimmed) that repeat an earlier line, and their characters.</summary>
    internal static void DuplicateLines(TextProfile doc, out int lines, out int chars)
    {
        var seen = new HashSet<ulong>();
        lines = 0; chars = 0;
        var profile = doc.Lines;
        for (int i = 0; i < profile.Length; i++)
        {
            if (profile[i].IsBlank) continue;
            if (!seen.Add(profile[i].Hash)) { lines++; chars += profile[i].TrimLength; }
        }
    }

    private static void NGrams(string text, RulesOptions o, List<RuleFinding> found)
    {
        // Words: whitespace-separated, lower-cased hash and length.
        var hashes = new List<ulong>(text.Length / 5 + 1);
        var lengths = new List<int>(text.Length / 5 + 1);
        var span = text.AsSpan();
        for (int i = 0; i < span.Length;)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i])) i++;
            if (i >= span.Length) break;
            ulong h = 14695981039346656037UL;
            int s = i;
            for (; i < span.Length && !char.IsWhiteSpace(span[i]); i++) h = (h ^ char.ToLowerInvariant(span[i])) * 1099511628211UL;
            hashes.Add(h);
            lengths.Add(i - s);
        }
        int n0 = hashes.Count;
        long totalChars = 0;
        foreach (var l in lengths) totalChars += l;
        if (totalChars == 0) return;
        var counts = new Dictionary<ulong, int>();

        for (int n = 2; n <= 4 && n - 2 < o.MaxTopNGramCharFraction.Count; n++)
        {
            if (n0 < n) break;
            counts.Clear();
            int bestCount = 0, bestAt = 0;
            for (int i = 0; i + n <= n0; i++)
            {
                ulong g = GramHash(hashes, i, n);
                counts.TryGetValue(g, out int c);
                counts[g] = ++c;
                if (c > bestCount) { bestCount = c; bestAt = i; }
            }
            if (bestCount < 2) continue;
            int gramChars = 0;
            for (int k = 0; k < n; k++) gramChars += lengths[bestAt + k];
            double fraction = (double)gramChars * bestCount / totalChars;
            double limit = o.MaxTopNGramCharFraction[n - 2];
            if (fraction > limit) found.Add(new RuleFinding($"gopher.top_{n}gram_chars", fraction, ">", limit));
        }

        var covered = new bool[n0];
        for (int n = 5; n <= 10 && n - 5 < o.MaxDuplicateNGramCharFraction.Count; n++)
        {
            if (n0 < n) break;
            counts.Clear();
            for (int i = 0; i + n <= n0; i++)
            {
                ulong g = GramHash(hashes, i, n);
                counts.TryGetValue(g, out int c);
                counts[g] = c + 1;
            }
            Array.Clear(covered);
            for (int i = 0; i + n <= n0; i++)
            {
                if (counts[GramHash(hashes, i, n)] < 2) continue;
                for (int k = 0; k < n; k++) covered[i + k] = true;
            }
            long dupChars = 0;
            for (int i = 0; i < n0; i++) if (covered[i]) dupChars += lengths[i];
            double fraction = (double)dupChars / totalChars;
            double limit = o.MaxDuplicateNGramCharFraction[n - 5];
            if (fraction > limit) found.Add(new RuleFinding($"gopher.duplicate_{n}gram_chars", fraction, ">", limit));
        }
    }

    private static ulong GramHash(List<ulong> hashes, int at, int n)
    {
        ulong g = (ulong)n * 0x9E3779B97F4A7C15UL;
        for (int k = 0; k < n; k++) g = (g ^ hashes[at + k]) * 0x100000001B3UL + (g >> 29);
        return g;
    }

    private static int CountSentences(TextProfile doc, bool[]? removed)
    {
        int sentences = 0;
        var lines = doc.Lines;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].IsBlank || (removed is not null && removed[i])) continue;
            var t = doc.Trimmed(i);
            for (int k = 0; k < t.Length; k++)
            {
                char c = t[k];
                if (c is not ('.' or '!' or '?')) continue;
                bool atEnd = k + 1 == t.Length || char.IsWhiteSpace(t[k + 1]) || t[k + 1] is '"' or '\'' or '”' or '’';
                bool runEnd = k + 1 == t.Length || t[k + 1] is not ('.' or '!' or '?');
                if (atEnd && runEnd) sentences++;
            }
        }
        return sentences;
    }

    private static void FineWeb(TextProfile doc, RulesOptions o, List<RuleFinding> found)
    {
        var lines = doc.Lines;
        int nonBlank = doc.NonBlankLines;
        if (nonBlank == 0) return;
        int punctuated = 0, shortLines = 0, totalChars = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].IsBlank) continue;
            totalChars += lines[i].TrimLength;
            if (lines[i].EndsTerminal) punctuated++;
            if (lines[i].TrimLength <= o.ShortLineLength) shortLines++;
        }
        double punctFraction = (double)punctuated / nonBlank;
        if (punctFraction <= o.MinPunctuatedLineFraction) found.Add(new RuleFinding("fineweb.punctuated_lines", punctFraction, "<=", o.MinPunctuatedLineFraction));
        DuplicateLines(doc, out _, out int dupChars);
        double dupFraction = (double)dupChars / Math.Max(1, totalChars);
        if (dupFraction >= o.MaxDuplicatedLineCharFraction) found.Add(new RuleFinding("fineweb.duplicated_line_chars", dupFraction, ">=", o.MaxDuplicatedLineCharFraction));
        double shortFraction = (double)shortLines / nonBlank;
        if (shortFraction >= o.MaxShortLineFraction) found.Add(new RuleFinding("fineweb.short_lines", shortFraction, ">=", o.MaxShortLineFraction));
        int newlines = lines.Length - 1;
        double newlineRatio = doc.TotalWords == 0 ? newlines : (double)newlines / doc.TotalWords;
        if (newlineRatio > o.MaxNewlineWordRatio) found.Add(new RuleFinding("fineweb.newline_ratio", newlineRatio, ">", o.MaxNewlineWordRatio));
    }
}
