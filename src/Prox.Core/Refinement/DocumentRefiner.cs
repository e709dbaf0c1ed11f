using System.Buffers;
using System.Text.Json;
using Prox.Chunking;
using Prox.Corpus;
using Prox.Generation;
using Prox.Programs;
using Prox.Text;

namespace Prox.Refinement;

/// <summary>A program a generator wrote for a document or one of its chunks.</summary>
/// <param name="Id">The document id.</param>
/// <param name="Stage">Doc or Chunk.</param>
/// <param name="ChunkIndex">0-based chunk index (0 at doc level).</param>
/// <param name="FirstLine">Global index of the chunk's first line.</param>
/// <param name="LineCount">Lines in the chunk (all lines at doc level).</param>
/// <param name="Program">The program text.</param>
/// <param name="Text">The whole document text the program was written for (line numbers are global, so a chunk's
/// program applies to the whole text): piping a <see cref="GeneratedProgram"/> into <c>Invoke-ProxProgram</c> runs it.</param>
public sealed record GeneratedProgram(string Id, ProgramStage Stage, int ChunkIndex, int FirstLine, int LineCount, string Program, string Text);

/// <summary>What the two stages did to one document.</summary>
public sealed class RefinedDocument
{
    internal RefinedDocument(string id, string originalText) { Id = id; OriginalText = originalText; Text = originalText; }

    /// <summary>The document id.</summary>
    public string Id { get; }
    /// <summary>The input text.</summary>
    public string OriginalText { get; }
    /// <summary>The refined text (<c>""</c> when dropped).</summary>
    public string Text { get; internal set; }
    /// <summary>True when a stage dropped the document.</summary>
    public bool Dropped { get; internal set; }
    /// <summary>The stage that dropped it, if any.</summary>
    public ProgramStage? DroppedBy { get; internal set; }
    /// <summary>Why it was dropped.</summary>
    public DropReason DropReason { get; internal set; }
    /// <summary>The doc-level program (null when the stage did not run).</summary>
    public string? DocProgram { get; internal set; }
    /// <summary>The chunk programs joined with <c>\n</c> (null when the stage did not run or the document was dropped before).</summary>
    public string? ChunkProgram { get; internal set; }
    /// <summary>Number of chunk requests the document was split into.</summary>
    public int Chunks { get; internal set; }
    /// <summary>The doc-level execution.</summary>
    public ExecutionResult? DocResult { get; internal set; }
    /// <summary>The chunk-level execution.</summary>
    public ExecutionResult? ChunkResult { get; internal set; }
    /// <summary>Tokens of the input.</summary>
    public long TokensIn { get; internal set; }
    /// <summary>Tokens of the output (0 when dropped).</summary>
    public long TokensOut { get; internal set; }

    internal CorpusDocument? Source;
    internal int Lines;
    internal byte[]? Provenance;
}

/// <summary>
/// Runs the two ProX stages on batches of documents with one program generator: doc programs (keep/drop), then chunk
/// programs for the survivors (one request per ProX chunk when the generator needs token chunks, else one per
/// document), joined and executed once per document. Thread-safe for concurrent batches when the generator is.
/// </summary>
public sealed class DocumentRefiner
{
    private readonly IProgramGenerator _generator;
    private readonly RefineOptions _options;
    private readonly ITokenCounter _tokens;
    private readonly LineChunker? _chunker;
    private readonly ParallelOptions _parallel;

    /// <summary>Creates a refiner; the token counter and (when the generator needs it) the LLaMA chunker are loaded here.</summary>
    public DocumentRefiner(IProgramGenerator generator, RefineOptions? options = null)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _options = options ?? RefineOptions.Default;
        _options.Validate();
        _tokens = Text.TokenCounter.Create(_options.Tokenizer);
        if (generator.UsesTokenChunks)
        {
            if (string.IsNullOrWhiteSpace(_options.ChunkTokenizer))
                throw new ArgumentException($"the '{generator.Name}' generator needs ProX token chunks: give the LLaMA-2 tokenizer.model (ChunkTokenizer)");
            _chunker = new LineChunker(Text.TokenCounter.Create(_options.ChunkTokenizer));
        }
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Threads };
    }

    /// <summary>The token counter used for statistics.</summary>
    public ITokenCounter Tokens => _tokens;

    /// <summary>Refines one text (both stages as configured).</summary>
    public RefinedDocument Refine(string text, string? id = null)
    {
        var doc = new RefinedDocument(id ?? CorpusDocument.ComputeContentId(text), text);
        RefineBatch([doc]);
        return doc;
    }

    /// <summary>The programs the generator writes for a document at each configured stage, without running them.</summary>
    public IReadOnlyList<GeneratedProgram> Programs(string text, string? id = null)
    {
        id ??= CorpusDocument.ComputeContentId(text);
        var lines = DocumentLines.Count(text);
        var list = new List<GeneratedProgram>();
        if ((_options.Stages & RefineStages.Doc) != 0)
        {
            var p = _generator.Generate([new ProgramRequest(ProgramStage.Doc, text, 0, lines)]);
            list.Add(new GeneratedProgram(id, ProgramStage.Doc, 0, 0, lines, p[0], text));
        }
        if ((_options.Stages & RefineStages.Chunk) != 0)
        {
            var requests = ChunkRequests(text, lines);
            var programs = Generate(requests, _options.Threads);
            for (var i = 0; i < requests.Count; i++)
                list.Add(new GeneratedProgram(id, ProgramStage.Chunk, i, requests[i].FirstLine, requests[i].LineCount, programs[i], text));
        }
        return list;
    }

    /// <summary>
    /// Refines a batch in place. With <paramref name="singleThread"/>, every step runs on the calling thread: for callers
    /// that already refine several batches at once, one per thread.
    /// </summary>
    internal void RefineBatch(IReadOnlyList<RefinedDocument> docs, bool singleThread = false)
    {
        var threads = singleThread ? 1 : _options.Threads;
        if (threads == 1 && _generator.SupportsConcurrentCalls && docs.Count > 1)
        {
            // A generator that may be called concurrently (rules) works request by request and gains nothing from
            // batches, so on one thread each document goes through every stage before the next: its text stays in
            // the CPU cache from the token count through both stages, and the generator can reuse what it computed
            // for the doc stage in the chunk stage. A batching generator (a language model) gets whole batches.
            var one = new RefinedDocument[1];
            foreach (var d in docs)
            {
                one[0] = d;
                RefineStageByStage(one, 1);
            }
            return;
        }
        RefineStageByStage(docs, threads);
    }

    /// <summary>Refines <paramref name="docs"/> stage by stage, each step over the whole list.</summary>
    private void RefineStageByStage(IReadOnlyList<RefinedDocument> docs, int threads)
    {
        var dialect = _options.Dialect;
        var executor = _options.Executor;
        For(threads, docs.Count, i =>
        {
            var d = docs[i];
            d.Lines = DocumentLines.Count(d.OriginalText);
            d.TokensIn = _tokens.CountTokens(d.OriginalText);
        });

        if ((_options.Stages & RefineStages.Doc) != 0)
        {
            var requests = new ProgramRequest[docs.Count];
            for (var i = 0; i < docs.Count; i++) requests[i] = new ProgramRequest(ProgramStage.Doc, docs[i].OriginalText, 0, docs[i].Lines);
            var programs = Generate(requests, threads);
            For(threads, docs.Count, i =>
            {
                var d = docs[i];
                d.DocProgram = programs[i];
                var r = ProgramExecutor.Execute(d.OriginalText, ProxProgram.Parse(programs[i], ProgramStage.Doc, dialect, options: executor));
                d.DocResult = r;
                if (r.Dropped) Drop(d, ProgramStage.Doc, r.DropReason);
            });
        }

        if ((_options.Stages & RefineStages.Chunk) != 0)
        {
            var survivors = new List<RefinedDocument>(docs.Count);
            foreach (var d in docs) if (!d.Dropped) survivors.Add(d);
            var perDoc = new List<ProgramRequest>[survivors.Count];
            For(threads, survivors.Count, i => perDoc[i] = ChunkRequests(survivors[i].OriginalText, survivors[i].Lines));
            var all = new List<ProgramRequest>();
            foreach (var r in perDoc) all.AddRange(r);
            var programs = Generate(all, threads);
            var offsets = new int[survivors.Count];
            for (int i = 0, at = 0; i < survivors.Count; at += perDoc[i].Count, i++) offsets[i] = at;
            For(threads, survivors.Count, i =>
            {
                var d = survivors[i];
                var n = perDoc[i].Count;
                d.Chunks = n;
                d.ChunkProgram = n == 1 ? programs[offsets[i]] : string.Join('\n', programs.Skip(offsets[i]).Take(n));
                var r = ProgramExecutor.Execute(d.OriginalText, ProxProgram.Parse(d.ChunkProgram, ProgramStage.Chunk, dialect, options: executor));
                d.ChunkResult = r;
                if (r.Dropped) Drop(d, ProgramStage.Chunk, r.DropReason);
                else d.Text = r.Text;
            });
        }

        For(threads, docs.Count, i =>
        {
            var d = docs[i];
            d.TokensOut = d.Dropped ? 0 : ReferenceEquals(d.Text, d.OriginalText) ? d.TokensIn : _tokens.CountTokens(d.Text);
            d.Provenance = Provenance(d);
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> for 0..n-1 on up to <see cref="RefineOptions.Threads"/> threads; with one thread,
    /// inline on the calling thread (no thread-pool hand-off, whose spin-waiting would steal the only core).
    /// </summary>
    private void For(int threads, int n, Action<int> body)
    {
        if (threads == 1 || n <= 1)
        {
            for (var i = 0; i < n; i++) body(i);
            return;
        }
        Parallel.For(0, n, _parallel, body);
    }

    private static void Drop(RefinedDocument d, ProgramStage stage, DropReason reason)
    {
        d.Dropped = true;
        d.DroppedBy = stage;
        d.DropReason = reason;
        d.Text = "";
    }

    private List<ProgramRequest> ChunkRequests(string text, int lines)
    {
        if (_chunker is null) return [new ProgramRequest(ProgramStage.Chunk, text, 0, lines)];
        var chunks = _chunker.Split(text);
        var list = new List<ProgramRequest>(chunks.Count);
        for (var c = 0; c < chunks.Count; c++) list.Add(new ProgramRequest(ProgramStage.Chunk, text, chunks[c].FirstLine, chunks[c].LineCount, c));
        return list;
    }

    private IReadOnlyList<string> Generate(IReadOnlyList<ProgramRequest> requests, int threads)
    {
        if (requests.Count == 0) return [];
        IReadOnlyList<string> programs;
        if (_generator.SupportsConcurrentCalls && threads > 1 && requests.Count > 1)
        {
            var result = new string[requests.Count];
            var slices = Math.Min(threads * 4, requests.Count);
            For(threads, slices, s =>
            {
                int from = (int)((long)requests.Count * s / slices), to = (int)((long)requests.Count * (s + 1) / slices);
                var slice = new ProgramRequest[to - from];
                for (var k = from; k < to; k++) slice[k - from] = requests[k];
                var got = _generator.Generate(slice);
                CheckCount(got, slice.Length);
                for (var k = 0; k < got.Count; k++) result[from + k] = got[k];
            });
            programs = result;
        }
        else
        {
            programs = _generator.Generate(requests);
            CheckCount(programs, requests.Count);
        }
        return programs;
    }

    private void CheckCount(IReadOnlyList<string> programs, int expected)
    {
        if (programs.Count != expected)
            throw new InvalidOperationException($"generator '{_generator.Name}' returned {programs.Count} programs for {expected} requests");
    }

    private byte[] Provenance(RefinedDocument d)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("backend", _generator.Name);
            w.WriteString("dialect", _options.Dialect.ToString());
            if (d.DocProgram is not null) w.WriteString("doc_program", d.DocProgram);
            if (d.ChunkProgram is not null) w.WriteString("chunk_program", d.ChunkProgram);
            if (d.Dropped)
            {
                w.WriteString("dropped_by", d.DroppedBy == ProgramStage.Doc ? "doc" : "chunk");
                w.WriteString("drop_reason", d.DropReason.ToString());
            }
            if (d.ChunkResult is { } c)
            {
                w.WriteNumber("chunks", d.Chunks);
                w.WriteNumber("error_count", c.ErrorCount);
                w.WriteBoolean("ignored", c.Ignored);
                w.WriteStartArray("removed_lines");
                foreach (var r in c.LineRemovals)
                {
                    w.WriteStartObject();
                    w.WriteNumber("start", r.StartLine);
                    w.WriteNumber("end", r.EndLine);
                    w.WriteNumber("operation", r.OperationIndex);
                    w.WriteNumber("program_line", r.ProgramLine);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (c.Normalizations.Count > 0)
                {
                    w.WriteStartArray("normalizations");
                    foreach (var n in c.Normalizations)
                    {
                        w.WriteStartObject();
                        w.WriteString("source", n.Source);
                        w.WriteString("target", n.Target);
                        w.WriteNumber("matches", n.Matches);
                        w.WriteNumber("program_line", n.ProgramLine);
                        if (n.Skipped is not null) w.WriteString("skipped", n.Skipped);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
