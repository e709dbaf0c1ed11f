using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Prox.Models;

/// <summary>Past (or present) keys and values of every layer, each <c>[batch, kv_heads, length, head_dim]</c> in float32.</summary>
public sealed class KvCache
{
    /// <summary>Batch size.</summary>
    public int Batch { get; }
    /// <summary>Cached positions per sequence.</summary>
    public int Length { get; }
    /// <summary>Keys per layer.</summary>
    public IReadOnlyList<float[]> Keys { get; }
    /// <summary>Values per layer.</summary>
    public IReadOnlyList<float[]> Values { get; }

    /// <summary>A cache from per-layer key and value arrays.</summary>
    public KvCache(int batch, int length, IReadOnlyList<float[]> keys, IReadOnlyList<float[]> values)
    {
        if (keys.Count != values.Count) throw new ArgumentException("keys and values must have one array per layer");
        Batch = batch; Length = length; Keys = keys; Values = values;
    }

    /// <summary>An empty cache (length 0) for <paramref name="layers"/> layers.</summary>
    public static KvCache Empty(int layers, int batch) =>
        new(batch, 0, Enumerable.Range(0, layers).Select(_ => Array.Empty<float>()).ToArray(), Enumerable.Range(0, layers).Select(_ => Array.Empty<float>()).ToArray());
}

/// <summary>The result of one decoder call: logits <c>[batch, seq, vocab]</c> and the present cache.</summary>
/// <param name="Logits">Logits, row-major <c>[batch, sequence, vocab]</c>.</param>
/// <param name="Present">Keys and values of past + new positions.</param>
public sealed record DecoderOutput(float[] Logits, KvCache Present);

/// <summary>
/// A LLaMA decoder-with-past ONNX model folder opened in ONNX Runtime: one <see cref="Forward"/> call runs
/// prefill or a decoding step. float16 models are converted at the boundary, so callers always see float32.
/// </summary>
public sealed class LlamaOnnxDecoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly bool _half;

    /// <summary>The folder's description.</summary>
    public ModelInfo Info { get; }
    /// <summary>The model's config.</summary>
    public LlamaConfig Config { get; }

    private LlamaOnnxDecoder(InferenceSession session, ModelInfo info, LlamaConfig config)
    {
        _session = session; Info = info; Config = config;
        _half = session.OutputMetadata.TryGetValue("logits", out var lo) && lo.ElementDataType == TensorElementType.Float16;
    }

    /// <summary>Opens a model file whose folder has no <c>config.json</c> (e.g. one written by another exporter), with its shape given.</summary>
    internal static LlamaOnnxDecoder OpenFile(string modelFile, LlamaConfig config, ModelSessionOptions? options = null) =>
        new(OnnxSessions.Open(modelFile, options), new ModelInfo { Path = modelFile, Config = config }, config);

    /// <summary>Opens a model folder; errors name the folder and what is missing.</summary>
    public static LlamaOnnxDecoder Open(string folder, ModelSessionOptions? options = null, Action<string>? warn = null)
    {
        var info = ModelInfo.Read(folder);
        var config = info.Config ?? throw new InvalidDataException($"model folder '{folder}': {string.Join("; ", info.Problems)}");
        var structural = info.Problems.Where(p => !p.StartsWith("no tokenizer", StringComparison.Ordinal)).ToList();
        if (structural.Count > 0) throw new InvalidDataException($"model folder '{folder}' is not usable: {string.Join("; ", structural)}");
        return new LlamaOnnxDecoder(OnnxSessions.Open(folder, options, warn), info, config);
    }

    /// <summary>
    /// Runs the decoder on <paramref name="inputIds"/> (<c>[batch, seq]</c> row-major) with
    /// <paramref name="attentionMask"/> (<c>[batch, past + seq]</c>), <paramref name="positionIds"/> (<c>[batch, seq]</c>) and
    /// an optional past cache.
    /// </summary>
    public DecoderOutput Forward(long[] inputIds, long[] attentionMask, long[] positionIds, int batch, KvCache? past = null)
    {
        if (batch <= 0 || inputIds.Length % batch != 0) throw new ArgumentException($"input_ids length {inputIds.Length} is not a multiple of batch {batch}");
        int seq = inputIds.Length / batch;
        past ??= KvCache.Empty(Config.Layers, batch);
        int total = past.Length + seq;
        if (attentionMask.Length != batch * total) throw new ArgumentException($"attention_mask must hold batch × (past + seq) = {batch * total} values, got {attentionMask.Length}");
        if (positionIds.Length != inputIds.Length) throw new ArgumentException("position_ids must have the shape of input_ids");
        if (past.Keys.Count != Config.Layers || past.Batch != batch) throw new ArgumentException($"the past cache must have {Config.Layers} layers and batch {batch}");
        int kv = Config.KvHeads, d = Config.HeadDim;
        var names = new List<string> { "input_ids", "attention_mask", "position_ids" };
        var values = new List<OrtValue>();
        try
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(inputIds, [batch, seq]));
            values.Add(OrtValue.CreateTensorValueFromMemory(attentionMask, [batch, total]));
            values.Add(OrtValue.CreateTensorValueFromMemory(positionIds, [batch, seq]));
            long[] pastShape = [batch, kv, past.Length, d];
            for (int i = 0; i < Config.Layers; i++)
            {
                names.Add($"past_key_values.{i}.key"); values.Add(Tensor(past.Keys[i], pastShape));
                names.Add($"past_key_values.{i}.value"); values.Add(Tensor(past.Values[i], pastShape));
            }
            var outNames = new List<string> { "logits" };
            for (int i = 0; i < Config.Layers; i++) { outNames.Add($"present.{i}.key"); outNames.Add($"present.{i}.value"); }
            using var run = new RunOptions();
            using var outputs = _session.Run(run, names, values, outNames);
            var logits = Read(outputs[0]);
            var keys = new float[Config.Layers][];
            var vals = new float[Config.Layers][];
            for (int i = 0; i < Config.Layers; i++) { keys[i] = Read(outputs[1 + 2 * i]); vals[i] = Read(outputs[2 + 2 * i]); }
            return new DecoderOutput(logits, new KvCache(batch, total, keys, vals));
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private OrtValue Tensor(float[] data, long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        if (data.Length != n) throw new ArgumentException($"a past tensor holds {data.Length} values, shape [{string.Join(", ", shape)}] needs {n}");
        if (n == 0)
            return OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, _half ? TensorElementType.Float16 : TensorElementType.Float, shape);
        if (!_half) return OrtValue.CreateTensorValueFromMemory(data, shape);
        var h = new Float16[n];
        for (long i = 0; i < n; i++) h[i] = (Float16)data[i];
        return OrtValue.CreateTensorValueFromMemory(h, shape);
    }

    private float[] Read(OrtValue v)
    {
        if (!_half) return v.GetTensorDataAsSpan<float>().ToArray();
        var src = v.GetTensorDataAsSpan<Float16>();
        var dst = new float[src.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = (float)src[i];
        return dst;
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();
}
