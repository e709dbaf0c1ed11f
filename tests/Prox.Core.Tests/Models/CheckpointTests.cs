using System.Text.Json.Nodes;
using Prox.Models;
using static Prox.Tests.Models.ModelTestSupport;

namespace Prox.Tests.Models;

public class CheckpointTests
{
    /// <summary>Writes a random Hugging Face checkpoint (config.json + safetensors, optionally sharded in two files).</summary>
    internal static void WriteCheckpoint(string folder, LlamaConfig c, ulong seed, bool fp16 = false, bool sharded = false, string? skip = null)
    {
        Directory.CreateDirectory(folder);
        var w = new RandomLlamaWeights(c, seed, std: 0.15);
        var tensors = LlamaTensorNames.Expected(c).Where(t => t.Name != skip).Select(t => (t.Name, t.Shape, w.Read(t.Name))).ToList();
        File.WriteAllText(Path.Combine(folder, "config.json"), c.ToJsonString());
        if (!sharded)
        {
            SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors, fp16);
            return;
        }
        int cut = tensors.Count / 2;
        var map = new JsonObject();
        var shards = new[] { ("model-00001-of-00002.safetensors", tensors[..cut]), ("model-00002-of-00002.safetensors", tensors[cut..]) };
        foreach (var (file, part) in shards)
        {
            SafetensorsWriter.Write(Path.Combine(folder, file), part, fp16);
            foreach (var t in part) map[t.Name] = file;
        }
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), new JsonObject { ["metadata"] = new JsonObject(), ["weight_map"] = map }.ToJsonString());
    }

    [Theory]
    [InlineData("tiny", false, false)]
    [InlineData("tiny-gqa", true, false)]
    [InlineData("tiny-gqa", false, true)]
    public void ConvertedCheckpointMatchesReference(string preset, bool fp16Checkpoint, bool sharded)
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset(preset);
        WriteCheckpoint(tmp.Sub("ckpt"), c, 11, fp16Checkpoint, sharded);
        File.WriteAllText(Path.Combine(tmp.Sub("ckpt"), "tokenizer_config.json"), "{\"tokenizer_class\": \"LlamaTokenizer\"}");
        var info = ModelFolder.ConvertCheckpoint(tmp.Sub("ckpt"), tmp.Sub("onnx"));
        Assert.True(info.IsComplete, string.Join("; ", info.Problems));
        Assert.True(File.Exists(Path.Combine(tmp.Sub("onnx"), "tokenizer_config.json")));
        Assert.Empty(Directory.GetFiles(tmp.Sub("onnx"), "*.tmp-*"));
        var ckpt = HfCheckpoint.Open(tmp.Sub("ckpt"));
        var err = CompareWithReference(tmp.Sub("onnx"), new ReferenceLlama(c, ckpt.Read), c);
        Assert.True(err <= 1e-4, $"relative error {err:E2}");
    }

    [Fact]
    public void SafetensorsRoundTripsAllFloatTypes()
    {
        using var tmp = new TempDir();
        float[] values = [1.5f, -2.25f, 0.0078125f, 3.0e4f];
        var path = tmp.Sub("t.safetensors");
        SafetensorsWriter.Write(path, [("a", [2, 2], values), ("b", [4], values)], fp16: true);
        var st = SafetensorsFile.Open(path);
        Assert.Equal("F16", st.Entries["a"].Dtype);
        Assert.Equal(new long[] { 2, 2 }, st.Entries["a"].Shape);
        Assert.Equal(values, st.ReadFloats(st.Entries["b"]));
        // BF16 is decoded from the top 16 bits of a float32.
        Assert.Equal(new[] { 1.5f, -2.25f }, TensorConvert.ToFloat([0xC0, 0x3F, 0x10, 0xC0], Prox.Models.Onnx.OnnxType.BFloat16, "bf16"));
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset("tiny") with { VocabSize = 100 };
        WriteCheckpoint(tmp.Path, c, 1, skip: "model.layers.1.mlp.up_proj.weight");
        var e = Assert.Throws<InvalidDataException>(() => ModelFolder.ConvertCheckpoint(tmp.Path, tmp.Sub("out")));
        Assert.Contains("model.layers.1.mlp.up_proj.weight", e.Message);
        Assert.Contains(tmp.Path, e.Message);
        Assert.False(Directory.Exists(tmp.Sub("out")));
    }

    [Fact]
    public void WrongShapeAndUnsupportedArchitectureAreReported()
    {
        using var tmp = new TempDir();
        var c = LlamaConfig.FromPreset("tiny") with { VocabSize = 100 };
        WriteCheckpoint(tmp.Path, c, 1);
        File.WriteAllText(Path.Combine(tmp.Path, "config.json"), (c with { IntermediateSize = 64 }).ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Open(tmp.Path));
        Assert.Contains("mlp.gate_proj.weight", e.Message);
        Assert.Contains("shape", e.Message);

        var cfg = c.ToJson();
        cfg["model_type"] = "mistral";
        cfg["architectures"] = new JsonArray("MistralForCausalLM");
        File.WriteAllText(Path.Combine(tmp.Path, "config.json"), cfg.ToJsonString());
        e = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Open(tmp.Path));
        Assert.Contains("unsupported architecture 'MistralForCausalLM'", e.Message);
        Assert.Contains("config.json", e.Message);

        File.WriteAllBytes(Path.Combine(tmp.Path, "model.safetensors"), [1, 2, 3]);
        File.WriteAllText(Path.Combine(tmp.Path, "config.json"), c.ToJsonString());
        e = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Open(tmp.Path));
        Assert.Contains("model.safetensors", e.Message);
    }

    [Fact]
    public void ConfigReadsHuggingFaceFields()
    {
        var c = LlamaConfig.Parse("""
            {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":1280,"intermediate_size":2048,
             "num_hidden_layers":24,"num_attention_heads":16,"num_key_value_heads":1,"vocab_size":32000,
             "max_position_embeddings":2048,"rms_norm_eps":1e-05,"rope_theta":10000.0,"rope_scaling":null,
             "tie_word_embeddings":false,"torch_dtype":"float32","bos_token_id":1,"eos_token_id":2,"hidden_act":"silu"}
            """);
        Assert.Equal(LlamaConfig.FromPreset("prox-0.35b"), c);
        var scaled = LlamaConfig.Parse("""{"hidden_size":64,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":10,"rope_scaling":{"type":"linear","factor":2.0}}""");
        Assert.Equal(new RopeScaling("linear", 2), scaled.RopeScaling);
        Assert.Equal(0.5, scaled.RopeInverseFrequencies()[0]);
        Assert.Throws<NotSupportedException>(() => LlamaConfig.Parse("""{"hidden_size":64,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":4,"vocab_size":10,"rope_scaling":{"type":"yarn","factor":2.0}}"""));
        Assert.Throws<InvalidDataException>(() => LlamaConfig.Parse("""{"hidden_size":64,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":3,"num_key_value_heads":2,"vocab_size":10}"""));
    }
}
