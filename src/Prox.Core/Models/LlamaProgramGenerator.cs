using System.Globalization;
using System.Text.Json.Nodes;
using Prox.Chunking;
using Prox.Generation;
using Prox.Programs;
using Prox.Text;

namespace Prox.Models;

/// <summary>
/// Writes ProX programs with a LLaMA decoder-with-past ONNX model folder (the published refining models after
/// <c>ConvertTo-ProxOnnxModel</c>, or folders in Hugging Face naming such as the shared tiny models). Prompts and
/// chunking are the published ones (<see cref="ProxPrompts"/>, <see cref="LineChunker"/> over the LLaMA-2 tokenizer):
/// the doc prompt is cut at 2000 tokens, the chunk stage is planned as one request per chunk of at most 1500 tokens.
/// Decoding is greedy with the KV cache, stops at EOS, after 2000 (doc) or 256 (chunk) new tokens, and never runs
/// past the model's context (2048 for the published models); the output is trimmed of spaces. The doc stage runs in
/// one pass by default (<see cref="DocDecisionMode.Score"/>): see <see cref="Generate"/>.
/// </summary>
/// <remarks>One session per model file in the process (<see cref="SharedModelSession"/>: a run's doc and chunk generators
/// on one folder share it, whatever their options). <see cref="Generate"/> decodes all the chunk requests it is given (and doc
/// requests under <see cref="DocDecisionMode.Generate"/>) in batches (<see cref="BatchDecoder"/>: sorted by length,
/// left-padded, cache in preallocated buffers on the device); calls from several threads take turns. Cancellation
/// stops a model call in progress.</remarks>
public sealed class LlamaProgramGenerator : IProgramGenerator
{
    private const string KeepProgram = "keep_doc()";
    private const string DropProgram = "drop_doc()";

    private readonly SharedModelSession _shared;
    private readonly KvCacheDecoder _decoder;
    private readonly BatchDecoder _batch;
    private readonly BatchLimits _limits;
    private readonly BatchDecodeStats _stats = new();
    private readonly Llama2Tokenizer _tokenizer;
    private readonly LineChunker _chunker;
    private readonly int[] _keepIds, _dropIds;
    private readonly Lazy<TokenByteIndex> _grammarVocabulary;
    private readonly object _gate;
    private bool _disposed;

    private LlamaProgramGenerator(GeneratorSpec spec, string folder, ModelGeneratorOptions options, SharedModelSession shared,
        Llama2Tokenizer tokenizer, string tokenizerPath, int context, int eos)
    {
        _shared = shared;
        _gate = shared.Gate;
        _batch = shared.Batches;
        var decoder = shared.Decoder;
        var provider = shared.Provider;
        _limits = options.LimitsFor(provider);
        Spec = spec;
        Folder = folder;
        Options = options;
        _decoder = decoder;
        Provider = provider;
        _tokenizer = tokenizer;
        TokenizerPath = tokenizerPath;
        ContextLength = context;
        EosId = eos;
        _chunker = new LineChunker(tokenizer);
        _grammarVocabulary = new Lazy<TokenByteIndex>(() => TokenByteIndex.For(tokenizer));
        _keepIds = tokenizer.Encode(KeepProgram, addBos: false);
        _dropIds = tokenizer.Encode(DropProgram, addBos: false);
    }

    /// <inheritdoc/>
    public GeneratorSpec Spec { get; }

    /// <summary>The model folder (full path).</summary>
    public string Folder { get; }

    /// <summary>The effective options.</summary>
    public ModelGeneratorOptions Options { get; }

    /// <summary>The execution provider the model really runs on: <c>CUDA</c> or <c>CPU</c>.</summary>
    public string Provider { get; }

    /// <summary>The tokenizer file used.</summary>
    public string TokenizerPath { get; }

    /// <summary>Positions the model can attend to (prompt plus generated tokens).</summary>
    public int ContextLength { get; }

    /// <summary>The end-of-sequence token id.</summary>
    public int EosId { get; }

    /// <summary>The decoder (for tests and benchmarks).</summary>
    internal KvCacheDecoder Decoder => _decoder;

    /// <summary>The batched decoder (for tests and benchmarks).</summary>
    internal BatchDecoder Batches => _batch;

    /// <summary>The batch limits in effect (from <see cref="ModelGeneratorOptions.BatchSize"/>, <see cref="ModelGeneratorOptions.BatchTokens"/> and the provider).</summary>
    internal BatchLimits Limits => _limits;

    /// <summary>What the generator's batched decoding has done so far (a copy).</summary>
    internal BatchDecodeStats Counters
    {
        get
        {
            lock (_gate)
            {
                var copy = new BatchDecodeStats();
                copy.Add(_stats);
                return copy;
            }
        }
    }

    /// <summary>The tokenizer.</summary>
    internal Llama2Tokenizer Tokenizer => _tokenizer;

    /// <summary>The token ids of <c>keep_doc()</c> and <c>drop_doc()</c> as the model would write them.</summary>
    internal (int[] Keep, int[] Drop) DocProgramIds => (_keepIds, _dropIds);

    /// <summary>Decoder layers, read from the graph.</summary>
    public int Layers => _decoder.Signature.Layers;

    /// <summary>Key/value heads, read from the graph.</summary>
    public int KvHeads => _decoder.Signature.KvHeads;

    /// <summary>Width of one head, read from the graph.</summary>
    public int HeadSize => _decoder.Signature.HeadSize;

    /// <summary>Element type of the cache and logits: <c>float32</c> or <c>float16</c>.</summary>
    public string DType => _decoder.Signature.DType;

    /// <summary>
    /// Opens a model folder: <c>model.onnx</c> (+ external data), the tokenizer (<paramref name="options"/>'
    /// <see cref="ModelGeneratorOptions.Tokenizer"/> or the folder's <c>tokenizer.model</c>) and, when present,
    /// <c>config.json</c> (context length, EOS; checked against the graph) or <c>genai_config.json</c> (context length).
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="options">Options (default: all defaults).</param>
    /// <param name="spec">The spec to report (default: <c>model:&lt;folder&gt;</c>).</param>
    /// <param name="warn">Told once when CUDA does not load under <see cref="ExecutionProvider.Auto"/>.</param>
    /// <param name="threads">Intra-op threads when <see cref="ModelGeneratorOptions.Threads"/> is 0 (0 = ONNX Runtime's default).</param>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="FileNotFoundException">No <c>model.onnx</c> or no tokenizer; the message names the file.</exception>
    /// <exception cref="InvalidDataException">The graph does not fit (the message names the file and the input or output).</exception>
    /// <exception cref="InvalidOperationException"><see cref="ExecutionProvider.Cuda"/> and CUDA cannot be used.</exception>
    public static LlamaProgramGenerator Open(string folder, ModelGeneratorOptions? options = null, GeneratorSpec? spec = null,
        Action<string>? warn = null, int threads = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        options ??= new ModelGeneratorOptions();
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"model folder '{folder}' does not exist");
        var modelPath = Path.Combine(folder, LlamaOnnxWriter.ModelFile);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"model folder '{folder}' has no {LlamaOnnxWriter.ModelFile}", modelPath);

        LlamaConfig? config = null;
        var configPath = Path.Combine(folder, "config.json");
        if (File.Exists(configPath)) config = LlamaConfig.Load(configPath);
        int context = config?.MaxPositions > 0 ? config.MaxPositions : GenaiContextLength(folder) ?? 2048;

        var tokenizerPath = options.Tokenizer is { } t ? Path.GetFullPath(t) : Path.Combine(folder, "tokenizer.model");
        if (!File.Exists(tokenizerPath))
            throw new FileNotFoundException(options.Tokenizer is null
                ? $"model folder '{folder}' has no tokenizer.model; name the LLaMA-2 SentencePiece model with the option tokenizer=<path> (cmdlets: -ModelTokenizer)"
                : $"tokenizer '{tokenizerPath}' does not exist", tokenizerPath);
        var tokenizer = Llama2Tokenizer.Load(tokenizerPath);

        // One session per model file, provider and thread count in the process: a run's doc and chunk generators share it.
        var shared = SharedModelSession.Acquire(modelPath, options.Provider, options.DeviceId, options.Threads > 0 ? options.Threads : threads, config, warn);
        int eos = config?.EosTokenId ?? tokenizer.EosId;
        spec ??= new GeneratorSpec(GeneratorSpec.ModelKind, folder);
        try { return new LlamaProgramGenerator(spec, folder, options, shared, tokenizer, tokenizerPath, context, eos); }
        catch
        {
            shared.Release();
            throw;
        }
    }

    private static int? GenaiContextLength(string folder)
    {
        var path = Path.Combine(folder, "genai_config.json");
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["model"]?["context_length"]?.GetValue<int>() is int n && n > 0 ? n : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a valid genai_config.json: {e.Message}", e);
        }
    }

    /// <summary>Doc stage: one request for the document. Chunk stage: one request per ProX chunk of at most 1500 LLaMA-2 tokens.</summary>
    public IReadOnlyList<ProgramRequest> Plan(ProgramStage stage, string text, int lineCount, string? documentId = null) =>
        stage == ProgramStage.Chunk
            ? ProgramRequest.TokenChunks(_chunker, text, documentId)
            : [new ProgramRequest(stage, text, 0, lineCount) { DocumentId = documentId }];

    /// <summary>
    /// One program per request, in order. Chunk requests are decoded greedily, all of them together in batches
    /// (<see cref="ModelGeneratorOptions.BatchSize"/>, <see cref="ModelGeneratorOptions.BatchTokens"/>), each constrained
    /// to valid chunk programs by <see cref="ChunkGrammar"/> unless <see cref="ModelGeneratorOptions.Unconstrained"/>. Doc
    /// requests, under <see cref="DocDecisionMode.Score"/>, run one prefill and compare the model's next-token scores of the two doc
    /// programs where their tokens first differ: <see cref="ProgramResult.Score"/> is p(drop) normalised over the two,
    /// and the program is <c>drop_doc()</c> when it exceeds <see cref="ModelGeneratorOptions.DropThreshold"/> — at 0.5
    /// exactly the choice of greedy decoding restricted to the two programs. Under <see cref="DocDecisionMode.Generate"/>
    /// the doc program is decoded greedily like a chunk program, in the same batches.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled (also during a model call).</exception>
    public IReadOnlyList<ProgramResult> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new ProgramResult[requests.Count];
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var decoding = new List<int>();
            var prompts = new List<(int[] Ids, bool Cut)>();
            var decodeRequests = new List<DecodeRequest>();
            var scoring = new List<int>();
            var scorePrompts = new List<(int[] Ids, bool Cut)>();
            for (int i = 0; i < requests.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var r = requests[i];
                if (r.Stage == ProgramStage.Doc && Options.DocMode == DocDecisionMode.Score)
                {
                    scoring.Add(i);
                    scorePrompts.Add(DocPrompt(r));
                    continue;
                }
                var prompt = r.Stage == ProgramStage.Doc ? DocPrompt(r) : ChunkPrompt(r);
                int limit = r.Stage == ProgramStage.Doc ? ModelGeneratorOptions.ProxDocMaxNewTokens : ModelGeneratorOptions.ProxChunkMaxNewTokens;
                int maxNew = Math.Min(limit, ContextLength - prompt.Ids.Length);
                bool constrained = r.Stage == ProgramStage.Chunk && !Options.Unconstrained;
                var grammar = ChunkGrammar(r, maxNew);
                if (constrained && grammar is null)
                {
                    // The prompt leaves no room for a whole program: none is written (the empty program changes nothing).
                    results[i] = Result(prompt, new DecodeResult([], DecodeStop.Context, 0), constrained, grammar: false);
                    continue;
                }
                decoding.Add(i);
                prompts.Add(prompt);
                decodeRequests.Add(new DecodeRequest(prompt.Ids, maxNew, grammar));
            }
            if (scoring.Count > 0)
            {
                // One prefill per document, batched: the prompt and the tokens both doc programs begin with.
                var common = CommonDocPrefix();
                var extended = scorePrompts.Select(p => (int[])[.. p.Ids, .. common]).ToList();
                var stats = new BatchDecodeStats();
                _batch.LastLogits(extended, _limits, EosId, (k, size, logits) => results[scoring[k]] = DocScore(scorePrompts[k], common.Length, size, logits),
                    cancellationToken, stats);
                _stats.Add(stats);
            }
            if (decodeRequests.Count > 0)
            {
                var stats = new BatchDecodeStats();
                var decoded = _batch.Greedy(decodeRequests, _limits, ContextLength, EosId, cancellationToken, stats);
                _stats.Add(stats);
                for (int k = 0; k < decoded.Length; k++)
                {
                    var r = requests[decoding[k]];
                    bool constrained = r.Stage == ProgramStage.Chunk && !Options.Unconstrained;
                    results[decoding[k]] = Result(prompts[k], decoded[k], constrained, grammar: constrained);
                }
            }
        }
        return results;
    }

    /// <summary>The token ids of a request's prompt, as the model reads them (doc: cut at 2000; any prompt: cut to leave one position for output).</summary>
    public int[] PromptIds(ProgramRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Stage == ProgramStage.Doc ? DocPrompt(request).Ids : ChunkPrompt(request).Ids;
    }

    private (int[] Ids, bool Cut) DocPrompt(ProgramRequest r) => Fit(ProxPrompts.EncodeDocument(_tokenizer, r.DocumentText));

    private (int[] Ids, bool Cut) ChunkPrompt(ProgramRequest r)
    {
        var slice = r.Slice.Span;
        // The slice keeps the line break after its last line unless that line ends the document; the prompt has exactly LineCount lines.
        if (slice.Length > 0 && slice[^1] == '\n' && slice.Count('\n') + 1 > r.LineCount) slice = slice[..^1];
        return Fit(_tokenizer.EncodePrompt(ProxPrompts.ForChunk(slice, r.FirstLine)));
    }

    private (int[] Ids, bool Cut) Fit(int[] ids) => ids.Length < ContextLength ? (ids, false) : (ids[..(ContextLength - 1)], true);

    /// <summary>
    /// The grammar that constrains the decoding of a chunk request's program (<see cref="ChunkProgramGrammar"/>: one per
    /// request, told every token), or null when decoding is unconstrained (<see cref="ModelGeneratorOptions.Unconstrained"/>,
    /// a doc request) or <paramref name="maxNewTokens"/> cannot hold the shortest program (then no program is decoded).
    /// Decoders of chunk requests pass it to <see cref="BatchDecoder.Greedy"/> or <see cref="KvCacheDecoder.Greedy"/>.
    /// </summary>
    internal ChunkProgramGrammar? ChunkGrammar(ProgramRequest request, int maxNewTokens)
    {
        if (Options.Unconstrained || request.Stage != ProgramStage.Chunk || maxNewTokens < ChunkProgramGrammar.ShortestProgramTokens) return null;
        return new ChunkProgramGrammar(_grammarVocabulary.Value, request.Slice.Span, request.FirstLine, request.LineCount, maxNewTokens, EosId);
    }

    private ProgramResult Result((int[] Ids, bool Cut) prompt, DecodeResult decoded, bool constrained, bool grammar)
    {
        var text = _tokenizer.Decode(decoded.Tokens).Trim(' ');
        var details = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["model.stop"] = decoded.Stop switch { DecodeStop.Eos => "eos", DecodeStop.Context => "context", _ => "max_new_tokens" },
        };
        if (constrained) details["model.grammar"] = grammar ? "strict" : "no_room";
        if (prompt.Cut) details["model.prompt_cut"] = (ContextLength - 1).ToString(CultureInfo.InvariantCulture);
        return new ProgramResult(text)
        {
            PromptTokens = prompt.Ids.Length,
            GeneratedTokens = decoded.Tokens.Count + (decoded.Stop == DecodeStop.Eos ? 1 : 0),
            BatchSize = decoded.BatchSize,
            Details = details,
        };
    }

    /// <summary>The tokens <c>keep_doc()</c> and <c>drop_doc()</c> begin with alike (fed after the doc prompt).</summary>
    private int[] CommonDocPrefix()
    {
        int common = 0;
        while (common < _keepIds.Length && common < _dropIds.Length && _keepIds[common] == _dropIds[common]) common++;
        return _keepIds[..common];
    }

    /// <summary>The one-pass doc decision from the logits after the prompt and the programs' common tokens.</summary>
    private ProgramResult DocScore((int[] Ids, bool Cut) prompt, int common, int batchSize, ReadOnlySpan<float> logits)
    {
        double keep = logits[_keepIds[common]], drop = logits[_dropIds[common]];
        double pDrop = 1 / (1 + Math.Exp(keep - drop));
        // How much of the model's next-token probability the two programs hold together (low: the model writes something else).
        double max = double.NegativeInfinity, sum = 0;
        foreach (var v in logits) if (v > max) max = v;
        foreach (var v in logits) sum += Math.Exp(v - max);
        double mass = (Math.Exp(keep - max) + Math.Exp(drop - max)) / sum;
        var details = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["model.doc_candidates_probability"] = mass.ToString("G6", CultureInfo.InvariantCulture),
        };
        if (prompt.Cut) details["model.prompt_cut"] = (ContextLength - 1).ToString(CultureInfo.InvariantCulture);
        return new ProgramResult(pDrop > Options.DropThreshold ? DropProgram : KeepProgram)
        {
            Score = pDrop,
            BatchSize = batchSize,
            PromptTokens = prompt.Ids.Length,
            Details = details,
        };
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, string> Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["model.folder"] = Folder,
            ["model.dtype"] = DType,
            ["model.layers"] = Layers.ToString(inv),
            ["model.kv_heads"] = KvHeads.ToString(inv),
            ["model.head_size"] = HeadSize.ToString(inv),
            ["model.context"] = ContextLength.ToString(inv),
            ["model.provider"] = Provider,
            ["model.tokenizer"] = TokenizerPath,
            ["model.doc"] = Options.DocMode.ToString(),
            ["model.drop_threshold"] = Options.DropThreshold.ToString("R", inv),
            ["model.max_new_tokens.doc"] = ModelGeneratorOptions.ProxDocMaxNewTokens.ToString(inv),
            ["model.max_new_tokens.chunk"] = ModelGeneratorOptions.ProxChunkMaxNewTokens.ToString(inv),
            ["model.chunk_grammar"] = Options.Unconstrained ? "none" : "strict",
        };
    }

    /// <summary>Releases the ONNX Runtime session (closed when no other generator of the process shares it).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _shared.Release();
    }
}
