using System.IO.Compression;
using System.Text.Json;
using Prox.Chunking;
using Prox.Text;

namespace Prox.Bench;

/// <summary>
/// Token counting, ProX chunking and prompt encoding over the shared Common Crawl sample (697 documents): documents/s,
/// MB/s of UTF-8 input and bytes allocated per document, on one thread. The corpus is run pass after pass, so the word
/// caches are warm: on fresh text at scale expect hit rates below these (web text is Zipfian, so still high).
/// </summary>
internal static class ChunkingBench
{
    public static int Run(string[] args)
    {
        var seconds = 3.0;
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
}
