using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Prox.Models;

/// <summary>
/// One ONNX Runtime session of a model file, with its decoders, shared by every generator of the process that opens
/// the same file on the same provider, device and thread count (a run's doc and chunk generators with different
/// options, several cmdlets in one session): the weights are loaded once, and the KV cache buffers are allocated once.
/// Counted references: the last <see cref="Release"/> disposes it. Generators take turns through <see cref="Gate"/>.
/// </summary>
internal sealed class SharedModelSession
{
    private static readonly Dictionary<string, SharedModelSession> Open = new(StringComparer.Ordinal);
    private readonly string _key;
    private int _references;

    private SharedModelSession(string key, InferenceSession session, string provider, DecoderSignature signature, int? cudaDevice)
    {
        _key = key;
        Session = session;
        Provider = provider;
        Signature = signature;
        Decoder = new KvCacheDecoder(session, signature);
        try { Batches = new BatchDecoder(session, signature, cudaDevice); }
        catch
        {
            Decoder.Dispose();
            throw;
        }
    }

    /// <summary>The session.</summary>
    public InferenceSession Session { get; }

    /// <summary>The provider it runs on: <c>CUDA</c> or <c>CPU</c>.</summary>
    public string Provider { get; }

    /// <summary>The graph's signature.</summary>
    public DecoderSignature Signature { get; }

    /// <summary>One-sequence decoding (prefill scoring, the reference for batches).</summary>
    public KvCacheDecoder Decoder { get; }

    /// <summary>Batched decoding.</summary>
    public BatchDecoder Batches { get; }

    /// <summary>Held while a generator runs the model.</summary>
    public object Gate { get; } = new();

    /// <summary>Sessions created so far in this process (not counting shared acquisitions; for tests).</summary>
    public static int Created { get; private set; }

    /// <summary>
    /// The session of <paramref name="modelPath"/> on <paramref name="provider"/>: the open one when there is one, else a
    /// new one (see <see cref="ModelSessionFactory.Open"/> for providers and warnings). Release it when done.
    /// </summary>
    public static SharedModelSession Acquire(string modelPath, ExecutionProvider provider, int deviceId, int intraOpThreads, LlamaConfig? config,
        Action<string>? warn)
    {
        var key = string.Join('\u0001', Path.GetFullPath(modelPath), provider.ToString(), deviceId.ToString(CultureInfo.InvariantCulture),
            intraOpThreads.ToString(CultureInfo.InvariantCulture));
        lock (Open)
        {
            if (Open.TryGetValue(key, out var known))
            {
                known._references++;
                return known;
            }
            var (session, actual) = ModelSessionFactory.Open(modelPath, provider, deviceId, intraOpThreads, warn);
            try
            {
                var signature = DecoderSignature.Read(session, modelPath, config);
                var shared = new SharedModelSession(key, session, actual, signature, actual == "CUDA" ? deviceId : null) { _references = 1 };
                Open[key] = shared;
                Created++;
                return shared;
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
    }

    /// <summary>Gives back one reference; the last one closes the session.</summary>
    public void Release()
    {
        lock (Open)
        {
            if (--_references > 0) return;
            Open.Remove(_key);
        }
        lock (Gate)
        {
            Batches.Dispose();
            Decoder.Dispose();
        }
    }
}
