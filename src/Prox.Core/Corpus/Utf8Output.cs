using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Json;

namespace Prox.Corpus;

/// <summary>
/// A pooled, growable byte buffer that JSON records are assembled in before they go to the (compressing) output stream
/// in large writes.
/// </summary>
internal sealed class Utf8Output : IDisposable
{
    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    private byte[] _buf;
    private int _pos;

    public Utf8Output(int initialSize = 1 << 18) => _buf = ArrayPool<byte>.Shared.Rent(initialSize);

    public int Length => _pos;
    public ReadOnlySpan<byte> WrittenSpan => _buf.AsSpan(0, _pos);

    public void Clear() => _pos = 0;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_pos));
        _pos += bytes.Length;
    }

    public void Write(byte b)
    {
        Ensure(1);
        _buf[_pos++] = b;
    }

    /// <summary>Writes <paramref name="text"/> as a JSON string (quotes included): UTF-8, escaping only <c>"</c>,
    /// <c>\</c> and control characters. Lone surrogates become U+FFFD.</summary>
    public void WriteJsonString(string text)
    {
        // One pass: find the next character to escape in the UTF-16 text and transcode the run before it straight
        // into the buffer. Runs end at ASCII characters, so a surrogate pair is never cut in two.
        Write((byte)'"');
        ReadOnlySpan<char> rest = text;
        while (true)
        {
            int i = JsonStrings.IndexOfSpecial(rest);
            var run = i < 0 ? rest : rest[..i];
            Ensure(run.Length * 3);
            System.Text.Unicode.Utf8.FromUtf16(run, _buf.AsSpan(_pos), out _, out int written, replaceInvalidSequences: true);
            _pos += written;
            if (i < 0) break;
            WriteEscape((byte)rest[i]);
            rest = rest[(i + 1)..];
        }
        Write((byte)'"');
    }

    /// <summary>Writes valid UTF-8 <paramref name="utf8"/> as a JSON string (quotes included).</summary>
    public void WriteJsonString(ReadOnlySpan<byte> utf8)
    {
        Write((byte)'"');
        while (true)
        {
            int i = JsonStrings.IndexOfSpecial(utf8);
            if (i < 0)
            {
                Write(utf8);
                break;
            }
            Write(utf8[..i]);
            WriteEscape(utf8[i]);
            utf8 = utf8[(i + 1)..];
        }
        Write((byte)'"');
    }

    private void WriteEscape(byte b)
    {
        Ensure(6);
        var s = _buf.AsSpan(_pos);
        s[0] = (byte)'\\';
        byte simple = b switch { (byte)'"' => (byte)'"', (byte)'\\' => (byte)'\\', (byte)'\n' => (byte)'n', (byte)'\r' => (byte)'r', (byte)'\t' => (byte)'t', 8 => (byte)'b', 12 => (byte)'f', _ => 0 };
        if (simple != 0)
        {
            s[1] = simple;
            _pos += 2;
            return;
        }
        s[1] = (byte)'u';
        s[2] = (byte)'0';
        s[3] = (byte)'0';
        s[4] = Hex[b >> 4];
        s[5] = Hex[b & 0xF];
        _pos += 6;
    }

    /// <summary>Writes a JSON object holding the members of <paramref name="metadata"/> (a JSON object, or empty
    /// for none) except any <c>prox</c>, then <c>"prox":</c><paramref name="prox"/>. Member bytes are copied as they
    /// are. A metadata value that is not an object or null is kept under <c>"_original"</c>.</summary>
    public void WriteMetadataWithProx(ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> prox)
    {
        Write((byte)'{');
        if (!metadata.IsEmpty)
        {
            var reader = new Utf8JsonReader(metadata, JsonLimits.ReaderOptions);
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var start = (int)reader.TokenStartIndex;
                    bool isProx = reader.ValueTextEquals("prox"u8);
                    reader.Read();
                    reader.Skip();
                    if (isProx) continue;
                    Write(metadata[start..(int)reader.BytesConsumed]);
                    Write((byte)',');
                }
            }
            else if (reader.TokenType != JsonTokenType.Null)
            {
                Write("\"_original\":"u8);
                Write(metadata);
                Write((byte)',');
            }
        }
        Write("\"prox\":"u8);
        Write(prox);
        Write((byte)'}');
    }

    public void CopyTo(Stream stream)
    {
        stream.Write(_buf, 0, _pos);
        _pos = 0;
    }

    private void Ensure(int extra)
    {
        if (_pos + extra <= _buf.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buf.Length * 2, _pos + extra));
        _buf.AsSpan(0, _pos).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buf);
        _buf = bigger;
    }

    public void Dispose()
    {
        if (_buf.Length > 0) ArrayPool<byte>.Shared.Return(_buf);
        _buf = [];
    }
}
