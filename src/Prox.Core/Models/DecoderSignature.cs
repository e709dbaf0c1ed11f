using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Prox.Models;

/// <summary>
/// What a LLaMA decoder-with-past graph takes and gives, read from the graph itself (HF naming: <c>input_ids</c>,
/// <c>attention_mask</c>, optional <c>position_ids</c>, <c>past_key_values.N.key|value</c> → <c>logits</c>,
/// <c>present.N.key|value</c>): layer count, KV heads, head size and the float type of the cache and logits. A
/// dimension the graph leaves symbolic is taken from <c>config.json</c> when the folder has one.
/// </summary>
internal sealed record DecoderSignature(int Layers, int KvHeads, int HeadSize, bool Half, bool HasPositionIds)
{
    private static readonly Regex PastName = new(@"^past_key_values\.(\d+)\.(key|value)$", RegexOptions.CultureInvariant);

    /// <summary>The element type name of the cache and logits.</summary>
    public string DType => Half ? "float16" : "float32";

    /// <summary>Reads and checks the signature; errors name <paramref name="modelPath"/> and the input or output at fault.</summary>
    public static DecoderSignature Read(InferenceSession session, string modelPath, LlamaConfig? config)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        string Where() => $"'{modelPath}'";
        void NeedInt64(string name)
        {
            if (!inputs.TryGetValue(name, out var m))
                throw new InvalidDataException($"{Where()} is not a LLaMA decoder with past: it has no input '{name}' (inputs: {string.Join(", ", inputs.Keys)})");
            if (m.ElementDataType != TensorElementType.Int64)
                throw new InvalidDataException($"{Where()}: input '{name}' is {m.ElementDataType}, expected int64");
            if (m.Dimensions.Length != 2)
                throw new InvalidDataException($"{Where()}: input '{name}' has rank {m.Dimensions.Length}, expected [batch, sequence]");
        }
        NeedInt64("input_ids");
        NeedInt64("attention_mask");
        bool positions = inputs.ContainsKey("position_ids");
        if (positions) NeedInt64("position_ids");

        int layers = 0;
        var seen = new SortedSet<int>();
        foreach (var name in inputs.Keys)
        {
            var m = PastName.Match(name);
            if (m.Success) seen.Add(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        if (seen.Count == 0)
            throw new InvalidDataException($"{Where()} is not a LLaMA decoder with past: it has no input 'past_key_values.0.key' (inputs: {string.Join(", ", inputs.Keys)})");
        layers = seen.Max + 1;
        for (int i = 0; i < layers; i++)
            foreach (var kind in new[] { "key", "value" })
            {
                if (!inputs.ContainsKey($"past_key_values.{i}.{kind}"))
                    throw new InvalidDataException($"{Where()}: input 'past_key_values.{i}.{kind}' is missing (the graph has past inputs up to layer {layers - 1})");
                if (!outputs.ContainsKey($"present.{i}.{kind}"))
                    throw new InvalidDataException($"{Where()}: output 'present.{i}.{kind}' is missing (the graph has past inputs up to layer {layers - 1})");
            }
        if (config is not null && config.Layers != 0 && config.Layers != layers)
            throw new InvalidDataException($"{Where()} has {layers} layers of past key/values, its config.json says {config.Layers}");

        if (!outputs.TryGetValue("logits", out var logits))
            throw new InvalidDataException($"{Where()} has no output 'logits' (outputs: {string.Join(", ", outputs.Keys)})");
        if (logits.Dimensions.Length != 3)
            throw new InvalidDataException($"{Where()}: output 'logits' has rank {logits.Dimensions.Length}, expected [batch, sequence, vocab]");
        bool half = logits.ElementDataType switch
        {
            TensorElementType.Float => false,
            TensorElementType.Float16 => true,
            var t => throw new InvalidDataException($"{Where()}: output 'logits' is {t}, expected float or float16"),
        };

        var past0 = inputs["past_key_values.0.key"];
        if (past0.Dimensions.Length != 4)
            throw new InvalidDataException($"{Where()}: input 'past_key_values.0.key' has rank {past0.Dimensions.Length}, expected [batch, kv_heads, past, head_size]");
        int kvHeads = Dim(past0, 1, config?.KvHeads, "kv_heads", modelPath);
        int headSize = Dim(past0, 3, config?.HeadDim, "head_size", modelPath);
        for (int i = 0; i < layers; i++)
            foreach (var kind in new[] { "key", "value" })
            {
                var name = $"past_key_values.{i}.{kind}";
                var m = inputs[name];
                if (m.ElementDataType != logits.ElementDataType)
                    throw new InvalidDataException($"{Where()}: input '{name}' is {m.ElementDataType}, the logits are {logits.ElementDataType}");
                if (m.Dimensions.Length != 4 || (m.Dimensions[1] > 0 && m.Dimensions[1] != kvHeads) || (m.Dimensions[3] > 0 && m.Dimensions[3] != headSize))
                    throw new InvalidDataException($"{Where()}: input '{name}' has shape [{string.Join(", ", m.Dimensions)}], expected [batch, {kvHeads}, past, {headSize}]");
            }
        return new DecoderSignature(layers, kvHeads, headSize, half, positions);
    }

    private static int Dim(NodeMetadata m, int axis, int? fromConfig, string what, string modelPath)
    {
        int d = m.Dimensions[axis];
        if (d > 0)
        {
            if (fromConfig is > 0 && fromConfig != d)
                throw new InvalidDataException($"'{modelPath}': input 'past_key_values.0.key' has {what} {d}, config.json says {fromConfig}");
            return d;
        }
        if (fromConfig is > 0) return fromConfig.Value;
        throw new InvalidDataException($"'{modelPath}': input 'past_key_values.0.key' leaves {what} symbolic and the folder has no config.json to read it from");
    }
}
