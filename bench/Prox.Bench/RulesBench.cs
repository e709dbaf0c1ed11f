using System.IO.Compression;
using System.Text.Json;
using Prox.Generation;
using Prox.Programs;
using Prox.Quality;
using Prox.Rules;

namespace Prox.Bench;

/// <summary>
/// The rules refiner per preset and stage (doc, chunk, doc then chunk of the same text as the pipeline calls them)
/// over the shared Common Crawl sample (697 documents) and the Turku train texts (en/de/es/fi, short lines): MB/s of
/// UTF-8 input, documents/s and bytes allocated per document, on one thread. Besides wall-clock MB/s, every row gives MB
/// per CPU-second of the measuring thread (<c>getrusage(RUSAGE_THREAD)</c> on Linux): on a shared machine the wall-clock
/// rate swings with the load, the CPU-time rate much less. Pin the process (<c>taskset -c 0</c>) to cut it further.
/// </summary>
internal static class RulesBench
{
    public static int Run(string[] args)
    {
        var seconds = 2.0;
        string? only = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else if (args[i] == "--preset" && i + 1 < args.Length) only = args[++i];
            else if (args[i] == "--only" && i + 1 < args.Length) s_onlyRows = args[++i];
        }
        var shared = BenchHarness.SharedFolder();
        var corpus = Path.Combine(shared, "corpora/cc-2019-30-sample.jsonl.gz");
        if (!File.Exists(corpus))
        {
            Console.Error.WriteLine($"shared assets not found under {shared} (set PROX_SHARED)");
            return 1;
        }
        var sets = new List<(string Name, List<string> Texts)> { ("CC sample", ReadJsonl(corpus)) };
        var turku = new List<string>();
        foreach (var lang in new[] { "en", "de", "es", "fi" })
        {
            var path = Path.Combine(shared, $"quality/turku-{lang}/train.json");
            if (File.Exists(path)) turku.AddRange(LabelledFile.Read(path).Select(d => d.Text));
        }
        if (turku.Count > 0) sets.Add(("Turku train", turku));

        Console.WriteLine($"runtime: .NET {Environment.Version}, {Environment.ProcessorCount} cores, one thread; {seconds:F0} s per case");
        foreach (var (name, texts) in sets)
            Console.WriteLine($"{name}: {texts.Count} documents, {texts.Sum(Utf8Bytes) / 1e6:F2} MB UTF-8");
        Console.WriteLine();
        if (args.Contains("--parts"))
        {
            // The parts of the ProxRules chunk stage on their own.
            Console.WriteLine("| corpus | part | documents/s | MB/s (wall) | MB/CPU-s | bytes allocated/document |");
            Console.WriteLine("|---|---|---:|---:|---:|---:|");
            foreach (var (name, texts) in sets)
            {
                long bytes = texts.Sum(Utf8Bytes);
                var profiles = texts.Select(TextProfile.Analyze).ToList();
                Measure($"{name} | line profile", texts, bytes, seconds, t => TextProfile.Analyze(t).Lines.Length);
                Measure($"{name} | line profile + phrase scans", texts, bytes, seconds,
                    t => LineRules.C4Removed(TextProfile.Analyze(t), RulesOptions.ProxRules).Length);
                foreach (var (label, o) in new[] { ("policy", RulesOptions.ProxRules with { BoilerplateLines = false }),
                             ("javascript", new RulesOptions { C4RemoveJavascriptLines = true }) })
                    Measure($"{name} | line profile + {label} scan", texts, bytes, seconds,
                        t => LineRules.C4Removed(TextProfile.Analyze(t), o).Length);
                Measure($"{name} | line rules (profiled)", profiles, bytes, seconds,
                    p => LineRules.Classify(p, RulesOptions.ProxRules, 0, p.Lines.Length).Length);
                // The document rule families on their own, over profiled texts (C4 includes its line rules for the sentence count).
                foreach (var (label, o) in new[] { ("Gopher quality", new RulesOptions { GopherQuality = true }),
                             ("Gopher repetition", new RulesOptions { GopherRepetition = true }),
                             ("C4 document", new RulesOptions { C4Document = true, C4MinLineWords = 3, C4RequireTerminalPunctuation = true,
                                 C4RemoveJavascriptLines = true, C4RemovePolicyLines = true }),
                             ("FineWeb quality", new RulesOptions { FineWebQuality = true }) })
                    Measure($"{name} | doc rules {label} (profiled)", profiles, bytes, seconds,
                        p => DocumentRules.Evaluate(p, o, o.C4Document ? LineRules.C4Removed(p, o) : null).Count);
            }
            return 0;
        }
        Console.WriteLine("| corpus | preset | stage | documents/s | MB/s (wall) | MB/CPU-s | bytes allocated/document |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|");
        foreach (var (name, texts) in sets)
        {
            long bytes = texts.Sum(Utf8Bytes);
            var requests = texts.Select(t => (Doc: new ProgramRequest(ProgramStage.Doc, t, 0, LineCount(t)),
                                              Chunk: new ProgramRequest(ProgramStage.Chunk, t, 0, LineCount(t)))).ToList();
            foreach (var preset in new[] { "ProxRules", "Gopher", "C4", "FineWeb" })
            {
                if (only is not null && !preset.Equals(only, StringComparison.OrdinalIgnoreCase)) continue;
                var rules = RulesRefiner.FromPreset(preset);
                Measure($"{name} | {preset} | doc", requests, bytes, seconds, r => rules.Explain(r.Doc).Program.Length);
                Measure($"{name} | {preset} | chunk", requests, bytes, seconds, r => rules.Explain(r.Chunk).Program.Length);
                Measure($"{name} | {preset} | doc + chunk", requests, bytes, seconds,
                    r => rules.Explain(r.Doc).Program.Length + rules.Explain(r.Chunk).Program.Length);
            }
            if (only is null || only.Equals("ProxRules", StringComparison.OrdinalIgnoreCase))
            {
                // The page rule's share: the same preset without it.
                var noPage = new RulesRefiner(RulesOptions.ProxRules with { PageContext = false });
                Measure($"{name} | ProxRules without page rule | doc + chunk", requests, bytes, seconds,
                    r => noPage.Explain(r.Doc).Program.Length + noPage.Explain(r.Chunk).Program.Length);
                // The corpus rule: the pre-pass (every document into one sketch, as a work unit would), then doc + chunk reading it.
                var counts = new CorpusLineCounts();
                Measure($"{name} | corpus counts | pre-pass", texts, bytes, seconds, t => { counts.AddDocument(t); return 1; });
                var withCounts = new RulesRefiner(RulesOptions.ProxRules, counts);
                Measure($"{name} | ProxRules + corpus counts | doc + chunk", requests, bytes, seconds,
                    r => withCounts.Explain(r.Doc).Program.Length + withCounts.Explain(r.Chunk).Program.Length);
            }
        }
        return 0;
    }

    /// <summary>
    /// Like <see cref="BenchHarness.Measure{T}"/> (warm-up, then passes for <paramref name="seconds"/> of wall time), with
    /// the rate per CPU-second of this thread as well.
    /// </summary>
    private static void Measure<T>(string name, IReadOnlyList<T> items, long bytes, double seconds, Func<T, int> run)
    {
        if (s_onlyRows is not null && !name.Contains(s_onlyRows, StringComparison.OrdinalIgnoreCase)) return;
        long sink = 0;
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(2, seconds / 2))
            foreach (var item in items) sink += run(item);

        var passes = 0;
        var allocBefore = GC.GetAllocatedBytesForCurrentThread();
        double cpuBefore = ThreadCpuSeconds();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            foreach (var item in items) sink += run(item);
            passes++;
        }
        sw.Stop();
        double cpu = ThreadCpuSeconds() - cpuBefore;
        var alloc = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        var n = (double)passes * items.Count;
        double mb = passes * (double)bytes / 1e6;
        string perCpu = cpu > 0 ? (mb / cpu).ToString("N1") : "n/a";
        Console.WriteLine($"| {name} | {n / sw.Elapsed.TotalSeconds:N0} | {mb / sw.Elapsed.TotalSeconds:N1} | {perCpu} | {alloc / n:N0} |");
        if (sink == 42) Console.WriteLine();
    }

    /// <summary><c>--only TEXT</c>: time only the rows whose name holds TEXT (e.g. <c>"CC sample | Gopher"</c>).</summary>
    private static string? s_onlyRows;

    /// <summary>CPU seconds (user + system) this thread has used, or -1 where <c>getrusage(RUSAGE_THREAD)</c> is not available.</summary>
    private static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return -1;
        var usage = new long[18]; // struct rusage on 64-bit Linux: two timevals, then 14 longs
        if (getrusage(1 /* RUSAGE_THREAD */, usage) != 0) return -1;
        return usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, long[] usage);

    private static long Utf8Bytes(string text) => System.Text.Encoding.UTF8.GetByteCount(text);

    private static int LineCount(string text) => text.AsSpan().Count('\n') + 1;

    private static List<string> ReadJsonl(string path)
    {
        var texts = new List<string>();
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) texts.Add(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
        return texts;
    }
}
