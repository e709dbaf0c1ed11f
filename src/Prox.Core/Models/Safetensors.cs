using Prox.IO;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Prox.Models.Onnx;

namespace Prox.Models;

/// <summary>One tensor entry of a safetensors header.</summary>
internal sealed record SafetensorsEntry(string Name, string Dtype, long[] Shape, long Begin, long End, string File)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a JSON header
/// (<c>name → {dtype, shape, data_offsets}</c>), then the raw little-endian tensor bytes. Supports F32, F16 and BF16.
/// </summary>
internal sealed class SafetensorsFile
{
    private const long MaxHeader = 100L << 20;
    public string Path { get; }
    public long DataStart { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    private SafetensorsFile(string path, long dataStart, Dictionary<string, SafetensorsEntry> entries)
    {
        Path = path; DataStart = dataStart; Entries = entries;
    }

    public static SafetensorsFile Open(string path)
    {
        if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"safetensors file '{path}' does not exist", path);
        using var fs = System.IO.File.OpenRead(path);
        Span<byte> len = stackalloc byte[8];
        if (fs.Length < 8) throw new InvalidDataException($"'{path}' is not a safetensors file: shorter than its 8-byte header length");
        fs.ReadExactly(len);
        long headerLen = (long)BinaryPrimitives.ReadUInt64LittleEndian(len);
        if (headerLen <= 0 || headerLen > MaxHeader || 8 + headerLen > fs.Length)
            throw new InvalidDataException($"'{path}' is not a safetensors file: header length {headerLen} is invalid for a file of {fs.Length} bytes");
        var header = new byte[headerLen];
        fs.ReadExactly(header);
        JsonObject root;
        try { root = JsonNode.Parse(header) as JsonObject ?? throw new InvalidDataException("header is not a JSON object"); }
        catch (JsonException e) { throw new InvalidDataException($"'{path}': safetensors header is not valid JSON: {e.Message}", e); }
        long dataStart = 8 + headerLen, dataLen = fs.Length - dataStart;
        var entries = new Dictionary<string, SafetensorsEntry>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__") continue;
            try
            {
                var o = node as JsonObject ?? throw new InvalidDataException("entry is not an object");
                var dtype = o["dtype"]?.GetValue<string>() ?? throw new InvalidDataException("no dtype");
                var shape = (o["shape"] as JsonArray ?? throw new InvalidDataException("no shape")).Select(d => d!.GetValue<long>()).ToArray();
                var offs = o["data_offsets"] as JsonArray ?? throw new InvalidDataException("no data_offsets");
                if (offs.Count != 2) throw new InvalidDataException("data_offsets must hold two numbers");
                var e = new SafetensorsEntry(name, dtype, shape, offs[0]!.GetValue<long>(), offs[1]!.GetValue<long>(), path);
                if (e.Begin < 0 || e.End < e.Begin || e.End > dataLen)
                    throw new InvalidDataException($"data_offsets [{e.Begin}, {e.End}] lie outside the {dataLen} data bytes (file truncated?)");
                int size = ElementSize(dtype);
                if (size > 0 && e.End - e.Begin != e.ElementCount * size)
                    throw new InvalidDataException($"{e.End - e.Begin} bytes do not match shape [{string.Join(", ", shape)}] of {dtype}");
                entries[name] = e;
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"'{path}': tensor '{name}': {ex.Message}", ex);
            }
        }
        return new SafetensorsFile(path, dataStart, entries);
    }

    /// <summary>Bytes per element of a safetensors dtype, 0 for dtypes Prox cannot load as weights.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F32" or "I32" or "U32" => 4, "F16" or "BF16" or "I16" or "U16" => 2, "F64" or "I64" or "U64" => 8, "I8" or "U8" or "BOOL" => 1, _ => 0,
    };

    /// <summary>Reads one tensor as float32 (F32, F16 or BF16 stored).</summary>
    public float[] ReadFloats(SafetensorsEntry e)
    {
        int onnxType = e.Dtype switch
        {
            "F32" => OnnxType.Float, "F16" => OnnxType.Float16, "BF16" => OnnxType.BFloat16,
            _ => throw new InvalidDataException($"'{Path}': tensor '{e.Name}' has dtype {e.Dtype}; only F32, F16 and BF16 weights are supported"),
        };
        long n = e.End - e.Begin;
        if (n > Array.MaxLength) throw new InvalidDataException($"'{Path}': tensor '{e.Name}' is too large ({n} bytes)");
        var buf = new byte[n];
        using (var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        {
            fs.Position = DataStart + e.Begin;
            fs.ReadExactly(buf);
        }
        return TensorConvert.ToFloat(buf, onnxType, $"{Path}:{e.Name}");
    }
}

/// <summary>Writes a safetensors file (F32 or F16); tensors are produced one at a time and the file appears only when complete.</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<(string Name, long[] Shape, float[] Data)> tensors, bool fp16 = false) =>
        Write(path, tensors.Select(t => (t.Name, t.Shape)).ToList(), name => tensors.First(t => t.Name == name).Data, fp16);

    /// <summary>Writes tensors in the order of <paramref name="layout"/>, asking <paramref name="data"/> for each one's values.</summary>
    public static void Write(string path, IReadOnlyList<(string Name, long[] Shape)> layout, Func<string, float[]> data, bool fp16 = false)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        int size = fp16 ? 2 : 4;
        foreach (var (name, shape) in layout)
        {
            long len = shape.Aggregate(1L, (a, d) => a * d) * size;
            header[name] = new JsonObject
            {
                ["dtype"] = fp16 ? "F16" : "F32",
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + len),
            };
            offset += len;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - headerBytes.Length % 8) % 8;
        var padded = new byte[headerBytes.Length + pad];
        headerBytes.CopyTo(padded, 0);
        for (int i = headerBytes.Length; i < padded.Length; i++) padded[i] = (byte)' ';
        AtomicFile.Write(path, fs =>
        {
            Span<byte> len8 = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(len8, (ulong)padded.Length);
            fs.Write(len8);
            fs.Write(padded);
            foreach (var (name, shape) in layout)
            {
                var values = data(name);
                long expected = shape.Aggregate(1L, (a, d) => a * d);
                if (expected != values.Length) throw new ArgumentException($"tensor '{name}': {values.Length} values do not match shape [{string.Join(", ", shape)}]");
                fs.Write(fp16 ? TensorConvert.ToHalfBytes(values) : MemoryMarshal.AsBytes(values.AsSpan()));
            }
        });
    }
}
