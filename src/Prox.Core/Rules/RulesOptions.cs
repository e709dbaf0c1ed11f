namespace Prox.Rules;

/// <summary>
/// Thresholds and switches for the <see cref="RulesRefiner"/>. Every published rule set is a named preset
/// (<see cref="FromPreset"/>): <c>Gopher</c>, <c>C4</c>, <c>FineWeb</c> and <c>ProxRules</c> (alias <c>Default</c>,
/// the combination tuned on the Turku line labels). Defaults of the individual properties are the published values;
/// a preset decides which rule families are switched on. See <c>docs/rules.md</c>.
/// </summary>
public sealed partial record RulesOptions
{
    // ---------------- document rules: Gopher quality (Rae et al. 2021) ----------------

    /// <summary>Gopher quality rules on (word count, mean word length, symbol ratio, bullets, ellipsis, alphabetic words).</summary>
    public bool GopherQuality { get; init; }

    /// <summary>Gopher: drop with fewer words than this (default 50).</summary>
    public int MinWords { get; init; } = 50;

    /// <summary>Gopher: drop with more words than this (default 100,000).</summary>
    public int MaxWords { get; init; } = 100_000;

    /// <summary>Gopher: drop when the mean word length is below this (default 3).</summary>
    public double MinMeanWordLength { get; init; } = 3;

    /// <summary>Gopher: drop when the mean word length is above this (default 10).</summary>
    public double MaxMeanWordLength { get; init; } = 10;

    /// <summary>Gopher: drop when (<c>#</c> + ellipsis count) / words exceeds this (default 0.1).</summary>
    public double MaxSymbolWordRatio { get; init; } = 0.1;

    /// <summary>Gopher: drop when the fraction of non-blank lines starting with a bullet exceeds this (default 0.9).</summary>
    public double MaxBulletLineFraction { get; init; } = 0.9;

    /// <summary>Gopher: drop when the fraction of non-blank lines ending with an ellipsis exceeds this (default 0.3).</summary>
    public double MaxEllipsisLineFraction { get; init; } = 0.3;

    /// <summary>Gopher: drop when the fraction of words holding a letter is below this (default 0.8).</summary>
    public double MinAlphabeticWordFraction { get; init; } = 0.8;

    /// <summary>Gopher: drop with fewer English stop words (the, be, to, of, and, that, have, with) than this (default 2; 0 disables).</summary>
    public int MinStopWords { get; init; } = 2;

    // ---------------- document rules: Gopher repetition ----------------

    /// <summary>Gopher repetition rules on (duplicate lines/paragraphs, top n-grams, duplicate n-grams).</summary>
    public bool GopherRepetition { get; init; }

    /// <summary>Gopher: drop when the fraction of lines that duplicate an earlier line exceeds this (default 0.3).</summary>
    public double MaxDuplicateLineFraction { get; init; } = 0.3;

    /// <summary>Gopher: drop when the fraction of paragraphs that duplicate an earlier one exceeds this (default 0.3).</summary>
    public double MaxDuplicateParagraphFraction { get; init; } = 0.3;

    /// <summary>Gopher: drop when the fraction of characters in duplicate lines exceeds this (default 0.2).</summary>
    public double MaxDuplicateLineCharFraction { get; init; } = 0.2;

    /// <summary>Gopher: drop when the fraction of characters in duplicate paragraphs exceeds this (default 0.2).</summary>
    public double MaxDuplicateParagraphCharFraction { get; init; } = 0.2;

    /// <summary>Gopher: the most frequent n-gram's character fraction limits for n = 2, 3, 4 (default 0.20, 0.18, 0.16).</summary>
    public IReadOnlyList<double> MaxTopNGramCharFraction { get; init; } = [0.20, 0.18, 0.16];

    /// <summary>Gopher: the duplicated n-gram character fraction limits for n = 5 … 10 (default 0.15 … 0.10).</summary>
    public IReadOnlyList<double> MaxDuplicateNGramCharFraction { get; init; } = [0.15, 0.14, 0.13, 0.12, 0.11, 0.10];

    // ---------------- document rules: C4 (Raffel et al. 2020) ----------------

    /// <summary>C4 document rules on: drop on "lorem ipsum", on a curly bracket, and with too few sentences left after the C4 line rules.</summary>
    public bool C4Document { get; init; }

    /// <summary>C4: drop when a curly bracket <c>{</c> occurs (default true; part of <see cref="C4Document"/>).</summary>
    public bool C4DropCurlyBracket { get; init; } = true;

    /// <summary>C4: drop with fewer sentences than this in the lines the C4 line rules keep (default 5; 0 disables).</summary>
    public int C4MinSentences { get; init; } = 5;

    // ---------------- document rules: FineWeb (Penedo et al. 2024) ----------------

    /// <summary>FineWeb quality rules on (punctuated lines, duplicated-line characters, short lines, newline ratio).</summary>
    public bool FineWebQuality { get; init; }

    /// <summary>FineWeb: drop when the fraction of non-blank lines ending in terminal punctuation is at most this (default 0.12).</summary>
    public double MinPunctuatedLineFraction { get; init; } = 0.12;

    /// <summary>FineWeb: drop when the fraction of characters in duplicated lines is at least this (default 0.1).</summary>
    public double MaxDuplicatedLineCharFraction { get; init; } = 0.1;

    /// <summary>FineWeb: drop when the fraction of non-blank lines of at most <see cref="ShortLineLength"/> characters is at least this (default 0.67).</summary>
    public double MaxShortLineFraction { get; init; } = 0.67;

    /// <summary>FineWeb: the length (characters) at or under which a line is short (default 30).</summary>
    public int ShortLineLength { get; init; } = 30;

    /// <summary>FineWeb: drop when newlines / words exceeds this (default 0.3).</summary>
    public double MaxNewlineWordRatio { get; init; } = 0.3;

    // ---------------- document rules: Prox ----------------

    /// <summary>Prox: drop when "lorem ipsum" occurs even if <see cref="C4Document"/> is off (default false; on in ProxRules).</summary>
    public bool DropLoremIpsum { get; init; }

    // ---------------- line rules: C4 ----------------

    /// <summary>C4 line rule: remove lines with fewer words than this (default 0 = off; the C4 preset uses 3).</summary>
    public int C4MinLineWords { get; init; }

    /// <summary>C4 line rule: remove lines that do not end in terminal punctuation (off by default; on in the C4 preset).</summary>
    public bool C4RequireTerminalPunctuation { get; init; }

    /// <summary>C4 line rule: remove lines mentioning "javascript" (off by default; on in C4, FineWeb and ProxRules).</summary>
    public bool C4RemoveJavascriptLines { get; init; }

    /// <summary>C4 line rule: remove lines with policy phrases ("terms of use", "privacy policy", "cookie policy", "uses cookies", …).</summary>
    public bool C4RemovePolicyLines { get; init; }

    // ---------------- line rules: Prox structural boilerplate ----------------

    /// <summary>Prox line rules on: navigation/separator lines, symbol or number-only lines, URL-only lines, short runs, boilerplate phrases (en/de/es/fi).</summary>
    public bool BoilerplateLines { get; init; }

    /// <summary>Prox: a line with at least this many separators (<c>| » › • · ►</c>) whose items are short is navigation (default 3).</summary>
    public int NavigationMinSeparators { get; init; } = 3;

    /// <summary>Prox: navigation items hold at most this many words on average (default 3).</summary>
    public double NavigationMaxWordsPerItem { get; init; } = 3;

    /// <summary>Prox: boilerplate phrases only remove lines of at most this many words (default 20; consent lines: 4×).</summary>
    public int BoilerplateMaxWords { get; init; } = 20;

    /// <summary>Prox: a run of at least this many consecutive short unpunctuated lines (menus, link lists) is removed (default 4; 0 = off).</summary>
    public int ShortRunMinLines { get; init; } = 4;

    /// <summary>Prox: a line with at most this many words and no terminal punctuation counts as short for runs (default 3).</summary>
    public int ShortRunMaxWords { get; init; } = 3;

    /// <summary>Prox: lines starting with a bullet and holding at most this many words (no terminal punctuation) also count as short for runs (default 8).</summary>
    public int BulletRunMaxWords { get; init; } = 8;

    /// <summary>Prox: a line of at most <see cref="RepeatedLineMaxWords"/> words occurring at least this often in the document is template text (default 0 = off).</summary>
    public int RepeatedLineMinCount { get; init; }

    /// <summary>Prox: the longest line (words) the repeated-line rule considers (default 12).</summary>
    public int RepeatedLineMaxWords { get; init; } = 12;

    /// <summary>Prox: remove lines made only of URLs / e-mail addresses (default off: on the Turku labels such lines are more often kept references).</summary>
    public bool RemoveUrlLines { get; init; }

    /// <summary>Prox: normalize away inline markers (<c>[edit]</c>, <c>[Bearbeiten | Quelltext bearbeiten]</c>, <c>read »</c>, …) in kept lines (default on in ProxRules).</summary>
    public bool NormalizeInlineMarkers { get; init; }

    // ---------------- whole pages and corpus context ----------------

    /// <summary>
    /// Prox: the main-block rule for whole web pages (<c>prox.outside_main_block</c>): on a document shaped like a
    /// rendered page (<see cref="PageMinLines"/>, <see cref="PageMinBlankLineFraction"/>), lines outside the stretch
    /// where prose outweighs everything else are removed (default off; on in ProxRules). See <c>docs/rules.md</c>.
    /// </summary>
    public bool PageContext { get; init; }

    /// <summary>Page rule: the fewest non-blank lines of a document it applies to (default 40).</summary>
    public int PageMinLines { get; init; } = 40;

    /// <summary>Page rule: the smallest share of blank lines (block breaks of an HTML-to-text render) of a document it applies to (default 0.1).</summary>
    public double PageMinBlankLineFraction { get; init; } = 0.1;

    /// <summary>Page rule: a kept line with at least this many words is a prose line (default 16; fit on the readability pages).</summary>
    public int PageProseMinWords { get; init; } = 16;

    /// <summary>Page rule: a prose line of a page in a language with a stop-word list needs at least this share of stop-word tokens (default 0.05).</summary>
    public double PageMinStopWordRatio { get; init; } = 0.05;

    /// <summary>Page rule: a page's language is the stop-word list with the most hits in its prose lines, if they make up at least this share of the tokens (default 0.08).</summary>
    public double PageLanguageMinStopWordRatio { get; init; } = 0.08;

    /// <summary>Page rule: a prose line scores its word count up to this cap (default 20).</summary>
    public double PageProseWordCap { get; init; } = 20;

    /// <summary>Page rule: the score factor of a prose line without terminal punctuation (headline-like; default 0.5).</summary>
    public double PageUnpunctuatedWeight { get; init; } = 0.5;

    /// <summary>Page rule: the cost of a kept line that is not prose (default 1).</summary>
    public double PageOtherLinePenalty { get; init; } = 1;

    /// <summary>Page rule: the cost of a line another rule removed (default 12).</summary>
    public double PageRemovedLinePenalty { get; init; } = 12;

    /// <summary>Page rule: the cost of a line removed by <c>prox.short_run</c> (lists inside articles look like menus; default 2).</summary>
    public double PageShortRunPenalty { get; init; } = 2;

    /// <summary>
    /// Prox: with a <see cref="CorpusLineCounts"/> given to the refiner, remove a line that at least this many documents
    /// of the run hold (<c>prox.corpus_repeated</c>; the document itself counts; default 3; 0 = off).
    /// </summary>
    public int CorpusLineMinDocuments { get; init; } = 3;

    /// <summary>
    /// Prox: count normalized lines across each work unit's documents in a pre-pass (the unit is read twice) and remove
    /// lines at least <see cref="CorpusLineMinDocuments"/> of them hold (<c>prox.corpus_repeated</c>). Default off:
    /// it lowers the rules' throughput to about 105 MB per CPU-second (docs/rules.md). Spec: <c>rules:ProxRules?CorpusContext=true</c>.
    /// </summary>
    public bool CorpusContext { get; init; }

    // ---------------- presets ----------------

    /// <summary>The names accepted by <see cref="FromPreset"/>.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["ProxRules", "Default", "Gopher", "C4", "FineWeb"];

    /// <summary>Gopher quality + repetition document rules; no line edits.</summary>
    public static RulesOptions Gopher { get; } = new() { GopherQuality = true, GopherRepetition = true };

    /// <summary>C4: document rules (lorem ipsum, curly bracket, ≥ 5 sentences) and line rules (≥ 3 words, terminal punctuation, javascript, policy).</summary>
    public static RulesOptions C4 { get; } = new()
    {
        C4Document = true, C4MinLineWords = 3, C4RequireTerminalPunctuation = true,
        C4RemoveJavascriptLines = true, C4RemovePolicyLines = true,
    };

    /// <summary>FineWeb's filters: Gopher repetition + quality, C4 without the terminal-punctuation and min-words line rules, FineWeb quality.</summary>
    public static RulesOptions FineWeb { get; } = new()
    {
        GopherQuality = true, GopherRepetition = true, C4Document = true, C4MinSentences = 0,
        C4RemoveJavascriptLines = true, C4RemovePolicyLines = true, FineWebQuality = true,
    };

    /// <summary>
    /// Prox's tuned combination (line rules tuned on the Turku train splits, en/de/es/fi; the page rule fit on half of
    /// the readability pages): structural boilerplate line rules, C4 javascript/policy lines, inline-marker
    /// normalization, the main-block rule for whole pages, and only the document rules that did not hurt line F1.
    /// </summary>
    public static RulesOptions ProxRules { get; } = new()
    {
        BoilerplateLines = true, C4RemovePolicyLines = true, NormalizeInlineMarkers = true, DropLoremIpsum = true,
        PageContext = true,
    };

    /// <summary>The canonical name of a preset (<c>c4</c> → <c>C4</c>, <c>default</c> → <c>ProxRules</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a preset.</exception>
    public static string CanonicalPresetName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "" or "proxrules" or "default" or "prox" => "ProxRules",
            "gopher" => "Gopher",
            "c4" => "C4",
            "fineweb" => "FineWeb",
            _ => throw new ArgumentException($"Unknown rules preset '{name}'. Known presets: {string.Join(", ", PresetNames)}.", nameof(name)),
        };
    }

    /// <summary>
    /// The options of a named preset (case-insensitive): <c>ProxRules</c>/<c>Default</c>, <c>Gopher</c>, <c>C4</c>, <c>FineWeb</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a preset.</exception>
    public static RulesOptions FromPreset(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name.Trim().ToLowerInvariant())
        {
            case "proxrules": case "default": case "prox": return ProxRules;
            case "gopher": return Gopher;
            case "c4": return C4;
            case "fineweb": return FineWeb;
            default:
                throw new ArgumentException(
                    $"Unknown rules preset '{name}'. Known presets: {string.Join(", ", PresetNames)}.", nameof(name));
        }
    }
}
