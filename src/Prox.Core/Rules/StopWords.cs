using System.Collections.Frozen;

namespace Prox.Rules;

/// <summary>
/// Short stop-word lists (the most frequent function words) for English, German, Spanish, Finnish, French and Swedish,
/// used as a prose cue: running text holds many of them, menus, tag lists and headlines few. One lookup per token
/// gives the languages the token is a stop word of, as bits (a token such as "de" or "in" belongs to several).
/// Scripts without spaces (CJK, Thai) and languages without a list get no stop-word cue; the page rules then rely on
/// length and punctuation alone (<see cref="PageContext"/>).
/// </summary>
internal static class StopWords
{
    /// <summary>The languages with a list, in bit order.</summary>
    public static readonly string[] Languages = ["en", "de", "es", "fi", "fr", "sv"];

    private static readonly string[][] Lists =
    [
        // en
        ["the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "with", "as", "was", "on", "be", "by", "this", "are",
         "at", "from", "or", "an", "have", "not", "but", "which", "they", "his", "had", "has", "were", "their", "will", "been",
         "we", "would", "there", "can", "its", "all", "who", "more", "one", "also", "if", "about", "you", "your", "our", "than"],
        // de
        ["der", "die", "und", "in", "den", "von", "zu", "das", "mit", "sich", "des", "auf", "für", "ist", "im", "dem", "nicht",
         "ein", "eine", "als", "auch", "es", "an", "werden", "aus", "er", "hat", "dass", "sie", "nach", "wird", "bei", "einer",
         "um", "am", "sind", "noch", "wie", "einem", "über", "einen", "so", "zum", "war", "haben", "nur", "oder", "aber", "vor",
         "zur", "bis", "mehr", "durch", "man", "sein", "wurde"],
        // es
        ["de", "la", "que", "el", "en", "y", "a", "los", "del", "se", "las", "por", "un", "para", "con", "no", "una", "su", "al",
         "lo", "como", "más", "pero", "sus", "le", "ya", "o", "este", "sí", "porque", "esta", "entre", "cuando", "muy", "sin",
         "sobre", "también", "me", "hasta", "hay", "donde", "quien", "desde", "todo", "nos", "durante", "todos", "uno", "les",
         "ni", "contra", "otros", "ese", "eso", "ha"],
        // fi
        ["ja", "on", "ei", "se", "että", "hän", "oli", "ovat", "ole", "mutta", "kuin", "myös", "tai", "jos", "niin", "joka",
         "sen", "kun", "vain", "olla", "sekä", "ne", "mitä", "tämä", "nyt", "voi", "jo", "vielä", "hänen", "sitä", "siitä",
         "ollut", "mukaan", "kanssa", "sitten", "aina", "kaikki"],
        // fr
        ["de", "la", "le", "et", "les", "des", "en", "un", "une", "du", "est", "que", "pour", "dans", "qui", "par", "sur", "au",
         "pas", "plus", "ne", "se", "ce", "il", "avec", "sont", "son", "sa", "aux", "ou", "mais", "nous", "vous", "ont", "été",
         "cette", "leur", "elle", "comme", "fait", "être", "aussi", "ses"],
        // sv
        ["och", "i", "att", "det", "som", "en", "på", "är", "av", "för", "med", "till", "den", "har", "de", "inte", "om", "ett",
         "han", "var", "men", "sig", "så", "från", "vid", "kan", "jag", "när", "eller", "hon", "nu", "under", "efter", "också",
         "skulle", "alla", "vara", "vi", "sina"],
    ];

    // Token (lower case) → language bits. Looked up by span through the alternate lookup: no string per token.
    private static readonly FrozenDictionary<string, byte> Bits = Build();

    private static readonly FrozenDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Bits.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The longest stop word (characters): longer tokens are not looked up.</summary>
    public static readonly int MaxLength = Bits.Keys.Max(k => k.Length);

    private static FrozenDictionary<string, byte> Build()
    {
        var map = new Dictionary<string, byte>(StringComparer.OrdinalIgnoreCase);
        for (int lang = 0; lang < Lists.Length; lang++)
            foreach (var word in Lists[lang])
            {
                map.TryGetValue(word, out byte bits);
                map[word] = (byte)(bits | (1 << lang));
            }
        return map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The language bits of one token (0 when it is no stop word); case-insensitive.</summary>
    public static byte Of(ReadOnlySpan<char> token) =>
        token.Length <= MaxLength && Lookup.TryGetValue(token, out byte bits) ? bits : (byte)0;

    /// <summary>
    /// Counts the tokens of <paramref name="line"/> (runs of letters, digits, <c>_</c> and apostrophes) and, per
    /// language, how many are stop words (<paramref name="perLanguage"/>, one slot per entry of <see cref="Languages"/>, added to).
    /// </summary>
    public static int Count(ReadOnlySpan<char> line, Span<int> perLanguage)
    {
        int tokens = 0, i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && !IsTokenChar(line[i])) i++;
            int start = i;
            while (i < line.Length && IsTokenChar(line[i])) i++;
            if (i == start) break;
            tokens++;
            byte bits = Of(line[start..i]);
            for (int lang = 0; bits != 0; lang++, bits >>= 1)
                if ((bits & 1) != 0) perLanguage[lang]++;
        }
        return tokens;
    }

    private static bool IsTokenChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '\'';
}
