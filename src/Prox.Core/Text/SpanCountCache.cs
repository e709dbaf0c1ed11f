using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prox.Text;

/// <summary>
/// A single-threaded cache from a short piece of text to a small count (its tokens), keyed by the characters themselves,
/// so a lookup allocates nothing. Use one per thread.
/// </summary>
/// <remarks>
/// <para>Open addressing with linear probing over 32-byte entries aligned to cache lines, two to a line. A key is summed
/// up by two 8-byte words: its first four and its last four UTF-16 units (overlapping when shorter than eight; zero-padded
/// below four). Together with the length these determine a key of up to 8 characters, which is then stored only in the
/// entry: the usual lookup (web text's pieces average 4.5 characters) reads one cache line and nothing else. Longer keys
/// (to <see cref="MaxKeyLength"/>) also keep their characters in an arena, compared after the words match.</para>
/// <para>When the table is full to its maximum load, or the arena full, it starts over: the hot pieces come back at once (web text is
/// Zipfian), and a bounded table stays in the processor's caches far better than an ever-growing one.</para>
/// </remarks>
internal sealed class SpanCountCache
{
    /// <summary>The default <see cref="MaxKeyLength"/>.</summary>
    public const int DefaultMaxKeyLength = 64;

    /// <summary>Computes the count of a piece missing from the cache.</summary>
    public delegate int Compute(ReadOnlySpan<char> piece);

    [StructLayout(LayoutKind.Sequential, Size = 32)]
    private struct Entry
    {
        public ulong Head;      // first 4 chars
        public ulong Tail;      // last 4 chars
        public uint Hash;
        public ushort Length;   // 0: empty slot
        public ushort Count;
        public int Offset;      // into _chars, for keys longer than 8
    }

    private readonly Entry[] _storage;   // pinned, so that _first can stay cache-line aligned
    private readonly int _first;         // index of the first entry used, at a 64-byte boundary
    private readonly char[] _chars;
    private readonly int _mask;
    private readonly int _maxEntries;
    private int _used;
    private int _charsUsed;

    /// <param name="capacityLog2">log2 of the number of slots (32 bytes each).</param>
    /// <param name="arenaChars">Characters of keys longer than 8 stored before starting over.</param>
    /// <param name="maxLoad">Fraction of the slots used before starting over (linear probing slows down past 3/4).</param>
    /// <param name="maxKeyLength">The longest key cached.</param>
    public SpanCountCache(int capacityLog2 = 18, int arenaChars = 1 << 19, double maxLoad = 0.5, int maxKeyLength = DefaultMaxKeyLength)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxKeyLength, Math.Min(arenaChars, ushort.MaxValue));
        MaxKeyLength = maxKeyLength;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxLoad, 0.9);
        int slots = 1 << capacityLog2;
        _storage = GC.AllocateArray<Entry>(slots + 2, pinned: true);
        nint address = Marshal.UnsafeAddrOfPinnedArrayElement(_storage, 0);
        _first = (int)((64 - (address & 63)) & 63) / 32;   // the array data is at least 16-byte aligned; entries are 32 bytes
        _mask = slots - 1;
        _maxEntries = Math.Max(1, (int)(slots * maxLoad));
        _chars = new char[arenaChars];
    }

    /// <summary>Pieces longer than this are not cached: the caller counts them itself (they are rare, and mostly unique).</summary>
    public int MaxKeyLength { get; }

    /// <summary>Pieces stored now.</summary>
    public int Count => _used;

    /// <summary>The count of <paramref name="key"/> (1 to <see cref="MaxKeyLength"/> characters), computed on a miss.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(ReadOnlySpan<char> key, Compute compute)
    {
        int length = key.Length;
        ref byte b = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(key));
        ulong head, tail = 0;
        if (length >= 4)
        {
            head = Unsafe.ReadUnaligned<ulong>(ref b);
            tail = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref b, (length - 4) * 2));
        }
        else
        {
            head = length switch
            {
                1 => Unsafe.ReadUnaligned<ushort>(ref b),
                2 => Unsafe.ReadUnaligned<uint>(ref b),
                _ => Unsafe.ReadUnaligned<uint>(ref b) | ((ulong)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref b, 4)) << 32),
            };
        }
        ulong mixed = (head * 0x9E3779B97F4A7C15UL) ^ (BitOperations.RotateLeft(tail, 31) * 0xC2B2AE3D27D4EB4FUL) ^ (ulong)length;
        if (length > 8) mixed ^= LongHash(key);
        mixed ^= mixed >> 29;
        mixed *= 0xBF58476D1CE4E5B9UL;
        uint hash = (uint)(mixed >> 32);

        ref Entry entries = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), _first);
        int i = (int)hash & _mask;
        while (true)
        {
            ref Entry e = ref Unsafe.Add(ref entries, i);
            if (e.Length == 0) break;
            if (e.Head == head && e.Tail == tail && e.Length == length &&
                (length <= 8 || key.SequenceEqual(new ReadOnlySpan<char>(_chars, e.Offset, length)))) return e.Count;
            i = (i + 1) & _mask;
        }
        int count = compute(key);
        Add(key, head, tail, hash, count);
        return count;
    }

    /// <summary>The middle of a key longer than 8 characters, hashed 4 characters at a time.</summary>
    private static ulong LongHash(ReadOnlySpan<char> key)
    {
        ulong h = 0;
        var words = MemoryMarshal.Cast<char, ulong>(key);
        foreach (ulong w in words) h = BitOperations.RotateLeft((h ^ w) * 0xFF51AFD7ED558CCDUL, 27);
        return h;
    }

    private void Add(ReadOnlySpan<char> key, ulong head, ulong tail, uint hash, int count)
    {
        if (count > ushort.MaxValue) return;
        bool arena = key.Length > 8;
        if (_used >= _maxEntries || (arena && _charsUsed + key.Length > _chars.Length)) Clear();
        ref Entry entries = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_storage), _first);
        int i = (int)hash & _mask;
        while (Unsafe.Add(ref entries, i).Length != 0) i = (i + 1) & _mask;
        int offset = 0;
        if (arena)
        {
            offset = _charsUsed;
            key.CopyTo(_chars.AsSpan(offset));
            _charsUsed += key.Length;
        }
        Unsafe.Add(ref entries, i) = new Entry
        {
            Head = head, Tail = tail, Hash = hash, Length = (ushort)key.Length, Count = (ushort)count, Offset = offset,
        };
        _used++;
    }

    /// <summary>Forgets every piece.</summary>
    public void Clear()
    {
        Array.Clear(_storage);
        _used = 0;
        _charsUsed = 0;
    }
}
