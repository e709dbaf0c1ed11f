namespace Prox.Models;

/// <summary>
/// The suffix automaton of a byte string: the smallest automaton that accepts exactly its substrings. Built in linear
/// time (at most 2n states and 3n transitions for n bytes); walking it byte by byte tells whether the bytes so far
/// still occur in the text. State 0 is the empty string. The root's transitions are a table; the others are short
/// lists in flat arrays, so a chunk's automaton is a handful of arrays, not an object per state.
/// </summary>
internal sealed class SubstringAutomaton
{
    private readonly int[] _root = new int[256];
    private int[] _length, _link, _head;
    private int[] _edgeTarget, _edgeNext;
    private byte[] _edgeByte;
    private int _states, _edges;

    /// <summary>The automaton of <paramref name="text"/>.</summary>
    public SubstringAutomaton(ReadOnlySpan<byte> text)
    {
        int capacity = 2 * text.Length + 2;
        _length = new int[capacity];
        _link = new int[capacity];
        _head = new int[capacity];
        _edgeTarget = new int[3 * text.Length + 4];
        _edgeNext = new int[_edgeTarget.Length];
        _edgeByte = new byte[_edgeTarget.Length];
        Array.Fill(_root, -1);
        _head[0] = -1;
        _link[0] = -1;
        _states = 1;
        int last = 0;
        foreach (var c in text) last = Extend(last, c);
    }

    /// <summary>States (the empty string's included).</summary>
    public int StateCount => _states;

    /// <summary>The state after reading <paramref name="b"/> in <paramref name="state"/>, or -1 when the bytes read then occur nowhere in the text.</summary>
    public int Step(int state, byte b)
    {
        if (state == 0) return _root[b];
        for (int e = _head[state]; e >= 0; e = _edgeNext[e])
            if (_edgeByte[e] == b) return _edgeTarget[e];
        return -1;
    }

    /// <summary>Calls <paramref name="visit"/> with every byte that may follow in <paramref name="state"/>.</summary>
    public void ForEachNext(int state, Action<byte> visit)
    {
        if (state == 0)
        {
            for (int b = 0; b < 256; b++) if (_root[b] >= 0) visit((byte)b);
            return;
        }
        for (int e = _head[state]; e >= 0; e = _edgeNext[e]) visit(_edgeByte[e]);
    }

    private int NewState(int length, int link)
    {
        int s = _states++;
        _length[s] = length;
        _link[s] = link;
        _head[s] = -1;
        return s;
    }

    private void Set(int state, byte b, int target)
    {
        if (state == 0) { _root[b] = target; return; }
        for (int e = _head[state]; e >= 0; e = _edgeNext[e])
            if (_edgeByte[e] == b) { _edgeTarget[e] = target; return; }
        if (_edges == _edgeTarget.Length)
        {
            Array.Resize(ref _edgeTarget, _edges * 2);
            Array.Resize(ref _edgeNext, _edges * 2);
            Array.Resize(ref _edgeByte, _edges * 2);
        }
        int n = _edges++;
        _edgeByte[n] = b;
        _edgeTarget[n] = target;
        _edgeNext[n] = _head[state];
        _head[state] = n;
    }

    private int Extend(int last, byte c)
    {
        int cur = NewState(_length[last] + 1, 0);
        int p = last;
        while (p >= 0 && Step(p, c) < 0) { Set(p, c, cur); p = _link[p]; }
        if (p < 0) return cur;
        int q = Step(p, c);
        if (_length[p] + 1 == _length[q]) { _link[cur] = q; return cur; }
        int clone = NewState(_length[p] + 1, _link[q]);
        for (int e = _head[q]; e >= 0; e = _edgeNext[e]) Set(clone, _edgeByte[e], _edgeTarget[e]);
        while (p >= 0 && Step(p, c) == q) { Set(p, c, clone); p = _link[p]; }
        _link[q] = clone;
        _link[cur] = clone;
        return cur;
    }
}
