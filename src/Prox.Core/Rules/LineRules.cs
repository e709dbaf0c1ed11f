using System.Buffers;
using System.Text;

namespace Prox.Rules;

/// <summary>
/// The line-level rules: C4 line rules and Prox's structural boilerplate rules. Structure (length, punctuation,
/// separators, letters) does most of the work; short per-language phrase lists (en/de/es/fi) catch the rest; lines
/// that many documents of the run hold (<see cref="CorpusLineCounts"/>) and, on whole pages, lines outside the main
/// block (<see cref="PageContext"/>) go too.
/// </summary>
internal static class LineRules
{
    // "javascript" (C4): SearchValues finds one ASCII string case-insensitively with a vectorized search, several
    // times faster than string.IndexOf(…, OrdinalIgnoreCase), with the same matches.
    private static readonly SearchValues<string> JavascriptWord = SearchValues.Create(["javascript"], StringComparison.OrdinalIgnoreCase);

    // C4's published policy substrings.
    private static readonly SearchValues<string> C4Policy = SearchValues.Create(
        ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"],
        StringComparison.OrdinalIgnoreCase);

    // Boilerplate that only a short line is (menus, footers, prompts), per language.
    internal static readonly string[] ShortBoilerplatePhrases =
    [
        // en
        "all rights reserved", "click here", "read more", "read »", "back to top", "sign in", "log in", "sign up",
        "subscribe", "newsletter", "share this", "share on", "follow us", "skip to content", "skip to main", "powered by",
        "terms of service", "terms and conditions", "leave a comment", "leave a reply", "add to cart", "forgot your password",
        "view cart", "previous post", "next post", "related posts", "comments", "enable javascript", "posted in", "posted on",
        "tags:", "(← links)", "found this helpful", "jump to post", "write a review", "already registered", "create an account",
        // de
        "alle rechte vorbehalten", "impressum", "anmelden", "registrieren", "mehr erfahren", "weiterlesen",
        "zum seitenanfang", "nach oben", "in den warenkorb", "kommentar schreiben", "google maps",
        // es
        "todos los derechos reservados", "aviso legal", "iniciar sesión", "regístrate", "leer más", "ver más",
        "compartir", "envío gratis", "añadir al carrito", "suscríbete", "volver arriba",
        // fi
        "kaikki oikeudet pidätetään", "kirjaudu", "rekisteröidy", "lue lisää", "uutiskirje", "lisää ostoskoriin",
        "palaa ylös",
    ];

    private static readonly PhraseSet ShortBoilerplate = new(ShortBoilerplatePhrases);

    // Consent / privacy text: may be a long line.
    internal static readonly string[] ConsentPhrases =
    [
        "cookie", "privacy policy", "datenschutz", "personenbezogenen daten", "política de privacidad", "política de cookies",
        "tietosuoja", "evästei", "evästee",
    ];

    private static readonly PhraseSet Consent = new(ConsentPhrases);

    /// <summary>
    /// The removal rule for each line of the document (null = kept), for lines <paramref name="first"/> … first+count-1;
    /// other entries stay null. Context rules (short runs) look at the whole document.
    /// </summary>
    public static string?[] Classify(TextProfile doc, RulesOptions o, int first, int count, CorpusLineCounts? corpus = null)
    {
        var lines = doc.Lines;
        var reasons = new string?[lines.Length];
        int end = Math.Min(lines.Length, first + count);
        // The main block is a property of the whole page: decide every line, then keep the requested range.
        bool page = o.BoilerplateLines && PageContext.Applies(doc, o);
        int requestedFirst = first, requestedEnd = end;
        if (page) { first = 0; end = lines.Length; }
        bool c4 = o.C4MinLineWords > 0 || o.C4RequireTerminalPunctuation || o.C4RemoveJavascriptLines || o.C4RemovePolicyLines;
        var phrases = PhraseLines(doc, o);
        for (int i = Math.Max(0, first); i < end; i++)
        {
            if (lines[i].IsBlank) continue;
            if (c4) reasons[i] = C4Line(doc, i, phrases[i], o);
            if (reasons[i] is null && o.BoilerplateLines) reasons[i] = Boilerplate(doc, i, o);
            if (reasons[i] is null && corpus is not null && o.CorpusLineMinDocuments > 0
                && corpus.Estimate(doc.Trimmed(i)) >= o.CorpusLineMinDocuments)
                reasons[i] = "prox.corpus_repeated";
        }
        if (o.BoilerplateLines && o.ShortRunMinLines > 0) ShortRuns(doc, o, reasons, first, end);
        if (o.BoilerplateLines && o.RepeatedLineMinCount > 1) RepeatedLines(doc, o, reasons, first, end);
        if (page)
        {
            PageContext.Apply(doc, o, reasons);
            for (int i = 0; i < requestedFirst; i++) reasons[i] = null;
            for (int i = requestedEnd; i < reasons.Length; i++) reasons[i] = null;
        }
        return reasons;
    }

    /// <summary>Which lines the C4 line rules alone would remove (for the C4 sentence count).</summary>
    public static bool[] C4Removed(TextProfile doc, RulesOptions o)
    {
        var removed = new bool[doc.Lines.Length];
        var phrases = PhraseLines(doc, o);
        for (int i = 0; i < removed.Length; i++)
            removed[i] = !doc.Lines[i].IsBlank && C4Line(doc, i, phrases[i], o) is not null;
        return removed;
    }

    private static string? C4Line(TextProfile doc, int line, byte phrases, RulesOptions o)
    {
        ref readonly var p = ref doc.Lines[line];
        if (o.C4RemoveJavascriptLines && (phrases & Javascript) != 0) return "c4.javascript";
        if (o.C4RemovePolicyLines && (phrases & Policy) != 0) return "c4.policy";
        if (p.Words < o.C4MinLineWords) return "c4.min_words";
        if (o.C4RequireTerminalPunctuation && !TextProfile.IsTerminal(doc.Text[p.TrimStart + p.TrimLength - 1])) return "c4.terminal_punctuation";
        return null;
    }

    private static string? Boilerplate(TextProfile doc, int line, RulesOptions o)
    {
        ref readonly var p = ref doc.Lines[line];
        if (p.Letters == 0) return "prox.no_letters";
        if (o.RemoveUrlLines && IsUrlLine(doc.Trimmed(line))) return "prox.url";
        int items = p.Separators + 1;
        if (p.Separators >= o.NavigationMinSeparators && !p.EndsTerminal
            && (double)p.AlphabeticWords / items <= o.NavigationMaxWordsPerItem)
            return "prox.navigation";
        // The phrase lists only matter for short lines, which hold about a third of a web page's text: search them
        // here, line by line, rather than the whole text up front.
        if (p.Words > 4 * o.BoilerplateMaxWords) return null;
        var t = doc.Trimmed(line);
        bool shortLine = p.Words <= o.BoilerplateMaxWords;
        if (shortLine && HasCopyrightSign(t)) return "prox.boilerplate";
        // Both phrase lists search the same folded copy of the line.
        var folded = FoldBuffer(t.Length);
        PhraseSet.FoldLine(t, folded);
        if (shortLine && ShortBoilerplate.Occurs(t, folded)) return "prox.boilerplate";
        if (Consent.Occurs(t, folded)) return "prox.consent";
        return null;
    }

    [ThreadStatic] private static byte[]? t_foldBuffer;

    /// <summary>This thread's buffer for a folded line of <paramref name="length"/> characters (grown as needed, never shrunk).</summary>
    private static Span<byte> FoldBuffer(int length)
    {
        var buffer = t_foldBuffer;
        if (buffer is null || buffer.Length < length) t_foldBuffer = buffer = new byte[Math.Max(256, 2 * length)];
        return buffer.AsSpan(0, length);
    }

    // Phrase bits per line (TextProfile.PhraseLines) for the C4 groups, which apply to lines of any length: each group
    // is found by scanning the whole text once instead of searching every line. A phrase never holds '\n' and starts
    // and ends with a non-space character, so a match lies inside one line's trimmed text exactly when the per-line
    // search would find it there.
    private const byte Javascript = 1, Policy = 2;

    /// <summary>The phrase bits of every line for the groups <paramref name="o"/> needs (cached on the profile).</summary>
    private static byte[] PhraseLines(TextProfile doc, RulesOptions o)
    {
        int needed = (o.C4RemoveJavascriptLines ? Javascript : 0) | (o.C4RemovePolicyLines ? Policy : 0);
        var flags = doc.PhraseLines ??= new byte[doc.Lines.Length];
        int missing = needed & ~doc.PhrasesScanned;
        if (missing == 0) return flags;
        if ((missing & Javascript) != 0) Mark(doc, flags, Javascript, JavascriptWord);
        if ((missing & Policy) != 0) Mark(doc, flags, Policy, C4Policy);
        doc.PhrasesScanned |= missing;
        return flags;
    }

    /// <summary>
    /// Sets <paramref name="bit"/> on every line holding a match of <paramref name="values"/> (case-insensitive): one
    /// search from the start of the text, then from the start of the line after each hit.
    /// </summary>
    private static void Mark(TextProfile doc, byte[] flags, byte bit, SearchValues<string> values)
    {
        var text = doc.Text.AsSpan();
        int line = 0, pos = 0;
        while (pos < text.Length)
        {
            int at = text[pos..].IndexOfAny(values);
            if (at < 0) return;
            line = doc.LineAt(pos + at, line);
            flags[line] |= bit;
            pos = NextLine(doc.Lines, line++);
        }
    }

    private static int NextLine(LineProfile[] lines, int line) => lines[line].Start + lines[line].Length + 1;

    /// <summary>A © that is not the tail of mojibake (UTF-8 read as Latin-1 turns é into "Ã©"); only the first © counts.</summary>
    private static bool HasCopyrightSign(ReadOnlySpan<char> t)
    {
        int i = t.IndexOf('©');
        return i == 0 || (i > 0 && t[i - 1] != 'Ã');
    }

    /// <summary>Every word is a URL or an e-mail address.</summary>
    private static bool IsUrlLine(ReadOnlySpan<char> t)
    {
        int words = 0;
        foreach (var range in t.SplitAny(" \t\r"))
        {
            var w = t[range];
            if (w.IsEmpty) continue;
            words++;
            bool url = w.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || w.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || w.StartsWith("www.", StringComparison.OrdinalIgnoreCase);
            bool mail = !url && w.IndexOf('@') > 0 && w.LastIndexOf('.') > w.IndexOf('@');
            if (!url && !mail) return false;
        }
        return words > 0;
    }

    private static bool IsShort(in LineProfile p, RulesOptions o) =>
        !p.IsBlank && !p.EndsTerminal && (p.Words <= o.ShortRunMaxWords || (p.StartsBullet && p.Words <= o.BulletRunMaxWords));

    /// <summary>Short lines that occur at least <see cref="RulesOptions.RepeatedLineMinCount"/> times in the document (template text).</summary>
    private static void RepeatedLines(TextProfile doc, RulesOptions o, string?[] reasons, int first, int end)
    {
        var lines = doc.EnsureLineHashes();
        var counts = new Dictionary<ulong, int>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].IsBlank || lines[i].Words > o.RepeatedLineMaxWords) continue;
            counts.TryGetValue(lines[i].Hash, out int c);
            counts[lines[i].Hash] = c + 1;
        }
        for (int i = first; i < end; i++)
        {
            if (lines[i].IsBlank || lines[i].Words > o.RepeatedLineMaxWords) continue;
            if (counts[lines[i].Hash] >= o.RepeatedLineMinCount) reasons[i] ??= "prox.repeated_line";
        }
    }

    private static void ShortRuns(TextProfile doc, RulesOptions o, string?[] reasons, int first, int end)
    {
        var lines = doc.Lines;
        // Extend the scan to the whole run that overlaps [first, end).
        int i = first;
        while (i > 0 && IsShort(lines[i - 1], o)) i--;
        while (i < lines.Length && i < end + 1)
        {
            if (!IsShort(lines[i], o)) { i++; continue; }
            int s = i;
            while (i < lines.Length && IsShort(lines[i], o)) i++;
            if (i - s < o.ShortRunMinLines) continue;
            for (int k = Math.Max(s, first); k < Math.Min(i, end); k++) reasons[k] ??= "prox.short_run";
        }
    }
}
