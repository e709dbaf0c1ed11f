using System.Text.Json.Nodes;
using Prox.Models.Onnx;

namespace Prox.Models;

/// <summary>
/// Reads LLaMA weights back out of an ONNX decoder written by another exporter (onnxruntime-genai naming:
/// <c>model.layers.N.attn.q_proj.MatMul.weight</c> as [in, out], <c>SimplifiedLayerNormalization</c> epsilon,
/// <c>cos_cache</c>/<c>sin_cache</c> RoPE tables, shape from <c>genai_config.json</c>) and offers them in
/// Hugging Face names and layout, so Prox can write its own graph from the same weights.
/// </summary>
internal sealed class OnnxWeightImport : ILlamaWeights
{
    private readonly OnnxModelFile _model;
    private readonly Dictionary<string, OnnxInitializer> _inits;
    public LlamaConfig Config { get; }

    /// <summary>The exporter's own RoPE tables (they may carry float16 rounding), so both graphs rotate identically.</summary>
    public (float[] Cos, float[] Sin)? RopeTables { get; }

    private OnnxWeightImport(OnnxModelFile model, LlamaConfig config, float[] cos, float[] sin)
    {
        _model = model; Config = config; RopeTables = (cos, sin);
        _inits = model.Initializers.ToDictionary(i => i.Name);
    }

    public static OnnxWeightImport Open(string folder)
    {
        var model = OnnxModelFile.Load(Path.Combine(folder, "model.onnx"));
        var genaiPath = Path.Combine(folder, "genai_config.json");
        if (!File.Exists(genaiPath)) throw new FileNotFoundException($"'{genaiPath}' is missing: the model shape cannot be read", genaiPath);
        var root = JsonNode.Parse(File.ReadAllText(genaiPath))?["model"] ?? throw new InvalidDataException($"'{genaiPath}' has no 'model' object");
        var dec = root["decoder"] ?? throw new InvalidDataException($"'{genaiPath}' has no 'model.decoder' object");
        if (root["type"]?.GetValue<string>() is { } type && type != "llama") throw new NotSupportedException($"'{genaiPath}': model type '{type}' is not LLaMA");
        var inits = model.Initializers.ToDictionary(i => i.Name);
        OnnxInitializer Need(string name) => inits.TryGetValue(name, out var i) ? i : throw new InvalidDataException($"'{model.Path}' has no initializer '{name}'");

        var norm = model.Nodes.FirstOrDefault(n => n.OpType.EndsWith("SimplifiedLayerNormalization", StringComparison.Ordinal))
            ?? throw new InvalidDataException($"'{model.Path}' has no SimplifiedLayerNormalization node to read the RMSNorm epsilon from");
        float eps = norm.Attributes.TryGetValue("epsilon", out var ea) ? AttrFloat(ea) : 1e-5f;
        if (model.Nodes.FirstOrDefault(n => n.OpType == "RotaryEmbedding") is { } rot && rot.Attributes.TryGetValue("interleaved", out var il) && AttrInt(il) != 0)
            throw new NotSupportedException($"'{model.Path}' uses interleaved RoPE, which LLaMA checkpoints do not");

        int headSize = dec["head_size"]!.GetValue<int>();
        var cos = model.ReadFloats(Need("cos_cache"));
        var sin = model.ReadFloats(Need("sin_cache"));
        int half = headSize / 2;
        // Row 1 of the tables holds cos/sin of the inverse frequencies; frequency 1 is theta^(-2/head_size).
        // The tables may have been rounded through float16, so the estimate is snapped to two significant digits
        // (10000, 500000, 1e6 ...) and then checked against every table entry.
        double inv1 = Math.Atan2(sin[half + 1], cos[half + 1]);
        double estimate = Math.Pow(inv1, -headSize / 2.0);
        double scale = Math.Pow(10, Math.Floor(Math.Log10(estimate)) - 1);
        double theta = Math.Round(estimate / scale) * scale;
        var gate = Need("model.layers.0.mlp.gate_proj.MatMul.weight");
        var config = new LlamaConfig
        {
            Layers = dec["num_hidden_layers"]!.GetValue<int>(),
            HiddenSize = dec["hidden_size"]!.GetValue<int>(),
            Heads = dec["num_attention_heads"]!.GetValue<int>(),
            KvHeads = dec["num_key_value_heads"]!.GetValue<int>(),
            HeadDim = headSize,
            IntermediateSize = (int)gate.Dims[1],
            VocabSize = root["vocab_size"]!.GetValue<int>(),
            MaxPositions = (int)Need("cos_cache").Dims[0],
            RmsNormEps = eps,
            RopeTheta = theta,
            TieWordEmbeddings = !inits.ContainsKey("lm_head.MatMul.weight"),
            BosTokenId = root["bos_token_id"]?.GetValue<int>() ?? 1,
            EosTokenId = root["eos_token_id"]?.GetValue<int>() ?? 2,
        };
        config.Validate();
        // The recovered theta must reproduce the exporter's tables.
        var inv = config.RopeInverseFrequencies();
        for (int p = 0; p < config.MaxPositions; p += 7)
            for (int k = 0; k < half; k++)
                if (Math.Abs(Math.Cos(p * inv[k]) - cos[p * half + k]) > 1e-3 || Math.Abs(Math.Sin(p * inv[k]) - sin[p * half + k]) > 1e-3)
                    throw new NotSupportedException($"'{model.Path}': the RoPE tables do not match rope_theta={theta} without scaling (position {p}, frequency {k})");
        return new OnnxWeightImport(model, config, cos, sin);
    }

    private static float AttrFloat(ProtoField attr) =>
        new ProtoReader(attr.Data).Fields().First(f => f.Number == 2).Single;

    private static long AttrInt(ProtoField attr) =>
        new ProtoReader(attr.Data).Fields().FirstOrDefault(f => f.Number == 3).Int64;

    public float[] Read(string name)
    {
        string Exported(string n) => n switch
        {
            LlamaTensorNames.FinalNorm => $"model.layers.{Config.Layers}.final_norm_layernorm.weight",
            LlamaTensorNames.LmHead => "lm_head.MatMul.weight",
            _ => n.Replace(".self_attn.", ".attn.").Replace("_proj.weight", "_proj.MatMul.weight"),
        };
        var src = Exported(name);
        if (!_inits.TryGetValue(src, out var init)) throw new InvalidDataException($"'{_model.Path}' has no initializer '{src}' (for '{name}')");
        var data = _model.ReadFloats(init);
        if (!src.EndsWith(".MatMul.weight", StringComparison.Ordinal)) return data;
        // MatMul weights are [in, out]; Hugging Face layout is [out, in].
        int rows = (int)init.Dims[0], cols = (int)init.Dims[1];
        var t = new float[data.Length];
        for (int r = 0; r < rows; r++)
            for (int col = 0; col < cols; col++) t[(long)col * rows + r] = data[(long)r * cols + col];
        return t;
    }
}
