using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Prox.Models;

/// <summary>One sequence to decode greedily: its prompt, its new-token limit and an optional per-sequence constraint.</summary>
internal sealed record DecodeRequest(int[] Prompt, int MaxNewTokens, ITokenConstraint? Constraint = null);

/// <summary>What greedy decoding of one sequence wrote (the EOS not included) and why it stopped.</summary>
internal sealed record DecodeResult(IReadOnlyList<int> Tokens, DecodeStop Stop, int BatchSize = 1);

/// <summary>
/// How big a batch may be: at most <paramref name="BatchSize"/> sequences, and at most <paramref name="TokenBudget"/>
/// cache positions in all (sequences × (longest prompt + most new tokens)), so that the cache's memory stays bounded;
/// a prefill runs at most <paramref name="PrefillTokens"/> prompt positions at once (its logits are
/// positions × vocabulary floats). A single sequence always fits.
/// </summary>
internal sealed record BatchLimits(int BatchSize, int TokenBudget, int PrefillTokens)
{
    /// <summary>Defaults for the CPU: 16 sequences, 32,768 positions, prefill 1,024 positions.</summary>
    public static BatchLimits Cpu { get; } = new(16, 32_768, 1_024);

    /// <summary>Defaults for CUDA: 64 sequences, 131,072 positions, prefill 16,384 positions.</summary>
    public static BatchLimits Cuda { get; } = new(64, 131_072, 16_384);
}

/// <summary>Counts of one or more batched decodings (added up by <see cref="Add"/>).</summary>
internal sealed class BatchDecodeStats
{
    /// <summary>Batches run.</summary>
    public long Batches { get; set; }
    /// <summary>Sequences decoded in those batches.</summary>
    public long Sequences { get; set; }
    /// <summary>The most sequences in one batch.</summary>
    public int LargestBatch { get; set; }
    /// <summary>Decoding steps (model calls after the prefill).</summary>
    public long Steps { get; set; }
    /// <summary>Sequence-steps: the rows of all steps (Sequences × steps they were in the batch).</summary>
    public long RowSteps { get; set; }
    /// <summary>Times finished sequences were removed from a batch's cache.</summary>
    public long Compactions { get; set; }
    /// <summary>Prompt tokens read.</summary>
    public long PromptTokens { get; set; }
    /// <summary>Padding positions added to prompts (left padding to the longest prompt of the batch).</summary>
    public long PaddingTokens { get; set; }
    /// <summary>Tokens chosen (the EOS included).</summary>
    public long GeneratedTokens { get; set; }
    /// <summary>Wall-clock seconds in prefills (with the first choice of each row).</summary>
    public double PrefillSeconds { get; set; }
    /// <summary>Wall-clock seconds in decoding steps and compactions.</summary>
    public double StepSeconds { get; set; }

    /// <summary>Adds <paramref name="other"/>.</summary>
    public void Add(BatchDecodeStats other)
    {
        Batches += other.Batches; Sequences += other.Sequences; LargestBatch = Math.Max(LargestBatch, other.LargestBatch);
        Steps += other.Steps; RowSteps += other.RowSteps; Compactions += other.Compactions;
        PromptTokens += other.PromptTokens; PaddingTokens += other.PaddingTokens; GeneratedTokens += other.GeneratedTokens;
        PrefillSeconds += other.PrefillSeconds; StepSeconds += other.StepSeconds;
    }
}

/// <summary>
/// Batched greedy decoding with the KV cache in preallocated buffers bound with <see cref="OrtIoBinding"/>.
/// <list type="bullet">
/// <item>Prompts are sorted by length (longest first) and cut into batches by <see cref="BatchLimits"/>. A batch is
/// left-padded to its longest prompt: <c>attention_mask</c> is 0 on the padding and <c>position_ids</c> count only real
/// tokens, so every row sees exactly what it would see alone.</item>
/// <item>The cache of each layer lives in two buffers allocated once for the largest batch shape seen (on the GPU
/// when the session runs on CUDA, else host memory) and reused by every step and every batch: a step reads the past
/// as a <c>[rows, kv_heads, T, head_size]</c> view of one buffer and ONNX Runtime writes the present
/// (<c>T + 1</c> positions) into a view of the other, which becomes the next past (ping-pong). Nothing of the cache
/// is copied into managed memory; only the logits of the last position come back to the host.</item>
/// <item>A sequence that finishes (EOS, its new-token limit, the context) leaves the batch: the cache rows of the
/// sequences that go on are gathered into the other buffer where the cache lives (<see cref="KvRowGather"/>), and the
/// rest decode without it. A new batch starts when the last row of the previous one finishes (compaction, not
/// continuous batching: rows of one batch share one cache length).</item>
/// <item>A per-sequence <see cref="ITokenConstraint"/> masks that row's logits before the arg-max and is told the
/// token chosen.</item>
/// </list>
/// The tokens equal those of decoding each sequence alone (<see cref="KvCacheDecoder.Greedy"/>) whenever the model's
/// batched logits equal its single-sequence logits closely enough not to change an arg-max; see docs/models.md for
/// what is guaranteed. One call at a time.
/// </summary>
internal sealed class BatchDecoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly DecoderSignature _signature;
    private readonly OrtAllocator _cacheAllocator;
    private readonly OrtMemoryInfo _cacheMemory;
    private readonly bool _ownsCacheMemory;
    private readonly KvRowGather _gather;
    private readonly LastPositionGather _lastPosition;
    private readonly OrtIoBinding _binding;
    private readonly OrtIoBinding _gatherBinding;
    private readonly string[] _pastNames, _presentNames;
    private readonly TensorElementType _type;
    private readonly int _elementSize;
    private readonly int _tensors;
    private CacheBuffer[] _front = [], _back = [];
    private long _capacity;   // bytes per cache buffer
    private float[] _row = [];
    private float[] _logits32 = [];
    private Float16[] _logits16 = [];
    private long[] _ids = [], _mask = [], _positions = [];

    /// <param name="session">The decoder's session (not owned).</param>
    /// <param name="signature">Its signature.</param>
    /// <param name="cudaDevice">The CUDA device the session runs on, or null for the CPU: the cache is allocated there.</param>
    public BatchDecoder(InferenceSession session, DecoderSignature signature, int? cudaDevice)
    {
        _session = session;
        _signature = signature;
        _tensors = 2 * signature.Layers;
        _type = signature.Half ? TensorElementType.Float16 : TensorElementType.Float;
        _elementSize = signature.Half ? 2 : 4;
        _pastNames = new string[_tensors];
        _presentNames = new string[_tensors];
        for (int i = 0; i < signature.Layers; i++)
        {
            _pastNames[2 * i] = $"past_key_values.{i}.key";
            _pastNames[2 * i + 1] = $"past_key_values.{i}.value";
            _presentNames[2 * i] = $"present.{i}.key";
            _presentNames[2 * i + 1] = $"present.{i}.value";
        }
        CudaDevice = cudaDevice;
        if (cudaDevice is { } device)
        {
            _cacheMemory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, device, OrtMemType.Default);
            _cacheAllocator = new OrtAllocator(session, _cacheMemory);
            _ownsCacheMemory = true;
        }
        else
        {
            _cacheMemory = OrtMemoryInfo.DefaultInstance;
            _cacheAllocator = OrtAllocator.DefaultInstance;
        }
        _binding = session.CreateIoBinding();
        _gather = new KvRowGather(_tensors, signature.Half, cudaDevice);
        _gatherBinding = _gather.CreateBinding();
        _lastPosition = new LastPositionGather(signature.Half, cudaDevice);
    }

    /// <summary>The CUDA device the cache lives on, or null (host memory).</summary>
    public int? CudaDevice { get; }

    /// <summary>Bytes held by the cache buffers now (both halves of the ping-pong, every layer).</summary>
    public long CacheBytes => 2L * _tensors * _capacity;

    /// <summary>
    /// Greedy decoding of every request: the arg-max token (first on ties) until <paramref name="eos"/>, the request's
    /// new-token limit, or <paramref name="context"/> positions (prompt + generated) — the rules of
    /// <see cref="KvCacheDecoder.Greedy"/>. Results are in request order.
    /// </summary>
    /// <exception cref="OperationCanceledException">The token was cancelled (also during a model call).</exception>
    public DecodeResult[] Greedy(IReadOnlyList<DecodeRequest> requests, BatchLimits limits, int context, int eos, CancellationToken cancellationToken,
        BatchDecodeStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(limits);
        var results = new DecodeResult[requests.Count];
        var order = new List<int>(requests.Count);
        for (int i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            if (r.Prompt.Length == 0) throw new ArgumentException($"request {i} has an empty prompt", nameof(requests));
            if (r.MaxNewTokens <= 0) results[i] = new DecodeResult([], DecodeStop.MaxNewTokens);
            else order.Add(i);
        }
        // Longest first (stable): a batch pads to its first prompt, and a batch that cannot fit fails before the rest.
        order.Sort((a, b) => requests[b].Prompt.Length != requests[a].Prompt.Length ? requests[b].Prompt.Length.CompareTo(requests[a].Prompt.Length) : a.CompareTo(b));
        int Steps(int i) => Math.Max(1, Math.Min(requests[i].MaxNewTokens, context - requests[i].Prompt.Length));
        var batch = new List<int>(limits.BatchSize);
        for (int at = 0; at < order.Count;)
        {
            batch.Clear();
            int longest = requests[order[at]].Prompt.Length, steps = Steps(order[at]);
            batch.Add(order[at++]);
            while (at < order.Count && batch.Count < limits.BatchSize)
            {
                int s = Math.Max(steps, Steps(order[at]));
                if ((long)(batch.Count + 1) * (longest + s) > limits.TokenBudget) break;
                steps = s;
                batch.Add(order[at++]);
            }
            RunBatch(requests, batch, longest, longest + steps, limits, context, eos, results, cancellationToken, stats);
        }
        return results;
    }

    private sealed class Row(int request, int[] prompt, int pad, int maxNew, ITokenConstraint? constraint)
    {
        public int Request { get; } = request;
        public int[] Prompt { get; } = prompt;
        public int Pad { get; } = pad;
        public int MaxNew { get; } = maxNew;
        public ITokenConstraint? Constraint { get; } = constraint;
        public List<int> Tokens { get; } = [];
        public DecodeStop? Stop { get; set; }
        public int Last { get; set; }
    }

    private void RunBatch(IReadOnlyList<DecodeRequest> requests, List<int> batch, int longest, int capacityPositions, BatchLimits limits, int context, int eos,
        DecodeResult[] results, CancellationToken ct, BatchDecodeStats? stats)
    {
        ct.ThrowIfCancellationRequested();
        int kv = _signature.KvHeads, d = _signature.HeadSize;
        var rows = new List<Row>(batch.Count);
        foreach (var i in batch)
        {
            var r = requests[i];
            rows.Add(new Row(i, r.Prompt, longest - r.Prompt.Length, r.MaxNewTokens, r.Constraint));
        }
        EnsureCapacity((long)rows.Count * kv * capacityPositions * d * _elementSize);
        if (stats is not null)
        {
            stats.Batches++;
            stats.Sequences += rows.Count;
            stats.LargestBatch = Math.Max(stats.LargestBatch, rows.Count);
            foreach (var r in rows) { stats.PromptTokens += r.Prompt.Length; stats.PaddingTokens += r.Pad; }
        }

        using var run = new RunOptions();
        using var cancel = ct.Register(() => run.Terminate = true);
        var views = new OrtValue[2 * _tensors];

        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        // Prefill, in groups of consecutive rows whose present cache lands in their rows of the batch's cache.
        int group = Math.Clamp(limits.PrefillTokens / Math.Max(1, longest), 1, rows.Count);
        var prompts = rows.Select(r => r.Prompt).ToList();
        int vocab = VocabSize();
        for (int g0 = 0; g0 < rows.Count; g0 += group)
        {
            int m = Math.Min(group, rows.Count - g0);
            Prefill(run, prompts, g0, m, longest, g0, eos, ct);
            for (int k = 0; k < m; k++) Choose(rows[g0 + k], LogitsRow(k, vocab), context, eos);
        }

        long prefilled = System.Diagnostics.Stopwatch.GetTimestamp();
        if (stats is not null) stats.PrefillSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started, prefilled).TotalSeconds;
        // Decoding steps: the rows still going, in cache row order.
        var live = new List<Row>(rows);
        int length = longest;
        var keepIndex = new List<long>(rows.Count);
        while (true)
        {
            keepIndex.Clear();
            for (int s = 0; s < live.Count; s++) if (live[s].Stop is null) keepIndex.Add(s);
            if (keepIndex.Count == 0) break;
            ct.ThrowIfCancellationRequested();
            if (keepIndex.Count < live.Count)
            {
                Compact(run, live.Count, [.. keepIndex], length, ct);
                live = keepIndex.Select(s => live[(int)s]).ToList();
                if (stats is not null) stats.Compactions++;
            }
            int n = live.Count, total = length + 1;
            Ensure(ref _ids, n); Ensure(ref _positions, n); Ensure(ref _mask, n * total);
            for (int s = 0; s < n; s++)
            {
                var row = live[s];
                _ids[s] = row.Last;
                _positions[s] = row.Prompt.Length + row.Tokens.Count - 1;
                var m = _mask.AsSpan(s * total, total);
                m[..row.Pad].Clear();
                m[row.Pad..].Fill(1);
            }
            int vocabSize = VocabSize();
            try
            {
                _binding.ClearBoundInputs();
                _binding.ClearBoundOutputs();
                using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, n), [n, 1]);
                using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, n * total), [n, total]);
                using var positions = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _positions.AsMemory(0, n), [n, 1]);
                using var logits = StepLogits(n, vocabSize);
                _binding.BindInput("input_ids", ids);
                _binding.BindInput("attention_mask", mask);
                if (_signature.HasPositionIds) _binding.BindInput("position_ids", positions);
                _binding.BindOutput("logits", logits);
                for (int t = 0; t < _tensors; t++)
                {
                    views[t] = View(_front[t], 0, [n, kv, length, d]);
                    views[_tensors + t] = View(_back[t], 0, [n, kv, total, d]);
                    _binding.BindInput(_pastNames[t], views[t]);
                    _binding.BindOutput(_presentNames[t], views[_tensors + t]);
                }
                Run(run, _binding, ct);
            }
            finally
            {
                DisposeViews(views);
                _binding.ClearBoundInputs();
                _binding.ClearBoundOutputs();
            }
            (_front, _back) = (_back, _front);
            length = total;
            if (stats is not null) { stats.Steps++; stats.RowSteps += n; }
            for (int s = 0; s < n; s++) Choose(live[s], LogitsRow(s, vocabSize), context, eos);
        }
        if (stats is not null) stats.StepSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(prefilled).TotalSeconds;
        foreach (var r in rows)
        {
            results[r.Request] = new DecodeResult(r.Tokens, r.Stop!.Value, rows.Count);
            if (stats is not null) stats.GeneratedTokens += r.Tokens.Count + (r.Stop == DecodeStop.Eos ? 1 : 0);
        }
    }

    private int _vocab;

    private int VocabSize()
    {
        if (_vocab > 0) return _vocab;
        var dims = _session.OutputMetadata["logits"].Dimensions;
        return _vocab = dims[2] > 0 ? dims[2] : throw new InvalidDataException("the model's logits leave the vocabulary size symbolic");
    }

    /// <summary>A step's logits buffer <c>[rows, 1, vocab]</c> in host memory, reused.</summary>
    private OrtValue StepLogits(int rows, int vocab) => HostLogits([rows, 1, vocab], rows * vocab);

    /// <summary>The host logits buffer (reused) as a tensor of <paramref name="shape"/>.</summary>
    private OrtValue HostLogits(long[] shape, int n)
    {
        if (_signature.Half)
        {
            Ensure(ref _logits16, n);
            return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _logits16.AsMemory(0, n), shape);
        }
        Ensure(ref _logits32, n);
        return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _logits32.AsMemory(0, n), shape);
    }

    /// <summary>Row <paramref name="row"/> of the host logits buffer, as float32 (valid until the next call).</summary>
    private ReadOnlySpan<float> LogitsRow(int row, int vocab)
    {
        if (!_signature.Half) return _logits32.AsSpan(row * vocab, vocab);
        Ensure(ref _row, vocab);
        var src = _logits16.AsSpan(row * vocab, vocab);
        for (int v = 0; v < vocab; v++) _row[v] = (float)src[v];
        return _row.AsSpan(0, vocab);
    }

    /// <summary>
    /// Prefill of <paramref name="count"/> prompts from <paramref name="from"/>, left-padded to <paramref name="longest"/>
    /// with <paramref name="padToken"/>: their present cache goes into the front buffers at row <paramref name="firstRow"/>
    /// of a <c>[rows, kv_heads, longest, head_size]</c> cache, and the logits of their last position (gathered where the
    /// model runs) into the host logits buffer, row k for prompt <paramref name="from"/> + k.
    /// </summary>
    private void Prefill(RunOptions run, IReadOnlyList<int[]> prompts, int from, int count, int longest, int firstRow, int padToken, CancellationToken ct)
    {
        int kv = _signature.KvHeads, d = _signature.HeadSize, m = count, cells = m * longest;
        Ensure(ref _ids, cells); Ensure(ref _mask, cells); Ensure(ref _positions, cells);
        for (int k = 0; k < m; k++)
        {
            var prompt = prompts[from + k];
            int o = k * longest, pad = longest - prompt.Length;
            for (int j = 0; j < pad; j++) { _ids[o + j] = padToken < 0 ? 0 : padToken; _mask[o + j] = 0; _positions[o + j] = 0; }
            for (int j = 0; j < prompt.Length; j++) { _ids[o + pad + j] = prompt[j]; _mask[o + pad + j] = 1; _positions[o + pad + j] = j; }
        }
        long rowBytes = (long)kv * longest * d * _elementSize;
        var views = new OrtValue[2 * _tensors];
        try
        {
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
            using var ids = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _ids.AsMemory(0, cells), [m, longest]);
            using var mask = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _mask.AsMemory(0, cells), [m, longest]);
            using var positions = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _positions.AsMemory(0, cells), [m, longest]);
            _binding.BindInput("input_ids", ids);
            _binding.BindInput("attention_mask", mask);
            if (_signature.HasPositionIds) _binding.BindInput("position_ids", positions);
            // The logits of every position stay where the model runs; only the last position's come to the host.
            _binding.BindOutputToDevice("logits", _cacheMemory);
            for (int t = 0; t < _tensors; t++)
            {
                views[t] = View(_front[t], 0, [m, kv, 0, d]);
                views[_tensors + t] = View(_front[t], firstRow * rowBytes, [m, kv, longest, d]);
                _binding.BindInput(_pastNames[t], views[t]);
                _binding.BindOutput(_presentNames[t], views[_tensors + t]);
            }
            Run(run, _binding, ct);
            using var outputs = _binding.GetOutputValues();
            int vocab = VocabSize();
            using var host = HostLogits([m, vocab], m * vocab);
            try { _lastPosition.Run(run, outputs[0], longest - 1, host); }
            catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("the model run was cancelled", ct);
            }
        }
        finally
        {
            DisposeViews(views);
            _binding.ClearBoundInputs();
            _binding.ClearBoundOutputs();
        }
    }

    /// <summary>
    /// One prefill per prompt, batched (sorted by length, left-padded, groups of at most
    /// <see cref="BatchLimits.PrefillTokens"/> positions and <see cref="BatchLimits.BatchSize"/> rows): calls
    /// <paramref name="onRow"/> with each prompt's index, its group's size and the logits after its last token (valid during the call).
    /// Nothing is decoded and the cache is not kept (doc scoring).
    /// </summary>
    public void LastLogits(IReadOnlyList<int[]> prompts, BatchLimits limits, int padToken, LogitsRowAction onRow, CancellationToken cancellationToken,
        BatchDecodeStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(onRow);
        for (int i = 0; i < prompts.Count; i++) if (prompts[i].Length == 0) throw new ArgumentException($"prompt {i} is empty", nameof(prompts));
        var order = Enumerable.Range(0, prompts.Count).OrderByDescending(i => prompts[i].Length).ThenBy(i => i).ToList();
        int kv = _signature.KvHeads, d = _signature.HeadSize, vocab = VocabSize();
        using var run = new RunOptions();
        using var cancel = cancellationToken.Register(() => run.Terminate = true);
        var sorted = order.Select(i => prompts[i]).ToList();
        for (int at = 0; at < sorted.Count;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            int longest = sorted[at].Length;
            int m = Math.Clamp(limits.PrefillTokens / longest, 1, Math.Min(limits.BatchSize, sorted.Count - at));
            EnsureCapacity((long)m * kv * longest * d * _elementSize);
            Prefill(run, sorted, at, m, longest, 0, padToken, cancellationToken);
            for (int k = 0; k < m; k++) onRow(order[at + k], m, LogitsRow(k, vocab));
            if (stats is not null)
            {
                stats.Batches++;
                stats.Sequences += m;
                stats.LargestBatch = Math.Max(stats.LargestBatch, m);
                for (int k = 0; k < m; k++) { stats.PromptTokens += sorted[at + k].Length; stats.PaddingTokens += longest - sorted[at + k].Length; }
                stats.PrefillSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
            at += m;
        }
    }

    /// <summary>Told one prompt's next-token logits by <see cref="LastLogits"/>, with the number of prompts run together with it.</summary>
    public delegate void LogitsRowAction(int prompt, int batchSize, ReadOnlySpan<float> logits);

    /// <summary>The greedy choice of one row, exactly as <see cref="KvCacheDecoder.Greedy"/> makes it.</summary>
    private void Choose(Row row, ReadOnlySpan<float> logits, int context, int eos)
    {
        if (row.Constraint is { } constraint)
        {
            Ensure(ref _row, logits.Length);
            var copy = _row.AsSpan(0, logits.Length);
            if (!logits.Overlaps(copy)) logits.CopyTo(copy);
            constraint.Mask(copy);
            logits = copy;
        }
        int next = KvCacheDecoder.ArgMax(logits);
        row.Constraint?.Advance(next);
        if (next == eos) { row.Stop = DecodeStop.Eos; return; }
        row.Tokens.Add(next);
        row.Last = next;
        if (row.Prompt.Length + row.Tokens.Count >= context) row.Stop = DecodeStop.Context;
        else if (row.Tokens.Count >= row.MaxNew) row.Stop = DecodeStop.MaxNewTokens;
    }

    /// <summary>Keeps cache rows <paramref name="keep"/> of <paramref name="rows"/> (length <paramref name="length"/>): gathered into the back buffer, which becomes the front.</summary>
    private void Compact(RunOptions run, int rows, long[] keep, int length, CancellationToken ct)
    {
        int kv = _signature.KvHeads, d = _signature.HeadSize;
        var sources = new OrtValue[_tensors];
        var destinations = new OrtValue[_tensors];
        try
        {
            for (int t = 0; t < _tensors; t++)
            {
                sources[t] = View(_front[t], 0, [rows, kv, length, d]);
                destinations[t] = View(_back[t], 0, [keep.Length, kv, length, d]);
            }
            try { _gather.Run(_gatherBinding, run, keep, sources, destinations); }
            catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("the model run was cancelled", ct);
            }
        }
        finally
        {
            DisposeViews(sources);
            DisposeViews(destinations);
        }
        (_front, _back) = (_back, _front);
    }

    private void Run(RunOptions run, OrtIoBinding binding, CancellationToken ct)
    {
        try
        {
            _session.RunWithBinding(run, binding);
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException("the model run was cancelled", ct);
        }
    }

    private OrtValue View(CacheBuffer buffer, long offsetBytes, long[] shape)
    {
        long bytes = _elementSize;
        foreach (var s in shape) bytes *= s;
        if (offsetBytes + bytes > _capacity) throw new InvalidOperationException($"cache view of {bytes} bytes at {offsetBytes} exceeds the buffer ({_capacity} bytes)");
        return OrtValue.CreateTensorValueWithData(_cacheMemory, _type, shape, buffer.Address + (nint)offsetBytes, Math.Max(bytes, 0));
    }

    private static void DisposeViews(OrtValue?[] views)
    {
        for (int i = 0; i < views.Length; i++)
        {
            views[i]?.Dispose();
            views[i] = null!;
        }
    }

    /// <summary>Grows the cache buffers to hold <paramref name="bytes"/> each (never shrinks: the next batch reuses them).</summary>
    private void EnsureCapacity(long bytes)
    {
        if (bytes <= _capacity && _front.Length == _tensors) return;
        if (bytes > uint.MaxValue)
            throw new InvalidOperationException($"a batch's KV cache needs {bytes:N0} bytes per layer tensor, more than one buffer can hold (4 GiB); lower the batch token budget (batch_tokens) or the batch size");
        FreeBuffers();
        // A little headroom, so slightly longer batches do not reallocate.
        long size = Math.Min(uint.MaxValue, Math.Max(bytes, Math.Min(uint.MaxValue, bytes + bytes / 4)));
        var front = new CacheBuffer[_tensors];
        var back = new CacheBuffer[_tensors];
        try
        {
            for (int t = 0; t < _tensors; t++)
            {
                front[t] = new CacheBuffer(_cacheAllocator, size);
                back[t] = new CacheBuffer(_cacheAllocator, size);
            }
        }
        catch
        {
            foreach (var a in front) a?.Dispose();
            foreach (var a in back) a?.Dispose();
            throw;
        }
        _front = front;
        _back = back;
        _capacity = size;
    }

    private void FreeBuffers()
    {
        foreach (var a in _front) a.Dispose();
        foreach (var a in _back) a.Dispose();
        _front = [];
        _back = [];
        _capacity = 0;
    }

    /// <summary>
    /// One cache buffer: a byte tensor allocated by the provider's allocator (device memory on CUDA), addressed by
    /// views of any shape that fits. Its address is only handed to ONNX Runtime, never read on the host.
    /// </summary>
    private sealed unsafe class CacheBuffer : IDisposable
    {
        private readonly OrtValue _value;

        public CacheBuffer(OrtAllocator allocator, long bytes)
        {
            _value = OrtValue.CreateAllocatedTensorValue(allocator, TensorElementType.UInt8, [bytes]);
            // The span only carries the address (device memory is never touched through it).
            Address = (nint)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(_value.GetTensorMutableRawData()));
        }

        public nint Address { get; }

        public void Dispose() => _value.Dispose();
    }

    private static void Ensure<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[Math.Max(length, buffer.Length * 2)];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        FreeBuffers();
        _binding.Dispose();
        _gatherBinding.Dispose();
        _gather.Dispose();
        _lastPosition.Dispose();
        if (_ownsCacheMemory)
        {
            _cacheAllocator.Dispose();
            _cacheMemory.Dispose();
        }
    }
}
