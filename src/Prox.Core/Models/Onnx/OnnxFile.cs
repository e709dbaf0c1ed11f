namespace Prox.Models.Onnx;

/// <summary>ONNX TensorProto element types used by Prox.</summary>
internal static class OnnxType
{
    public const int Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6, Int64 = 7, Bool = 9, Float16 = 10, Double = 11, BFloat16 = 16;

    public static string Name(int t) => t switch
    {
        Float => "float32", UInt8 => "uint8", Int8 => "int8", Int32 => "int32", Int64 => "int64", Bool => "bool",
        Float16 => "float16", Double => "float64", BFloat16 => "bfloat16", _ => $"type{t}",
    };

    public static int Size(int t) => t switch
    {
        Float or Int32 => 4, Int64 or Double => 8, Float16 or BFloat16 => 2, UInt8 or Int8 or Bool => 1,
        _ => throw new NotSupportedException($"ONNX element type {t} is not supported"),
    };
}

/// <summary>A graph input or output: name, element type and shape (a dimension is a number or a symbolic name).</summary>
internal sealed record OnnxValueInfo(string Name, int ElementType, IReadOnlyList<string> Dims);

/// <summary>An initializer read from a model: its bytes live inline or in an external data file.</summary>
internal sealed class OnnxInitializer
{
    public required string Name { get; init; }
    public required int DataType { get; init; }
    public required long[] Dims { get; init; }
    public ReadOnlyMemory<byte> Raw { get; init; }
    public float[]? FloatData { get; init; }
    public long[]? Int64Data { get; init; }
    public string? ExternalLocation { get; init; }
    public long ExternalOffset { get; init; }
    public long ExternalLength { get; init; } = -1;

    public long ElementCount => Dims.Aggregate(1L, (a, d) => a * d);
}

/// <summary>A node of the graph, with its attributes kept as raw protobuf fields.</summary>
internal sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs,
    IReadOnlyList<string> Outputs, IReadOnlyDictionary<string, ProtoField> Attributes);

/// <summary>
/// The parts of an ONNX model file that Prox inspects: opsets, inputs, outputs, nodes and initializers
/// (with the location of external data). Parsed with a hand-written protobuf reader.
/// </summary>
internal sealed class OnnxModelFile
{
    public required string Path { get; init; }
    public long IrVersion { get; private set; }
    public string Producer { get; private set; } = "";
    public Dictionary<string, long> Opsets { get; } = new();
    public List<OnnxValueInfo> Inputs { get; } = [];
    public List<OnnxValueInfo> Outputs { get; } = [];
    public List<OnnxNode> Nodes { get; } = [];
    public List<OnnxInitializer> Initializers { get; } = [];

    /// <summary>Reads and parses <paramref name="path"/>; errors name the file.</summary>
    public static OnnxModelFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' does not exist", path);
        var bytes = File.ReadAllBytes(path);
        var model = new OnnxModelFile { Path = path };
        try
        {
            model.Parse(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"'{path}' is not a readable ONNX model: {e.Message}", e);
        }
        return model;
    }

    private void Parse(ReadOnlyMemory<byte> bytes)
    {
        bool sawGraph = false;
        foreach (var f in new ProtoReader(bytes).Fields())
        {
            switch (f.Number)
            {
                case 1: IrVersion = f.Int64; break;
                case 2: Producer = f.String; break;
                case 7: ParseGraph(f.Data); sawGraph = true; break;
                case 8:
                    string domain = ""; long version = 0;
                    foreach (var o in new ProtoReader(f.Data).Fields())
                        if (o.Number == 1) domain = o.String; else if (o.Number == 2) version = o.Int64;
                    Opsets[domain] = version;
                    break;
            }
        }
        if (!sawGraph) throw new InvalidDataException("the file holds no graph");
    }

    private void ParseGraph(ReadOnlyMemory<byte> data)
    {
        foreach (var f in new ProtoReader(data).Fields())
        {
            switch (f.Number)
            {
                case 1: Nodes.Add(ParseNode(f.Data)); break;
                case 5: Initializers.Add(ParseTensor(f.Data)); break;
                case 11: Inputs.Add(ParseValueInfo(f.Data)); break;
                case 12: Outputs.Add(ParseValueInfo(f.Data)); break;
            }
        }
        // Inputs that are also initializers (older IR versions list them) are not graph inputs.
        var inits = Initializers.Select(i => i.Name).ToHashSet();
        Inputs.RemoveAll(i => inits.Contains(i.Name));
    }

    private static OnnxNode ParseNode(ReadOnlyMemory<byte> data)
    {
        List<string> inputs = [], outputs = [];
        string name = "", op = "", domain = "";
        var attrs = new Dictionary<string, ProtoField>();
        foreach (var f in new ProtoReader(data).Fields())
        {
            switch (f.Number)
            {
                case 1: inputs.Add(f.String); break;
                case 2: outputs.Add(f.String); break;
                case 3: name = f.String; break;
                case 4: op = f.String; break;
                case 7: domain = f.String; break;
                case 5:
                    string? an = null;
                    foreach (var a in new ProtoReader(f.Data).Fields()) if (a.Number == 1) an = a.String;
                    if (an is not null) attrs[an] = f;
                    break;
            }
        }
        return new OnnxNode(name, op, domain, inputs, outputs, attrs);
    }

    internal static OnnxInitializer ParseTensor(ReadOnlyMemory<byte> data)
    {
        var dims = new List<long>();
        int type = 0;
        string name = "";
        ReadOnlyMemory<byte> raw = default;
        List<float>? floats = null;
        List<long>? longs = null;
        string? location = null;
        long offset = 0, length = -1;
        foreach (var f in new ProtoReader(data).Fields())
        {
            switch (f.Number)
            {
                case 1: dims.AddRange(f.Int64s()); break;
                case 2: type = (int)f.Value; break;
                case 4:
                    floats ??= [];
                    if (f.WireType == 5) floats.Add(f.Single);
                    else for (int i = 0; i + 4 <= f.Data.Length; i += 4) floats.Add(BitConverter.ToSingle(f.Data.Span.Slice(i, 4)));
                    break;
                case 7: (longs ??= []).AddRange(f.Int64s()); break;
                case 8: name = f.String; break;
                case 9: raw = f.Data; break;
                case 13:
                    string k = "", v = "";
                    foreach (var e in new ProtoReader(f.Data).Fields())
                        if (e.Number == 1) k = e.String; else if (e.Number == 2) v = e.String;
                    if (k == "location") location = v;
                    else if (k == "offset") offset = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
                    else if (k == "length") length = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
                    break;
            }
        }
        return new OnnxInitializer
        {
            Name = name, DataType = type, Dims = dims.ToArray(), Raw = raw, FloatData = floats?.ToArray(),
            Int64Data = longs?.ToArray(), ExternalLocation = location, ExternalOffset = offset, ExternalLength = length,
        };
    }

    private static OnnxValueInfo ParseValueInfo(ReadOnlyMemory<byte> data)
    {
        string name = "";
        int elem = 0;
        var dims = new List<string>();
        foreach (var f in new ProtoReader(data).Fields())
        {
            if (f.Number == 1) name = f.String;
            else if (f.Number == 2)
            {
                foreach (var t in new ProtoReader(f.Data).Fields())
                {
                    if (t.Number != 1) continue; // tensor_type
                    foreach (var tt in new ProtoReader(t.Data).Fields())
                    {
                        if (tt.Number == 1) elem = (int)tt.Value;
                        else if (tt.Number == 2)
                            foreach (var d in new ProtoReader(tt.Data).Fields())
                            {
                                if (d.Number != 1) continue;
                                string dim = "?";
                                foreach (var dv in new ProtoReader(d.Data).Fields())
                                    dim = dv.Number == 1 ? dv.Int64.ToString(System.Globalization.CultureInfo.InvariantCulture) : dv.Number == 2 ? dv.String : dim;
                                dims.Add(dim);
                            }
                    }
                }
            }
        }
        return new OnnxValueInfo(name, elem, dims);
    }

    /// <summary>The bytes of an initializer, from inline data or its external data file (next to the model).</summary>
    public byte[] ReadBytes(OnnxInitializer init)
    {
        long expected = init.ElementCount * OnnxType.Size(init.DataType);
        if (init.ExternalLocation is { } loc)
        {
            var file = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!, loc);
            if (!File.Exists(file)) throw new FileNotFoundException($"external data '{file}' of '{Path}' (tensor '{init.Name}') is missing", file);
            long length = init.ExternalLength >= 0 ? init.ExternalLength : expected;
            if (length != expected) throw new InvalidDataException($"tensor '{init.Name}' in '{Path}': external length {length} does not match its shape ({expected} bytes)");
            using var fs = File.OpenRead(file);
            if (init.ExternalOffset + length > fs.Length) throw new InvalidDataException($"external data '{file}' is truncated: tensor '{init.Name}' needs bytes up to {init.ExternalOffset + length}, file has {fs.Length}");
            var buf = new byte[length];
            fs.Position = init.ExternalOffset;
            fs.ReadExactly(buf);
            return buf;
        }
        if (init.FloatData is { } fd) return System.Runtime.InteropServices.MemoryMarshal.AsBytes(fd.AsSpan()).ToArray();
        if (init.Int64Data is { } ld) return System.Runtime.InteropServices.MemoryMarshal.AsBytes(ld.AsSpan()).ToArray();
        if (init.Raw.Length != expected) throw new InvalidDataException($"tensor '{init.Name}' in '{Path}' has {init.Raw.Length} bytes, its shape needs {expected}");
        return init.Raw.ToArray();
    }

    /// <summary>An initializer as float32 values (converting float16/bfloat16).</summary>
    public float[] ReadFloats(OnnxInitializer init) => TensorConvert.ToFloat(ReadBytes(init), init.DataType, $"{Path}:{init.Name}");
}
