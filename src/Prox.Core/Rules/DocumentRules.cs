namespace Prox.Rules;

/// <summary>The document-level rules (Gopher quality and repetition, C4, FineWeb). Every fired rule is reported.</summary>
internal static class DocumentRules
{
    private static readonly string[] StopWords = ["the", "be", "to", "of", "and", "that", "have", "with"];

    // With InvariantGlobalization, string.Contains(…, OrdinalIgnoreCase) runs a char-by-char search; SearchValues
    // finds the same matches (OrdinalIgnoreCase) with a vectorized search over two anchor characters.
    private static readonly System.Buffers.SearchValues<string> LoremIpsum =
        System.Buffers.SearchValues.Create(["lorem ipsum"], StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="text"/> holds "lorem ipsum" (case-insensitive).</summary>
    public static bool HasLoremIpsum(string text) => text.AsSpan().ContainsAny(LoremIpsum);

    public static List<RuleFinding> Evaluate(TextProfile doc, RulesOptions o, bool[]? c4Removed)
    {
        var found = new List<RuleFinding>();
        var text = doc.Text;
        if (o.GopherQuality) GopherQuality(doc, o, found);
        if (o.GopherRepetition) GopherRepetition(doc, o, found);
        if ((o.C4Document || o.DropLoremIpsum) && HasLoremIpsum(text))
            found.Add(new RuleFinding(o.C4Document ? "c4.lorem_ipsum" : "prox.lorem_ipsum", 1, "contains", 1));
        if (o.C4Document)
        {
            if (o.C4DropCurlyBracket && text.Contains('{')) found.Add(new RuleFinding("c4.curly_bracket", 1, "contains", 1));
            if (o.C4MinSentences > 0)
            {
                int sentences = CountSentences(doc, c4Removed, o.C4MinSentences);
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
            // With the repetition rules on, the n-gram statistics split the text into words anyway: count from that.
            int stop = o.GopherRepetition ? CountStopWordsInWords(doc.Text, o.MinStopWords) : CountStopWords(doc.Text, o.MinStopWords);
            if (stop < o.MinStopWords) found.Add(new RuleFinding("gopher.stop_words", stop, "<", o.MinStopWords));
        }
    }

    /// <summary>
    /// Words (white-space separated) equal to a stop word ignoring case (OrdinalIgnoreCase), counted up to
    /// <paramref name="enough"/>.
    /// </summary>
    internal static int CountStopWords(string text, int enough)
    {
        int count = 0;
        var span = text.AsSpan();
        int i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && TextProfile.IsWhiteSpace(span[i])) i++;
            int s = i;
            while (i < span.Length && !TextProfile.IsWhiteSpace(span[i])) i++;
            if (i - s < 2 || i - s > 4) continue;
            var word = span[s..i];
            foreach (var stop in StopWords)
            {
                if (word.Equals(stop, StringComparison.OrdinalIgnoreCase)) { if (++count >= enough) return count; break; }
            }
        }
        return count;
    }

    /// <summary><see cref="CountStopWords"/> from this thread's word split of <paramref name="text"/> (the same words: same white-space test).</summary>
    internal static int CountStopWordsInWords(string text, int enough)
    {
        var scratch = t_nGramScratch ??= new NGramScratch();
        int words = scratch.EnsureWords(text);
        var starts = scratch.Starts;
        var lengths = scratch.Lengths;
        int count = 0;
        for (int k = 0; k < words; k++)
        {
            if (lengths[k] < 2 || lengths[k] > 4) continue;
            var word = text.AsSpan(starts[k], lengths[k]);
            foreach (var stop in StopWords)
            {
                if (word.Equals(stop, StringComparison.OrdinalIgnoreCase)) { if (++count >= enough) return count; break; }
            }
        }
        return count;
    }

    private static void GopherRepetition(TextProfile doc, RulesOptions o, List<RuleFinding> found)
    {
        var lines = doc.EnsureLineHashes();
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
        var profile = doc.EnsureLineHashes();
        for (int i = 0; i < profile.Length; i++)
        {
            if (profile[i].IsBlank) continue;
            if (!seen.Add(profile[i].Hash)) { lines++; chars += profile[i].TrimLength; }
        }
    }

    // Gopher's n-gram statistics over the lower-cased words, n-grams compared by hash (GramHash of the word hashes),
    // n = 2 … 10, one level after the other.
    // Level 2 hashes every position and first sieves the positions through a two-bit-per-bucket bitmap (bucket seen
    // once / seen twice, buckets from the n-gram hash): every position whose 2-gram occurs twice or more lands in a
    // bucket seen twice, so only those "candidates" are counted exactly, with a hash table. The counts of candidates
    // equal the counts over all positions (equal hashes share a bucket) and every other position's 2-gram occurs once.
    // Level n+1 then only looks at the positions whose n-gram occurs at least twice: an (n+1)-gram that occurs twice
    // starts with an n-gram that occurs twice (at the same two positions), so every other position's (n+1)-gram occurs
    // once. Most n-grams of a text occur once, and ever fewer as n grows, so levels 3 … 10 hash and count a small part
    // of the positions. (Compared by hash, "occurs twice" means "hash occurs twice": the two agree unless two different
    // n-grams of one document share a 64-bit hash, where hashing itself already departs from comparing the words.)
    private static void NGrams(string text, RulesOptions o, List<RuleFinding> found)
    {
        var scratch = t_nGramScratch ??= new NGramScratch();
        int n0 = scratch.EnsureWords(text);
        var hashes = scratch.Hashes;
        var lengths = scratch.Lengths;
        long totalChars = 0;
        for (int i = 0; i < n0; i++) totalChars += lengths[i];
        if (totalChars == 0) return;
        var counts = scratch.Counter;
        var candidates = scratch.Candidates;
        var grams = scratch.Grams;
        var slots = scratch.Slots;

        // Levels 2 … topLast report the top n-gram, 5 … dupLast the duplicated n-grams; the levels in between are
        // still counted, for the candidates of the next one.
        int topLast = 1 + Math.Min(3, o.MaxTopNGramCharFraction.Count);
        int dupLast = 4 + Math.Min(6, o.MaxDuplicateNGramCharFraction.Count);
        int last = dupLast >= 5 ? dupLast : topLast;
        int m = 0;
        for (int n = 2; n <= last; n++)
        {
            if (n0 < n) break;
            if (n == 2)
            {
                m = scratch.Sieve(n0 - 1, 2);
                // The candidates' hashes to the front, in candidate order (candidates[k] >= k: nothing is overwritten
                // before it is read).
                for (int k = 0; k < m; k++) grams[k] = grams[candidates[k]];
            }
            else
            {
                // The positions whose (n-1)-gram occurs at least twice and that start an n-gram, in text order.
                int kept = 0;
                for (int k = 0; k < m; k++)
                {
                    int i = candidates[k];
                    if (counts.Count(slots[k]) >= 2 && i <= n0 - n) candidates[kept++] = i;
                }
                m = kept;
                for (int k = 0; k < m; k++) grams[k] = GramHash(hashes, candidates[k], n);
            }

            counts.Reset(m);
            // As over all positions: the first position where some n-gram's running count exceeds every earlier
            // count. A position left out has count 1; the rule needs a count of 2, reached only at candidates.
            int bestCount = 0, bestAt = 0;
            for (int k = 0; k < m; k++)
            {
                int slot = counts.Slot(grams[k]);
                slots[k] = slot;
                int c = ++counts.Count(slot);
                if (c > bestCount) { bestCount = c; bestAt = candidates[k]; }
            }

            if (n <= topLast && bestCount >= 2)
            {
                int gramChars = 0;
                for (int k = 0; k < n; k++) gramChars += lengths[bestAt + k];
                double fraction = (double)gramChars * bestCount / totalChars;
                double limit = o.MaxTopNGramCharFraction[n - 2];
                if (fraction > limit) found.Add(new RuleFinding($"gopher.top_{n}gram_chars", fraction, ">", limit));
            }
            if (n >= 5 && n <= dupLast)
            {
                // The words covered by an n-gram that occurs at least twice, each counted once: candidates come in
                // text order, so remember where the last repeated n-gram so far ends.
                long dupChars = 0;
                int coveredUntil = 0;
                for (int k = 0; k < m; k++)
                {
                    if (counts.Count(slots[k]) < 2) continue;
                    int i = candidates[k];
                    for (int w = Math.Max(i, coveredUntil); w < i + n; w++) dupChars += lengths[w];
                    coveredUntil = i + n;
                }
                double fraction = (double)dupChars / totalChars;
                double limit = o.MaxDuplicateNGramCharFraction[n - 5];
                if (fraction > limit) found.Add(new RuleFinding($"gopher.duplicate_{n}gram_chars", fraction, ">", limit));
            }
        }
    }

    private static ulong GramHash(ulong[] hashes, int at, int n)
    {
        ulong g = (ulong)n * 0x9E3779B97F4A7C15UL;
        for (int k = 0; k < n; k++) g = (g ^ hashes[at + k]) * 0x100000001B3UL + (g >> 29);
        return g;
    }

    /// <summary>
    /// <c>grams[i] = GramHash(hashes, i, n)</c> for <c>i</c> &lt; <paramref name="count"/>. Each hash is a chain of
    /// dependent multiplications, so four positions are hashed side by side to keep the multiplier busy.
    /// </summary>
    private static void GramHashes(ulong[] hashes, int count, int n, ulong[] grams)
    {
        const ulong Prime = 0x100000001B3UL;
        ulong seed = (ulong)n * 0x9E3779B97F4A7C15UL;
        var h = hashes.AsSpan(0, count + n - 1);
        var g = grams.AsSpan(0, count);
        int i = 0;
        for (; i + 4 <= count; i += 4)
        {
            ulong g0 = seed, g1 = seed, g2 = seed, g3 = seed;
            var w = h.Slice(i, n + 3);
            for (int k = 0; k < n; k++)
            {
                g0 = (g0 ^ w[k]) * Prime + (g0 >> 29);
                g1 = (g1 ^ w[k + 1]) * Prime + (g1 >> 29);
                g2 = (g2 ^ w[k + 2]) * Prime + (g2 >> 29);
                g3 = (g3 ^ w[k + 3]) * Prime + (g3 >> 29);
            }
            g[i] = g0; g[i + 1] = g1; g[i + 2] = g2; g[i + 3] = g3;
        }
        for (; i < count; i++) g[i] = GramHash(hashes, i, n);
    }

    [ThreadStatic] private static NGramScratch? t_nGramScratch;

    /// <summary>
    /// The n-gram statistics' buffers, kept per thread so that a document allocates nothing: the words of the text
    /// (lower-cased FNV-1a hash and length) and an open-addressing counter keyed by n-gram hash.
    /// </summary>
    private sealed class NGramScratch
    {
        public ulong[] Hashes = [];
        public int[] Lengths = [];
        public int[] Starts = [];
        public int[] Slots = [];
        public int[] Candidates = [];
        public ulong[] Grams = [];
        private ulong[] _once = [], _twice = [];
        public readonly GramCounter Counter = new();

        /// <summary>
        /// Fills <see cref="Grams"/> with the hash of the n-gram at each of the first <paramref name="count"/> word
        /// positions and <see cref="Candidates"/> with the positions (ascending) whose n-gram may occur more than once;
        /// returns how many. Every position whose n-gram does occur more than once is a candidate.
        /// </summary>
        public int Sieve(int count, int n)
        {
            GramHashes(Hashes, count, n, Grams);
            var grams = Grams;

            // 16 buckets per position: few unique n-grams share a bucket with another one.
            int bits = 64;
            while (bits < 16 * count) bits *= 2;
            int words = bits / 64, shift = 64 - System.Numerics.BitOperations.Log2((uint)bits);
            if (_once.Length < words) { _once = new ulong[words]; _twice = new ulong[words]; }
            var once = _once.AsSpan(0, words);
            var twice = _twice.AsSpan(0, words);
            once.Clear();
            twice.Clear();
            for (int i = 0; i < count; i++)
            {
                int b = (int)((grams[i] * 0x9E3779B97F4A7C15UL) >> shift);
                ulong bit = 1UL << b;
                twice[b >> 6] |= once[b >> 6] & bit;
                once[b >> 6] |= bit;
            }
            var candidates = Candidates;
            int m = 0;
            for (int i = 0; i < count; i++)
            {
                int b = (int)((grams[i] * 0x9E3779B97F4A7C15UL) >> shift);
                if ((twice[b >> 6] & (1UL << b)) != 0) candidates[m++] = i;
            }
            return m;
        }

        /// <summary>
        /// <see cref="Words"/> of <paramref name="text"/>, unless the buffers already hold that string's words (the stop
        /// words and the n-grams of one document both use them).
        /// </summary>
        public int EnsureWords(string text)
        {
            if (!ReferenceEquals(_wordsOf, text))
            {
                _wordCount = Words(text);
                _wordsOf = text;
            }
            return _wordCount;
        }

        private string? _wordsOf;
        private int _wordCount;

        /// <summary>
        /// Splits <paramref name="text"/> into white-space separated words (<see cref="char.IsWhiteSpace"/>), hashing
        /// each lower-cased (<see cref="char.ToLowerInvariant"/>) with FNV-1a; ASCII characters go through tables
        /// built from the same calls. Returns the word count.
        /// </summary>
        public int Words(string text)
        {
            _wordsOf = null;
            int max = text.Length / 2 + 1; // a word and the white space after it take at least two characters
            if (Hashes.Length < max)
            {
                int size = Math.Max(max, 2 * Hashes.Length);
                Hashes = new ulong[size]; Lengths = new int[size]; Starts = new int[size]; Slots = new int[size]; Candidates = new int[size]; Grams = new ulong[size];
            }
            var hashes = Hashes;
            var lengths = Lengths;
            var starts = Starts;
            var lower = AsciiLower;
            var span = text.AsSpan();
            int words = 0;
            for (int i = 0; i < span.Length;)
            {
                while (i < span.Length && IsSpace(span[i])) i++;
                if (i >= span.Length) break;
                ulong h = 14695981039346656037UL;
                int s = i;
                for (; i < span.Length; i++)
                {
                    char c = span[i];
                    if (c < 128)
                    {
                        ushort l = lower[c];
                        if (l == Space) break;
                        h = (h ^ l) * 1099511628211UL;
                    }
                    else
                    {
                        if (char.IsWhiteSpace(c)) break;
                        h = (h ^ char.ToLowerInvariant(c)) * 1099511628211UL;
                    }
                }
                hashes[words] = h;
                starts[words] = s;
                lengths[words++] = i - s;
            }
            return words;
        }

        private static bool IsSpace(char c) => c < 128 ? AsciiLower[c] == Space : char.IsWhiteSpace(c);

        /// <summary>Marks white space in <see cref="AsciiLower"/>.</summary>
        private const ushort Space = 0xFFFF;

        /// <summary><see cref="char.ToLowerInvariant"/> of each ASCII character, or <see cref="Space"/> for white space.</summary>
        private static readonly ushort[] AsciiLower = BuildAsciiLower();

        private static ushort[] BuildAsciiLower()
        {
            var table = new ushort[128];
            for (int c = 0; c < 128; c++) table[c] = char.IsWhiteSpace((char)c) ? Space : char.ToLowerInvariant((char)c);
            return table;
        }
    }

    /// <summary>
    /// Counts of 64-bit keys: open addressing with linear probing over a power-of-two table at most half full. A slot
    /// with count 0 is empty (every key put in is counted at once). Exact: keys are compared whole, like the
    /// <c>Dictionary&lt;ulong, int&gt;</c> it replaces.
    /// </summary>
    private sealed class GramCounter
    {
        private ulong[] _keys = new ulong[64];
        private int[] _counts = new int[64];
        private int _mask = 63, _shift = 58;

        /// <summary>Empties the table, sized for <paramref name="keys"/> distinct keys.</summary>
        public void Reset(int keys)
        {
            int size = 64;
            while (size < 2 * keys) size *= 2;
            if (_keys.Length < size) { _keys = new ulong[size]; _counts = new int[size]; }
            // Use only the first `size` entries (a larger table stays from a longer document), so that clearing costs
            // in proportion to this document.
            _mask = size - 1;
            _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
            Array.Clear(_counts, 0, size);
        }

        /// <summary>The slot of <paramref name="key"/>, claimed (key stored, count 0 until the caller counts it) when new.</summary>
        public int Slot(ulong key)
        {
            var keys = _keys;
            var counts = _counts;
            int i = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
            while (counts[i] != 0)
            {
                if (keys[i] == key) return i;
                i = (i + 1) & _mask;
            }
            keys[i] = key;
            return i;
        }

        public ref int Count(int slot) => ref _counts[slot];
    }

    /// <summary>
    /// Sentence ends in the lines the C4 line rules keep, counted up to <paramref name="enough"/> (the rule only
    /// reports a count below it): a run of '.', '!', '?' followed by the end of the line, white space or a closing
    /// quote. A vectorized search jumps from one such character to the next.
    /// </summary>
    internal static int CountSentences(TextProfile doc, bool[]? removed, int enough = int.MaxValue)
    {
        int sentences = 0;
        var lines = doc.Lines;
        for (int i = 0; i < lines.Length && sentences < enough; i++)
        {
            if (lines[i].IsBlank || (removed is not null && removed[i])) continue;
            var t = doc.Trimmed(i);
            for (int k = t.IndexOfAny('.', '!', '?'); k >= 0;)
            {
                bool atEnd = k + 1 == t.Length || char.IsWhiteSpace(t[k + 1]) || t[k + 1] is '"' or '\'' or '”' or '’';
                bool runEnd = k + 1 == t.Length || t[k + 1] is not ('.' or '!' or '?');
                if (atEnd && runEnd) sentences++;
                int next = t[(k + 1)..].IndexOfAny('.', '!', '?');
                k = next < 0 ? -1 : k + 1 + next;
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
