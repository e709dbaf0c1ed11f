using System.Text.Json;
using System.Text.Json.Nodes;

namespace Prox.Models;

/// <summary>The Hugging Face tensor names and shapes of a LLaMA checkpoint (linear weights as [out, in]).</summary>
internal static class LlamaTensorNames
{
    public const string Embed = "model.embed_tokens.weight", FinalNorm = "model.norm.weight", LmHead = "lm_head.weight";

    public static string Layer(int i, string part) => $"model.layers.{i}.{part}.weight";

    /// <summary>Every tensor the config needs, with its expected shape.</summary>
    public static IEnumerable<(string Name, long[] Shape)> Expected(LlamaConfig c)
    {
        long h = c.HiddenSize, q = (long)c.Heads * c.HeadDim, kv = (long)c.KvHeads * c.HeadDim, m = c.IntermediateSize;
        yield return (Embed, [c.VocabSize, h]);
        for (int i = 0; i < c.Layers; i++)
        {
            yield return (Layer(i, "input_layernorm"), [h]);
            yield return (Layer(i, "self_attn.q_proj"), [q, h]);
            yield return (Layer(i, "self_attn.k_proj"), [kv, h]);
            yield return (Layer(i, "self_attn.v_proj"), [kv, h]);
            yield return (Layer(i, "self_attn.o_proj"), [h, q]);
            yield return (Layer(i, "post_attention_layernorm"), [h]);
            yield return (Layer(i, "mlp.gate_proj"), [m, h]);
            yield return (Layer(i, "mlp.up_proj"), [m, h]);
            yield return (Layer(i, "mlp.down_proj"), [h, m]);
        }
        yield return (FinalNorm, [h]);
        if (!c.TieWordEmbeddings) yield return (LmHead, [c.VocabSize, h]);
    }
}

/// <summary>A source of LLaMA weights by Hugging Face name, as float32 in Hugging Face layout.</summary>
internal interface ILlamaWeights
{
    LlamaConfig Config { get; }
    float[] Read(string name);

    /// <summary>RoPE tables [max_positions, head_dim / 2] (cos, sin) to use instead of computing them from the config; null to compute.</summary>
    (float[] Cos, float[] Sin)? RopeTables => null;
}

/// <summary>
/// A Hugging Face checkpoint folder: <c>config.json</c> plus <c>model.safetensors</c> or sharded files listed in
/// <c>model.safetensors.index.json</c>. Opening it checks every tensor the config needs (presence, shape, dtype).
/// </summary>
internal sealed class HfCheckpoint : ILlamaWeights
{
    public string Folder { get; }
    public LlamaConfig Config { get; }
    private readonly Dictionary<string, (SafetensorsFile File, SafetensorsEntry Entry)> _tensors = new();

    private HfCheckpoint(string folder, LlamaConfig config) { Folder = folder; Config = config; }

    public static HfCheckpoint Open(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"checkpoint folder '{folder}' does not exist");
        var config = LlamaConfig.Load(Path.Combine(folder, "config.json"));
        var ckpt = new HfCheckpoint(folder, config);
        var index = Path.Combine(folder, "model.safetensors.index.json");
        var single = Path.Combine(folder, "model.safetensors");
        List<string> files;
        if (File.Exists(single)) files = [single];
        else if (File.Exists(index)) files = ReadIndex(index, folder);
        else throw new FileNotFoundException($"checkpoint folder '{folder}' has neither model.safetensors nor model.safetensors.index.json", single);
        foreach (var f in files)
        {
            var st = SafetensorsFile.Open(f);
            foreach (var (name, e) in st.Entries) ckpt._tensors[name] = (st, e);
        }
        foreach (var (name, shape) in LlamaTensorNames.Expected(config))
        {
            if (!ckpt._tensors.TryGetValue(name, out var t))
                throw new InvalidDataException($"checkpoint '{folder}' is missing tensor '{name}' (shape [{string.Join(", ", shape)}]) that config.json requires");
            if (!t.Entry.Shape.SequenceEqual(shape))
                throw new InvalidDataException($"'{t.File.Path}': tensor '{name}' has shape [{string.Join(", ", t.Entry.Shape)}], config.json requires [{string.Join(", ", shape)}]");
            if (t.Entry.Dtype is not ("F32" or "F16" or "BF16"))
                throw new InvalidDataException($"'{t.File.Path}': tensor '{name}' has dtype {t.Entry.Dtype}; only F32, F16 and BF16 are supported");
        }
        return ckpt;
    }

    private static List<string> ReadIndex(string index, string folder)
    {
        JsonObject root;
        try { root = JsonNode.Parse(File.ReadAllText(index)) as JsonObject ?? throw new InvalidDataException("not a JSON object"); }
        catch (JsonException e) { throw new InvalidDataException($"'{index}' is not valid JSON: {e.Message}", e); }
        var map = root["weight_map"] as JsonObject ?? throw new InvalidDataException($"'{index}' has no weight_map");
        var files = map.Select(kv => kv.Value?.GetValue<string>() ?? throw new InvalidDataException($"'{index}': weight_map entry '{kv.Key}' is not a file name"))
            .Distinct().Select(f => Path.Combine(folder, f)).ToList();
        foreach (var f in files)
            if (!File.Exists(f)) throw new FileNotFoundException($"shard '{f}' listed in '{index}' does not exist", f);
        return files;
    }

    public float[] Read(string name)
    {
        if (!_tensors.TryGetValue(name, out var t)) throw new InvalidDataException($"checkpoint '{Folder}' is missing tensor '{name}'");
        return t.File.ReadFloats(t.Entry);
    }
}

/// <summary>
/// Deterministic random weights for a config: every tensor's values depend only on the seed and the tensor name.
/// Matrices are uniform with standard deviation <c>std</c>; norm weights are 1 ± 0.1.
/// </summary>
internal sealed class RandomLlamaWeights(LlamaConfig config, ulong seed, double std = 0.02) : ILlamaWeights
{
    public LlamaConfig Config { get; } = config;

    public float[] Read(string name)
    {
        var shape = LlamaTensorNames.Expected(Config).FirstOrDefault(t => t.Name == name).Shape
            ?? throw new ArgumentException($"no tensor '{name}' in this model shape");
        long n = shape.Aggregate(1L, (a, d) => a * d);
        var data = new float[n];
        ulong state = seed ^ Fnv1a(name);
        bool norm = shape.Length == 1;
        double half = norm ? 0.1 : std * Math.Sqrt(3);
        double centre = norm ? 1 : 0;
        for (long i = 0; i < n; i++)
        {
            // splitmix64
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            double u = (z >> 11) * (1.0 / (1UL << 53)); // [0, 1)
            data[i] = (float)(centre + (2 * u - 1) * half);
        }
        return data;
    }

    private static ulong Fnv1a(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in s) { h ^= c; h *= 1099511628211UL; }
        return h;
    }
}
