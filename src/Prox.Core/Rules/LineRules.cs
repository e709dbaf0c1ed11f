using System.Buffers;
using System.Text;

namespace Prox.Rules;

/// <summary>
/// The line-level rules: C4 line rules and Prox's structural boilerplate rules. Structure (length, punctuation,
/// separators, letters) does most of the work; short per-language phrase lists (en/de/es/fi) catch the rest.
/// </summary>
internal static class LineRules
{
    // C4's published policy substrings.
    private static readonly SearchValues<string> C4Policy = SearchValues.Create(
        ["terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies"],
        StringComparison.OrdinalIgnoreCase);

    // Boilerplate that only a short line is (menus, footers, prompts), per language.
    private static readonly PhraseSet ShortBoilerplate = new(
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
    ]);

    // Consent / privacy text: may be a long line.
    private static readonly PhraseSet Consent = new(
    [
        "cookie", "privacy policy", "datenschutz", "personenbezogenen daten", "política de privacidad", "política de cookies",
        "tietosuoja", "evästei", "evästee",
    ]);

    /// <summary>
    /// The removal rule for each line of the document (null = kept), for lines <paramref name="first"/> … first+count-1;
    /// other entries stay null. Context rules (short runs) look at the whole document.
    /// </summary>
    public static string?[] Classify(TextProfile doc, RulesOptions o, int first, int count)
    {
        var lines = doc.Lines;
        var reasons = new string?[lines.Length];
        int end = Math.Min(lines.Length, first + count);
        bool c4 = o.C4MinLineWords > 0 || o.C4RequireTerminalPunctuation || o.C4RemoveJavascriptLines || o.C4RemovePolicyLines;
        var phrases = PhraseLines(doc, o);
        for (int i = Math.Max(0, first); i < end; i++)
        {
            if (lines[i].IsBlank) continue;
            if (c4) reasons[i] = C4Line(doc, i, phrases[i], o);
            if (reasons[i] is null && o.BoilerplateLines) reasons[i] = Boilerplate(doc, i, phrases[i], o);
        }
        if (o.BoilerplateLines && o.ShortRunMinLines > 0) ShortRuns(doc, o, reasons, first, end);
        if (o.BoilerplateLines && o.RepeatedLineMinCount > 1) RepeatedLines(doc, o, reasons, first, end);
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

    private static string? Boilerplate(TextProfile doc, int line, byte phrases, RulesOptions o)
    {
        ref readonly var p = ref doc.Lines[line];
        if (p.Letters == 0) return "prox.no_letters";
        if (o.RemoveUrlLines && IsUrlLine(doc.Trimmed(line))) return "prox.url";
        int items = p.Separators + 1;
        if (p.Separators >= o.NavigationMinSeparators && !p.EndsTerminal
            && (double)p.AlphabeticWords / items <= o.NavigationMaxWordsPerItem)
            return "prox.navigation";
        if (p.Words <= o.BoilerplateMaxWords && (phrases & (ShortPhrase | Copyright)) != 0) return "prox.boilerplate";
        if (p.Words <= 4 * o.BoilerplateMaxWords && (phrases & ConsentPhrase) != 0) return "prox.consent";
        return null;
    }

    // Phrase bits per line (TextProfile.PhraseLines): each group is found by scanning the whole text once instead of
    // searching every line. A phrase never holds '\n' and starts and ends with a non-space character, so a match lies
    // inside one line's trimmed text exactly when the per-line search would find it there.
    private const byte Javascript = 1, Policy = 2, ShortPhrase = 4, Copyright = 8, ConsentPhrase = 16;

    /// <summary>The phrase bits of every line for the groups <paramref name="o"/> needs (cached on the profile).</summary>
    private static byte[] PhraseLines(TextProfile doc, RulesOptions o)
    {
        int needed = (o.C4RemoveJavascriptLines ? Javascript : 0) | (o.C4RemovePolicyLines ? Policy : 0)
                     | (o.BoilerplateLines ? ShortPhrase | Copyright | ConsentPhrase : 0);
        var flags = doc.PhraseLines ??= new byte[doc.Lines.Length];
        int missing = needed & ~doc.PhrasesScanned;
        if (missing == 0) return flags;
        if ((missing & Javascript) != 0) Mark(doc, flags, Javascript, null, "javascript");
        if ((missing & Policy) != 0) Mark(doc, flags, Policy, C4Policy);
        if ((missing & ShortPhrase) != 0) ShortBoilerplate.Mark(doc, flags, ShortPhrase);
        if ((missing & ConsentPhrase) != 0) Consent.Mark(doc, flags, ConsentPhrase);
        if ((missing & Copyright) != 0) MarkCopyright(doc, flags);
        doc.PhrasesScanned |= missing;
        return flags;
    }

    /// <summary>
    /// Sets <paramref name="bit"/> on every line holding a match of <paramref name="values"/> (or, when null, of
    /// <paramref name="phrase"/>; both case-insensitive): one search from the start of the text, then from the start
    /// of the line after each hit.
    /// </summary>
    private static void Mark(TextProfile doc, byte[] flags, byte bit, SearchValues<string>? values, string? phrase = null)
    {
        var text = doc.Text.AsSpan();
        int line = 0, pos = 0;
        while (pos < text.Length)
        {
            int at = values is not null ? text[pos..].IndexOfAny(values) : text[pos..].IndexOf(phrase, StringComparison.OrdinalIgnoreCase);
            if (at < 0) return;
            line = doc.LineAt(pos + at, line);
            flags[line] |= bit;
            pos = NextLine(doc.Lines, line++);
        }
    }

    /// <summary>Sets <see cref="Copyright"/> on every line whose trimmed text passes <see cref="HasCopyrightSign"/>.</summary>
    private static void MarkCopyright(TextProfile doc, byte[] flags)
    {
        var text = doc.Text.AsSpan();
        int line = 0, pos = 0;
        while (pos < text.Length)
        {
            int at = text[pos..].IndexOf('©');
            if (at < 0) return;
            line = doc.LineAt(pos + at, line);
            if (HasCopyrightSign(doc.Trimmed(line))) flags[line] |= Copyright;
            pos = NextLine(doc.Lines, line++);
        }
    }

    private static int NextLine(LineProfile[] lines, int line) => lines[line].Start + lines[line].Length + 1;

    /// <summary>A © that is not the tail of mojibake (UTF-8 read as Latin-1 turns é into "Ã©").</summary>
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
        var lines = doc.Lines;
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

    /// <summary>
    /// Case-insensitive (<see cref="StringComparison.OrdinalIgnoreCase"/>) phrase search over a whole text, with a
    /// cheap exact prefilter: a phrase can only start where the next four characters, folded to ASCII lower case, hash
    /// into a bitmap of the phrases' four-character prefixes — or where one of them is not ASCII (such a character may
    /// match a phrase character only case-insensitively, so those windows always pass). A candidate is confirmed with
    /// <see cref="MemoryExtensions.StartsWith(ReadOnlySpan{char}, ReadOnlySpan{char}, StringComparison)"/> against the
    /// phrases whose first character is the candidate's, upper-cased (every phrase starts with an ASCII character).
    /// Phrases with non-ASCII characters are only tried on texts holding one (none of their characters folds to ASCII).
    /// </summary>
    private sealed class PhraseSet
    {
        private const int PrefixLength = 4, HashBits = 12;
        private readonly ulong[] _prefixes = new ulong[(1 << HashBits) / 64];
        private readonly string[][] _byFirst = new string[128][];

        public PhraseSet(string[] phrases)
        {
            for (int c = 0; c < _byFirst.Length; c++) _byFirst[c] = [];
            // ASCII phrases first, so that an ASCII-only text stops before the others.
            foreach (var p in phrases.OrderBy(p => Ascii.IsValid(p) ? 0 : 1))
            {
                if (p.Length <= PrefixLength || p[0] >= 128)
                    throw new ArgumentException($"phrase '{p}' is too short for the prefilter or starts with a non-ASCII character", nameof(phrases));
                ref var bucket = ref _byFirst[char.ToLowerInvariant(p[0])];
                bucket = [.. bucket, p];
                uint window = 0;
                bool asciiPrefix = true;
                for (int k = 0; k < PrefixLength; k++)
                {
                    asciiPrefix &= p[k] < 128;
                    window = (window << 8) | Fold(p[k]);
                }
                // A prefix with a non-ASCII character needs no bit: such windows always pass.
                if (asciiPrefix) _prefixes[Bucket(window) >> 6] |= 1UL << (int)Bucket(window);
            }
        }

        private static uint Fold(char c) => c < 128 ? char.ToLowerInvariant(c) : 0u;

        private static uint Bucket(uint window) => (window * 0x9E3779B1u) >> (32 - HashBits);

        /// <summary>Sets <paramref name="bit"/> on every line holding a phrase.</summary>
        public void Mark(TextProfile doc, byte[] flags, byte bit)
        {
            var text = doc.Text.AsSpan();
            bool asciiText = Ascii.IsValid(text);
            var prefixes = _prefixes;
            int line = 0, fillStart = 0, lastNonAscii = -1;
            uint window = 0;
            for (int j = 0; j < text.Length; j++)
            {
                char c = text[j];
                if (c >= 128) lastNonAscii = j;
                window = (window << 8) | Fold(c);
                int i = j - (PrefixLength - 1);
                if (i < fillStart) continue;
                if (lastNonAscii < i)
                {
                    uint b = Bucket(window);
                    if ((prefixes[b >> 6] & (1UL << (int)b)) == 0) continue;
                }
                if (!StartsWithPhrase(text[i..], asciiText)) continue;
                line = doc.LineAt(i, line);
                flags[line] |= bit;
                // Next line: restart the window there.
                fillStart = NextLine(doc.Lines, line++);
                j = fillStart - 1;
                window = 0;
            }
        }

        private bool StartsWithPhrase(ReadOnlySpan<char> at, bool asciiText)
        {
            char first = char.ToUpperInvariant(at[0]);
            if (first >= 128) return false;
            foreach (var p in _byFirst[char.ToLowerInvariant(first)])
            {
                if (asciiText && !Ascii.IsValid(p)) break; // the non-ASCII phrases come last
                if (at.StartsWith(p, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }
    }
}
