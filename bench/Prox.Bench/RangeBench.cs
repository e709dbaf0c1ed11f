using System.Diagnostics;
using Prox.Corpus;
using Prox.Generation;
using Prox.Refinement;
using Prox.Runs;

namespace Prox.Bench;

/// <summary>
/// Range units of a large JSON Lines file: how fast a unit counts the lines before its offset (thread CPU time and
/// wall time of the count alone, file in the page cache), and one refinement run of the file as one unit and as
/// range units with the peak RSS of each (run each mode in its own process for the RSS: <c>--refine whole|split</c>).
/// </summary>
internal static class RangeBench
{
    public static int Run(string[] args)
    {
        string? input = null, refine = null;
        var mb = 512;
        var unitMb = 64;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--input": input = args[++i]; break;
                case "--mb": mb = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--unit-mb": unitMb = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture); break;
                case "--refine": refine = args[++i]; break;
            }
        }
        input ??= Path.Combine(Path.GetTempPath(), $"prox-range-bench-{mb}mb.jsonl");
        if (!File.Exists(input)) MakeInput(input, mb);
        var size = new FileInfo(input).Length;
        if (refine is null)
        {
            // Warm the page cache, then count the lines before the last unit's offset.
            using (var f = File.OpenRead(input)) f.CopyTo(Stream.Null);
            var start = size - (long)unitMb * 1_000_000;
            var cpu0 = BenchHarness.ThreadCpuSeconds();
            var sw = Stopwatch.StartNew();
            using var range = JsonlRange.Open(new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan), start, size);
            sw.Stop();
            var cpu = BenchHarness.ThreadCpuSeconds() - cpu0;
            Console.WriteLine($"| count {range.LinesBefore:N0} lines before offset {start:N0} | {sw.Elapsed.TotalSeconds:N3} s wall | {cpu:N3} s thread CPU | {start / 1e9 / cpu:N1} GB/s per CPU-second |");
            return 0;
        }
        using var rules = ProgramGenerators.Create("rules");
        var options = new RefineOptions { Tokenizer = "whitespace", Threads = 1, UnitBytes = refine == "split" ? (long)unitMb * 1_000_000 : long.MaxValue };
        var outDir = Path.Combine(Path.GetTempPath(), $"prox-range-bench-out-{refine}-{Environment.ProcessId}");
        var clock = Stopwatch.StartNew();
        var s = new CorpusRefiner(rules, options).Run([input], outDir);
        Console.WriteLine($"| {refine} | {s.UnitsDone} unit(s) | {s.DocumentsIn:N0} documents | {clock.Elapsed.TotalSeconds:N1} s | peak RSS {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:N0} MB |");
        Directory.Delete(outDir, recursive: true);
        return 0;
    }

    private static void MakeInput(string path, int mb)
    {
        var shared = Environment.GetEnvironmentVariable("PROX_SHARED") ?? Path.Combine("..", "shared");
        var sample = Path.Combine(shared, "corpora", "cc-2019-30-sample.jsonl.gz");
        var lines = new List<string>();
        foreach (var e in CorpusReader.Read(sample)) if (e.Document is { } d) lines.Add(System.Text.Json.JsonSerializer.Serialize(new { id = d.Id, text = d.Text }));
        using var w = new StreamWriter(path + ".tmp");
        long written = 0;
        for (var copy = 0; written < (long)mb * 1_000_000; copy++)
            foreach (var l in lines)
            {
                var line = l.Replace("\"id\":\"", $"\"id\":\"c{copy}-", StringComparison.Ordinal);
                w.Write(line);
                w.Write('\n');
                written += line.Length + 1;
            }
        w.Close();
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
