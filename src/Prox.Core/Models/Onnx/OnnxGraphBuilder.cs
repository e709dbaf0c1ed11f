using System.Globalization;
using System.Runtime.InteropServices;

namespace Prox.Models.Onnx;

/// <summary>An ONNX node attribute.</summary>
internal readonly record struct OnnxAttr(string Name, int Kind, long I = 0, float F = 0, long[]? Ints = null, string? S = null)
{
    public static OnnxAttr Int(string name, long v) => new(name, 2, I: v);
    public static OnnxAttr Float(string name, float v) => new(name, 1, F: v);
    public static OnnxAttr Ints_(string name, params long[] v) => new(name, 7, Ints: v);

    public ProtoWriter ToProto()
    {
        var w = new ProtoWriter().String(1, Name).Varint(20, Kind);
        switch (Kind)
        {
            case 1: w.Float(2, F); break;
            case 2: w.Varint(3, I); break;
            case 3: w.String(4, S ?? ""); break;
            case 7: foreach (var v in Ints!) w.Varint(8, v); break;
        }
        return w;
    }
}

/// <summary>
/// Builds an ONNX graph node by node and writes the model: small tensors inline, large ones into an external
/// data file (<c>model.onnx.data</c>) written as the graph is built, aligned for memory mapping.
/// </summary>
internal sealed class OnnxGraphBuilder : IDisposable
{
    private const int InlineLimit = 1024; // bytes
    private readonly List<ProtoWriter> _nodes = [], _inits = [], _inputs = [], _outputs = [];
    private readonly Dictionary<string, int> _counters = new();
    private readonly FileStream _data;
    private readonly string _dataFileName;
    private readonly Dictionary<string, string> _constCache = new();

    /// <param name="dataPath">Path of the external data file being written (a temporary name is fine).</param>
    /// <param name="dataFileName">The name the model refers to (the final file name, e.g. <c>model.onnx.data</c>).</param>
    public OnnxGraphBuilder(string dataPath, string dataFileName)
    {
        _data = new FileStream(dataPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        _dataFileName = dataFileName;
    }

    public long ExternalBytes => _data.Length;

    public void Dispose() => _data.Dispose();

    private string Fresh(string hint)
    {
        _counters.TryGetValue(hint, out int n);
        _counters[hint] = n + 1;
        return n == 0 ? hint : $"{hint}_{n}";
    }

    public void Input(string name, int elemType, params object[] dims) => _inputs.Add(ValueInfo(name, elemType, dims));
    public void Output(string name, int elemType, params object[] dims) => _outputs.Add(ValueInfo(name, elemType, dims));

    private static ProtoWriter ValueInfo(string name, int elemType, object[] dims) =>
        new ProtoWriter().String(1, name).Message(2, t => t.Message(1, tt =>
        {
            tt.Varint(1, elemType);
            tt.Message(2, s =>
            {
                foreach (var d in dims)
                    s.Message(1, dim => { if (d is string p) dim.String(2, p); else dim.Varint(1, Convert.ToInt64(d, CultureInfo.InvariantCulture)); });
            });
        }));

    /// <summary>Adds a node with one output named after <paramref name="name"/>; returns the output name.</summary>
    public string Node(string op, string name, string[] inputs, params OnnxAttr[] attrs) => Node(op, name, inputs, 1, attrs)[0];

    /// <summary>Adds a node; outputs are named <c>{name}/output_k</c> unless <paramref name="outputNames"/> are given.</summary>
    public string[] Node(string op, string name, string[] inputs, int outputs, OnnxAttr[] attrs, string[]? outputNames = null, string domain = "")
    {
        name = Fresh(name);
        var outs = outputNames ?? Enumerable.Range(0, outputs).Select(k => $"{name}/output_{k}").ToArray();
        var w = new ProtoWriter();
        foreach (var i in inputs) w.String(1, i);
        foreach (var o in outs) w.String(2, o);
        w.String(3, name).String(4, op);
        foreach (var a in attrs) w.Message(5, a.ToProto());
        if (domain.Length > 0) w.String(7, domain);
        _nodes.Add(w);
        return outs;
    }

    /// <summary>An int64 constant (1-D, or a scalar when <paramref name="scalar"/>), shared between uses.</summary>
    public string ConstInt64(long[] values, bool scalar = false)
    {
        var key = (scalar ? "s:" : "v:") + string.Join(",", values);
        if (_constCache.TryGetValue(key, out var n)) return n;
        n = Fresh("const_i64");
        Tensor(n, OnnxType.Int64, scalar ? [] : [values.Length], MemoryMarshal.AsBytes(values.AsSpan()));
        return _constCache[key] = n;
    }

    /// <summary>A scalar constant of element type float32 or float16.</summary>
    public string ConstScalar(float value, int elemType)
    {
        var key = $"f{elemType}:{value.ToString("R", CultureInfo.InvariantCulture)}";
        if (_constCache.TryGetValue(key, out var n)) return n;
        n = Fresh("const_f");
        var bytes = elemType == OnnxType.Float16 ? TensorConvert.ToHalfBytes([value]) : BitConverter.GetBytes(value);
        Tensor(n, elemType, [], bytes);
        return _constCache[key] = n;
    }

    /// <summary>Adds an initializer from float32 values, stored as <paramref name="elemType"/> (float32 or float16).</summary>
    public string Weight(string name, long[] dims, ReadOnlySpan<float> values, int elemType)
    {
        if (elemType == OnnxType.Float16) Tensor(name, elemType, dims, TensorConvert.ToHalfBytes(values));
        else Tensor(name, elemType, dims, MemoryMarshal.AsBytes(values));
        return name;
    }

    /// <summary>Adds an initializer; bytes above a small limit go to the external data file.</summary>
    public void Tensor(string name, int elemType, long[] dims, ReadOnlySpan<byte> bytes)
    {
        var w = new ProtoWriter();
        w.PackedInt64(1, dims);
        w.Varint(2, elemType);
        w.String(8, name);
        if (bytes.Length <= InlineLimit)
        {
            w.Bytes(9, bytes);
        }
        else
        {
            int align = bytes.Length >= 65536 ? 4096 : 64;
            long offset = (_data.Length + align - 1) / align * align;
            if (offset > _data.Length) _data.Write(new byte[offset - _data.Length]);
            _data.Write(bytes);
            void Entry(string k, string v) => w.Message(13, e => e.String(1, k).String(2, v));
            Entry("location", _dataFileName);
            Entry("offset", offset.ToString(CultureInfo.InvariantCulture));
            Entry("length", bytes.Length.ToString(CultureInfo.InvariantCulture));
            w.Varint(14, 1); // data_location = EXTERNAL
        }
        _inits.Add(w);
    }

    /// <summary>
    /// Adds an initializer whose bytes already lie in another external data file (<paramref name="location"/>,
    /// relative to the model file, at <paramref name="offset"/>): a graph over the weights of an existing model
    /// without copying them.
    /// </summary>
    public void ExternalTensor(string name, int elemType, long[] dims, string location, long offset, long length)
    {
        var w = new ProtoWriter();
        w.PackedInt64(1, dims);
        w.Varint(2, elemType);
        w.String(8, name);
        void Entry(string k, string v) => w.Message(13, e => e.String(1, k).String(2, v));
        Entry("location", location);
        Entry("offset", offset.ToString(CultureInfo.InvariantCulture));
        Entry("length", length.ToString(CultureInfo.InvariantCulture));
        w.Varint(14, 1);
        _inits.Add(w);
    }

    /// <summary>Serializes the model (IR 8, the given opsets) and flushes the external data.</summary>
    public byte[] Finish(string graphName, IReadOnlyDictionary<string, long> opsets, IReadOnlyDictionary<string, string> metadata)
    {
        _data.Flush(flushToDisk: true);
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(1, n);
        graph.String(2, graphName);
        foreach (var i in _inits) graph.Message(5, i);
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in _outputs) graph.Message(12, o);
        var model = new ProtoWriter().Varint(1, 8).String(2, "Prox").String(3, typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0");
        model.Message(7, graph);
        foreach (var (domain, version) in opsets) model.Message(8, o => o.String(1, domain).Varint(2, version));
        foreach (var (k, v) in metadata) model.Message(14, e => e.String(1, k).String(2, v));
        return model.ToArray();
    }
}
