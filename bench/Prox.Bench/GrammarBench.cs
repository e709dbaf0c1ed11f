using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Prox.Chunking;
using Prox.Models;
using Prox.Text;

namespace Prox.Bench;

/// <summary>
/// <c>grammar</c> mode: the per-step cost of the chunk-program grammar's mask (<see cref="ChunkProgramGrammar.Mask"/>)
/// over the 32000 LLaMA-2 logits, on ProX chunks of the shared Common Crawl sample, timed by this thread's CPU time
/// (other processes on a shared machine do not count) around each call. Two workloads: replaying a typical program
/// per chunk (a remove_lines, a normalize whose source is a stretch of the chunk's first text line, keep_chunk), and
/// decoding with random logits (a garbage writer: every kind of state, up to the 256-token budget). Also the one-off
/// costs: the vocabulary index per tokenizer, the grammar (suffix automaton) per chunk.
/// Options: <c>--chunks N</c> (default 300).
/// </summary>
internal static class GrammarBench
{
    public static int Run(string[] args)
    {
        int chunksWanted = 300;
        for (int i = 0; i < args.Length; i++)
            if (args[i] == "--chunks" && i + 1 < args.Length) chunksWanted = int.Parse(args[++i], CultureInfo.InvariantCulture);
        var shared = BenchHarness.SharedFolder();
        var corpus = Path.Combine(shared, "corpora/cc-2019-30-sample.jsonl.gz");
        var model = Path.Combine(shared, "tokenizers/llama2/tokenizer.model");
        if (!File.Exists(corpus) || !File.Exists(model))
        {
            Console.Error.WriteLine($"shared assets not found under {shared} (set PROX_SHARED)");
            return 1;
        }
        var tokenizer = Llama2Tokenizer.Load(model);
        double c0 = BenchHarness.ThreadCpuSeconds();
        var vocab = TokenByteIndex.For(tokenizer);
        double indexCpu = BenchHarness.ThreadCpuSeconds() - c0;

        var chunker = new LineChunker(tokenizer);
        var chunks = new List<LineChunk>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(corpus), CompressionMode.Decompress)))
            while (chunks.Count < chunksWanted && reader.ReadLine() is { } line)
                if (line.Length > 0) chunks.AddRange(chunker.Split(JsonDocument.Parse(line).RootElement.GetProperty("text").GetString()!));
        if (chunks.Count > chunksWanted) chunks.RemoveRange(chunksWanted, chunks.Count - chunksWanted);

        Console.WriteLine($"vocabulary index: {vocab.Size} tokens, {vocab.NodeCount:N0} trie nodes, {vocab.PlainByLength.Length:N0} plain string tokens, built in {indexCpu * 1e3:F0} ms CPU (once per tokenizer)");
        Console.WriteLine($"{chunks.Count} ProX chunks of the CC sample ({chunks.Sum(c => c.TokenCount):N0} LLaMA-2 tokens), Environment.ProcessorCount = {Environment.ProcessorCount}");

        double buildCpu = 0;
        long sam = 0;
        var logits = new float[vocab.Size];
        var replay = new Stats();
        var random = new Stats();
        var rng = new Random(1);
        var noise = new float[2 * vocab.Size];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)rng.NextDouble();
        // Warm-up: the JIT reaches optimized code before anything is timed.
        for (int w = 0; w < 3; w++) RandomDecode(NewGrammar(chunks[w % chunks.Count]), null);

        foreach (var chunk in chunks)
        {
            double b0 = BenchHarness.ThreadCpuSeconds();
            var g = NewGrammar(chunk);
            buildCpu += BenchHarness.ThreadCpuSeconds() - b0;
            sam += Encoding.UTF8.GetByteCount(chunk.Text.Span);

            var program = TypicalProgram(chunk);
            foreach (var id in tokenizer.Encode(program, addBos: false).Append(tokenizer.EosId))
            {
                var phase = g.PhaseName;
                Array.Clear(logits);   // the last mask left -inf behind
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                double t0 = BenchHarness.ThreadCpuSeconds();
                g.Mask(logits);
                replay.Add(phase, BenchHarness.ThreadCpuSeconds() - t0, GC.GetAllocatedBytesForCurrentThread() - a0);
                if (float.IsNegativeInfinity(logits[id])) throw new InvalidOperationException($"the typical program was refused at token {id} '{tokenizer.Decode([id])}' in {phase}: {program}\n[{chunk.Text.Span[..Math.Min(200, chunk.Text.Length)].ToString()}]");
                g.Advance(id);
            }
            RandomDecode(NewGrammar(chunk), random);
        }

        Console.WriteLine($"grammar per chunk (suffix automaton over {sam / (double)chunks.Count:N0} bytes on average): {buildCpu / chunks.Count * 1e6:N0} µs CPU");
        Console.WriteLine();
        Console.WriteLine("| workload | steps | mean µs/step | Head/Literal | Number | Source | Target | LineEnd | max µs | allocated B/mask |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        replay.Print("typical program, replayed");
        random.Print("random logits, 256-token budget");
        return 0;

        ChunkProgramGrammar NewGrammar(LineChunk c) => new(vocab, c.Text.Span, c.FirstLine, c.LineCount, 256, tokenizer.EosId);

        void RandomDecode(ChunkProgramGrammar g, Stats? stats)
        {
            for (int n = 0; n < 256; n++)
            {
                noise.AsSpan(rng.Next(vocab.Size), vocab.Size).CopyTo(logits);
                logits[tokenizer.EosId] -= 0.5f;
                var phase = g.PhaseName;
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                double t0 = BenchHarness.ThreadCpuSeconds();
                g.Mask(logits);
                stats?.Add(phase, BenchHarness.ThreadCpuSeconds() - t0, GC.GetAllocatedBytesForCurrentThread() - a0);
                int next = KvCacheDecoder.ArgMax(logits);
                g.Advance(next);
                if (next == tokenizer.EosId) break;
            }
        }
    }

    /// <summary>remove_lines over the chunk's first lines, normalize of a stretch of its first line with text, keep_chunk().</summary>
    private static string TypicalProgram(LineChunk chunk)
    {
        var lines = chunk.Text.ToString().Split('\n');
        long last = chunk.FirstLine + chunk.LineCount - 1;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"remove_lines(line_start={chunk.FirstLine}, line_end={Math.Min(chunk.FirstLine + 2, last)})\n");
        var text = lines.Select(l => new string(l.Where(c => c >= ' ' && c != '\u007f').ToArray()).Trim()).FirstOrDefault(l => l.Length >= 4 && lines.Any(x => x.Contains(l)));
        if (text is not null)
        {
            var source = text.Length > 24 ? text[..24].TrimEnd() : text;
            if (char.IsHighSurrogate(source[^1])) source = source[..^1];
            if (source.Trim().Length > 0 && source != " ")
                sb.Append("normalize(source_str=\"").Append(source.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append("\", target_str=\"\")\n");
        }
        sb.Append("keep_chunk()");
        return sb.ToString();
    }

    private sealed class Stats
    {
        private readonly Dictionary<string, (long N, double Seconds)> _byPhase = [];
        private long _steps;
        private double _total, _max;
        private long _allocated;

        public void Add(string phase, double seconds, long allocated)
        {
            _allocated += allocated;
            var key = phase switch { "Start" or "Head" or "Literal" => "Head", "Number1" or "Number2" => "Number", _ => phase };
            var (n, s) = _byPhase.GetValueOrDefault(key);
            _byPhase[key] = (n + 1, s + seconds);
            _steps++;
            _total += seconds;
            _max = Math.Max(_max, seconds);
        }

        public void Print(string name)
        {
            string Cell(string key) => _byPhase.TryGetValue(key, out var v) ? $"{v.Seconds / v.N * 1e6:N1} ({v.N:N0})" : "–";
            Console.WriteLine($"| {name} | {_steps:N0} | {_total / _steps * 1e6:N1} | {Cell("Head")} | {Cell("Number")} | {Cell("Source")} | {Cell("Target")} | {Cell("LineEnd")} | {_max * 1e6:N0} | {_allocated / (double)_steps:N1} |");
        }
    }
}
