using Prox.Models;

namespace Prox.Tests.Models;

/// <summary>
/// A plain, double-precision LLaMA forward pass written straight from the architecture's definition (no ONNX, no
/// shared code with the graph writer beyond reading weights). Used only to check the written graphs.
/// A query row with no visible key attends uniformly to all keys, as an additive mask of float.MinValue does.
/// </summary>
internal sealed class ReferenceLlama(LlamaConfig c, Func<string, float[]> weight)
{
    private readonly Dictionary<string, float[]> _w = new();

    private float[] W(string name) => _w.TryGetValue(name, out var v) ? v : _w[name] = weight(name);

    /// <summary>Logits [B,S,V] and present keys/values per layer [B,KV,T,D].</summary>
    public (double[] Logits, double[][] Keys, double[][] Values) Forward(long[] ids, long[] mask, long[] pos, int batch, double[][]? pastK = null, double[][]? pastV = null)
    {
        int s = ids.Length / batch, h = c.HiddenSize, nh = c.Heads, kvh = c.KvHeads, d = c.HeadDim, m = c.IntermediateSize, v = c.VocabSize;
        int past = pastK is null ? 0 : pastK[0].Length / (batch * kvh * d), total = past + s, group = nh / kvh;
        var inv = InverseFrequencies();
        var emb = W("model.embed_tokens.weight");
        var x = new double[batch * s * h];
        for (int t = 0; t < batch * s; t++)
            for (int j = 0; j < h; j++) x[t * h + j] = emb[ids[t] * h + j];
        var keys = new double[c.Layers][];
        var vals = new double[c.Layers][];
        for (int l = 0; l < c.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            var xn = RmsNorm(x, W(p + "input_layernorm.weight"));
            var q = Linear(xn, W(p + "self_attn.q_proj.weight"), h, nh * d);
            var k = Linear(xn, W(p + "self_attn.k_proj.weight"), h, kvh * d);
            var vv = Linear(xn, W(p + "self_attn.v_proj.weight"), h, kvh * d);
            Rope(q, nh, pos, inv);
            Rope(k, kvh, pos, inv);
            var K = new double[batch * kvh * total * d];
            var V = new double[batch * kvh * total * d];
            for (int b = 0; b < batch; b++)
                for (int g = 0; g < kvh; g++)
                    for (int t = 0; t < total; t++)
                        for (int e = 0; e < d; e++)
                        {
                            int dst = ((b * kvh + g) * total + t) * d + e;
                            if (t < past)
                            {
                                int src = ((b * kvh + g) * past + t) * d + e;
                                K[dst] = pastK![l][src]; V[dst] = pastV![l][src];
                            }
                            else
                            {
                                int src = (b * s + t - past) * kvh * d + g * d + e;
                                K[dst] = k[src]; V[dst] = vv[src];
                            }
                        }
            keys[l] = K; vals[l] = V;
            var ctx = new double[batch * s * nh * d];
            var scores = new double[total];
            for (int b = 0; b < batch; b++)
                for (int head = 0; head < nh; head++)
                {
                    int g = head / group;
                    for (int i = 0; i < s; i++)
                    {
                        bool any = false;
                        for (int t = 0; t < total; t++) any |= t <= past + i && mask[b * total + t] != 0;
                        double max = double.NegativeInfinity;
                        for (int t = 0; t < total; t++)
                        {
                            bool ok = t <= past + i && mask[b * total + t] != 0;
                            if (any && !ok) { scores[t] = double.NegativeInfinity; continue; }
                            double dot = 0;
                            for (int e = 0; e < d; e++) dot += q[(b * s + i) * nh * d + head * d + e] * K[((b * kvh + g) * total + t) * d + e];
                            scores[t] = any ? dot / Math.Sqrt(d) : 0;
                            max = Math.Max(max, scores[t]);
                        }
                        double sum = 0;
                        for (int t = 0; t < total; t++) { scores[t] = Math.Exp(scores[t] - max); sum += scores[t]; }
                        for (int e = 0; e < d; e++)
                        {
                            double acc = 0;
                            for (int t = 0; t < total; t++) acc += scores[t] / sum * V[((b * kvh + g) * total + t) * d + e];
                            ctx[(b * s + i) * nh * d + head * d + e] = acc;
                        }
                    }
                }
            Add(x, Linear(ctx, W(p + "self_attn.o_proj.weight"), nh * d, h));
            var hn = RmsNorm(x, W(p + "post_attention_layernorm.weight"));
            var gate = Linear(hn, W(p + "mlp.gate_proj.weight"), h, m);
            var up = Linear(hn, W(p + "mlp.up_proj.weight"), h, m);
            for (int i = 0; i < gate.Length; i++) gate[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
            Add(x, Linear(gate, W(p + "mlp.down_proj.weight"), m, h));
        }
        var final = RmsNorm(x, W("model.norm.weight"));
        var head2 = c.TieWordEmbeddings ? emb : W("lm_head.weight");
        return (Linear(final, head2, h, v), keys, vals);
    }

    private double[] InverseFrequencies()
    {
        int half = c.HeadDim / 2;
        var inv = new double[half];
        for (int i = 0; i < half; i++)
        {
            double f = Math.Pow(c.RopeTheta, -2.0 * i / c.HeadDim);
            if (c.RopeScaling is { Type: "linear" } lin) f /= lin.Factor;
            else if (c.RopeScaling is { Type: "llama3" } r)
            {
                double wl = 2 * Math.PI / f, lowWl = r.OriginalMaxPositions / r.LowFreqFactor, highWl = r.OriginalMaxPositions / r.HighFreqFactor;
                if (wl > lowWl) f /= r.Factor;
                else if (wl >= highWl)
                {
                    double sm = (r.OriginalMaxPositions / wl - r.LowFreqFactor) / (r.HighFreqFactor - r.LowFreqFactor);
                    f = (1 - sm) * f / r.Factor + sm * f;
                }
            }
            inv[i] = f;
        }
        return inv;
    }

    private void Rope(double[] x, int heads, long[] pos, double[] inv)
    {
        int d = c.HeadDim, half = d / 2;
        for (int t = 0; t < pos.Length; t++)
            for (int hd = 0; hd < heads; hd++)
            {
                int o = (t * heads + hd) * d;
                for (int i = 0; i < half; i++)
                {
                    double a = pos[t] * inv[i], cs = Math.Cos(a), sn = Math.Sin(a);
                    double x1 = x[o + i], x2 = x[o + i + half];
                    x[o + i] = x1 * cs - x2 * sn;
                    x[o + i + half] = x2 * cs + x1 * sn;
                }
            }
    }

    private double[] RmsNorm(double[] x, float[] w)
    {
        int h = w.Length;
        var y = new double[x.Length];
        for (int t = 0; t < x.Length / h; t++)
        {
            double ms = 0;
            for (int j = 0; j < h; j++) ms += x[t * h + j] * x[t * h + j];
            double r = 1 / Math.Sqrt(ms / h + c.RmsNormEps);
            for (int j = 0; j < h; j++) y[t * h + j] = x[t * h + j] * r * w[j];
        }
        return y;
    }

    /// <summary>y = x Wᵀ with W in Hugging Face layout [out, in].</summary>
    private static double[] Linear(double[] x, float[] w, int inDim, int outDim)
    {
        int rows = x.Length / inDim;
        var y = new double[rows * outDim];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outDim; o++)
            {
                double acc = 0;
                int wo = o * inDim, xo = r * inDim;
                for (int i = 0; i < inDim; i++) acc += x[xo + i] * w[wo + i];
                y[r * outDim + o] = acc;
            }
        return y;
    }

    private static void Add(double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) x[i] += y[i];
    }
}
