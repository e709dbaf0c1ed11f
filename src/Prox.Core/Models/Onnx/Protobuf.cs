using System.Buffers.Binary;
using System.Text;

namespace Prox.Models.Onnx;

/// <summary>Minimal protobuf wire-format writer: varints, length-delimited fields and nested messages.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    private void WriteRawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }

    private void WriteTag(int field, int wireType) => WriteRawVarint((ulong)((field << 3) | wireType));

    public ProtoWriter Varint(int field, long value)
    {
        WriteTag(field, 0);
        WriteRawVarint(unchecked((ulong)value));
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        WriteTag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _buffer.Write(b);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, 2);
        WriteRawVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        return Message(field, inner);
    }

    /// <summary>A packed repeated int64 field.</summary>
    public ProtoWriter PackedInt64(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (var v in values) inner.WriteRawVarint(unchecked((ulong)v));
        return Bytes(field, inner.ToArray());
    }
}

/// <summary>One field read from a protobuf message: number, wire type and either a varint/fixed value or a byte range.</summary>
internal readonly record struct ProtoField(int Number, int WireType, ulong Value, ReadOnlyMemory<byte> Data)
{
    public long Int64 => unchecked((long)Value);
    public float Single => BitConverter.Int32BitsToSingle(unchecked((int)(uint)Value));
    public string String => Encoding.UTF8.GetString(Data.Span);

    /// <summary>Values of a repeated int64 field, packed (wire type 2) or not.</summary>
    public IEnumerable<long> Int64s()
    {
        if (WireType == 0) return [Int64];
        var list = new List<long>();
        var r = new ProtoReader(Data);
        while (!r.End) list.Add(unchecked((long)r.ReadVarint()));
        return list;
    }
}

/// <summary>Minimal protobuf wire-format reader that walks the fields of one message.</summary>
internal sealed class ProtoReader(ReadOnlyMemory<byte> data)
{
    private int _pos;

    public bool End => _pos >= data.Length;

    public ulong ReadVarint()
    {
        ulong result = 0;
        var span = data.Span;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= span.Length) throw new InvalidDataException("truncated protobuf varint");
            byte b = span[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("malformed protobuf varint");
    }

    public ProtoField Next()
    {
        ulong key = ReadVarint();
        int number = (int)(key >> 3), wire = (int)(key & 7);
        var span = data.Span;
        switch (wire)
        {
            case 0: return new ProtoField(number, wire, ReadVarint(), default);
            case 1:
                Need(8);
                var v64 = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(_pos, 8));
                _pos += 8;
                return new ProtoField(number, wire, v64, default);
            case 5:
                Need(4);
                var v32 = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(_pos, 4));
                _pos += 4;
                return new ProtoField(number, wire, v32, default);
            case 2:
                ulong len = ReadVarint();
                if (len > (ulong)(data.Length - _pos)) throw new InvalidDataException("truncated protobuf field");
                var slice = data.Slice(_pos, (int)len);
                _pos += (int)len;
                return new ProtoField(number, wire, 0, slice);
            default: throw new InvalidDataException($"unsupported protobuf wire type {wire}");
        }
    }

    private void Need(int n)
    {
        if (_pos + n > data.Length) throw new InvalidDataException("truncated protobuf field");
    }

    public IEnumerable<ProtoField> Fields()
    {
        while (!End) yield return Next();
    }
}
