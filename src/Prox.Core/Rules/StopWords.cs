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

    // Token → language bits, in an open-addressing table keyed by the token packed into 64 bits: every stop word is
    // at most 8 characters of Latin-1, so a token folds to lower case one byte per character (ASCII letters | 0x20,
    // Latin-1 capitals À…Þ + 0x20) and a longer token, or one with a character past U+00FF, is no stop word. One
    // multiplication and usually one probe per token; no string, no culture.
    private const int TableBits = 10;
    private static readonly ulong[] Keys = new ulong[1 << TableBits];
    private static readonly byte[] Values = new byte[1 << TableBits];

    /// <summary>The longest stop word (characters): longer tokens are not looked up.</summary>
    public static readonly int MaxLength = Lists.SelectMany(l => l).Max(w => w.Length);

    static StopWords()
    {
        for (int lang = 0; lang < Lists.Length; lang++)
            foreach (var word in Lists[lang])
            {
                if (!TryPack(word, out ulong key)) throw new InvalidOperationException($"stop word '{word}' does not pack");
                int slot = Find(key);
                Keys[slot] = key;
                Values[slot] |= (byte)(1 << lang);
            }
    }

    private static int Find(ulong key)
    {
        int mask = Keys.Length - 1;
        int slot = (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - TableBits));
        while (Keys[slot] != 0 && Keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
    }

    /// <summary>Packs a token of at most 8 Latin-1 characters, lower-cased, into a non-zero key.</summary>
    private static bool TryPack(ReadOnlySpan<char> token, out ulong key)
    {
        key = 0;
        if (token.Length is 0 or > 8) return false;
        for (int i = 0; i < token.Length; i++)
        {
            char c = token[i];
            if (c > '\u00FF') return false;
            if (c is >= 'A' and <= 'Z' or >= '\u00C0' and <= '\u00DE' && c != '\u00D7') c = (char)(c + 0x20);
            key = (key << 8) | c;
        }
        return true;
    }

    /// <summary>The language bits of one token (0 when it is no stop word); case-insensitive.</summary>
    public static byte Of(ReadOnlySpan<char> token)
    {
        if (!TryPack(token, out ulong key)) return 0;
        int slot = Find(key);
        return Keys[slot] == key ? Values[slot] : (byte)0;
    }

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
            if (i - start > MaxLength) continue;
            byte bits = Of(line[start..i]);
            for (int lang = 0; bits != 0; lang++, bits >>= 1)
                if ((bits & 1) != 0) perLanguage[lang]++;
        }
        return tokens;
    }

    /// <summary>
    /// True when at least <paramref name="needed"/> tokens of <paramref name="line"/> are stop words of the language
    /// with index <paramref name="language"/>; stops reading at the <paramref name="needed"/>-th (running text meets
    /// a low bar within its first words).
    /// </summary>
    public static bool HasAtLeast(ReadOnlySpan<char> line, int language, int needed)
    {
        if (needed <= 0) return true;
        int bit = 1 << language, found = 0, i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && !IsTokenChar(line[i])) i++;
            int start = i;
            while (i < line.Length && IsTokenChar(line[i])) i++;
            if (i == start) break;
            if (i - start <= MaxLength && (Of(line[start..i]) & bit) != 0 && ++found >= needed) return true;
        }
        return false;
    }

    private static readonly bool[] AsciiToken = BuildAsciiToken();

    private static bool[] BuildAsciiToken()
    {
        var table = new bool[128];
        for (int c = 0; c < 128; c++) table[c] = char.IsLetterOrDigit((char)c) || c is '_' or '\'';
        return table;
    }

    private static bool IsTokenChar(char c) => c < 128 ? AsciiToken[c] : char.IsLetterOrDigit(c);
}
