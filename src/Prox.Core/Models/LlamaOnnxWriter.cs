using Prox.Models.Onnx;
using static Prox.Models.Onnx.OnnxAttr;

namespace Prox.Models;

/// <summary>Element type of the written weights, activations, past key/values and logits.</summary>
public enum ModelPrecision
{
    /// <summary>32-bit floats (matches the published F32 checkpoints exactly).</summary>
    Fp32,
    /// <summary>16-bit floats (half the size; RMSNorm and softmax still computed in float32).</summary>
    Fp16,
    /// <summary>
    /// int8 weights for the CPU: every linear layer (attention and MLP projections, and the output head unless
    /// <see cref="ModelWriteOptions.QuantizeOutputHead"/> is false) holds int8 weights with one float scale per output
    /// channel, run by ONNX Runtime's <c>com.microsoft.DynamicQuantizeMatMul</c> (activations quantized to uint8 per
    /// call); the embeddings, norms, RoPE tables, attention, key/value cache and logits stay float32.
    /// </summary>
    Int8,
}

/// <summary>Options for writing a LLaMA decoder graph.</summary>
public sealed record ModelWriteOptions
{
    /// <summary>Precision of the written model (default fp32).</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Fp32;

    /// <summary>
    /// Use ONNX Runtime's fused normalization operators (<c>SimplifiedLayerNormalization</c>,
    /// <c>com.microsoft.SkipSimplifiedLayerNormalization</c>) instead of standard-opset arithmetic. The graph then runs
    /// only under ONNX Runtime.
    /// </summary>
    public bool UseContribOps { get; init; }

    /// <summary>
    /// With <see cref="ModelPrecision.Int8"/>: quantize the output head (<c>lm_head</c>, or the tied embedding table) too
    /// (default true; false keeps it float32, about an eighth of the multiply work of a prefill, at some speed).
    /// </summary>
    public bool QuantizeOutputHead { get; init; } = true;
}

/// <summary>Progress of writing a model: which tensor, and how many of how many are done.</summary>
/// <param name="Activity">What is being written.</param>
/// <param name="Done">Steps done.</param>
/// <param name="Total">Steps in all.</param>
public readonly record struct ModelWriteProgress(string Activity, int Done, int Total);

/// <summary>
/// Writes a LLaMA decoder-with-past as an ONNX graph with standard opset-17 operators: grouped-query attention
/// (no key/value repetition), RoPE from a precomputed cos/sin table, RMSNorm, SwiGLU MLP; inputs and outputs in
/// Hugging Face naming with dynamic batch and sequence axes; weights in <c>model.onnx.data</c>. With
/// <see cref="ModelPrecision.Int8"/> the linear layers are <c>com.microsoft.DynamicQuantizeMatMul</c> nodes over int8
/// weights (one scale per output channel).
/// </summary>
internal static class LlamaOnnxWriter
{
    public const string ModelFile = "model.onnx", DataFile = "model.onnx.data";

    /// <summary>Writes <c>model.onnx</c> and <c>model.onnx.data</c> into <paramref name="folder"/> (each renamed into place when complete; the model last).</summary>
    public static void Write(ILlamaWeights weights, string folder, ModelWriteOptions options, IProgress<ModelWriteProgress>? progress = null, CancellationToken cancel = default)
    {
        var c = weights.Config;
        c.Validate();
        Directory.CreateDirectory(folder);
                string dataTmp = Prox.IO.AtomicFile.TempPathFor(Path.Combine(folder, DataFile)), modelTmp = Prox.IO.AtomicFile.TempPathFor(Path.Combine(folder, ModelFile));
        try
        {
            byte[] model;
            using (var g = new OnnxGraphBuilder(dataTmp, DataFile))
            {
                new Emitter(g, weights, options, progress, cancel).Build();
                model = g.Finish("prox_llama", Opsets(options), new Dictionary<string, string>
                {
                    ["prox.architecture"] = "llama",
                    ["prox.precision"] = options.Precision.ToString().ToLowerInvariant(),
                });
            }
            File.WriteAllBytes(modelTmp, model);
            Prox.IO.AtomicFile.Publish(dataTmp, Path.Combine(folder, DataFile));
            Prox.IO.AtomicFile.Publish(modelTmp, Path.Combine(folder, ModelFile));
        }
        finally
        {
            foreach (var f in new[] { dataTmp, modelTmp })
                try { if (File.Exists(f)) File.Delete(f); } catch (IOException) { }
        }
    }

    private static Dictionary<string, long> Opsets(ModelWriteOptions o) =>
        o.UseContribOps || o.Precision == ModelPrecision.Int8 ? new() { [""] = 17, ["com.microsoft"] = 1 } : new() { [""] = 17 };

    private sealed class Emitter(OnnxGraphBuilder g, ILlamaWeights w, ModelWriteOptions o, IProgress<ModelWriteProgress>? progress, CancellationToken cancel)
    {
        private readonly LlamaConfig c = w.Config;
        private readonly int T = o.Precision == ModelPrecision.Fp16 ? OnnxType.Float16 : OnnxType.Float;
        private bool Int8 => o.Precision == ModelPrecision.Int8;
        private int _done;
        private int Total => c.Layers + 2;

        private void Step(string what)
        {
            cancel.ThrowIfCancellationRequested();
            progress?.Report(new ModelWriteProgress(what, _done++, Total));
        }

        private string I64(params long[] v) => g.ConstInt64(v);
        private string Scalar64(long v) => g.ConstInt64([v], scalar: true);

        public void Build()
        {
            int kvh = c.KvHeads, d = c.HeadDim;
            g.Input("input_ids", OnnxType.Int64, "batch_size", "sequence_length");
            g.Input("attention_mask", OnnxType.Int64, "batch_size", "total_sequence_length");
            g.Input("position_ids", OnnxType.Int64, "batch_size", "sequence_length");
            for (int i = 0; i < c.Layers; i++)
            {
                g.Input($"past_key_values.{i}.key", T, "batch_size", kvh, "past_sequence_length", d);
                g.Input($"past_key_values.{i}.value", T, "batch_size", kvh, "past_sequence_length", d);
            }
            g.Output("logits", T, "batch_size", "sequence_length", c.VocabSize);
            for (int i = 0; i < c.Layers; i++)
            {
                g.Output($"present.{i}.key", T, "batch_size", kvh, "total_sequence_length", d);
                g.Output($"present.{i}.value", T, "batch_size", kvh, "total_sequence_length", d);
            }

            Step("embeddings");
            var embedData = w.Read(LlamaTensorNames.Embed);
            var embed = g.Weight("model.embed_tokens.weight", [c.VocabSize, c.HiddenSize], embedData, T);
            var x = g.Node("Gather", "/model/embed_tokens/Gather", [embed, "input_ids"], Int("axis", 0));
            var (cos, sin) = RopeTables();
            var bias = AttentionBias();

            string? pendingResidual = null; // with contrib ops, the residual add is fused into the next norm
            for (int i = 0; i < c.Layers; i++)
            {
                Step($"layer {i}");
                string p = $"/model/layers.{i}";
                var (xn, resid) = Norm(x, pendingResidual, Layer(i, "input_layernorm", [c.HiddenSize]), $"{p}/input_layernorm");
                var attn = Attention(i, xn, cos, sin, bias, p);
                if (o.UseContribOps)
                {
                    var (hn, h) = Norm(resid, attn, Layer(i, "post_attention_layernorm", [c.HiddenSize]), $"{p}/post_attention_layernorm");
                    x = h;
                    pendingResidual = Mlp(i, hn, p);
                }
                else
                {
                    var h = g.Node("Add", $"{p}/attn_residual", [resid, attn]);
                    var (hn, _) = Norm(h, null, Layer(i, "post_attention_layernorm", [c.HiddenSize]), $"{p}/post_attention_layernorm");
                    x = g.Node("Add", $"{p}/mlp_residual", [h, Mlp(i, hn, p)]);
                }
            }

            Step("output head");
            var (final, _) = Norm(x, pendingResidual, g.Weight("model.norm.weight", [c.HiddenSize], w.Read(LlamaTensorNames.FinalNorm), T), "/model/norm");
            if (Int8 && o.QuantizeOutputHead)
            {
                // [vocab, hidden] → [hidden, vocab], one scale per vocabulary entry.
                var table = c.TieWordEmbeddings ? embedData : w.Read(LlamaTensorNames.LmHead);
                var t = new float[(long)c.HiddenSize * c.VocabSize];
                TransposeInto(table, c.VocabSize, c.HiddenSize, t, c.VocabSize, 0);
                QuantizedMatMul(final, "lm_head.weight", t, c.HiddenSize, c.VocabSize, "/lm_head/MatMul", "logits");
                progress?.Report(new ModelWriteProgress("done", Total, Total));
                return;
            }
            string head = embed;
            if (!c.TieWordEmbeddings) head = g.Weight("lm_head.weight", [c.VocabSize, c.HiddenSize], w.Read(LlamaTensorNames.LmHead), T);
            var flat = g.Node("Reshape", "/lm_head/flatten", [final, I64(-1, c.HiddenSize)]);
            var lg = g.Node("Gemm", "/lm_head/Gemm", [flat, head], Int("transB", 1));
            var outShape = g.Node("Concat", "/lm_head/shape", [g.Node("Shape", "/lm_head/ids_shape", ["input_ids"]), I64(c.VocabSize)], Int("axis", 0));
            g.Node("Reshape", "/lm_head/Reshape", [lg, outShape], 1, [], ["logits"]);
            progress?.Report(new ModelWriteProgress("done", Total, Total));
        }

        private string Layer(int i, string part, long[] dims)
        {
            var name = LlamaTensorNames.Layer(i, part);
            return g.Weight(name, dims, w.Read(name), T);
        }

        /// <summary>cos/sin tables [max_positions, head_dim] (each half repeated), gathered by position_ids → [B,1,S,D].</summary>
        private (string Cos, string Sin) RopeTables()
        {
            int d = c.HeadDim, half = d / 2, n = c.MaxPositions;
            var inv = c.RopeInverseFrequencies();
            var given = w.RopeTables;
            if (given is { } t && (t.Cos.Length != (long)n * half || t.Sin.Length != (long)n * half))
                throw new InvalidDataException($"RoPE tables must hold {n} × {half} values");
            var cos = new float[(long)n * d];
            var sin = new float[(long)n * d];
            for (int pos = 0; pos < n; pos++)
                for (int k = 0; k < half; k++)
                {
                    double a = pos * inv[k];
                    float cv = given is { } g1 ? g1.Cos[pos * half + k] : (float)Math.Cos(a);
                    float sv = given is { } g2 ? g2.Sin[pos * half + k] : (float)Math.Sin(a);
                    cos[(long)pos * d + k] = cos[(long)pos * d + k + half] = cv;
                    sin[(long)pos * d + k] = sin[(long)pos * d + k + half] = sv;
                }
            var cosT = g.Weight("rope.cos_cache", [n, d], cos, T);
            var sinT = g.Weight("rope.sin_cache", [n, d], sin, T);
            var axis1 = I64(1);
            var cg = g.Node("Unsqueeze", "/model/rope/cos", [g.Node("Gather", "/model/rope/cos_gather", [cosT, "position_ids"], Int("axis", 0)), axis1]);
            var sg = g.Node("Unsqueeze", "/model/rope/sin", [g.Node("Gather", "/model/rope/sin_gather", [sinT, "position_ids"], Int("axis", 0)), axis1]);
            return (cg, sg);
        }

        /// <summary>Additive float32 bias [B,1,S,T]: 0 where query i (absolute position T-S+i) may see key j (j ≤ T-S+i and attention_mask[j]=1), else float.MinValue.</summary>
        private string AttentionBias()
        {
            const string p = "/model/attn_mask";
            var s = g.Node("Gather", $"{p}/seq_len", [g.Node("Shape", $"{p}/ids_shape", ["input_ids"]), Scalar64(1)], Int("axis", 0));
            var t = g.Node("Gather", $"{p}/total_len", [g.Node("Shape", $"{p}/mask_shape", ["attention_mask"]), Scalar64(1)], Int("axis", 0));
            var past = g.Node("Sub", $"{p}/past_len", [t, s]);
            var keys = g.Node("Range", $"{p}/key_pos", [Scalar64(0), t, Scalar64(1)]);
            var queries = g.Node("Unsqueeze", $"{p}/query_pos", [g.Node("Range", $"{p}/query_range", [past, t, Scalar64(1)]), I64(1)]);
            var causal = g.Node("LessOrEqual", $"{p}/causal", [keys, queries]);
            var pad = g.Node("Unsqueeze", $"{p}/pad", [g.Node("Cast", $"{p}/mask_bool", ["attention_mask"], Int("to", OnnxType.Bool)), I64(1, 2)]);
            var allowed = g.Node("And", $"{p}/allowed", [causal, pad]);
            return g.Node("Where", $"{p}/bias", [allowed, g.ConstScalar(0f, OnnxType.Float), g.ConstScalar(float.MinValue, OnnxType.Float)]);
        }

        /// <summary>RMSNorm of <paramref name="x"/> (+ <paramref name="residual"/> when given). Returns (normalized, the sum that feeds the next residual).</summary>
        private (string Normed, string Sum) Norm(string x, string? residual, string weight, string p)
        {
            float eps = (float)c.RmsNormEps;
            if (o.UseContribOps)
            {
                if (residual is null)
                    return (g.Node("SimplifiedLayerNormalization", $"{p}/SimplifiedLayerNorm", [x, weight], Int("axis", -1), Float("epsilon", eps), Int("stash_type", 1)), x);
                var outs = g.Node("SkipSimplifiedLayerNormalization", $"{p}/SkipLayerNorm", [x, residual, weight], 4, [Float("epsilon", eps)], null, "com.microsoft");
                return (outs[0], outs[3]);
            }
            if (residual is not null) x = g.Node("Add", $"{p}/residual", [x, residual]);
            var xf = T == OnnxType.Float ? x : g.Node("Cast", $"{p}/to_float", [x], Int("to", OnnxType.Float));
            var ms = g.Node("ReduceMean", $"{p}/mean_square", [g.Node("Mul", $"{p}/square", [xf, xf])], Ints_("axes", -1), Int("keepdims", 1));
            var rms = g.Node("Sqrt", $"{p}/rms", [g.Node("Add", $"{p}/add_eps", [ms, g.ConstScalar(eps, OnnxType.Float)])]);
            var n = g.Node("Div", $"{p}/normalize", [xf, rms]);
            if (T != OnnxType.Float) n = g.Node("Cast", $"{p}/to_half", [n], Int("to", T));
            return (g.Node("Mul", $"{p}/scale", [n, weight]), x);
        }

        private string Attention(int i, string xn, string cos, string sin, string bias, string p)
        {
            int h = c.HiddenSize, nh = c.Heads, kvh = c.KvHeads, d = c.HeadDim;
            int qw = nh * d, kvw = kvh * d;
            var proj = Linear(xn, $"model.layers.{i}.attn.qkv_proj.weight", h,
                [LlamaTensorNames.Layer(i, "self_attn.q_proj"), LlamaTensorNames.Layer(i, "self_attn.k_proj"), LlamaTensorNames.Layer(i, "self_attn.v_proj")],
                [qw, kvw, kvw], $"{p}/attn/qkv_proj/MatMul");
            var parts = g.Node("Split", $"{p}/attn/split", [proj, I64(qw, kvw, kvw)], 3, [Int("axis", 2)]);
            string Heads(string t, int n, string name) =>
                g.Node("Transpose", $"{p}/attn/{name}_heads", [g.Node("Reshape", $"{p}/attn/{name}_reshape", [t, I64(0, 0, n, d)])], Ints_("perm", 0, 2, 1, 3));
            var q = Rope(Heads(parts[0], nh, "q"), cos, sin, $"{p}/attn/q_rotary");
            var k = Rope(Heads(parts[1], kvh, "k"), cos, sin, $"{p}/attn/k_rotary");
            var v = Heads(parts[2], kvh, "v");
            var presentK = g.Node("Concat", $"{p}/attn/present_key", [$"past_key_values.{i}.key", k], 1, [Int("axis", 2)], [$"present.{i}.key"])[0];
            var presentV = g.Node("Concat", $"{p}/attn/present_value", [$"past_key_values.{i}.value", v], 1, [Int("axis", 2)], [$"present.{i}.value"])[0];

            // Grouped-query attention without repeating K/V: query heads of one KV group are stacked along the
            // sequence axis ([B, KV, G*S, D]) so one MatMul per KV head serves the whole group.
            var qs = g.Node("Mul", $"{p}/attn/q_scale", [q, g.ConstScalar((float)(1 / Math.Sqrt(d)), T)]);
            var qg = g.Node("Reshape", $"{p}/attn/q_group", [qs, I64(0, kvh, -1, d)]);
            var kt = g.Node("Transpose", $"{p}/attn/k_transpose", [presentK], Ints_("perm", 0, 1, 3, 2));
            var scores = g.Node("Reshape", $"{p}/attn/scores", [g.Node("MatMul", $"{p}/attn/qk", [qg, kt]), I64(0, nh, -1, 0)]);
            if (T != OnnxType.Float) scores = g.Node("Cast", $"{p}/attn/scores_float", [scores], Int("to", OnnxType.Float));
            var probs = g.Node("Softmax", $"{p}/attn/softmax", [g.Node("Add", $"{p}/attn/masked", [scores, bias])], Int("axis", -1));
            if (T != OnnxType.Float) probs = g.Node("Cast", $"{p}/attn/probs_half", [probs], Int("to", T));
            var ctx = g.Node("MatMul", $"{p}/attn/pv", [g.Node("Reshape", $"{p}/attn/probs_group", [probs, I64(0, kvh, -1, 0)]), presentV]);
            var merged = g.Node("Reshape", $"{p}/attn/merge",
                [g.Node("Transpose", $"{p}/attn/ctx_transpose", [g.Node("Reshape", $"{p}/attn/ctx_heads", [ctx, I64(0, nh, -1, d)])], Ints_("perm", 0, 2, 1, 3)), I64(0, 0, qw)]);
            return Linear(merged, $"model.layers.{i}.attn.o_proj.weight", qw, [LlamaTensorNames.Layer(i, "self_attn.o_proj")], [h], $"{p}/attn/o_proj/MatMul");
        }

        /// <summary>Rotate-half RoPE on [B, heads, S, D].</summary>
        private string Rope(string x, string cos, string sin, string p)
        {
            int half = c.HeadDim / 2;
            var axis = I64(3);
            var x1 = g.Node("Slice", $"{p}/x1", [x, I64(0), I64(half), axis]);
            var x2 = g.Node("Slice", $"{p}/x2", [x, I64(half), I64(c.HeadDim), axis]);
            var rot = g.Node("Concat", $"{p}/rotate_half", [g.Node("Neg", $"{p}/neg", [x2]), x1], Int("axis", 3));
            return g.Node("Add", $"{p}/sum", [g.Node("Mul", $"{p}/cos", [x, cos]), g.Node("Mul", $"{p}/sin", [rot, sin])]);
        }

        private string Mlp(int i, string hn, string p)
        {
            int h = c.HiddenSize, m = c.IntermediateSize;
            var gu = Linear(hn, $"model.layers.{i}.mlp.gate_up_proj.weight", h,
                [LlamaTensorNames.Layer(i, "mlp.gate_proj"), LlamaTensorNames.Layer(i, "mlp.up_proj")], [m, m], $"{p}/mlp/gate_up_proj/MatMul");
            var parts = g.Node("Split", $"{p}/mlp/split", [gu, I64(m, m)], 2, [Int("axis", 2)]);
            var act = g.Node("Mul", $"{p}/mlp/silu", [parts[0], g.Node("Sigmoid", $"{p}/mlp/sigmoid", [parts[0]])]);
            var prod = g.Node("Mul", $"{p}/mlp/gated", [act, parts[1]]);
            return Linear(prod, $"model.layers.{i}.mlp.down_proj.weight", m, [LlamaTensorNames.Layer(i, "mlp.down_proj")], [h], $"{p}/mlp/down_proj/MatMul");
        }

        /// <summary>
        /// <paramref name="x"/> times the HF linear weights [out_k, in] of <paramref name="sources"/> side by side,
        /// transposed to [in, Σ out_k]: a MatMul, or with int8 a DynamicQuantizeMatMul.
        /// </summary>
        private string Linear(string x, string name, int input, string[] sources, int[] outs, string node)
        {
            int total = outs.Sum();
            var fused = new float[(long)input * total];
            int col = 0;
            for (int s = 0; s < sources.Length; s++)
            {
                var src = w.Read(sources[s]);
                TransposeInto(src, outs[s], input, fused, total, col);
                col += outs[s];
            }
            if (Int8) return QuantizedMatMul(x, name, fused, input, total, node, null);
            return g.Node("MatMul", node, [x, g.Weight(name, [input, total], fused, T)]);
        }

        /// <summary>
        /// <c>com.microsoft.DynamicQuantizeMatMul</c> of <paramref name="x"/> and the weight [<paramref name="input"/>,
        /// <paramref name="output"/>] stored as int8 (<c>{name}</c>) with per-column scales (<c>{name}.scale</c>) and
        /// zero points 0 (<c>{name}.zero_point</c>).
        /// </summary>
        private string QuantizedMatMul(string x, string name, float[] weight, int input, int output, string node, string? outputName)
        {
            var (q, scales) = Int8Weights.Quantize(weight, input, output);
            g.Tensor(name, OnnxType.Int8, [input, output], System.Runtime.InteropServices.MemoryMarshal.AsBytes(q.AsSpan()));
            var scale = g.Weight($"{name}.scale", [output], scales, OnnxType.Float);
            var zero = $"{name}.zero_point";
            g.Tensor(zero, OnnxType.Int8, [output], new byte[output]);
            return g.Node("DynamicQuantizeMatMul", node, [x, name, scale, zero], 1, [], outputName is null ? null : [outputName], "com.microsoft")[0];
        }

        /// <summary>dst[r, colOffset + o] = src[o, r] for src of shape [rows=outDim, cols=inDim].</summary>
        private static void TransposeInto(float[] src, int outDim, int inDim, float[] dst, int dstCols, int colOffset)
        {
            for (int o2 = 0; o2 < outDim; o2++)
            {
                long srcRow = (long)o2 * inDim;
                for (int r = 0; r < inDim; r++) dst[(long)r * dstCols + colOffset + o2] = src[srcRow + r];
            }
        }
    }
}
