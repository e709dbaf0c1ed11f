using Prox.IO;
using System.Text.Json.Nodes;
using Prox.Models.Onnx;

namespace Prox.Models;

/// <summary>
/// Writes model folders: <c>model.onnx</c> + <c>model.onnx.data</c>, <c>config.json</c> and tokenizer files — the
/// layout that the LM refinement core loads. Every file is renamed into place only when complete.
/// </summary>
public static class ModelFolder
{
    /// <summary>Tokenizer and generation files copied from a checkpoint folder when present.</summary>
    public static IReadOnlyList<string> TokenizerFiles { get; } =
        ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "generation_config.json"];

    /// <summary>
    /// Converts a Hugging Face LLaMA checkpoint folder (<c>config.json</c> + <c>model.safetensors</c> or a sharded
    /// <c>model.safetensors.index.json</c>; F32, F16 or BF16) into an ONNX model folder. The checkpoint is validated
    /// against its config (every tensor present with the right shape) before anything is written.
    /// </summary>
    /// <returns>The description of the written folder.</returns>
    public static ModelInfo ConvertCheckpoint(string checkpointFolder, string outputFolder, ModelWriteOptions? options = null,
        IProgress<ModelWriteProgress>? progress = null, CancellationToken cancel = default)
    {
        var ckpt = HfCheckpoint.Open(checkpointFolder);
        Directory.CreateDirectory(outputFolder);
        LlamaOnnxWriter.Write(ckpt, outputFolder, options ?? new ModelWriteOptions(), progress, cancel);
        CopyAtomic(Path.Combine(checkpointFolder, "config.json"), Path.Combine(outputFolder, "config.json"));
        foreach (var f in TokenizerFiles)
        {
            var src = Path.Combine(checkpointFolder, f);
            if (File.Exists(src)) CopyAtomic(src, Path.Combine(outputFolder, f));
        }
        return ModelInfo.Read(outputFolder);
    }

    /// <summary>
    /// Writes a model of the given shape with seeded random weights (the same seed gives the same bytes), its
    /// <c>config.json</c>, and a <c>tokenizer_config.json</c> naming the LLaMA-2 tokenizer. <paramref name="tokenizerModel"/>,
    /// when given, is copied in as <c>tokenizer.model</c>.
    /// </summary>
    public static ModelInfo WriteRandom(LlamaConfig config, string outputFolder, ulong seed = 0, ModelWriteOptions? options = null,
        string? tokenizerModel = null, IProgress<ModelWriteProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (tokenizerModel is not null && !File.Exists(tokenizerModel))
            throw new FileNotFoundException($"tokenizer model '{tokenizerModel}' does not exist", tokenizerModel);
        Directory.CreateDirectory(outputFolder);
        LlamaOnnxWriter.Write(new RandomLlamaWeights(config, seed), outputFolder, options ?? new ModelWriteOptions(), progress, cancel);
        WriteConfigFiles(config, outputFolder);
        if (tokenizerModel is not null) CopyAtomic(tokenizerModel, Path.Combine(outputFolder, "tokenizer.model"));
        return ModelInfo.Read(outputFolder);
    }

    /// <summary>
    /// Writes a Hugging Face checkpoint folder (<c>config.json</c>, <c>model.safetensors</c> in F32 or F16,
    /// <c>tokenizer_config.json</c>) with the same seeded random weights as <see cref="WriteRandom"/> — input for
    /// <see cref="ConvertCheckpoint"/> without a download.
    /// </summary>
    public static void WriteRandomCheckpoint(LlamaConfig config, string outputFolder, ulong seed = 0, bool fp16 = false, string? tokenizerModel = null,
        IProgress<ModelWriteProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (tokenizerModel is not null && !File.Exists(tokenizerModel))
            throw new FileNotFoundException($"tokenizer model '{tokenizerModel}' does not exist", tokenizerModel);
        Directory.CreateDirectory(outputFolder);
        var weights = new RandomLlamaWeights(config, seed);
        var layout = LlamaTensorNames.Expected(config).ToList();
        int done = 0;
        SafetensorsWriter.Write(Path.Combine(outputFolder, "model.safetensors"), layout, name =>
        {
            cancel.ThrowIfCancellationRequested();
            progress?.Report(new ModelWriteProgress(name, done++, layout.Count));
            return weights.Read(name);
        }, fp16);
        WriteConfigFiles(config with { TorchDtype = fp16 ? "float16" : "float32" }, outputFolder);
        if (tokenizerModel is not null) CopyAtomic(tokenizerModel, Path.Combine(outputFolder, "tokenizer.model"));
    }

    /// <summary>Writes <c>config.json</c> and a <c>tokenizer_config.json</c> that names the LLaMA-2 SentencePiece tokenizer.</summary>
    internal static void WriteConfigFiles(LlamaConfig config, string folder)
    {
        AtomicFile.WriteText(Path.Combine(folder, "config.json"), config.ToJsonString());
        var tok = new JsonObject
        {
            ["tokenizer_class"] = "LlamaTokenizer",
            ["name_or_path"] = "llama2",
            ["bos_token"] = "<s>",
            ["eos_token"] = "</s>",
            ["unk_token"] = "<unk>",
            ["add_bos_token"] = true,
            ["add_eos_token"] = false,
            ["legacy"] = true,
            ["model_max_length"] = config.MaxPositions,
        };
        AtomicFile.WriteText(Path.Combine(folder, "tokenizer_config.json"), tok.ToJsonString(new() { WriteIndented = true }));
    }

    private static void CopyAtomic(string source, string dest)
    {
        if (Path.GetFullPath(source) == Path.GetFullPath(dest)) return;
        AtomicFile.Write(dest, fs => { using var src = File.OpenRead(source); src.CopyTo(fs); });
    }
}

/// <summary>Name, element type and shape of a graph input or output (symbolic dimensions by name).</summary>
/// <param name="Name">The input or output name.</param>
/// <param name="ElementType">Element type, e.g. <c>float32</c> or <c>int64</c>.</param>
/// <param name="Shape">Dimensions, numbers or symbolic names.</param>
public sealed record ModelTensorInfo(string Name, string ElementType, IReadOnlyList<string> Shape)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name} {ElementType}[{string.Join(",", Shape)}]";
}

/// <summary>What a model folder holds: the architecture from <c>config.json</c>, the graph's signature and dtype, and completeness.</summary>
public sealed record ModelInfo
{
    /// <summary>The model folder.</summary>
    public required string Path { get; init; }
    /// <summary>Architecture name (<c>llama</c>).</summary>
    public string Architecture { get; init; } = "llama";
    /// <summary>The config, when <c>config.json</c> could be read.</summary>
    public LlamaConfig? Config { get; init; }
    /// <summary>Decoder layers.</summary>
    public int Layers => Config?.Layers ?? 0;
    /// <summary>Hidden size.</summary>
    public int HiddenSize => Config?.HiddenSize ?? 0;
    /// <summary>Attention heads.</summary>
    public int Heads => Config?.Heads ?? 0;
    /// <summary>Key/value heads.</summary>
    public int KvHeads => Config?.KvHeads ?? 0;
    /// <summary>MLP inner size.</summary>
    public int IntermediateSize => Config?.IntermediateSize ?? 0;
    /// <summary>Vocabulary size.</summary>
    public int VocabSize => Config?.VocabSize ?? 0;
    /// <summary>Context length.</summary>
    public int ContextLength => Config?.MaxPositions ?? 0;
    /// <summary>Parameter count per the config.</summary>
    public long Parameters => Config?.ParameterCount ?? 0;
    /// <summary>Element type of the logits (<c>float32</c> or <c>float16</c>).</summary>
    public string DType { get; init; } = "";
    /// <summary>Graph inputs.</summary>
    public IReadOnlyList<ModelTensorInfo> Inputs { get; init; } = [];
    /// <summary>Graph outputs.</summary>
    public IReadOnlyList<ModelTensorInfo> Outputs { get; init; } = [];
    /// <summary>Whether a tokenizer (<c>tokenizer.model</c> or <c>tokenizer.json</c>) is in the folder.</summary>
    public bool HasTokenizer { get; init; }
    /// <summary>Size of <c>model.onnx</c> plus its external data, in bytes.</summary>
    public long SizeBytes { get; init; }
    /// <summary>What is missing or broken; empty when the folder is complete.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
    /// <summary>True when model, external data, config and a tokenizer (file or <c>tokenizer_config.json</c>) are all present and consistent.</summary>
    public bool IsComplete => Problems.Count == 0;
    /// <summary>Set by <see cref="Verify"/>: whether ONNX Runtime loaded the model and ran a prefill and a step with past; null when not checked.</summary>
    public bool? RunsInOnnxRuntime { get; init; }

    /// <summary>
    /// <see cref="Read"/>, then loads the model in ONNX Runtime and runs a 3-token prefill and a 1-token step with the
    /// returned past key/values, checking output shapes and that logits are finite. A failure is added to <see cref="Problems"/>.
    /// </summary>
    public static ModelInfo Verify(string folder, ModelSessionOptions? options = null, Action<string>? warn = null)
    {
        var info = Read(folder);
        if (info.Config is null || info.Problems.Any(p => !p.StartsWith("no tokenizer", StringComparison.Ordinal)))
            return info with { RunsInOnnxRuntime = false };
        try
        {
            using var dec = LlamaOnnxDecoder.Open(folder, options, warn);
            var c = dec.Config;
            long[] ids = [c.BosTokenId, 3 % c.VocabSize, 4 % c.VocabSize];
            var first = dec.Forward(ids, [1, 1, 1], [0, 1, 2], 1);
            var step = dec.Forward([5 % c.VocabSize], [1, 1, 1, 1], [3], 1, first.Present);
            string? problem =
                first.Logits.Length != 3 * c.VocabSize || step.Logits.Length != c.VocabSize ? "logits have the wrong shape"
                : step.Present.Keys[0].Length != 4 * c.KvHeads * c.HeadDim ? "present keys have the wrong shape"
                : step.Logits.Any(v => !float.IsFinite(v)) ? "logits are not finite"
                : null;
            return problem is null ? info with { RunsInOnnxRuntime = true } : info with { RunsInOnnxRuntime = false, Problems = [.. info.Problems, problem] };
        }
        catch (Exception e) when (e is InvalidDataException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or ArgumentException)
        {
            return info with { RunsInOnnxRuntime = false, Problems = [.. info.Problems, e.Message] };
        }
    }

    /// <summary>Describes a model folder; problems (missing files, truncated data, a signature that does not match the config) are listed, not thrown.</summary>
    public static ModelInfo Read(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"model folder '{folder}' does not exist");
        var problems = new List<string>();
        LlamaConfig? config = null;
        var configPath = System.IO.Path.Combine(folder, "config.json");
        if (!File.Exists(configPath)) problems.Add("config.json is missing");
        else
            try { config = LlamaConfig.Load(configPath); }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException) { problems.Add(e.Message); }

        string dtype = "";
        List<ModelTensorInfo> inputs = [], outputs = [];
        long size = 0;
        var modelPath = System.IO.Path.Combine(folder, LlamaOnnxWriter.ModelFile);
        if (!File.Exists(modelPath)) problems.Add("model.onnx is missing");
        else
        {
            try
            {
                var m = OnnxModelFile.Load(modelPath);
                size = new FileInfo(modelPath).Length;
                inputs = m.Inputs.Select(ToInfo).ToList();
                outputs = m.Outputs.Select(ToInfo).ToList();
                dtype = m.Outputs.FirstOrDefault(x => x.Name == "logits") is { } lo ? OnnxType.Name(lo.ElementType) : "";
                if (dtype == "") problems.Add("the graph has no 'logits' output");
                size += CheckExternalData(m, folder, problems);
                if (config is not null) CheckSignature(m, config, problems);
            }
            catch (InvalidDataException e) { problems.Add(e.Message); }
        }
        bool tokenizer = File.Exists(System.IO.Path.Combine(folder, "tokenizer.model")) || File.Exists(System.IO.Path.Combine(folder, "tokenizer.json"));
        if (!tokenizer && !File.Exists(System.IO.Path.Combine(folder, "tokenizer_config.json")))
            problems.Add("no tokenizer: neither tokenizer.model, tokenizer.json nor tokenizer_config.json");
        return new ModelInfo
        {
            Path = System.IO.Path.GetFullPath(folder), Config = config, DType = dtype, Inputs = inputs, Outputs = outputs,
            HasTokenizer = tokenizer, SizeBytes = size, Problems = problems,
        };
    }

    private static ModelTensorInfo ToInfo(OnnxValueInfo v) => new(v.Name, OnnxType.Name(v.ElementType), v.Dims);

    private static long CheckExternalData(OnnxModelFile m, string folder, List<string> problems)
    {
        long total = 0;
        foreach (var group in m.Initializers.Where(i => i.ExternalLocation is not null).GroupBy(i => i.ExternalLocation!))
        {
            var file = System.IO.Path.Combine(folder, group.Key);
            if (!File.Exists(file)) { problems.Add($"external data '{group.Key}' is missing"); continue; }
            long len = new FileInfo(file).Length;
            total += len;
            long needed = group.Max(i => i.ExternalOffset + (i.ExternalLength >= 0 ? i.ExternalLength : i.ElementCount * OnnxType.Size(i.DataType)));
            if (needed > len) problems.Add($"external data '{group.Key}' is truncated: {len} bytes, the graph needs {needed}");
        }
        return total;
    }

    private static void CheckSignature(OnnxModelFile m, LlamaConfig c, List<string> problems)
    {
        var names = m.Inputs.Select(i => i.Name).ToHashSet();
        foreach (var n in new[] { "input_ids", "attention_mask", "position_ids" })
            if (!names.Contains(n)) problems.Add($"the graph lacks input '{n}'");
        for (int i = 0; i < c.Layers; i++)
            if (!names.Contains($"past_key_values.{i}.key")) { problems.Add($"the graph lacks input 'past_key_values.{i}.key' (config.json has {c.Layers} layers)"); break; }
        if (names.Contains($"past_key_values.{c.Layers}.key")) problems.Add($"the graph has more layers than config.json ({c.Layers})");
        var logits = m.Outputs.FirstOrDefault(o => o.Name == "logits");
        if (logits is not null && logits.Dims.Count == 3 && logits.Dims[2] != c.VocabSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            problems.Add($"logits have {logits.Dims[2]} entries, config.json has vocab_size {c.VocabSize}");
    }
}
