using Prox.Models;
using static Prox.Tests.Models.ModelTestSupport;

namespace Prox.Tests.Models;

/// <summary>
/// The shared tiny model was written by an independent exporter (onnxruntime-genai, with ONNX Runtime contrib
/// operators). Its weights, read back out of its ONNX file, written into Prox's own graph, must give the same logits
/// and the same greedy continuation.
/// </summary>
public class CrossCheckTests
{
    private static readonly long[] Prompt = [1, 15043, 3186, 29892, 920, 526];
    private static readonly long[] Expected = [813, 28614, 21948, 2208, 5788, 22906, 14471, 15028, 9575, 1780];

    [SkippableFact]
    public void OwnGraphFromSharedWeightsMatchesIndependentExporter()
    {
        var shared = SharedAssets.Require("models/tiny-llama-fp32/model.onnx");
        var folder = Path.GetDirectoryName(shared)!;
        using var tmp = new TempDir();
        var import = OnnxWeightImport.Open(folder);
        var c = import.Config;
        Assert.Equal((2, 16, 1, 1, 16, 64, 32000), (c.Layers, c.HiddenSize, c.Heads, c.KvHeads, c.HeadDim, c.IntermediateSize, c.VocabSize));
        LlamaOnnxWriter.Write(import, tmp.Path, new ModelWriteOptions());
        ModelFolder.WriteConfigFiles(c, tmp.Path);

        using var theirs = LlamaOnnxDecoder.OpenFile(shared, c, new ModelSessionOptions { IntraOpThreads = 1 });
        using var ours = LlamaOnnxDecoder.Open(tmp.Path, new ModelSessionOptions { IntraOpThreads = 1 });
        // Same inputs, batch of 2 random sequences, no padding; then a step with past.
        var (ids, mask, pos) = LeftPadded(9, [0, 0], c.VocabSize, 3);
        var a = theirs.Forward(ids, mask, pos, 2);
        var b = ours.Forward(ids, mask, pos, 2);
        AssertClose(b.Logits, ToDouble(a.Logits), 1e-4, "b.Logits");
        AssertClose(b.Present.Keys[1], ToDouble(a.Present.Keys[1]), 1e-4, "b.Present.Keys[1]");
        var step = new long[] { 5, 6 };
        var stepMask = Enumerable.Repeat(1L, 20).ToArray();
        var stepPos = new long[] { 9, 9 };
        var a2 = theirs.Forward(step, stepMask, stepPos, 2, a.Present);
        var b2 = ours.Forward(step, stepMask, stepPos, 2, b.Present);
        AssertClose(b2.Logits, ToDouble(a2.Logits), 1e-4, "b2.Logits");

        // And the plain reference agrees with both.
        var reference = new ReferenceLlama(c, import.Read).Forward(ids, mask, pos, 2);
        AssertClose(b.Logits, reference.Logits, 1e-4, "b.Logits");

        Assert.Equal(Expected, Greedy(ours, Prompt, Expected.Length));
        Assert.Equal(Expected, Greedy(theirs, Prompt, Expected.Length));
    }

    [SkippableFact]
    public void Fp16SharedModelGivesTheSameContinuationInOwnFp16Graph()
    {
        var shared = SharedAssets.Require("models/tiny-llama-fp16/model.onnx");
        using var tmp = new TempDir();
        var import = OnnxWeightImport.Open(Path.GetDirectoryName(shared)!);
        LlamaOnnxWriter.Write(import, tmp.Path, new ModelWriteOptions { Precision = ModelPrecision.Fp16 });
        ModelFolder.WriteConfigFiles(import.Config, tmp.Path);
        using var ours = LlamaOnnxDecoder.Open(tmp.Path, new ModelSessionOptions { IntraOpThreads = 1 });
        Assert.Equal("float16", ours.Info.DType);
        Assert.Equal(Expected, Greedy(ours, Prompt, Expected.Length));
    }

    /// <summary>Greedy decoding with the KV cache; checks the first step against a full recompute.</summary>
    private static long[] Greedy(LlamaOnnxDecoder dec, long[] prompt, int count)
    {
        int v = dec.Config.VocabSize;
        var tokens = prompt.ToList();
        var output = dec.Forward(prompt, Enumerable.Repeat(1L, prompt.Length).ToArray(), Enumerable.Range(0, prompt.Length).Select(i => (long)i).ToArray(), 1);
        var result = new List<long>();
        for (int n = 0; n < count; n++)
        {
            int rows = output.Logits.Length / v;
            var last = output.Logits.AsSpan((rows - 1) * v, v);
            long next = 0;
            for (int i = 1; i < v; i++) if (last[i] > last[(int)next]) next = i;
            result.Add(next);
            tokens.Add(next);
            if (n == 1)
            {
                var full = dec.Forward(tokens.ToArray(), Enumerable.Repeat(1L, tokens.Count).ToArray(), Enumerable.Range(0, tokens.Count).Select(i => (long)i).ToArray(), 1);
                var step = dec.Forward([next], Enumerable.Repeat(1L, tokens.Count).ToArray(), [tokens.Count - 1], 1, output.Present);
                AssertClose(step.Logits, ToDouble(full.Logits[^v..]), dec.Info.DType == "float16" ? 1e-2 : 1e-4, "step.Logits");
                output = step;
                continue;
            }
            output = dec.Forward([next], Enumerable.Repeat(1L, tokens.Count).ToArray(), [tokens.Count - 1], 1, output.Present);
        }
        return result.ToArray();
    }
}
