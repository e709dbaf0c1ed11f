using Prox.Models;
using static Prox.Tests.Models.ModelTestSupport;

namespace Prox.Tests.Models;

public class ModelGraphTests
{
    [Theory]
    [InlineData("tiny", false)]
    [InlineData("tiny-gqa", false)]
    [InlineData("tiny-gqa", true)]
    public void RandomModelMatchesReferenceWithAndWithoutPast(string preset, bool contrib)
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset(preset);
        var weights = new RandomLlamaWeights(c, 42, std: 0.15);
        LlamaOnnxWriter.Write(weights, tmp.Path, new ModelWriteOptions { UseContribOps = contrib });
        ModelFolder.WriteConfigFiles(c, tmp.Path);
        var err = CompareWithReference(tmp.Path, new ReferenceLlama(c, weights.Read), c);
        Assert.True(err <= 1e-4, $"relative error {err:E2}");
    }

    [Fact]
    public void Fp16ModelStaysCloseToReference()
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset("tiny-gqa");
        var weights = new RandomLlamaWeights(c, 5, std: 0.15);
        LlamaOnnxWriter.Write(weights, tmp.Path, new ModelWriteOptions { Precision = ModelPrecision.Fp16 });
        ModelFolder.WriteConfigFiles(c, tmp.Path);
        Assert.Equal("float16", ModelInfo.Read(tmp.Path).DType);
        var err = CompareWithReference(tmp.Path, new ReferenceLlama(c, weights.Read), c);
        Assert.True(err <= 2e-2, $"relative error {err:E2}");
    }

    [Fact]
    public void RandomModelIsDeterministicPerSeed()
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset("tiny") with { VocabSize = 300 };
        ModelFolder.WriteRandom(c, tmp.Sub("a"), seed: 3);
        ModelFolder.WriteRandom(c, tmp.Sub("b"), seed: 3);
        ModelFolder.WriteRandom(c, tmp.Sub("c"), seed: 4);
        byte[] Data(string f) => File.ReadAllBytes(Path.Combine(tmp.Sub(f), "model.onnx.data"));
        Assert.Equal(Data("a"), Data("b"));
        Assert.NotEqual(Data("a"), Data("c"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(tmp.Sub("a"), "model.onnx")), File.ReadAllBytes(Path.Combine(tmp.Sub("b"), "model.onnx")));
    }

    [Fact]
    public void ModelInfoDescribesFolderAndDetectsTruncation()
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset("tiny-gqa");
        var info = ModelFolder.WriteRandom(c, tmp.Path, seed: 1);
        Assert.True(info.IsComplete, string.Join("; ", info.Problems));
        Assert.Equal((2, 64, 4, 2, 96, 32000, 256), (info.Layers, info.HiddenSize, info.Heads, info.KvHeads, info.IntermediateSize, info.VocabSize, info.ContextLength));
        Assert.Equal(c.ParameterCount, info.Parameters);
        Assert.Equal("float32", info.DType);
        Assert.Equal(3 + 2 * c.Layers, info.Inputs.Count);
        Assert.Equal(["input_ids", "attention_mask", "position_ids", "past_key_values.0.key"], info.Inputs.Take(4).Select(i => i.Name));
        Assert.Equal(["batch_size", "2", "past_sequence_length", "16"], info.Inputs[3].Shape);
        Assert.Equal("logits", info.Outputs[0].Name);
        Assert.False(info.HasTokenizer);

        var data = Path.Combine(tmp.Path, "model.onnx.data");
        using (var fs = new FileStream(data, FileMode.Open)) fs.SetLength(fs.Length / 2);
        var broken = ModelInfo.Read(tmp.Path);
        Assert.False(broken.IsComplete);
        Assert.Contains(broken.Problems, p => p.Contains("truncated"));
        var e = Assert.Throws<InvalidDataException>(() => LlamaOnnxDecoder.Open(tmp.Path));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void PresetShapesHaveThePublishedParameterCounts()
    {
        Assert.Equal(354_284_800, LlamaConfig.FromPreset("prox-0.35b").ParameterCount);
        var big = LlamaConfig.FromPreset("prox-0.76b");
        Assert.InRange(big.ParameterCount, 740_000_000, 780_000_000);
        Assert.Equal(0.627e9, LlamaConfig.FromPreset("prox-0.35b").FlopsPerToken, 0.001e9);
        Assert.Throws<ArgumentException>(() => LlamaConfig.FromPreset("nope"));
    }
}
