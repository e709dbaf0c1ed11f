using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Prox.Models;

/// <summary>Why a greedy decoding stopped.</summary>
internal enum DecodeStop
{
    /// <summary>The model wrote the end-of-sequence token.</summary>
    Eos,
    /// <summary>The new-token limit was reached.</summary>
    MaxNewTokens,
    /// <summary>The context window is full.</summary>
    Context,
}

/// <summary>
/// Greedy decoding of one sequence with the KV cache kept in ONNX Runtime values: the <c>present.N.*</c> outputs of a
/// step are the <c>past_key_values.N.*</c> inputs of the next, never copied into managed arrays. Only the last row of
/// the logits is read (converted from float16 when the model is half precision). One call at a time.
/// </summary>
internal sealed class KvCacheDecoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _outputNames;
    private readonly string[] _inputNames;
    private float[] _row = [];

    public KvCacheDecoder(InferenceSession session, DecoderSignature signature)
    {
        _session = session;
        Signature = signature;
        var inputs = new List<string> { "input_ids", "attention_mask" };
        if (signature.HasPositionIds) inputs.Add("position_ids");
        var outputs = new List<string> { "logits" };
        for (int i = 0; i < signature.Layers; i++)
        {
            inputs.Add($"past_key_values.{i}.key");
            inputs.Add($"past_key_values.{i}.value");
            outputs.Add($"present.{i}.key");
            outputs.Add($"present.{i}.value");
        }
        _inputNames = [.. inputs];
        _outputNames = [.. outputs];
    }

    public DecoderSignature Signature { get; }

    /// <summary>A sequence's cache: one key and one value per layer, <c>[1, kv_heads, Length, head_size]</c>.</summary>
    public sealed class Sequence : IDisposable
    {
        internal OrtValue[] Past { get; set; }
        /// <summary>Positions cached.</summary>
        public int Length { get; internal set; }
        internal Sequence(OrtValue[] past) => Past = past;
        /// <inheritdoc/>
        public void Dispose()
        {
            foreach (var v in Past) v.Dispose();
            Past = [];
        }
    }

    /// <summary>An empty cache.</summary>
    public Sequence Start()
    {
        var type = Signature.Half ? TensorElementType.Float16 : TensorElementType.Float;
        long[] shape = [1, Signature.KvHeads, 0, Signature.HeadSize];
        var past = new OrtValue[2 * Signature.Layers];
        for (int i = 0; i < past.Length; i++) past[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, type, shape);
        return new Sequence(past);
    }

    /// <summary>
    /// Runs <paramref name="tokens"/> after the cached positions, extends the cache, and returns the logits of the last
    /// new position (a buffer reused by the next call).
    /// </summary>
    public ReadOnlySpan<float> Feed(Sequence sequence, scoped ReadOnlySpan<long> tokens, CancellationToken cancellationToken)
    {
        if (tokens.IsEmpty) throw new ArgumentException("nothing to feed", nameof(tokens));
        cancellationToken.ThrowIfCancellationRequested();
        int n = tokens.Length, total = sequence.Length + n;
        var ids = tokens.ToArray();
        var mask = new long[total];
        Array.Fill(mask, 1L);
        var positions = new long[n];
        for (int i = 0; i < n; i++) positions[i] = sequence.Length + i;
        var made = new List<OrtValue>(3);
        var values = new List<OrtValue>(_inputNames.Length);
        IDisposableReadOnlyCollection<OrtValue>? outputs = null;
        using var run = new RunOptions();
        using var cancel = cancellationToken.Register(() => run.Terminate = true);
        try
        {
            made.Add(OrtValue.CreateTensorValueFromMemory(ids, [1, n]));
            made.Add(OrtValue.CreateTensorValueFromMemory(mask, [1, total]));
            if (Signature.HasPositionIds) made.Add(OrtValue.CreateTensorValueFromMemory(positions, [1, n]));
            values.AddRange(made);
            values.AddRange(sequence.Past);
            try
            {
                outputs = _session.Run(run, _inputNames, values, _outputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the model run was cancelled", cancellationToken);
            }
            var logits = outputs[0];
            var shape = logits.GetTensorTypeAndShape().Shape;
            int vocab = checked((int)shape[2]);
            if (_row.Length != vocab) _row = new float[vocab];
            long offset = (shape[1] - 1) * vocab;
            if (Signature.Half)
            {
                var src = logits.GetTensorDataAsSpan<Float16>().Slice((int)offset, vocab);
                for (int i = 0; i < vocab; i++) _row[i] = (float)src[i];
            }
            else logits.GetTensorDataAsSpan<float>().Slice((int)offset, vocab).CopyTo(_row);
            // The presents become the past; the old past and the logits are released.
            var present = new OrtValue[2 * Signature.Layers];
            for (int i = 0; i < present.Length; i++) present[i] = outputs[1 + i];
            foreach (var v in sequence.Past) v.Dispose();
            sequence.Past = present;
            sequence.Length = total;
            logits.Dispose();
            outputs = null;
            return _row;
        }
        finally
        {
            // The inputs made here; the past belongs to the sequence.
            foreach (var v in made) v.Dispose();
            outputs?.Dispose();
        }
    }

    /// <summary>
    /// Greedy decoding after <paramref name="prompt"/>: the arg-max token (first on ties) until <paramref name="eos"/>,
    /// <paramref name="maxNewTokens"/> tokens, or <paramref name="context"/> positions in all. The EOS is not returned.
    /// A <paramref name="constraint"/>, when given, masks each step's logits before the arg-max.
    /// </summary>
    public List<int> Greedy(ReadOnlySpan<int> prompt, int maxNewTokens, int context, int eos, CancellationToken cancellationToken, out DecodeStop stop, ITokenConstraint? constraint = null)
    {
        var generated = new List<int>();
        using var sequence = Start();
        var ids = new long[prompt.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = prompt[i];
        stop = DecodeStop.MaxNewTokens;
        if (maxNewTokens <= 0) return generated;
        var logits = Feed(sequence, ids, cancellationToken);
        Span<long> one = stackalloc long[1];
        while (true)
        {
            if (constraint is not null)
            {
                // The row is the decoder's own buffer, reused by the next Feed: masking it in place is safe.
                var row = _row.AsSpan();
                constraint.Mask(row);
                logits = row;
            }
            int next = ArgMax(logits);
            constraint?.Advance(next);
            if (next == eos) { stop = DecodeStop.Eos; break; }
            generated.Add(next);
            if (prompt.Length + generated.Count >= context) { stop = DecodeStop.Context; break; }
            if (generated.Count >= maxNewTokens) { stop = DecodeStop.MaxNewTokens; break; }
            one[0] = next;
            logits = Feed(sequence, one, cancellationToken);
        }
        return generated;
    }

    /// <summary>The index of the largest value (the first of equal ones).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
