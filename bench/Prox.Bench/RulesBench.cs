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
/// UTF-8 input, documents/s and bytes allocated per document, on one thread.
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
            Console.WriteLine("| corpus | part | documents/s | MB/s | bytes allocated/document |");
            Console.WriteLine("|---|---|---:|---:|---:|");
            foreach (var (name, texts) in sets)
            {
                long bytes = texts.Sum(Utf8Bytes);
                var profiles = texts.Select(TextProfile.Analyze).ToList();
                BenchHarness.Measure($"{name} | line profile", texts, bytes, seconds, t => TextProfile.Analyze(t).Lines.Length);
                BenchHarness.Measure($"{name} | line profile + phrase scans", texts, bytes, seconds,
                    t => LineRules.C4Removed(TextProfile.Analyze(t), RulesOptions.ProxRules).Length);
                foreach (var (label, o) in new[] { ("policy", RulesOptions.ProxRules with { BoilerplateLines = false }),
                             ("javascript", new RulesOptions { C4RemoveJavascriptLines = true }) })
                    BenchHarness.Measure($"{name} | line profile + {label} scan", texts, bytes, seconds,
                        t => LineRules.C4Removed(TextProfile.Analyze(t), o).Length);
                BenchHarness.Measure($"{name} | line rules (profiled)", profiles, bytes, seconds,
                    p => LineRules.Classify(p, RulesOptions.ProxRules, 0, p.Lines.Length).Length);
            }
            return 0;
        }
        Console.WriteLine("| corpus | preset | stage | documents/s | MB/s | bytes allocated/document |");
        Console.WriteLine("|---|---|---|---:|---:|---:|");
        foreach (var (name, texts) in sets)
        {
            long bytes = texts.Sum(Utf8Bytes);
            var requests = texts.Select(t => (Doc: new ProgramRequest(ProgramStage.Doc, t, 0, LineCount(t)),
                                              Chunk: new ProgramRequest(ProgramStage.Chunk, t, 0, LineCount(t)))).ToList();
            foreach (var preset in new[] { "ProxRules", "Gopher", "C4", "FineWeb" })
            {
                if (only is not null && !preset.Equals(only, StringComparison.OrdinalIgnoreCase)) continue;
                var rules = RulesRefiner.FromPreset(preset);
                BenchHarness.Measure($"{name} | {preset} | doc", requests, bytes, seconds, r => rules.Explain(r.Doc).Program.Length);
                BenchHarness.Measure($"{name} | {preset} | chunk", requests, bytes, seconds, r => rules.Explain(r.Chunk).Program.Length);
                BenchHarness.Measure($"{name} | {preset} | doc + chunk", requests, bytes, seconds,
                    r => rules.Explain(r.Doc).Program.Length + rules.Explain(r.Chunk).Program.Length);
            }
        }
        return 0;
    }

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
