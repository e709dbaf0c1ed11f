using System.Diagnostics;
using System.Text;
using Prox.Corpus;

namespace Prox.Bench;

/// <summary>
/// Raw corpus I/O throughput: read a corpus file and write every document to an output file of the same format, with
/// the text changed (its first line dropped, so it is re-encoded, as after refinement) and a small <c>metadata.prox</c> object added.
/// <c>corpus --make-input --mb N</c> builds bench-data/corpus-N.{jsonl,jsonl.gz,jsonl.zst,parquet} from the shared
/// Common Crawl sample (its 697 documents repeated with fresh ids); <c>corpus --input FILE</c> measures one file.
/// Throughput counts uncompressed JSON Lines bytes of the input. Run one measurement per process (peak RSS is per process).
/// </summary>
internal static class CorpusBench
{
    public static int Run(string[] args)
    {
        string? input = null;
        int mb = 256, passes = 2;
        bool make = false, readOnly = false, unchanged = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--input": input = args[++i]; break;
                case "--mb": mb = int.Parse(args[++i]); break;
                case "--passes": passes = int.Parse(args[++i]); break;
                case "--make-input": make = true; break;
                case "--read-only": readOnly = true; break;
                case "--unchanged": unchanged = true; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        if (make) return MakeInputs(mb);
        if (input is null) { Console.Error.WriteLine("corpus: --input FILE or --make-input [--mb N]"); return 2; }
        return Measure(input, readOnly, unchanged, passes);
    }

    private static int MakeInputs(int mb)
    {
        var shared = Environment.GetEnvironmentVariable("PROX_SHARED") ?? Path.Combine(FindRepoRoot(), "..", "shared");
        var sample = Path.Combine(shared, "corpora", "cc-2019-30-sample.jsonl.gz");
        var docs = CorpusReader.Read(sample).Select(e => e.Document!).ToList();
        var dir = Path.Combine(FindRepoRoot(), "bench-data");
        Directory.CreateDirectory(dir);
        var jsonl = Path.Combine(dir, $"corpus-{mb}.jsonl");
        long target = (long)mb << 20, written = 0;
        using (var w = new StreamWriter(jsonl, false, new UTF8Encoding(false)))
        {
            for (int copy = 0; written < target; copy++)
            {
                foreach (var d in docs)
                {
                    var line = d.RecordJson.Replace($"\"id\":\"{d.Id}\"", $"\"id\":\"{d.Id}-{copy}\"");
                    w.Write(line);
                    w.Write('\n');
                    written += Encoding.UTF8.GetByteCount(line) + 1;
                    if (written >= target) break;
                }
            }
        }
        foreach (var ext in new[] { ".jsonl.gz", ".jsonl.zst" })
        {
            using var w = CorpusWriter.Create(Path.ChangeExtension(jsonl, null) + ext);
            foreach (var e in CorpusReader.Read(jsonl)) w.Write(e.Document!);
            w.Complete();
        }
        WriteParquet(jsonl, Path.ChangeExtension(jsonl, ".parquet"));
        foreach (var f in Directory.GetFiles(dir, $"corpus-{mb}.*"))
            Console.WriteLine($"{f}\t{new FileInfo(f).Length / 1e6:F1} MB");
        return 0;
    }

    private static void WriteParquet(string jsonl, string path)
    {
        // FineWeb-like columns from the JSON records: id, text, url, date
        var id = new Parquet.Schema.DataField<string>("id");
        var text = new Parquet.Schema.DataField<string>("text");
        var url = new Parquet.Schema.DataField<string>("url");
        using var file = File.Create(path);
        var writer = Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(id, text, url), file).GetAwaiter().GetResult();
        foreach (var chunk in CorpusReader.Read(jsonl).Select(e => e.Document!).Chunk(10_000))
        {
            using var rg = writer.CreateRowGroup();
            rg.WriteAsync(id, chunk.Select(d => d.Id).ToArray()).GetAwaiter().GetResult();
            rg.WriteAsync(text, chunk.Select(d => d.Text).ToArray()).GetAwaiter().GetResult();
            rg.WriteAsync(url, chunk.Select(d => d.Metadata?.GetValueOrDefault("url") as string).ToArray()).GetAwaiter().GetResult();
            rg.CompleteValidate();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static int Measure(string input, bool readOnly, bool unchanged, int passes)
    {
        // a short pass first, then timed passes: the first timed pass still runs partly unoptimized (tiered) code,
        // the later ones show the steady state of a long run
        Pass(input, readOnly, unchanged, warmup: true);
        for (int p = 1; p <= passes; p++) Pass(input, readOnly, unchanged, warmup: false, pass: p);
        return 0;
    }

    private static int Pass(string input, bool readOnly, bool unchanged, bool warmup, int pass = 0)
    {
        var baseName = Path.GetFileName(input);
        var jsonlBytes = new FileInfo(Path.Combine(Path.GetDirectoryName(input)!, CorpusFormats.Stem(input) + ".jsonl")).Length;
        var output = Path.Combine(Path.GetDirectoryName(input)!, "out", baseName);
        var prox = """{"program":"remove_lines(line_start=0, line_end=1)","kept":true}"""u8.ToArray();
        long docs = 0, bad = 0, chars = 0;
        var sw = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        if (readOnly)
        {
            foreach (var e in CorpusReader.Read(input))
            {
                if (e.Document is { } d) { docs++; chars += d.Text.Length; } else bad++;
                if (warmup && docs == 5000) break;
            }
        }
        else
        {
            using var w = CorpusWriter.Create(output);
            foreach (var e in CorpusReader.Read(input))
            {
                if (e.Document is not { } d) { bad++; continue; }
                docs++;
                if (unchanged) w.Write(d);
                else w.Write(d, DropFirstLine(d.Text), prox);
                if (warmup && docs == 5000) break;
            }
            w.Complete();
        }
        sw.Stop();
        if (warmup) return 0;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        var mode = readOnly ? "read" : unchanged ? "read+write(unchanged)" : "read+write(text-1 line,+prox)";
        Console.WriteLine($"{baseName}\t{mode}\tpass {pass}\t{docs} docs\t{bad} quarantined\t{jsonlBytes / 1e6:F0} MB jsonl\t{sw.Elapsed.TotalSeconds:F2} s\t" +
                          $"{jsonlBytes / 1e6 / sw.Elapsed.TotalSeconds:F1} MB/s\tcpu {cpu.TotalSeconds:F2} s\tpeak RSS {peak / 1e6:F0} MB");
        return 0;
    }

    // what a typical refinement does: the text loses a line, so it is re-encoded on output
    private static string DropFirstLine(string text)
    {
        var nl = text.IndexOf('\n');
        return nl >= 0 ? text[(nl + 1)..] : text + " ";
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prox.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
