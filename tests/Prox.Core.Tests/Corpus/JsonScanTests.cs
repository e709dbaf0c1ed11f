using Prox.Corpus;

namespace Prox.Tests.Corpus;

/// <summary>The vectorized "next byte/char that ends plain JSON string content" scans against their plain definition.</summary>
public class JsonScanTests
{
    private static int Plain(ReadOnlySpan<byte> s)
    {
        for (var i = 0; i < s.Length; i++) if (s[i] is (byte)'"' or (byte)'\\' or < 0x20) return i;
        return -1;
    }

    private static int Plain(ReadOnlySpan<char> s)
    {
        for (var i = 0; i < s.Length; i++) if (s[i] is '"' or '\\' or < (char)0x20) return i;
        return -1;
    }

    [Fact]
    public void Byte_scan_agrees_with_the_definition_at_every_length_and_offset()
    {
        var rng = new Random(11);
        byte[] pool = [(byte)'a', (byte)' ', (byte)'"', (byte)'\\', 0x00, 0x1F, 0x20, 0x7F, 0x80, 0xC3, 0xFF, (byte)'n'];
        for (var round = 0; round < 20_000; round++)
        {
            var len = rng.Next(0, 140);
            var data = new byte[len];
            // Mostly plain content with a few special bytes, so that hits land in every lane and in the tail.
            for (var i = 0; i < len; i++) data[i] = rng.Next(12) == 0 ? pool[rng.Next(pool.Length)] : (byte)('a' + rng.Next(26));
            var from = len == 0 ? 0 : rng.Next(len);
            Assert.Equal(Plain(data.AsSpan(from)), JsonStrings.IndexOfSpecial(data.AsSpan(from)));
        }
        for (var b = 0; b < 256; b++)
        {
            var data = new byte[70];
            Array.Fill(data, (byte)'x');
            data[37] = (byte)b;
            Assert.Equal(Plain(data), JsonStrings.IndexOfSpecial(data));
        }
    }

    [Fact]
    public void Char_scan_agrees_with_the_definition_at_every_length_and_offset()
    {
        var rng = new Random(12);
        char[] pool = ['a', ' ', '"', '\\', '\0', '\u001f', '\u0020', '\u007f', 'é', '\u2028', '\ud83d', '\ude00', '\uffff', '\u5c22', '\u2200'];
        for (var round = 0; round < 20_000; round++)
        {
            var len = rng.Next(0, 90);
            var data = new char[len];
            for (var i = 0; i < len; i++) data[i] = rng.Next(10) == 0 ? pool[rng.Next(pool.Length)] : (char)('a' + rng.Next(26));
            var from = len == 0 ? 0 : rng.Next(len);
            Assert.Equal(Plain(data.AsSpan(from)), JsonStrings.IndexOfSpecial(data.AsSpan(from)));
        }
        for (var c = 0; c < 0x10000; c += c < 0x300 ? 1 : 97)
        {
            var data = new string('x', 40).ToCharArray();
            data[21] = (char)c;
            Assert.Equal(Plain(data), JsonStrings.IndexOfSpecial(data));
        }
    }
}
