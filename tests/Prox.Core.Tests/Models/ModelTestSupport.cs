using Prox.Models;

namespace Prox.Tests.Models;

/// <summary>Temporary folders, random inputs and error measures shared by the model tests.</summary>
internal static class ModelTestSupport
{
    /// <summary>
    /// The xunit collection of test classes that open generators on the shared tiny models: generators of one model
    /// file share one session and its decoders (SharedModelSession), and these tests call the decoders directly, so
    /// the classes run one after another.
    /// </summary>
    public const string TinyModelSessions = "tiny model sessions";

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "prox-models-" + Guid.NewGuid().ToString("N")[..10]);
        public TempDir() => Directory.CreateDirectory(Path);
        public string Sub(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
    }

    /// <summary>Random ids with <paramref name="pads"/>[b] left-padding positions per row (id 0, mask 0); positions count real tokens from 0.</summary>
    public static (long[] Ids, long[] Mask, long[] Pos) LeftPadded(int seq, int[] pads, int vocab, int seed)
    {
        var rng = new Random(seed);
        int batch = pads.Length;
        var ids = new long[batch * seq];
        var mask = new long[batch * seq];
        var pos = new long[batch * seq];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < seq; t++)
            {
                bool pad = t < pads[b];
                ids[b * seq + t] = pad ? 0 : rng.Next(3, vocab);
                mask[b * seq + t] = pad ? 0 : 1;
                pos[b * seq + t] = pad ? 1 : t - pads[b];
            }
        return (ids, mask, pos);
    }

    /// <summary>max |a − e| / max |e|.</summary>
    public static double RelativeError(float[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            Assert.False(float.IsNaN(actual[i]), $"NaN at {i}");
            maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        return maxDiff / maxRef;
    }

    /// <summary>Asserts max |a − e| / max |e| ≤ <paramref name="tolerance"/>, naming what was compared.</summary>
    public static void AssertClose(float[] actual, double[] expected, double tolerance, string what)
    {
        var err = RelativeError(actual, expected);
        Assert.True(err <= tolerance, $"{what}: relative error {err:E2} > {tolerance:E0}");
    }

    public static double[] ToDouble(float[] x) => Array.ConvertAll(x, v => (double)v);

    /// <summary>
    /// Runs a prefill (left-padded batch of 2, no past) and then a 2-token step with the prefill's present as past,
    /// on the ONNX model and on the reference, and returns the worst relative error over logits and presents.
    /// </summary>
    public static double CompareWithReference(string modelFolder, ReferenceLlama reference, LlamaConfig c, int seed = 7)
    {
        using var dec = LlamaOnnxDecoder.Open(modelFolder, new ModelSessionOptions { IntraOpThreads = 1 });
        int[] pads = [0, 3];
        var (ids, mask, pos) = LeftPadded(7, pads, c.VocabSize, seed);
        var onnx = dec.Forward(ids, mask, pos, 2);
        var refOut = reference.Forward(ids, mask, pos, 2);
        double worst = RelativeError(onnx.Logits, refOut.Logits);
        for (int l = 0; l < c.Layers; l++)
        {
            worst = Math.Max(worst, RelativeError(onnx.Present.Keys[l], refOut.Keys[l]));
            worst = Math.Max(worst, RelativeError(onnx.Present.Values[l], refOut.Values[l]));
        }

        // One decoding step of 2 tokens on top of the cache.
        var (ids2, _, _) = LeftPadded(2, [0, 0], c.VocabSize, seed + 1);
        var mask2 = new long[2 * 9];
        var pos2 = new long[2 * 2];
        for (int b = 0; b < 2; b++)
        {
            for (int t = 0; t < 9; t++) mask2[b * 9 + t] = t < 7 ? mask[b * 7 + t] : 1;
            for (int t = 0; t < 2; t++) pos2[b * 2 + t] = 7 - pads[b] + t;
        }
        var step = dec.Forward(ids2, mask2, pos2, 2, onnx.Present);
        var refStep = reference.Forward(ids2, mask2, pos2, 2,
            onnx.Present.Keys.Select(ToDouble).ToArray(), onnx.Present.Values.Select(ToDouble).ToArray());
        worst = Math.Max(worst, RelativeError(step.Logits, refStep.Logits));
        for (int l = 0; l < c.Layers; l++) worst = Math.Max(worst, RelativeError(step.Present.Keys[l], refStep.Keys[l]));
        return worst;
    }
}
