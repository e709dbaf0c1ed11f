using Prox.Generation;
using Prox.Models;
using Prox.Models.Onnx;
using Prox.Refinement;
using static Prox.Tests.Models.ModelTestSupport;

namespace Prox.Tests.Models;

/// <summary>
/// int8 model folders (<see cref="ModelPrecision.Int8"/>): per-channel int8 weights run by DynamicQuantizeMatMul,
/// compared with the fp32 folder of the same random weights and with the double-precision reference.
/// </summary>
public class Int8ModelTests
{
    [Fact]
    public void QuantizerKeepsEveryWeightWithinHalfAStepOfItsColumnScale()
    {
        // [3, 4]: column 2 all zeros, column 3 holds the extreme.
        float[] w = [0.5f, -1f, 0f, 2f, -0.25f, 0.75f, 0f, -4f, 0.1f, 0.2f, 0f, 1f];
        var (q, scales) = Int8Weights.Quantize(w, 3, 4);
        Assert.Equal([0.5f / 127, 1f / 127, 1f, 4f / 127], scales);
        Assert.Equal((sbyte)-127, q[7]);
        Assert.Equal((sbyte)127, q[0]);
        Assert.All(new[] { q[2], q[6], q[10] }, v => Assert.Equal(0, v));
        for (int i = 0; i < w.Length; i++)
            Assert.True(Math.Abs(q[i] * scales[i % 4] - w[i]) <= scales[i % 4] / 2 + 1e-7, $"weight {i}: {q[i] * scales[i % 4]} vs {w[i]}");
        Assert.Throws<InvalidDataException>(() => Int8Weights.Quantize([float.NaN, 1f], 1, 2));
    }

    [Theory]
    [InlineData("tiny", true)]
    [InlineData("tiny-gqa", true)]
    [InlineData("tiny-gqa", false)]
    public void Int8ModelStaysCloseToTheReferenceWithAndWithoutPast(string preset, bool quantizeHead)
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset(preset);
        var weights = new RandomLlamaWeights(c, 5, std: 0.15);
        LlamaOnnxWriter.Write(weights, tmp.Path, new ModelWriteOptions { Precision = ModelPrecision.Int8, QuantizeOutputHead = quantizeHead });
        ModelFolder.WriteConfigFiles(c, tmp.Path);

        var info = ModelInfo.Read(tmp.Path);
        Assert.True(info.IsComplete, string.Join("; ", info.Problems));
        Assert.Equal("float32", info.DType);   // cache and logits stay float
        var graph = OnnxModelFile.Load(Path.Combine(tmp.Path, "model.onnx"));
        int quantized = graph.Nodes.Count(n => n.OpType == "DynamicQuantizeMatMul" && n.Domain == "com.microsoft");
        Assert.Equal(4 * c.Layers + (quantizeHead ? 1 : 0), quantized);
        Assert.Equal(quantizeHead ? 0 : 1, graph.Nodes.Count(n => n.OpType == "Gemm"));
        Assert.DoesNotContain(graph.Nodes, n => n.OpType == "MatMul" && graph.Initializers.Any(i => i.Name == n.Inputs[1]));
        Assert.Equal(OnnxType.Int8, graph.Initializers.Single(i => i.Name == "model.layers.0.mlp.down_proj.weight").DataType);
        Assert.Equal(OnnxType.Float, graph.Initializers.Single(i => i.Name == "model.embed_tokens.weight").DataType);

        var err = CompareWithReference(tmp.Path, new ReferenceLlama(c, weights.Read), c);
        Assert.True(err <= 0.08, $"relative error {err:E2}");
        Assert.True(err > 1e-5, $"relative error {err:E2}: the weights cannot be int8");
    }

    [Fact]
    public void Int8FolderIsAboutAThirdOfFp32AndWritesTheSameBytesPerSeed()
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset("tiny");
        var a = ModelFolder.WriteRandom(c, tmp.Sub("a"), 3, new ModelWriteOptions { Precision = ModelPrecision.Int8 });
        var b = ModelFolder.WriteRandom(c, tmp.Sub("b"), 3, new ModelWriteOptions { Precision = ModelPrecision.Int8 });
        var f = ModelFolder.WriteRandom(c, tmp.Sub("f"), 3);
        Assert.Equal(File.ReadAllBytes(Path.Combine(tmp.Sub("a"), "model.onnx.data")), File.ReadAllBytes(Path.Combine(tmp.Sub("b"), "model.onnx.data")));
        Assert.Equal(f.Parameters, a.Parameters);
        // tiny: the fp32 embedding table is most of it; the int8 head and projections are a quarter of their fp32 size.
        Assert.InRange(a.SizeBytes, f.SizeBytes * 0.4, f.SizeBytes * 0.7);
    }

    [SkippableFact]
    public void Int8FolderLoadsThroughTheGeneratorAndGreedyDecodingMostlyAgreesWithFp32()
    {
        var tokenizer = SharedAssets.Require("tokenizers/llama2/tokenizer.model");
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset("tiny-gqa");
        ModelFolder.WriteRandom(c, tmp.Sub("fp32"), 11, new ModelWriteOptions(), tokenizer);
        ModelFolder.WriteRandom(c, tmp.Sub("int8"), 11, new ModelWriteOptions { Precision = ModelPrecision.Int8 }, tokenizer);
        using var fp32 = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{tmp.Sub("fp32")}?provider=Cpu&threads=1");
        using var int8 = (LlamaProgramGenerator)ProgramGenerators.Create($"model:{tmp.Sub("int8")}?provider=Cpu&threads=1");
        Assert.Equal(("float32", c.Layers, c.KvHeads, c.HeadDim), (int8.DType, int8.Layers, int8.KvHeads, int8.HeadSize));

        int same = 0, total = 0;
        var rng = new Random(4);
        for (int p = 0; p < 8; p++)
        {
            var prompt = Enumerable.Range(0, 12).Select(i => i == 0 ? 1 : rng.Next(3, c.VocabSize)).ToArray();
            var a = fp32.Decoder.Greedy(prompt, 12, c.MaxPositions, -1, default, out _);
            var b = int8.Decoder.Greedy(prompt, 12, c.MaxPositions, -1, default, out _);
            Assert.Equal(12, b.Count);
            // Tokens agree until the first difference; after it the two continue from different prefixes.
            int k = 0;
            while (k < a.Count && a[k] == b[k]) k++;
            same += k;
            total += a.Count;
        }
        Assert.True(same >= total * 9 / 10, $"int8 greedy decoding agrees with fp32 on {same} of {total} leading tokens");
    }
}
