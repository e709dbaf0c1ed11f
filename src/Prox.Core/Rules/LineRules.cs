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
        for (int i = Math.Max(0, first); i < end; i++)
        {
            if (lines[i].IsBlank) continue;
            var t = doc.Trimmed(i);
            if (c4) reasons[i] = C4Line(lines[i], t, o);
            if (reasons[i] is null && o.BoilerplateLines) reasons[i] = Boilerplate(lines[i], t, o);
        }
        if (o.BoilerplateLines && o.ShortRunMinLines > 0) ShortRuns(doc, o, reasons, first, end);
        if (o.BoilerplateLines && o.RepeatedLineMinCount > 1) RepeatedLines(doc, o, reasons, first, end);
        return reasons;
    }

    /// <summary>Which lines the C4 line rules alone would remove (for the C4 sentence count).</summary>
    public static bool[] C4Removed(TextProfile doc, RulesOptions o)
    {
        var removed = new bool[doc.Lines.Length];
        for (int i = 0; i < removed.Length; i++)
            removed[i] = !doc.Lines[i].IsBlank && C4Line(doc.Lines[i], doc.Trimmed(i), o) is not null;
        return removed;
    }

    private static string? C4Line(in LineProfile p, ReadOnlySpan<char> t, RulesOptions o)
    {
        if (o.C4RemoveJavascriptLines && t.Contains("javascript", StringComparison.OrdinalIgnoreCase)) return "c4.javascript";
        if (o.C4RemovePolicyLines && t.IndexOfAny(C4Policy) >= 0) return "c4.policy";
        if (p.Words < o.C4MinLineWords) return "c4.min_words";
        if (o.C4RequireTerminalPunctuation && !TextProfile.IsTerminal(t[^1])) return "c4.terminal_punctuation";
        return null;
    }

    private static string? Boilerplate(in LineProfile p, ReadOnlySpan<char> t, RulesOptions o)
    {
        if (p.Letters == 0) return "prox.no_letters";
        if (o.RemoveUrlLines && IsUrlLine(t)) return "prox.url";
        int items = p.Separators + 1;
        if (p.Separators >= o.NavigationMinSeparators && !p.EndsTerminal
            && (double)p.AlphabeticWords / items <= o.NavigationMaxWordsPerItem)
            return "prox.navigation";
        if (p.Words <= o.BoilerplateMaxWords && (ShortBoilerplate.Matches(t) || HasCopyrightSign(t))) return "prox.boilerplate";
        if (p.Words <= 4 * o.BoilerplateMaxWords && Consent.Matches(t)) return "prox.consent";
        return null;
    }

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
    /// Case-insensitive phrase search. ASCII phrases go through one search; phrases with other characters are only
    /// tried on lines that hold a non-ASCII character.
    /// </summary>
    private sealed class PhraseSet
    {
        private readonly SearchValues<string> _ascii;
        private readonly SearchValues<string> _other;

        public PhraseSet(string[] phrases)
        {
            var ascii = new List<string>();
            var other = new List<string>();
            foreach (var p in phrases) (Ascii.IsValid(p) ? ascii : other).Add(p);
            _ascii = SearchValues.Create(ascii.ToArray(), StringComparison.OrdinalIgnoreCase);
            _other = SearchValues.Create(other.ToArray(), StringComparison.OrdinalIgnoreCase);
        }

        public bool Matches(ReadOnlySpan<char> line) =>
            line.IndexOfAny(_ascii) >= 0 || (!Ascii.IsValid(line) && line.IndexOfAny(_other) >= 0);
    }
}
