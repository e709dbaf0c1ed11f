using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;
using Prox.Chunking;
using Prox.Text;

namespace Prox.Bench;

/// <summary>
/// Token counting, ProX chunking and prompt encoding over the shared Common Crawl sample (697 documents): documents/s,
/// MB/s of UTF-8 input and bytes allocated per document, on one thread. The corpus is run pass after pass, so the word
/// caches are warm: on fresh text at scale expect hit rates below these (web text is Zipfian, so still high).
/// <c>--count</c> runs only the token-counting rows, timed by the thread's CPU time (getrusage RUSAGE_THREAD) as well as
/// by the wall clock, so that other processes on a shared machine do not skew them: MB per CPU-second is the number to
/// compare (pin with <c>taskset -c N</c>).
/// </summary>
internal static class ChunkingBench
{
    public static int Run(string[] args)
    {
        var seconds = 3.0;
        var countOnly = args.Contains("--count");
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "--seconds" && i + 1 < args.Length) seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);

        var shared = BenchHarness.SharedFolder();
        var corpus = Path.Combine(shared, "corpora/cc-2019-30-sample.jsonl.gz");
        var model = Path.Combine(shared, "tokenizers/llama2/tokenizer.model");
        if (!File.Exists(corpus) || !File.Exists(model))
        {
            Console.Error.WriteLine($"shared assets not found under {shared} (set PROX_SHARED)");
            return 1;
        }
        var docs = new List<string>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(corpus), CompressionMode.Decompress)))
        {
            while (reader.ReadLine() is { } line)
                if (line.Length > 0) docs.Add(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!);
        }
        var bytes = docs.Sum(d => (long)System.Text.Encoding.UTF8.GetByteCount(d));
        var llama = Llama2Tokenizer.Load(model);
        var chunker = new LineChunker(llama);
        Console.WriteLine($"corpus: {docs.Count} documents, {bytes / 1e6:F2} MB UTF-8, {docs.Average(d => DocumentLines.Count(d)):F1} lines/doc, " +
                          $"{docs.Average(d => chunker.Split(d).Count):F2} ProX chunks/doc");
        Console.WriteLine($"runtime: .NET {Environment.Version}, {Environment.ProcessorCount} cores, one thread; {seconds:F0} s per case");
        Console.WriteLine();
        if (countOnly) return CountOnly(docs, bytes, seconds, llama, chunker);
        Console.WriteLine("| case | documents/s | MB/s | bytes allocated/document |");
        Console.WriteLine("|---|---:|---:|---:|");
        var words = TokenCounter.Create("whitespace");
        BenchHarness.Measure("count tokens, whitespace", docs, bytes, seconds, d => words.CountTokens(d));
        foreach (var spec in new[] { "cl100k_base", "o200k_base" })
        {
            var counter = (EncodingTokenCounter)TokenCounter.Create(spec);
            BenchHarness.Measure($"count tokens, {spec}, word cache", docs, bytes, seconds, d => counter.CountTokens(d));
            BenchHarness.Measure($"count tokens, {spec}, library on whole text", docs, bytes, seconds, d => counter.CountWhole(d));
        }
        BenchHarness.Measure("count tokens, llama2, word cache", docs, bytes, seconds, d => llama.CountTokens(d));
        BenchHarness.Measure("encode, llama2, library on whole text", docs, bytes, seconds, d => llama.EncodeWhole(d, addBos: false).Length);
        BenchHarness.Measure("ProX chunking (llama2 line costs)", docs, bytes, seconds, d => chunker.Split(d).Count);
        BenchHarness.Measure("ProX chunking + chunk prompts (text)", docs, bytes, seconds, d => chunker.Split(d).Sum(c => ProxPrompts.ForChunk(c).Length));
        BenchHarness.Measure("doc prompt ids (2000-token cut)", docs, bytes, seconds, d => ProxPrompts.EncodeDocument(llama, d).Length);
        BenchHarness.Measure("line numbering (whole document)", docs, bytes, seconds, d => LineNumbering.Number(d).Length);
        return 0;
    }

    /// <summary>Token counting per tokenizer (and the LLaMA line costs of the chunker), MB of UTF-8 per CPU-second.</summary>
    private static int CountOnly(List<string> docs, long bytes, double seconds, Llama2Tokenizer llama, LineChunker chunker)
    {
        Console.WriteLine("| case | documents/s (wall) | MB/s (wall) | MB per CPU-second, median | MB per CPU-second, best | bytes allocated/document |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var only = Environment.GetEnvironmentVariable("PROX_BENCH_ONLY");   // one case by name, for profiling
        foreach (var spec in new[] { "cl100k_base", "o200k_base", "gpt2", "whitespace" })
        {
            if (only is not null && only != spec) continue;
            var counter = TokenCounter.Create(spec);
            MeasureCpu($"count tokens, {spec}", docs, bytes, seconds, d => counter.CountTokens(d));
        }
        if (Environment.GetEnvironmentVariable("PROX_BENCH_PARTS") == "1")   // the tiktoken scanners alone, without counting
        {
            MeasureCpu("PARTS scan cl100k", docs, bytes, seconds, d => { int n = 0; for (int p = 0; p < d.Length; n++) p = TiktokenSplitter.NextCl100k(d, p); return n; });
            MeasureCpu("PARTS scan o200k", docs, bytes, seconds, d => { int n = 0; for (int p = 0; p < d.Length; n++) p = TiktokenSplitter.NextO200k(d, p); return n; });
        }
        if (only is not null) return 0;
        MeasureCpu("count tokens, llama2", docs, bytes, seconds, d => llama.CountTokens(d));
        MeasureCpu("llama2 line costs ([NNN]line + BOS, chunker)", docs, bytes, seconds, d =>
        {
            int sum = 0, index = 0;
            foreach (var line in d.Split('\n')) sum += chunker.LineCost(index++, line);
            return sum;
        });
        MeasureCpu("ProX chunking (llama2 line costs)", docs, bytes, seconds, d => chunker.Split(d).Count);
        return 0;
    }

    /// <summary>
    /// Like <see cref="BenchHarness.Measure{T}"/>, but timed by this thread's CPU time: a warm-up (for tiered JIT), then
    /// <paramref name="seconds"/> of CPU time in 8 rounds; prints the median round and the best one (other processes on a
    /// shared machine slow a thread even on its own core, through shared caches and memory, so the best is the steadiest).
    /// </summary>
    private static void MeasureCpu(string name, IReadOnlyList<string> items, long bytes, double seconds, Func<string, int> run)
    {
        long sink = 0;
        var warmFrom = ThreadCpuSeconds();
        while (ThreadCpuSeconds() - warmFrom < Math.Min(2, seconds / 2))
            foreach (var item in items) sink += run(item);

        const int rounds = 8;
        var rates = new List<double>();
        long passes = 0;
        var allocBefore = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (int round = 0; round < rounds; round++)
        {
            var cpuBefore = ThreadCpuSeconds();
            int roundPasses = 0;
            double cpu;
            do
            {
                foreach (var item in items) sink += run(item);
                roundPasses++;
            } while ((cpu = ThreadCpuSeconds() - cpuBefore) < seconds / rounds);
            rates.Add(roundPasses * (double)bytes / 1e6 / cpu);
            passes += roundPasses;
        }
        sw.Stop();
        var alloc = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        var n = (double)passes * items.Count;
        rates.Sort();
        Console.WriteLine($"| {name} | {n / sw.Elapsed.TotalSeconds:N0} | {passes * (double)bytes / 1e6 / sw.Elapsed.TotalSeconds:N1} | " +
                          $"{rates[rounds / 2]:N1} | {rates[^1]:N1} | {alloc / n:N0} |");
        if (sink == 42) Console.WriteLine();
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVCsw, NIvCsw;
    }

    // DllImport rather than LibraryImport: the bench project does not allow unsafe code, and RUsage is blittable.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, out RUsage usage);
#pragma warning restore SYSLIB1054

    /// <summary>User + system CPU seconds of the calling thread (Linux RUSAGE_THREAD); the process's elsewhere.</summary>
    private static double ThreadCpuSeconds()
    {
        if (OperatingSystem.IsLinux() && GetRUsage(1, out var u) == 0)
            return u.UserSeconds + u.SystemSeconds + (u.UserMicroseconds + u.SystemMicroseconds) / 1e6;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }
}
