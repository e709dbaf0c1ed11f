using Prox.Chunking;
using Prox.Corpus;
using Prox.Generation;
using Prox.Programs;
using Prox.Text;

namespace Prox.Refinement;

/// <summary>
/// The one pipeline: documents in, <see cref="DocumentOutcome"/>s out. Runs the doc stage (keep/drop) with the doc
/// generator, then the chunk stage for the survivors with the chunk generator (each generator plans its own requests:
/// one per document for the rules, one per token chunk for a model), executes each document's programs once, and
/// counts lines, words, characters and tokens before and after. Files, statistics, provenance and quality evaluation
/// are all built on the outcomes. Thread-safe for concurrent batches when the generators are.
/// </summary>
/// <example><code>
/// using var rules = ProgramGenerators.Create("rules:C4");
/// var refiner = new DocumentRefiner(rules, rules, new RefineOptions { Tokenizer = "whitespace" });
/// foreach (var o in refiner.Refine(["first text", "second text"]))
///     Console.WriteLine($"{o.Id}: {(o.Kept ? "kept" : o.DropReason.ToString())}, {o.TokensOut}/{o.TokensIn} tokens");
/// </code></example>
public sealed class DocumentRefiner
{
    private readonly IProgramGenerator? _doc;
    private readonly IProgramGenerator? _chunk;
    private readonly RefineOptions _options;
    private readonly ITokenCounter _tokens;
    private readonly ParallelOptions _parallel;
    private readonly bool _segmentTokens;
    private readonly System.Collections.Concurrent.ConcurrentBag<SegmentTokens> _segmentPool = [];

    /// <summary>One generator for both stages.</summary>
    public DocumentRefiner(IProgramGenerator generator, RefineOptions? options = null) : this(generator, generator, options) { }

    /// <summary>
    /// A refiner with a doc-stage and a chunk-stage generator (they may be the same object). A stage runs when
    /// <see cref="RefineOptions.Stages"/> names it; its generator must then be given.
    /// </summary>
    /// <exception cref="ArgumentException">A stage that runs has no generator.</exception>
    public DocumentRefiner(IProgramGenerator? docGenerator, IProgramGenerator? chunkGenerator, RefineOptions? options = null)
    {
        _options = options ?? RefineOptions.Default;
        _options.Validate();
        if ((_options.Stages & RefineStages.Doc) != 0)
            _doc = docGenerator ?? throw new ArgumentException("the doc stage runs but has no generator", nameof(docGenerator));
        if ((_options.Stages & RefineStages.Chunk) != 0)
            _chunk = chunkGenerator ?? throw new ArgumentException("the chunk stage runs but has no generator", nameof(chunkGenerator));
        _tokens = TokenCounter.Create(_options.Tokenizer);
        _segmentTokens = SegmentTokens.Supports(_tokens);
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Threads };
    }

    /// <summary>The token counter used for statistics.</summary>
    public ITokenCounter Tokens => _tokens;

    /// <summary>The options.</summary>
    public RefineOptions Options => _options;

    /// <summary>The doc-stage generator (null when the stage does not run).</summary>
    public IProgramGenerator? DocGenerator => _doc;

    /// <summary>The chunk-stage generator (null when the stage does not run).</summary>
    public IProgramGenerator? ChunkGenerator => _chunk;

    /// <summary>True when every generator in use may be called from several threads at once.</summary>
    internal bool ConcurrentGenerators => (_doc?.SupportsConcurrentCalls ?? true) && (_chunk?.SupportsConcurrentCalls ?? true);

    /// <summary>Refines one text (both stages as configured); the id defaults to the SHA-256 of the text.</summary>
    public DocumentOutcome Refine(string text, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var work = new[] { new Work(id ?? CorpusDocument.ComputeContentId(text), text, null) };
        RefineBatch(work, singleThread: false, CancellationToken.None);
        return work[0].Outcome!;
    }

    /// <summary>Refines texts in memory (ids are content hashes), lazily, <see cref="RefineOptions.BatchSize"/> at a time, in order.</summary>
    public IEnumerable<DocumentOutcome> Refine(IEnumerable<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return RefineWork(texts.Select(t => new Work(CorpusDocument.ComputeContentId(t ?? throw new ArgumentException("a text is null", nameof(texts))), t, null)), cancellationToken);
    }

    /// <summary>Refines documents, lazily, <see cref="RefineOptions.BatchSize"/> at a time, in input order.</summary>
    public IEnumerable<DocumentOutcome> Refine(IEnumerable<CorpusDocument> documents, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return RefineWork(documents.Select(d => new Work(d.Id, d.Text, d)), cancellationToken);
    }

    private IEnumerable<DocumentOutcome> RefineWork(IEnumerable<Work> items, CancellationToken ct)
    {
        var batch = new List<Work>(_options.BatchSize);
        foreach (var w in items)
        {
            ct.ThrowIfCancellationRequested();
            batch.Add(w);
            if (batch.Count < _options.BatchSize) continue;
            RefineBatch(batch, singleThread: false, ct);
            foreach (var done in batch) yield return done.Outcome!;
            batch.Clear();
        }
        if (batch.Count == 0) yield break;
        RefineBatch(batch, singleThread: false, ct);
        foreach (var done in batch) yield return done.Outcome!;
    }

    /// <summary>The programs the generators write for a document at each configured stage, without running them.</summary>
    public IReadOnlyList<GeneratedProgram> Programs(string text, string? id = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        id ??= CorpusDocument.ComputeContentId(text);
        var lines = DocumentLines.Count(text);
        var list = new List<GeneratedProgram>();
        foreach (var (stage, gen) in new[] { (ProgramStage.Doc, _doc), (ProgramStage.Chunk, _chunk) })
        {
            if (gen is null) continue;
            var requests = gen.Plan(stage, text, lines, id);
            var results = Generate(gen, requests, _options.Threads, cancellationToken);
            for (var i = 0; i < requests.Count; i++)
                list.Add(new GeneratedProgram(id, stage, requests[i].ChunkIndex, requests[i].FirstLine, requests[i].LineCount, results[i].Program, text)
                {
                    Generator = gen.Name,
                    Result = results[i],
                });
        }
        return list;
    }

    /// <summary>One document in flight.</summary>
    internal sealed class Work(string id, string text, CorpusDocument? source)
    {
        public readonly string Id = id;
        public readonly string Text = text;
        public readonly CorpusDocument? Source = source;
        public int Lines;
        public long TokensIn;
        /// <summary>The input's tokens per segment, to derive the output's count (null for counters without segments).</summary>
        public SegmentTokens? Segments;
        public ProgramResult? DocResult;
        public ExecutionResult? DocExecution;
        public IReadOnlyList<ProgramRequest>? ChunkRequests;
        public ProgramResult[]? ChunkResults;
        public string? ChunkProgram;
        public ExecutionResult? ChunkExecution;
        public DocumentOutcome? Outcome;
        /// <summary><c>metadata.prox</c> of the outcome (filled by the file pipeline).</summary>
        public byte[]? Provenance;
    }

    /// <summary>
    /// Refines a batch. With <paramref name="singleThread"/>, every step runs on the calling thread: for callers that
    /// already refine several batches at once, one per thread.
    /// </summary>
    internal void RefineBatch(IReadOnlyList<Work> docs, bool singleThread, CancellationToken ct, bool withProvenance = false)
    {
        var threads = singleThread ? 1 : _options.Threads;
        if (threads == 1 && ConcurrentGenerators && docs.Count > 1)
        {
            // A generator that may be called concurrently (rules) works request by request and gains nothing from
            // batches, so on one thread each document goes through every stage before the next: its text stays in the
            // CPU cache from the token count through both stages, and the generator can reuse what it computed for the
            // doc stage in the chunk stage. A batching generator (a language model) gets whole batches.
            var one = new Work[1];
            foreach (var d in docs)
            {
                ct.ThrowIfCancellationRequested();
                one[0] = d;
                RefineStageByStage(one, 1, ct, withProvenance);
            }
            return;
        }
        RefineStageByStage(docs, threads, ct, withProvenance);
    }

    private void RefineStageByStage(IReadOnlyList<Work> docs, int threads, CancellationToken ct, bool withProvenance)
    {
        var dialect = _options.Dialect;
        var executor = _options.Executor;
        For(threads, docs.Count, i =>
        {
            var d = docs[i];
            d.Lines = DocumentLines.Count(d.Text);
            if (_segmentTokens)
            {
                d.Segments = _segmentPool.TryTake(out var seg) ? seg : new SegmentTokens();
                d.TokensIn = d.Segments.Count(_tokens, d.Text, d.Lines);
            }
            else
            {
                d.TokensIn = _tokens.CountTokens(d.Text);
            }
        });

        if (_doc is { } docGen)
        {
            var requests = new ProgramRequest[docs.Count];
            for (var i = 0; i < docs.Count; i++)
            {
                var planned = docGen.Plan(ProgramStage.Doc, docs[i].Text, docs[i].Lines, docs[i].Id);
                if (planned.Count != 1) throw new InvalidOperationException($"generator '{docGen.Name}' planned {planned.Count} doc-stage requests for one document; the doc stage takes exactly one");
                requests[i] = planned[0];
            }
            var results = Generate(docGen, requests, threads, ct);
            For(threads, docs.Count, i =>
            {
                var d = docs[i];
                d.DocResult = results[i];
                d.DocExecution = ProgramExecutor.Execute(d.Text, ProxProgram.Parse(results[i].Program, ProgramStage.Doc, dialect, options: executor));
            });
        }

        if (_chunk is { } chunkGen)
        {
            var survivors = new List<Work>(docs.Count);
            foreach (var d in docs) if (d.DocExecution is not { Dropped: true }) survivors.Add(d);
            For(threads, survivors.Count, i => survivors[i].ChunkRequests = chunkGen.Plan(ProgramStage.Chunk, survivors[i].Text, survivors[i].Lines, survivors[i].Id));
            var all = new List<ProgramRequest>();
            foreach (var s in survivors) all.AddRange(s.ChunkRequests!);
            var results = Generate(chunkGen, all, threads, ct);
            var offsets = new int[survivors.Count];
            for (int i = 0, at = 0; i < survivors.Count; at += survivors[i].ChunkRequests!.Count, i++) offsets[i] = at;
            For(threads, survivors.Count, i =>
            {
                var d = survivors[i];
                var n = d.ChunkRequests!.Count;
                var mine = new ProgramResult[n];
                for (var k = 0; k < n; k++) mine[k] = results[offsets[i] + k];
                d.ChunkResults = mine;
                d.ChunkProgram = n == 1 ? mine[0].Program : string.Join('\n', mine.Select(r => r.Program));
                d.ChunkExecution = ProgramExecutor.Execute(d.Text, ProxProgram.Parse(d.ChunkProgram, ProgramStage.Chunk, dialect, options: executor));
            });
        }

        For(threads, docs.Count, i =>
        {
            var d = docs[i];
            d.Outcome = BuildOutcome(d);
            if (withProvenance) d.Provenance = OutcomeProvenance.ToUtf8(d.Outcome, _options.Dialect);
        });
    }

    private DocumentOutcome BuildOutcome(Work d)
    {
        var text = d.Text;
        ProgramStage? dropStage = null;
        var reason = DropReason.None;
        var output = text;
        StageOutcome? doc = null, chunk = null;
        long wordsIn = -1;
        if (d.DocExecution is { } de)
        {
            wordsIn = de.WordsIn;
            if (de.Dropped) { dropStage = ProgramStage.Doc; reason = de.DropReason; output = ""; }
            doc = Stage(ProgramStage.Doc, _doc!, de, [d.DocResult!], 1, de.Dropped ? 0 : text.Length, de.Dropped ? 0 : de.WordsOut, de.Dropped ? 0 : d.TokensIn);
        }
        long tokensOut = dropStage is null ? d.TokensIn : 0;
        if (d.ChunkExecution is { } ce)
        {
            if (wordsIn < 0) wordsIn = ce.WordsIn;
            if (ce.Dropped) { dropStage = ProgramStage.Chunk; reason = ce.DropReason; output = ""; tokensOut = 0; }
            else
            {
                output = ce.Text;
                // Counted once: the output's tokens come from the input's segments where whole lines were removed.
                tokensOut = ReferenceEquals(output, text) ? d.TokensIn : d.Segments?.Derive(_tokens, text, ce) ?? _tokens.CountTokens(output);
            }
            chunk = Stage(ProgramStage.Chunk, _chunk!, ce, d.ChunkResults!, d.ChunkRequests!.Count, output.Length, ce.Dropped ? 0 : ce.WordsOut, tokensOut);
        }
        if (d.Segments is { } used)
        {
            _segmentPool.Add(used);
            d.Segments = null;
        }
        if (wordsIn < 0) wordsIn = PyText.CountWords(text);
        var kept = dropStage is null;
        long wordsOut = !kept ? 0 : chunk is not null ? chunk.WordsOut : doc is not null ? doc.WordsOut : wordsIn;
        return new DocumentOutcome
        {
            Id = d.Id,
            SourceFile = d.Source?.SourceFile,
            SourceRecord = d.Source?.SourceLine ?? 0,
            DropStage = dropStage,
            DropReason = reason,
            Doc = doc,
            Chunk = chunk,
            Text = output,
            OriginalText = text,
            LinesIn = d.Lines,
            LinesOut = !kept ? 0 : ReferenceEquals(output, text) ? d.Lines : DocumentLines.Count(output),
            WordsIn = wordsIn,
            WordsOut = wordsOut,
            CharactersIn = text.Length,
            CharactersOut = kept ? output.Length : 0,
            TokensIn = d.TokensIn,
            TokensOut = kept ? tokensOut : 0,
            Tokenizer = _tokens.Name,
            Source = d.Source,
        };
    }

    private static StageOutcome Stage(ProgramStage stage, IProgramGenerator gen, ExecutionResult r, IReadOnlyList<ProgramResult> results,
        int requests, long charsOut, long wordsOut, long tokensOut)
    {
        // Operation indices of the joined program map back to the request whose program held them, in order.
        List<string?>? labels = null;
        if (results.Count == 1) labels = results[0].OperationLabels as List<string?> ?? results[0].OperationLabels?.ToList();
        else if (results.Any(x => x.OperationLabels is not null))
        {
            labels = new List<string?>(r.Program.Operations.Count);
            foreach (var res in results)
            {
                var ops = CountOperations(res.Program, -1);
                for (var k = 0; k < ops; k++) labels.Add(res.LabelOf(k));
            }
        }
        string? Label(int op) => labels is not null && op >= 0 && op < labels.Count ? labels[op] : null;

        var operations = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var op in r.Program.Operations) operations[op.FunctionName] = operations.GetValueOrDefault(op.FunctionName) + 1;
        var parseErrors = 0;
        foreach (var diag in r.Program.Diagnostics) if (diag.Severity == DiagnosticSeverity.Error) parseErrors++;
        var removed = new List<RemovedRange>();
        var linesRemoved = 0;
        if (!r.Ignored)
        {
            foreach (var lr in r.LineRemovals)
            {
                var fn = lr.OperationIndex >= 0 && lr.OperationIndex < r.Program.Operations.Count ? r.Program.Operations[lr.OperationIndex].FunctionName : "remove_lines";
                removed.Add(new RemovedRange(lr.StartLine, lr.EndLine, fn, lr.OperationIndex, lr.ProgramLine, Label(lr.OperationIndex)));
                linesRemoved += lr.EndLine - lr.StartLine + 1;
            }
        }
        var norms = new List<NormalizationOutcome>(r.Normalizations.Count);
        foreach (var n in r.Normalizations)
            norms.Add(new NormalizationOutcome(n.Source, n.Target, n.Matches, n.OperationIndex, n.ProgramLine, n.Skipped, Label(n.OperationIndex)));
        double? score = null;
        long prompt = 0, generated = 0;
        Dictionary<string, string>? details = null;
        List<int>? batchSizes = null;
        foreach (var res in results)
        {
            if (res.BatchSize > 0) (batchSizes ??= new List<int>(results.Count)).Add(res.BatchSize);
            score ??= res.Score;
            prompt += res.PromptTokens;
            generated += res.GeneratedTokens;
            if (res.Details is { Count: > 0 } dd)
            {
                details ??= new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (k, v) in dd) details[k] = v;
            }
        }
        return new StageOutcome
        {
            Stage = stage,
            Generator = gen.Name,
            Program = r.Program.Text,
            Requests = requests,
            // Diagnostics are computed only when there is something to say (they cost a line count otherwise).
            Diagnostics = r.ErrorCount > 0 || r.Program.Diagnostics.Count > 0 || r.WorkLimitExceeded ? r.Diagnostics : [],
            ErrorCount = r.ErrorCount,
            ParseErrors = parseErrors,
            Ignored = r.Ignored,
            Dropped = r.Dropped,
            DropReason = r.DropReason,
            Operations = operations,
            RemovedRanges = removed,
            Normalizations = norms,
            Score = score,
            PromptTokens = prompt,
            GeneratedTokens = generated,
            Details = details,
            BatchSizes = batchSizes ?? (IReadOnlyList<int>)[],
            LinesRemoved = linesRemoved,
            CharactersOut = r.Dropped ? 0 : charsOut,
            WordsOut = r.Dropped ? 0 : wordsOut,
            TokensOut = r.Dropped ? 0 : tokensOut,
        };
    }

    /// <summary>Operations in one request's program: parsed on its own only when the joined program has several parts.</summary>
    private static int CountOperations(string program, int known) =>
        known >= 0 ? known : ProxProgram.Parse(program, ProgramStage.Chunk).Operations.Count;

    /// <summary>
    /// Runs <paramref name="body"/> for 0..n-1 on up to <paramref name="threads"/> threads; with one thread, inline on the
    /// calling thread (no thread-pool hand-off, whose spin-waiting would steal the only core).
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

    private IReadOnlyList<ProgramResult> Generate(IProgramGenerator gen, IReadOnlyList<ProgramRequest> requests, int threads, CancellationToken ct)
    {
        if (requests.Count == 0) return [];
        IReadOnlyList<ProgramResult> results;
        if (gen.SupportsConcurrentCalls && threads > 1 && requests.Count > 1)
        {
            var result = new ProgramResult[requests.Count];
            var slices = Math.Min(threads * 4, requests.Count);
            For(threads, slices, s =>
            {
                int from = (int)((long)requests.Count * s / slices), to = (int)((long)requests.Count * (s + 1) / slices);
                var slice = new ProgramRequest[to - from];
                for (var k = from; k < to; k++) slice[k - from] = requests[k];
                var got = gen.Generate(slice, ct);
                CheckCount(gen, got, slice.Length);
                for (var k = 0; k < got.Count; k++) result[from + k] = got[k];
            });
            results = result;
        }
        else
        {
            results = gen.Generate(requests, ct);
            CheckCount(gen, results, requests.Count);
        }
        return results;
    }

    private static void CheckCount(IProgramGenerator gen, IReadOnlyList<ProgramResult> results, int expected)
    {
        if (results.Count != expected)
            throw new InvalidOperationException($"generator '{gen.Name}' returned {results.Count} programs for {expected} requests");
    }
}
