using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prox.Text;

/// <summary>
/// A single-threaded cache from a short piece of text to a small count (its tokens), keyed by the characters themselves:
/// an open-addressing table (linear probing) whose entries point into one character arena, so a lookup hashes the span
/// and compares it with the stored characters without allocating a string. When the table is half full or the arena is
/// full, it starts over (the hot pieces come back at once; web text is Zipfian). Use one per thread.
/// </summary>
internal sealed class SpanCountCache
{
    /// <summary>Pieces longer than this are not cached (they are rare and their counts are cheap to recompute).</summary>
    public const int MaxKeyLength = 64;

    [StructLayout(LayoutKind.Sequential)]
    private struct Entry
    {
        public uint Hash;
        public int Offset;      // into _chars
        public ushort Length;   // 0: empty slot
        public ushort Count;
    }

    private readonly Entry[] _entries;
    private readonly char[] _chars;
    private readonly int _mask;
    private readonly int _maxEntries;
    private int _used;
    private int _charsUsed;

    /// <param name="capacityLog2">log2 of the number of slots; half of them are used before starting over.</param>
    /// <param name="arenaChars">Characters of keys stored before starting over.</param>
    public SpanCountCache(int capacityLog2 = 18, int arenaChars = 1 << 20)
    {
        _entries = new Entry[1 << capacityLog2];
        _mask = _entries.Length - 1;
        _maxEntries = _entries.Length / 2;
        _chars = new char[arenaChars];
    }

    /// <summary>Pieces stored now.</summary>
    public int Count => _used;

    /// <summary>Hash of a span: 4 characters at a time, multiply-rotate, then a final mix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ReadOnlySpan<char> key)
    {
        ref byte b = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(key));
        int bytes = key.Length * 2;
        ulong h = (ulong)bytes * 0x9E3779B97F4A7C15UL;
        int i = 0;
        for (; i + 8 <= bytes; i += 8)
            h = BitOperations.RotateLeft((h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, i))) * 0xFF51AFD7ED558CCDUL, 29);
        if (i < bytes)
        {
            ulong tail = 0;
            int left = bytes - i;   // 2, 4 or 6
            if ((left & 4) != 0)
            {
                tail = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref b, i));
                i += 4;
            }
            if ((left & 2) != 0) tail = (tail << 16) | Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref b, i));
            h = BitOperations.RotateLeft((h ^ tail) * 0xC4CEB9FE1A85EC53UL, 29);
        }
        h ^= h >> 32;
        h *= 0xFF51AFD7ED558CCDUL;
        return (uint)(h >> 32);
    }

    /// <summary>The cached count of <paramref name="key"/> (1 to <see cref="MaxKeyLength"/> characters), or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int TryGet(ReadOnlySpan<char> key, uint hash)
    {
        ref Entry entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        int i = (int)hash & _mask;
        while (true)
        {
            ref Entry e = ref Unsafe.Add(ref entries, i);
            if (e.Length == 0) return -1;
            if (e.Hash == hash && e.Length == key.Length &&
                key.SequenceEqual(new ReadOnlySpan<char>(_chars, e.Offset, key.Length))) return e.Count;
            i = (i + 1) & _mask;
        }
    }

    /// <summary>Stores the count of <paramref name="key"/> (not present; 1 to <see cref="MaxKeyLength"/> characters).</summary>
    public void Add(ReadOnlySpan<char> key, uint hash, int count)
    {
        if (count > ushort.MaxValue) return;
        if (_used >= _maxEntries || _charsUsed + key.Length > _chars.Length) Clear();
        ref Entry entries = ref MemoryMarshal.GetArrayDataReference(_entries);
        int i = (int)hash & _mask;
        while (Unsafe.Add(ref entries, i).Length != 0) i = (i + 1) & _mask;
        key.CopyTo(_chars.AsSpan(_charsUsed));
        Unsafe.Add(ref entries, i) = new Entry { Hash = hash, Offset = _charsUsed, Length = (ushort)key.Length, Count = (ushort)count };
        _charsUsed += key.Length;
        _used++;
    }

    /// <summary>Forgets every piece.</summary>
    public void Clear()
    {
        Array.Clear(_entries);
        _used = 0;
        _charsUsed = 0;
    }
}
