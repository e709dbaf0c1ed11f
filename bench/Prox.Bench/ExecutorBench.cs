using System.IO.Compression;
using System.Text.Json;
using Prox.Programs;

namespace Prox.Bench;

/// <summary>
/// Executor throughput on the shared workload (697 Common Crawl documents with realistic chunk and doc programs):
/// documents/s and MB/s of input text on one thread, allocations per document, for each dialect and stage.
/// </summary>
internal static class ExecutorBench
{
    public static int Run(string[] args)
    {
        var seconds = 5.0;
        string? only = null; // run only the cases whose name contains this
        var parts = false;   // also time parsing alone and print the output size
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else if (args[i] == "--only" && i + 1 < args.Length) only = args[++i];
            else if (args[i] == "--parts") parts = true;
        }

        var shared = BenchHarness.SharedFolder();
        var path = Path.Combine(shared, "reference/executor-workload.jsonl.gz");
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"workload not found: {path} (set PROX_SHARED)");
            return 1;
        }
        var docs = new List<(string Text, string Chunk, string Doc)>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress)))
        {
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0) continue;
                var e = JsonDocument.Parse(line).RootElement;
                docs.Add((e.GetProperty("text").GetString()!, e.GetProperty("chunk_program").GetString()!, e.GetProperty("doc_program").GetString()!));
            }
        }
        var bytes = docs.Sum(d => (long)System.Text.Encoding.UTF8.GetByteCount(d.Text));
        Console.WriteLine($"workload: {docs.Count} documents, {bytes / 1e6:F2} MB UTF-8, {docs.Average(d => d.Text.Split('\n').Length):F1} lines/doc");
        Console.WriteLine($"runtime: .NET {Environment.Version}, {Environment.ProcessorCount} cores, one thread; {seconds:F0} s per case");
        Console.WriteLine();
        Console.WriteLine("| case | documents/s (wall) | documents/CPU-s | MB/s | bytes allocated/document |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var dialect in new[] { ProgramDialect.Reference, ProgramDialect.Strict })
        {
            if (parts)
            {
                var outChars = docs.Average(d => (double)ProgramExecutor.Execute(d.Text, d.Chunk, ProgramStage.Chunk, dialect).Text.Length);
                Console.WriteLine($"| ({dialect}: chunk output {outChars:F0} chars/document = {2 * outChars + 22:F0} bytes as a string) | | | | |");
                Case($"chunk parse only, {dialect}", d => ProxProgram.Parse(d.Chunk, ProgramStage.Chunk, dialect).Operations.Count);
            }
            Case($"chunk stage, {dialect}", d => ProgramExecutor.Execute(d.Text, d.Chunk, ProgramStage.Chunk, dialect).Text.Length);
            Case($"doc stage, {dialect}", d => ProgramExecutor.Execute(d.Text, d.Doc, ProgramStage.Doc, dialect).Text.Length);
            Case($"doc then chunk, {dialect}", d =>
            {
                var doc = ProgramExecutor.Execute(d.Text, d.Doc, ProgramStage.Doc, dialect);
                return doc.Dropped ? 0 : ProgramExecutor.Execute(d.Text, d.Chunk, ProgramStage.Chunk, dialect).Text.Length;
            });
        }
        return 0;

        void Case(string name, Func<(string Text, string Chunk, string Doc), int> run)
        {
            if (only is null || name.Contains(only, StringComparison.OrdinalIgnoreCase))
                BenchHarness.Measure(name, docs, bytes, seconds, run, cpuColumn: true);
        }
    }
}
