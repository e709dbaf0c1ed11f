using System.Globalization;
using System.Text;
using Prox.Generation;
using Prox.Programs;
using Prox.Quality;
using Prox.Rules;

namespace Prox.Bench;

/// <summary>
/// Line-level quality of every preset and two simple baselines on the shared labelled sets — the readability pages
/// (all 93, the fit and held-out halves, the pages at most half article) and the Turku dev and train splits — and
/// the fit of the page rule's weights on the fit half (<c>--fit</c>). The fit/held-out split is fixed: a page is in
/// the fit half when FNV-1a (32-bit) of the UTF-8 bytes of its <c>id</c> is even.
/// </summary>
internal static class QualityBench
{
    public static int Run(string[] args)
    {
        var shared = BenchHarness.SharedFolder();
        var pagesPath = Path.Combine(shared, "quality/readability-pages/pages.jsonl");
        if (!File.Exists(pagesPath))
        {
            Console.Error.WriteLine($"shared assets not found under {shared} (set PROX_SHARED)");
            return 1;
        }
        var pages = LabelledFile.Read(pagesPath);
        var fit = pages.Where(InFitHalf).ToList();
        var heldOut = pages.Where(p => !InFitHalf(p)).ToList();
        if (args.Contains("--fit")) return Fit(fit, heldOut);
        if (args.Contains("--corpus")) return CorpusContext(shared);

        var sets = new List<(string Name, IReadOnlyList<LabelledDocument> Docs)>
        {
            ("pages (93)", pages), ($"pages fit half ({fit.Count})", fit), ($"pages held-out half ({heldOut.Count})", heldOut),
        };
        var halfArticle = pages.Where(p => KeepShare(p) <= 0.5).ToList();
        sets.Add(($"pages ≤ half article ({halfArticle.Count})", halfArticle));
        foreach (var split in new[] { "dev", "train" })
            foreach (var lang in new[] { "en", "de", "es", "fi" })
            {
                var path = Path.Combine(shared, $"quality/turku-{lang}/{split}.json");
                if (File.Exists(path)) sets.Add(($"turku {lang} {split}", LabelledFile.Read(path)));
            }

        var generators = new List<(string Name, Func<IProgramGenerator> Make)>
        {
            ("keep all", () => new RulesRefiner(new RulesOptions())),
            ("ProxRules", () => RulesRefiner.FromPreset("ProxRules")),
            ("ProxRules, no page rule", () => new RulesRefiner(RulesOptions.ProxRules with { PageContext = false })),
            ("ProxRules, page rule without the blank-line test", () => new RulesRefiner(RulesOptions.ProxRules with { PageMinBlankLineFraction = 0 })),
            ("Gopher", () => RulesRefiner.FromPreset("Gopher")),
            ("C4", () => RulesRefiner.FromPreset("C4")),
            ("FineWeb", () => RulesRefiner.FromPreset("FineWeb")),
            ("boilerpipe words", () => new WordCountBaseline(WordCountBaseline.Mode.Boilerpipe)),
            ("≥ 10 words", () => new WordCountBaseline(WordCountBaseline.Mode.MinWords)),
        };
        Console.WriteLine("Keep-class F1 pooled over lines / averaged over pages (precision, recall pooled); both stages.");
        Console.WriteLine();
        Console.WriteLine("| set | " + string.Join(" | ", generators.Select(g => g.Name)) + " |");
        Console.WriteLine("|---|" + string.Concat(generators.Select(_ => "---:|")));
        foreach (var (name, docs) in sets)
        {
            var cells = new List<string>();
            foreach (var (_, make) in generators)
            {
                using var g = make();
                var r = QualityEvaluator.Evaluate(docs, g);
                cells.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{r.KeepF1:0.000} / {r.PageAveragedKeepF1:0.000} ({r.KeepPrecision:0.00}, {r.KeepRecall:0.00})"));
            }
            Console.WriteLine($"| {name} | " + string.Join(" | ", cells) + " |");
        }
        return 0;
    }

    /// <summary>
    /// The corpus rule on the shared Common Crawl sample: the pre-pass (one <see cref="CorpusLineCounts"/> over the
    /// 697 documents, on 1 and on 4 threads, which must agree), then ProxRules with and without the counts — lines and
    /// characters each rule removes, and the lines most documents share.
    /// </summary>
    private static int CorpusContext(string shared)
    {
        var path = Path.Combine(shared, "corpora/cc-2019-30-sample.jsonl.gz");
        var texts = new List<string>();
        using (var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress)))
            while (reader.ReadLine() is { } line)
                if (line.Length > 0) texts.Add(System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
        long bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        var warm = new CorpusLineCounts();
        foreach (var t in texts) warm.AddDocument(t);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var counts = new CorpusLineCounts();
        foreach (var t in texts) counts.AddDocument(t);
        double seconds = sw.Elapsed.TotalSeconds;
        var parallel = new CorpusLineCounts();
        Parallel.ForEach(texts, new ParallelOptions { MaxDegreeOfParallelism = 4 }, parallel.AddDocument);
        bool same = texts.SelectMany(t => t.Split('\n')).All(l => counts.Estimate(l) == parallel.Estimate(l));
        Console.WriteLine($"CC sample: {texts.Count} documents, {bytes / 1e6:F2} MB; pre-pass {seconds * 1000:F0} ms on one thread " +
                          $"({bytes / 1e6 / seconds:F0} MB/s, second run), sketch {counts.Depth} × {counts.Width:N0} (16 MiB); " +
                          $"1 thread and 4 threads agree on every line: {same}");
        Console.WriteLine();
        foreach (var (label, corpus) in new (string, CorpusLineCounts?)[] { ("ProxRules", null), ("ProxRules + corpus counts", counts) })
        {
            using var rules = new RulesRefiner(RulesOptions.ProxRules, corpus);
            var lines = new Dictionary<string, (int Lines, long Chars)>();
            long keptChars = 0, allChars = 0;
            foreach (var t in texts)
            {
                var split = t.Split('\n');
                var d = rules.Explain(new ProgramRequest(ProgramStage.Chunk, t, 0, split.Length));
                var removed = new HashSet<int>();
                foreach (var f in d.RemovedLines)
                {
                    removed.Add(f.Line);
                    lines.TryGetValue(f.Rule, out var c);
                    lines[f.Rule] = (c.Lines + 1, c.Chars + split[f.Line].Length);
                }
                for (int i = 0; i < split.Length; i++) { allChars += split[i].Length; if (!removed.Contains(i)) keptChars += split[i].Length; }
            }
            Console.WriteLine($"{label}: keeps {100.0 * keptChars / allChars:F1} % of the characters; removed lines (characters) by rule: " +
                              string.Join(", ", lines.OrderByDescending(r => r.Value.Lines).Select(r => $"{r.Key} {r.Value.Lines:N0} ({r.Value.Chars:N0})")));
        }
        Console.WriteLine();
        Console.WriteLine("Lines held by the most documents (estimate):");
        var top = texts.SelectMany(t => t.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Distinct())
            .GroupBy(l => CorpusLineCounts.LineHash(l)).Where(g => g.Key != 0)
            .Select(g => (Line: g.First(), Docs: counts.EstimateHash(g.Key))).OrderByDescending(x => x.Docs).Take(12);
        foreach (var (line, docs) in top) Console.WriteLine($"  {docs,4}  {(line.Length > 90 ? line[..90] + "…" : line)}");
        return 0;
    }

    /// <summary>The fixed split: FNV-1a (32-bit) of the id's UTF-8 bytes is even.</summary>
    internal static bool InFitHalf(LabelledDocument page)
    {
        uint h = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(page.Id)) h = (h ^ b) * 16777619;
        return (h & 1) == 0;
    }

    private static double KeepShare(LabelledDocument d)
    {
        int keep = d.Keep.Count(k => k == true), scored = d.Keep.Count(k => k is not null);
        return scored == 0 ? 0 : (double)keep / scored;
    }

    /// <summary>
    /// Grid search of the page rule's weights on the fit half: maximizes the mean of the pooled and the page-averaged
    /// keep F1 (pooled alone favours the few longest pages), prints the best settings with their held-out scores.
    /// </summary>
    private static int Fit(List<LabelledDocument> fit, List<LabelledDocument> heldOut)
    {
        var results = new List<(double Objective, RulesOptions Options)>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        foreach (int words in new[] { 10, 12, 14, 16 })
        foreach (double stop in new[] { 0.0, 0.05, 0.1 })
        foreach (double cap in new[] { 20.0, 30, 40 })
        foreach (double unpunctuated in new[] { 0.1, 0.25, 0.5 })
        foreach (double other in new[] { 1.0, 2, 3, 4 })
        foreach (double removed in new[] { 4.0, 8, 12 })
        foreach (double shortRun in new[] { 1.0, 2, 4 })
        {
            var o = RulesOptions.ProxRules with
            {
                PageProseMinWords = words, PageMinStopWordRatio = stop, PageProseWordCap = cap,
                PageUnpunctuatedWeight = unpunctuated, PageOtherLinePenalty = other, PageRemovedLinePenalty = removed,
                PageShortRunPenalty = shortRun,
            };
            using var g = new RulesRefiner(o);
            var r = QualityEvaluator.Evaluate(fit, g);
            results.Add(((r.KeepF1 + r.PageAveragedKeepF1) / 2, o));
        }
        Console.WriteLine($"{results.Count} settings in {sw.Elapsed.TotalSeconds:F0} s; best on the fit half ({fit.Count} pages):");
        Console.WriteLine();
        Console.WriteLine("| words | stop ratio | cap | unpunctuated | other | removed | short run | fit pooled / page-avg | held-out pooled / page-avg |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (_, o) in results.OrderByDescending(r => r.Objective).Take(10))
        {
            using var g = new RulesRefiner(o);
            var f = QualityEvaluator.Evaluate(fit, g);
            var h = QualityEvaluator.Evaluate(heldOut, g);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {o.PageProseMinWords} | {o.PageMinStopWordRatio} | {o.PageProseWordCap} | {o.PageUnpunctuatedWeight} | {o.PageOtherLinePenalty} | {o.PageRemovedLinePenalty} | {o.PageShortRunPenalty} | {f.KeepF1:0.000} / {f.PageAveragedKeepF1:0.000} | {h.KeepF1:0.000} / {h.PageAveragedKeepF1:0.000} |"));
        }
        return 0;
    }
}
