using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Prox.Generation;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.Bench;

/// <summary>
/// End-to-end refinement throughput (issue 3): <c>refine-data</c> builds a large corpus from the shared 697-document
/// Common Crawl sample (repeated with distinct ids) as .jsonl.gz and .jsonl.zst; <c>refine</c> runs one refinement of
/// it with the rules backend and prints MB/s (uncompressed JSONL and text) and the process's peak RSS.
/// bench/refine-bench.sh drives both, beside <c>zcat | gzip -1</c>, under <c>taskset</c> for the one-core numbers.
/// </summary>
internal static class RefineBench
{
    public static int Data(string[] args)
    {
        var targetMb = 200.0;
        var dir = "bench-data";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--mb") targetMb = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else if (args[i] == "--dir") dir = args[++i];
        }
        var sample = Path.Combine(BenchHarness.SharedFolder(), "corpora/cc-2019-30-sample.jsonl.gz");
        var records = new List<JsonObject>();
        using (var r = new StreamReader(new GZipStream(File.OpenRead(sample), CompressionMode.Decompress)))
            while (r.ReadLine() is { } l) if (l.Length > 0) records.Add(JsonNode.Parse(l)!.AsObject());
        Directory.CreateDirectory(dir);
        var name = $"cc-{targetMb:0}mb";
        var gz = Path.Combine(dir, name + ".jsonl.gz");
        var zst = Path.Combine(dir, name + ".jsonl.zst");
        long bytes = 0, textBytes = 0, docs = 0;
        using (var g = new GZipStream(File.Create(gz), CompressionLevel.Optimal))
        using (var z = new ZstdSharp.CompressionStream(File.Create(zst), 3))
        {
            for (var copy = 0; bytes < targetMb * 1e6; copy++)
            {
                foreach (var rec in records)
                {
                    var clone = rec.DeepClone().AsObject();
                    clone["id"] = $"{rec["id"]}-{copy}";
                    var line = Encoding.UTF8.GetBytes(clone.ToJsonString() + "\n");
                    g.Write(line);
                    z.Write(line);
                    bytes += line.Length;
                    textBytes += Encoding.UTF8.GetByteCount(rec["text"]!.GetValue<string>());
                    docs++;
                }
            }
        }
        Console.WriteLine($"{gz} {zst}: {docs:N0} documents, {bytes / 1e6:N1} MB of JSONL, {textBytes / 1e6:N1} MB of text; " +
                          $"gz {new FileInfo(gz).Length / 1e6:N1} MB, zst {new FileInfo(zst).Length / 1e6:N1} MB");
        File.WriteAllText(Path.Combine(dir, name + ".size"), $"{bytes} {textBytes} {docs}");
        return 0;
    }

    public static int Run(string[] args)
    {
        string? input = null, output = null;
        var threads = Environment.ProcessorCount;
        var tokenizer = "cl100k_base";
        var generatorSpec = GeneratorSpec.Default.ToString();
        var dialect = ProgramDialect.Strict;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--input": input = args[++i]; break;
                case "--output": output = args[++i]; break;
                case "--threads": threads = int.Parse(args[++i]); break;
                case "--tokenizer": tokenizer = args[++i]; break;
                case "--generator": generatorSpec = args[++i]; break;
                case "--dialect": dialect = Enum.Parse<ProgramDialect>(args[++i], ignoreCase: true); break;
                case "--threads-cpu": case "--gc": break;
            }
        }
        if (input is null || output is null)
        {
            Console.Error.WriteLine("refine --input <file> --output <dir> [--threads N] [--tokenizer spec] [--dialect Strict|Reference] [--generator spec]");
            return 2;
        }
        var sizeFile = Path.Combine(Path.GetDirectoryName(input)!, Path.GetFileName(input).Split('.')[0] + ".size");
        var sizes = File.Exists(sizeFile) ? File.ReadAllText(sizeFile).Split(' ').Select(long.Parse).ToArray() : [new FileInfo(input).Length, 0, 0];
        using var generator = ProgramGenerators.Create(generatorSpec);
        var options = new RefineOptions { Threads = threads, Tokenizer = tokenizer, Dialect = dialect, Force = true };
        var sw = Stopwatch.StartNew();
        var summary = new CorpusRefiner(generator, options).Run([input], output);
        sw.Stop();
        var s = sw.Elapsed.TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        // MB/s of wall time, and of the CPU time the process got (steadier when the machine is shared).
        Console.WriteLine($"| {Path.GetFileName(input)} | {threads} | {tokenizer} | {sizes[0] / 1e6 / s:N1} | {sizes[1] / 1e6 / s:N1} | " +
                          $"{summary.DocumentsIn / s:N0} | {sizes[0] / 1e6 / cpu:N1} | {PeakRssMb():N0} | {summary.DocumentsOut:N0}/{summary.DocumentsIn:N0} |");
        if (args.Contains("--threads-cpu")) PrintThreadCpu();
        if (args.Contains("--gc"))
            Console.Error.WriteLine($"  GC: gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}, " +
                                    $"paused {GC.GetTotalPauseDuration().TotalSeconds:F2} s, allocated {GC.GetTotalAllocatedBytes() / 1e9:F1} GB");
        return 0;
    }

    // CPU seconds per native thread (utime + stime from /proc), to see which pipeline stage is the bottleneck.
    private static void PrintThreadCpu()
    {
        var tick = 100.0;
        foreach (var dir in Directory.GetDirectories("/proc/self/task"))
        {
            var name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11]) + long.Parse(fields[12])) / tick;
            if (cpu >= 0.0) Console.Error.WriteLine($"  thread {name,-16} {cpu,7:F2} s");
        }
    }

    private static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return double.NaN;
    }
}
