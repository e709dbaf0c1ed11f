using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prox.Models;

/// <summary>
/// The shape of a LLaMA decoder, as in a Hugging Face <c>config.json</c> (<c>LlamaForCausalLM</c>):
/// layers, widths, heads, vocabulary, context, RoPE and normalization settings.
/// </summary>
public sealed record LlamaConfig
{
    /// <summary>Number of decoder layers (<c>num_hidden_layers</c>).</summary>
    public int Layers { get; init; }
    /// <summary>Model width (<c>hidden_size</c>).</summary>
    public int HiddenSize { get; init; }
    /// <summary>Query heads (<c>num_attention_heads</c>).</summary>
    public int Heads { get; init; }
    /// <summary>Key/value heads (<c>num_key_value_heads</c>); fewer than <see cref="Heads"/> means grouped-query attention.</summary>
    public int KvHeads { get; init; }
    /// <summary>Width of one head (<c>head_dim</c>, default hidden / heads).</summary>
    public int HeadDim { get; init; }
    /// <summary>MLP inner width (<c>intermediate_size</c>).</summary>
    public int IntermediateSize { get; init; }
    /// <summary>Vocabulary size (<c>vocab_size</c>).</summary>
    public int VocabSize { get; init; }
    /// <summary>Context length (<c>max_position_embeddings</c>).</summary>
    public int MaxPositions { get; init; }
    /// <summary>RMSNorm epsilon (<c>rms_norm_eps</c>).</summary>
    public double RmsNormEps { get; init; } = 1e-6;
    /// <summary>RoPE base (<c>rope_theta</c>).</summary>
    public double RopeTheta { get; init; } = 10000;
    /// <summary>RoPE scaling (<c>rope_scaling</c>); null for none.</summary>
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>Whether the output projection shares the embedding matrix (<c>tie_word_embeddings</c>).</summary>
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Beginning-of-sequence token id.</summary>
    public int BosTokenId { get; init; } = 1;
    /// <summary>End-of-sequence token id.</summary>
    public int EosTokenId { get; init; } = 2;
    /// <summary>Checkpoint dtype as named in the config (<c>torch_dtype</c>), e.g. <c>float32</c>.</summary>
    public string TorchDtype { get; init; } = "float32";

    /// <summary>Total parameter count (embeddings, all layers, final norm and, when untied, the output projection).</summary>
    public long ParameterCount
    {
        get
        {
            long h = HiddenSize, q = (long)Heads * HeadDim, kv = (long)KvHeads * HeadDim, i = IntermediateSize, v = VocabSize;
            long perLayer = h * q + 2 * h * kv + q * h + 3 * h * i + 2 * h;
            return v * h * (TieWordEmbeddings ? 1 : 2) + Layers * perLayer + h;
        }
    }

    /// <summary>Matrix-multiply FLOPs per token (2 × weights touched per token: all layer matrices and the output projection).</summary>
    public double FlopsPerToken
    {
        get
        {
            long h = HiddenSize, q = (long)Heads * HeadDim, kv = (long)KvHeads * HeadDim, i = IntermediateSize;
            return 2.0 * (Layers * (h * q + 2 * h * kv + q * h + 3 * h * i) + (long)VocabSize * h);
        }
    }

    /// <summary>The names accepted by <see cref="FromPreset"/>.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["prox-0.35b", "prox-0.76b", "tiny", "tiny-gqa"];

    /// <summary>
    /// A named shape: <c>prox-0.35b</c> (published refining models, 354,284,800 parameters), <c>prox-0.76b</c>
    /// (math-doc refining model), <c>tiny</c> (2 layers, width 64, 4/4 heads, vocab 32000) and <c>tiny-gqa</c>
    /// (2 layers, width 64, 4 heads / 2 KV heads, tied embeddings, RoPE scaling; vocab 32000).
    /// </summary>
    public static LlamaConfig FromPreset(string name) => name.ToLowerInvariant() switch
    {
        "prox-0.35b" => new() { Layers = 24, HiddenSize = 1280, Heads = 16, KvHeads = 1, HeadDim = 80, IntermediateSize = 2048, VocabSize = 32000, MaxPositions = 2048, RmsNormEps = 1e-5 },
        "prox-0.76b" => new() { Layers = 24, HiddenSize = 1536, Heads = 24, KvHeads = 2, HeadDim = 64, IntermediateSize = 4864, VocabSize = 32000, MaxPositions = 2048, RmsNormEps = 1e-5 },
        "tiny" => new() { Layers = 2, HiddenSize = 64, Heads = 4, KvHeads = 4, HeadDim = 16, IntermediateSize = 128, VocabSize = 32000, MaxPositions = 256, RmsNormEps = 1e-5 },
        "tiny-gqa" => new() { Layers = 2, HiddenSize = 64, Heads = 4, KvHeads = 2, HeadDim = 16, IntermediateSize = 96, VocabSize = 32000, MaxPositions = 256, RmsNormEps = 1e-6, RopeTheta = 500000, TieWordEmbeddings = true, RopeScaling = new RopeScaling("llama3", 8, 1, 4, 64) },
        _ => throw new ArgumentException($"unknown model preset '{name}'; known presets: {string.Join(", ", PresetNames)}", nameof(name)),
    };

    /// <summary>Reads a Hugging Face <c>config.json</c>; refuses architectures other than LLaMA with a message naming the file.</summary>
    public static LlamaConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"model config '{path}' does not exist", path);
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e); }
        if (root is not JsonObject obj) throw new InvalidDataException($"'{path}' does not hold a JSON object");
        try { return FromJson(obj); }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}': {e.Message}", e);
        }
    }

    /// <summary>Parses the JSON text of a Hugging Face LLaMA config.</summary>
    public static LlamaConfig Parse(string json) =>
        FromJson(JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("the config is not a JSON object"));

    private static LlamaConfig FromJson(JsonObject o)
    {
        var modelType = o["model_type"]?.GetValue<string>();
        var archs = o["architectures"] as JsonArray;
        var arch = archs?.FirstOrDefault()?.GetValue<string>();
        if (modelType is not null && modelType != "llama" || arch is not null && arch != "LlamaForCausalLM")
            throw new NotSupportedException($"unsupported architecture '{arch ?? modelType}': only LLaMA (model_type 'llama', LlamaForCausalLM) is supported");
        if (o["hidden_act"]?.GetValue<string>() is { } act && act != "silu")
            throw new NotSupportedException($"unsupported hidden_act '{act}': only 'silu' (SwiGLU) is supported");
        if (o["attention_bias"]?.GetValue<bool>() == true) throw new NotSupportedException("attention_bias=true is not supported");
        if (o["mlp_bias"]?.GetValue<bool>() == true) throw new NotSupportedException("mlp_bias=true is not supported");

        int Req(string key) => o[key]?.GetValue<int>() ?? throw new InvalidDataException($"the config lacks '{key}'");
        int hidden = Req("hidden_size"), heads = Req("num_attention_heads");
        if (o["head_dim"] is null && heads > 0 && hidden % heads != 0)
            throw new InvalidDataException($"hidden_size ({hidden}) is not a multiple of num_attention_heads ({heads}) and no head_dim is given");
        var cfg = new LlamaConfig
        {
            Layers = Req("num_hidden_layers"),
            HiddenSize = hidden,
            Heads = heads,
            KvHeads = o["num_key_value_heads"]?.GetValue<int>() ?? heads,
            HeadDim = o["head_dim"]?.GetValue<int>() ?? (heads > 0 ? hidden / heads : 0),
            IntermediateSize = Req("intermediate_size"),
            VocabSize = Req("vocab_size"),
            MaxPositions = o["max_position_embeddings"]?.GetValue<int>() ?? 2048,
            RmsNormEps = o["rms_norm_eps"]?.GetValue<double>() ?? 1e-6,
            RopeTheta = o["rope_theta"]?.GetValue<double>() ?? 10000,
            RopeScaling = RopeScaling.FromJson(o["rope_scaling"] as JsonObject),
            TieWordEmbeddings = o["tie_word_embeddings"]?.GetValue<bool>() ?? false,
            BosTokenId = TokenId(o["bos_token_id"]) ?? 1,
            EosTokenId = TokenId(o["eos_token_id"]) ?? 2,
            TorchDtype = o["torch_dtype"]?.GetValue<string>() ?? "float32",
        };
        cfg.Validate();
        return cfg;
    }

    private static int? TokenId(JsonNode? n) => n switch
    {
        null => null,
        JsonArray a => a.Count > 0 ? a[0]!.GetValue<int>() : null,
        _ => n.GetValue<int>(),
    };

    /// <summary>Checks that the shape is consistent (positive sizes, heads divisible by KV heads, even head width).</summary>
    public void Validate()
    {
        void Positive(int v, string name) { if (v <= 0) throw new InvalidDataException($"{name} must be positive (got {v})"); }
        Positive(Layers, "num_hidden_layers"); Positive(HiddenSize, "hidden_size"); Positive(Heads, "num_attention_heads");
        Positive(KvHeads, "num_key_value_heads"); Positive(HeadDim, "head_dim"); Positive(IntermediateSize, "intermediate_size");
        Positive(VocabSize, "vocab_size"); Positive(MaxPositions, "max_position_embeddings");
        if (Heads % KvHeads != 0) throw new InvalidDataException($"num_attention_heads ({Heads}) is not a multiple of num_key_value_heads ({KvHeads})");
        if (HeadDim % 2 != 0) throw new InvalidDataException($"head_dim ({HeadDim}) must be even for RoPE");
        if (RmsNormEps <= 0) throw new InvalidDataException("rms_norm_eps must be positive");
        if (RopeTheta <= 0) throw new InvalidDataException("rope_theta must be positive");
    }

    /// <summary>The RoPE inverse frequencies (length head_dim / 2), with <see cref="RopeScaling"/> applied.</summary>
    public double[] RopeInverseFrequencies()
    {
        int half = HeadDim / 2;
        var inv = new double[half];
        for (int i = 0; i < half; i++) inv[i] = 1.0 / Math.Pow(RopeTheta, 2.0 * i / HeadDim);
        RopeScaling?.Apply(inv);
        return inv;
    }

    /// <summary>The config as a Hugging Face <c>config.json</c> object.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_act"] = "silu",
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = Layers,
            ["num_attention_heads"] = Heads,
            ["num_key_value_heads"] = KvHeads,
            ["head_dim"] = HeadDim,
            ["vocab_size"] = VocabSize,
            ["max_position_embeddings"] = MaxPositions,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["rope_scaling"] = RopeScaling?.ToJson(),
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["attention_bias"] = false,
            ["mlp_bias"] = false,
            ["bos_token_id"] = BosTokenId,
            ["eos_token_id"] = EosTokenId,
            ["torch_dtype"] = TorchDtype,
        };
        return o;
    }

    /// <summary>Writes <c>config.json</c> text (indented).</summary>
    public string ToJsonString() => ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>RoPE scaling from <c>rope_scaling</c>: <c>linear</c> (positions divided by <see cref="Factor"/>) or <c>llama3</c> (frequency-dependent).</summary>
/// <param name="Type">The scaling type: <c>linear</c> or <c>llama3</c>.</param>
/// <param name="Factor">The scaling factor.</param>
/// <param name="LowFreqFactor">llama3: low-frequency factor.</param>
/// <param name="HighFreqFactor">llama3: high-frequency factor.</param>
/// <param name="OriginalMaxPositions">llama3: the original context length.</param>
public sealed record RopeScaling(string Type, double Factor, double LowFreqFactor = 1, double HighFreqFactor = 4, int OriginalMaxPositions = 8192)
{
    internal static RopeScaling? FromJson(JsonObject? o)
    {
        if (o is null) return null;
        var type = (o["rope_type"] ?? o["type"])?.GetValue<string>() ?? "default";
        double factor = o["factor"]?.GetValue<double>() ?? 1;
        return type switch
        {
            "default" => null,
            "linear" => new RopeScaling("linear", factor),
            "llama3" => new RopeScaling("llama3", factor,
                o["low_freq_factor"]?.GetValue<double>() ?? 1, o["high_freq_factor"]?.GetValue<double>() ?? 4,
                o["original_max_position_embeddings"]?.GetValue<int>() ?? 8192),
            _ => throw new NotSupportedException($"rope_scaling type '{type}' is not supported (supported: linear, llama3)"),
        };
    }

    internal JsonObject ToJson() => Type == "llama3"
        ? new JsonObject { ["rope_type"] = Type, ["factor"] = Factor, ["low_freq_factor"] = LowFreqFactor, ["high_freq_factor"] = HighFreqFactor, ["original_max_position_embeddings"] = OriginalMaxPositions }
        : new JsonObject { ["rope_type"] = Type, ["factor"] = Factor };

    internal void Apply(double[] inv)
    {
        if (Type == "linear")
        {
            for (int i = 0; i < inv.Length; i++) inv[i] /= Factor;
            return;
        }
        double lowWavelen = OriginalMaxPositions / LowFreqFactor, highWavelen = OriginalMaxPositions / HighFreqFactor;
        for (int i = 0; i < inv.Length; i++)
        {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen < highWavelen) continue;
            if (wavelen > lowWavelen) { inv[i] /= Factor; continue; }
            double smooth = (OriginalMaxPositions / wavelen - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
            inv[i] = (1 - smooth) * inv[i] / Factor + smooth * inv[i];
        }
    }
}
