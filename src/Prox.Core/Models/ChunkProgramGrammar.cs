using System.Text;

namespace Prox.Models;

/// <summary>
/// Grammar-constrained decoding of one chunk program: at every step only the tokens that keep the output a prefix of a
/// valid Strict-dialect chunk program for this chunk are left, and end-of-sequence only once the output is complete.
/// </summary>
/// <remarks>
/// <para>The language (the canonical form the published models write, one call per line, lines joined by <c>\n</c>,
/// at least one call, one optional space before the first, one optional line break after the last):</para>
/// <code>
/// remove_lines(line_start=A, line_end=B)          first ≤ A ≤ B ≤ last line of the chunk (global [NNN] numbers, no leading zeros)
/// normalize(source_str="S", target_str="T")       S: 1 … 200 bytes that occur in the chunk's text, not "" or " "
///                                                 T: any text no longer (in UTF-8 bytes) than S
/// keep_chunk()   skip_chunk()   untouch_doc()
/// </code>
/// <para>Strings take <c>\"</c> and <c>\\</c> as escapes and no control characters (so no line break: a source never spans
/// lines); both are whole UTF-8 characters. Every program of the language parses in the Strict dialect without an
/// error and executes the same way in the Reference dialect, unless a string holds <c>,</c> <c>=</c> <c>)</c> or an escape
/// (cut or kept literally there).</para>
/// <para>The grammar runs on the UTF-8 bytes the tokens add to the text, so a token may span two parts of a call
/// (<c>")</c>, <c>(</c><c>line</c>, a byte token of a multi-byte character). It also knows the token budget: a token is
/// allowed only when the shortest completion after it (counted as one token per byte: every byte is a token of the
/// LLaMA vocabulary) still fits, so a decoding stopped by the new-token limit ends with a complete program too.</para>
/// <para>Per step the mask walks the vocabulary's byte trie (<see cref="TokenByteIndex"/>) from the current state,
/// leaving every subtree at the first byte the grammar rejects; inside a target string, where almost every token
/// fits, it clears only the plain string tokens longer than the room left (the tail of a list sorted by length) and the
/// other tokens that fail when checked byte by byte. The chunk's text is indexed by a suffix automaton (<see cref="SubstringAutomaton"/>) over at most its
/// first <see cref="MaxIndexedBytes"/> bytes.</para>
/// </remarks>
internal sealed class ChunkProgramGrammar : ITokenConstraint
{
    /// <summary>The longest normalize source, in UTF-8 bytes.</summary>
    public const int MaxSourceBytes = 200;

    /// <summary>How much of a chunk's text (UTF-8 bytes, from its start) sources are looked up in.</summary>
    public const int MaxIndexedBytes = 1 << 16;

    /// <summary>Tokens the shortest program takes at worst (<c>keep_chunk()</c>, a byte token each): a budget below it cannot hold a program.</summary>
    public const int ShortestProgramTokens = 12;

    private const int HeadRemove = 0, HeadNormalize = 1;
    private static readonly byte[][] Heads =
    [
        "remove_lines(line_start="u8.ToArray(),
        "normalize(source_str=\""u8.ToArray(),
        "keep_chunk()"u8.ToArray(),
        "skip_chunk()"u8.ToArray(),
        "untouch_doc()"u8.ToArray(),
    ];

    private const int LiteralLineEnd = 0, LiteralTarget = 1, LiteralClose = 2;
    private static readonly byte[][] Literals =
    [
        ", line_end="u8.ToArray(),        // entered on its ',' (ends the first number)
        ", target_str=\""u8.ToArray(),    // after the source's closing quote
        ")"u8.ToArray(),                  // after the target's closing quote
    ];

    /// <summary>Bytes from a complete source to the end of the call: <c>", target_str="")</c>.</summary>
    private const int AfterSource = 17;

    /// <summary>Bytes from a complete target to the end of the call: <c>")</c>.</summary>
    private const int AfterTarget = 2;

    private enum Phase : byte { Start, Head, Literal, Number1, Number2, Source, Target, LineEnd, Done }

    private struct State
    {
        public Phase Phase;
        public byte Pos;          // Head, Literal: bytes of it matched
        public byte Heads;        // Head: the calls still possible (bits)
        public byte Literal;      // Literal: which
        public byte Pending;      // strings: continuation bytes of a UTF-8 character still due
        public byte ContLo, ContHi;
        public bool Escape;       // strings: after a backslash
        public bool Space;        // source: exactly " " so far
        public bool AfterCall;    // Head: a line break after a complete call (the output may end here)
        public int Digits;        // numbers: digits written
        public long Value;        // numbers: their value
        public long LineStart;    // the first number, bounding the second
        public int Sam;           // source: automaton state
        public int Length;        // strings: decoded bytes
        public int SourceLength;  // target: the source's length, its limit
    }

    private readonly TokenByteIndex _vocab;
    private readonly SubstringAutomaton _text;
    private readonly long _first, _last;
    private readonly int _eos, _maxTokens;
    private readonly byte _initialHeads;
    private readonly int _sourceStartCost;      // bytes of the shortest valid source (0: the chunk has none)
    private readonly int _spaceExtensionCost;   // bytes that make " " a valid source (0: nothing follows a space)
    private State _state;
    private int _used;
    // Scratch of one Mask call, shared by the grammars of a thread (a batch decoder masks its sequences one after another).
    [ThreadStatic] private static int[]? t_allowed;
    [ThreadStatic] private static float[]? t_saved;
    private int[] _allowed = [];
    private int _count;

    /// <summary>A grammar for the chunk of <paramref name="lineCount"/> lines from global line <paramref name="firstLine"/>.</summary>
    /// <param name="vocabulary">The tokenizer's byte index.</param>
    /// <param name="chunkText">The chunk's lines as the document has them (no <c>[NNN]</c> numbers).</param>
    /// <param name="firstLine">The chunk's first global line number.</param>
    /// <param name="lineCount">Its lines (at least one).</param>
    /// <param name="maxNewTokens">The decoding's new-token limit (at least <see cref="ShortestProgramTokens"/>).</param>
    /// <param name="eosId">The end-of-sequence token.</param>
    public ChunkProgramGrammar(TokenByteIndex vocabulary, ReadOnlySpan<char> chunkText, int firstLine, int lineCount, int maxNewTokens, int eosId)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentOutOfRangeException.ThrowIfNegative(firstLine);
        ArgumentOutOfRangeException.ThrowIfLessThan(lineCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNewTokens, ShortestProgramTokens);
        _vocab = vocabulary;
        _first = firstLine;
        _last = (long)firstLine + lineCount - 1;
        _eos = eosId;
        _maxTokens = maxNewTokens;
        _text = new SubstringAutomaton(IndexedBytes(chunkText));

        int space = _text.Step(0, (byte)' ');
        if (space >= 0)
        {
            int min = 0;
            _text.ForEachNext(space, b => { int c = CharCost(b); if (c > 0 && (min == 0 || c < min)) min = c; });
            _spaceExtensionCost = min;
        }
        int start = 0;
        _text.ForEachNext(0, b =>
        {
            int c = b == (byte)' ' ? (_spaceExtensionCost > 0 ? 1 + _spaceExtensionCost : 0) : CharCost(b);
            if (c > 0 && (start == 0 || c < start)) start = c;
        });
        _sourceStartCost = start;
        _initialHeads = (byte)((1 << Heads.Length) - 1);
        if (_sourceStartCost == 0) _initialHeads &= unchecked((byte)~(1 << HeadNormalize));
        _state = new State { Phase = Phase.Start };
    }

    /// <summary>True once the output is a complete program (end-of-sequence allowed, or written).</summary>
    public bool IsComplete => CanEnd(_state) || _state.Phase == Phase.Done;

    /// <summary>After a complete call, or the line break after one: end-of-sequence may come.</summary>
    private static bool CanEnd(in State s) => s.Phase == Phase.LineEnd || s.Phase == Phase.Head && s.Pos == 0 && s.AfterCall;

    /// <summary>Where the output stands, for benchmarks: Start, Head, Literal, Number1, Number2, Source, Target, LineEnd or Done.</summary>
    internal string PhaseName => _state.Phase.ToString();

    /// <summary>Tokens told so far (end-of-sequence not counted).</summary>
    public int TokensUsed => _used;

    /// <summary>
    /// The chunk's text as UTF-8, at most <see cref="MaxIndexedBytes"/> bytes, cut at a character. A lone surrogate
    /// becomes a 0 byte, which no string reads, so no source holds the replacement character UTF-8 would put there.
    /// </summary>
    internal static byte[] IndexedBytes(ReadOnlySpan<char> text)
    {
        var bytes = new byte[(int)Math.Min(MaxIndexedBytes, 3L * text.Length)];
        int n = 0;
        Span<byte> one = stackalloc byte[4];
        while (!text.IsEmpty)
        {
            int width;
            if (Rune.DecodeFromUtf16(text, out var rune, out int used) == System.Buffers.OperationStatus.Done)
                width = rune.EncodeToUtf8(one);
            else
            {
                one[0] = 0;
                width = 1;
            }
            if (n + width > bytes.Length) break;
            one[..width].CopyTo(bytes.AsSpan(n));
            n += width;
            text = text[Math.Max(used, 1)..];
        }
        return bytes[..n];
    }

    /// <inheritdoc/>
    public void Mask(Span<float> logits)
    {
        int remaining = _maxTokens - _used;
        if (_state.Phase == Phase.Target && !_state.Escape && _state.Pending == 0)
        {
            MaskInTarget(logits, remaining);
            return;
        }
        // Elsewhere few tokens fit: collect them, keep their logits, clear the rest.
        _allowed = t_allowed ??= new int[1024];
        _count = 0;
        if (_state.Phase != Phase.Done) Walk(0, _state, remaining);
        t_allowed = _allowed;   // grown by Add
        var saved = t_saved is { } s && s.Length >= _count ? s : t_saved = new float[Math.Max(_count, 1024)];
        int kept = 0;
        for (int k = 0; k < _count; k++)
        {
            int id = _allowed[k];
            if ((uint)id >= (uint)logits.Length) continue;
            _allowed[kept] = id;
            saved[kept++] = logits[id];
        }
        bool eos = CanEnd(_state) && (uint)_eos < (uint)logits.Length;
        float eosLogit = eos ? logits[_eos] : 0;
        logits.Fill(float.NegativeInfinity);
        for (int k = 0; k < kept; k++) logits[_allowed[k]] = saved[k];
        if (eos) logits[_eos] = eosLogit;
        _count = kept;
    }

    /// <summary>
    /// Inside a target string almost every token fits: clear only those that do not — the plain tokens longer than the
    /// room left (the tail of the list sorted by length), the other tokens that fail byte by byte, the special tokens.
    /// </summary>
    private void MaskInTarget(Span<float> logits, int remaining)
    {
        int n = 1 + AfterTarget <= remaining ? _vocab.PlainCountAtMost(_state.SourceLength - _state.Length) : 0;
        var plain = _vocab.PlainByLength;
        for (int i = n; i < plain.Length; i++)
            if ((uint)plain[i] < (uint)logits.Length) logits[plain[i]] = float.NegativeInfinity;
        foreach (var id in _vocab.NotPlain)
        {
            if ((uint)id >= (uint)logits.Length) continue;
            var t = _state;
            if (!TryStep(ref t, _vocab.BytesOf(id)) || 1 + MinToFinish(t) > remaining) logits[id] = float.NegativeInfinity;
        }
        foreach (var id in _vocab.WithoutBytes)
            if ((uint)id < (uint)logits.Length) logits[id] = float.NegativeInfinity;   // end-of-sequence included: the call is open
        if (logits.Length > _vocab.Size) logits[_vocab.Size..].Fill(float.NegativeInfinity);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The token does not continue the program (the decoder ignored the mask).</exception>
    public void Advance(int token)
    {
        if (token == _eos)
        {
            if (!CanEnd(_state))
                throw new InvalidOperationException("end-of-sequence before the chunk program is complete");
            _state.Phase = Phase.Done;
            return;
        }
        var t = _state;
        if (!TryStep(ref t, _vocab.BytesOf(token)))
            throw new InvalidOperationException($"token {token} does not continue a valid chunk program here");
        _state = t;
        _used++;
    }

    /// <summary>Whether <paramref name="token"/> would be left by <see cref="Mask"/> now (for tests: one mask computation).</summary>
    internal bool Allows(int token, int vocabularySize)
    {
        var logits = new float[vocabularySize];
        Mask(logits);
        return (uint)token < (uint)logits.Length && !float.IsNegativeInfinity(logits[token]);
    }

    /// <summary>The tokens <see cref="Mask"/> leaves, computed by walking the whole trie (the reference the target-string shortcut must equal).</summary>
    internal HashSet<int> AllowedByWalk()
    {
        _allowed = new int[1024];
        _count = 0;
        if (_state.Phase != Phase.Done) Walk(0, _state, _maxTokens - _used);
        var set = new HashSet<int>();
        for (int k = 0; k < _count; k++) set.Add(_allowed[k]);
        return set;
    }

    private void Add(int id)
    {
        if (_count == _allowed.Length) Array.Resize(ref _allowed, _allowed.Length * 2);
        _allowed[_count++] = id;
    }

    private void Walk(int node, State s, int remaining)
    {
        var firstChild = _vocab.FirstChild;
        var next = _vocab.NextSibling;
        var edge = _vocab.NodeByte;
        var starts = _vocab.NodeTokenStart;
        var tokens = _vocab.NodeTokens;
        for (int child = firstChild[node]; child >= 0; child = next[child])
        {
            var t = s;
            if (!Step(ref t, edge[child])) continue;
            int a = starts[child], b = starts[child + 1];
            if (a < b && 1 + MinToFinish(t) <= remaining)
                for (int i = a; i < b; i++) Add(tokens[i]);
            if (firstChild[child] >= 0) Walk(child, t, remaining);
        }
    }

    private bool TryStep(ref State s, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return false;
        foreach (var b in bytes) if (!Step(ref s, b)) return false;
        return true;
    }

    /// <summary>One byte of output: false when no valid program continues with it.</summary>
    private bool Step(ref State s, byte b)
    {
        switch (s.Phase)
        {
            case Phase.Start:
                s.Phase = Phase.Head;
                s.Pos = 0;
                s.Heads = _initialHeads;
                if (b == (byte)' ') return true;   // the space before the first call (trimmed from the output)
                return Step(ref s, b);

            case Phase.Head:
            {
                int left = 0, done = -1;
                for (int h = 0; h < Heads.Length; h++)
                {
                    if ((s.Heads & (1 << h)) == 0 || Heads[h][s.Pos] != b) continue;
                    left |= 1 << h;
                    if (s.Pos + 1 == Heads[h].Length) done = h;
                }
                if (left == 0) return false;
                s.Heads = (byte)left;
                s.Pos++;
                if (done < 0) return true;
                // No head is a prefix of another: the one that ended is the only one left.
                if (done == HeadRemove) { s.Phase = Phase.Number1; s.Digits = 0; s.Value = 0; }
                else if (done == HeadNormalize) { s.Phase = Phase.Source; s.Sam = 0; s.Length = 0; s.Pending = 0; s.Escape = false; s.Space = false; }
                else s.Phase = Phase.LineEnd;
                return true;
            }

            case Phase.Literal:
            {
                var lit = Literals[s.Literal];
                if (lit[s.Pos] != b) return false;
                s.Pos++;
                if (s.Pos < lit.Length) return true;
                switch (s.Literal)
                {
                    case LiteralLineEnd: s.Phase = Phase.Number2; s.Digits = 0; s.Value = 0; break;
                    case LiteralTarget: s.Phase = Phase.Target; s.Length = 0; s.Pending = 0; s.Escape = false; break;
                    default: s.Phase = Phase.LineEnd; break;
                }
                return true;
            }

            case Phase.Number1:
            case Phase.Number2:
            {
                long lo = s.Phase == Phase.Number1 ? _first : s.LineStart;
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    if (s.Digits == 1 && s.Value == 0 || s.Digits >= 18) return false;   // no leading zeros
                    long v = s.Value * 10 + (b - '0');
                    if (MinDigits(v, s.Digits + 1, lo, _last) < 0) return false;
                    s.Value = v;
                    s.Digits++;
                    return true;
                }
                bool complete = s.Digits > 0 && s.Value >= lo && s.Value <= _last;
                if (s.Phase == Phase.Number1 && b == (byte)',' && complete)
                {
                    s.LineStart = s.Value;
                    s.Phase = Phase.Literal;
                    s.Literal = LiteralLineEnd;
                    s.Pos = 1;
                    return true;
                }
                if (s.Phase == Phase.Number2 && b == (byte)')' && complete) { s.Phase = Phase.LineEnd; return true; }
                return false;
            }

            case Phase.Source:
            case Phase.Target:
            {
                bool source = s.Phase == Phase.Source;
                if (s.Escape)
                {
                    if (b != (byte)'"' && b != (byte)'\\') return false;
                    if (source && !Read(ref s, b)) return false;
                    s.Escape = false;
                    s.Length++;
                    s.Space = false;
                    return true;
                }
                if (s.Pending > 0)
                {
                    if (b < s.ContLo || b > s.ContHi) return false;
                    if (source && !Read(ref s, b)) return false;
                    s.Pending--;
                    (s.ContLo, s.ContHi) = ((byte)0x80, (byte)0xBF);
                    s.Length++;
                    return true;
                }
                if (b == (byte)'"')
                {
                    if (source)
                    {
                        if (s.Length == 0 || s.Space) return false;
                        s.SourceLength = s.Length;
                        s.Phase = Phase.Literal;
                        s.Literal = LiteralTarget;
                    }
                    else
                    {
                        s.Phase = Phase.Literal;
                        s.Literal = LiteralClose;
                    }
                    s.Pos = 0;
                    return true;
                }
                int cost = CharCost(b);
                if (cost == 0) return false;   // a control byte or one that cannot start a character
                if (source ? s.Length >= MaxSourceBytes : s.Length + (b == (byte)'\\' ? 1 : cost) > s.SourceLength) return false;
                if (b == (byte)'\\')
                {
                    if (source && _text.Step(s.Sam, (byte)'"') < 0 && _text.Step(s.Sam, (byte)'\\') < 0) return false;
                    s.Escape = true;
                    return true;
                }
                if (source)
                {
                    if (!Read(ref s, b)) return false;
                    if (s.Length == 0 && b == (byte)' ')
                    {
                        if (_spaceExtensionCost == 0) return false;   // nothing follows a space: " " could not be completed
                        s.Space = true;
                    }
                    else s.Space = false;
                }
                s.Length++;
                if (cost > 1) Lead(b, out s.Pending, out s.ContLo, out s.ContHi);
                return true;
            }

            case Phase.LineEnd:
                if (b != (byte)'\n') return false;
                s.Phase = Phase.Head;
                s.Pos = 0;
                s.Heads = _initialHeads;
                s.AfterCall = true;
                return true;

            default:
                return false;
        }
    }

    private bool Read(ref State s, byte b)
    {
        int next = _text.Step(s.Sam, b);
        if (next < 0) return false;
        s.Sam = next;
        return true;
    }

    /// <summary>
    /// Bytes of the shortest completion from <paramref name="s"/> (0: complete). Following that completion lowers it by
    /// one per byte, so "this token, then its completion fits the budget" can always be kept up.
    /// </summary>
    private int MinToFinish(in State s)
    {
        switch (s.Phase)
        {
            case Phase.Start: return HeadCost(_initialHeads, 0);
            case Phase.Head: return s.Pos == 0 && s.AfterCall ? 0 : HeadCost(s.Heads, s.Pos);
            case Phase.Literal:
                return s.Literal switch
                {
                    LiteralLineEnd => Literals[LiteralLineEnd].Length - s.Pos + DigitCount(s.LineStart) + 1,
                    LiteralTarget => Literals[LiteralTarget].Length - s.Pos + AfterTarget,
                    _ => Literals[LiteralClose].Length - s.Pos,
                };
            case Phase.Number1: return 2 * MinDigits(s.Value, s.Digits, _first, _last) - s.Digits + 12;
            case Phase.Number2: return MinDigits(s.Value, s.Digits, s.LineStart, _last) - s.Digits + 1;
            case Phase.Source:
                if (s.Escape) return 1 + AfterSource;
                if (s.Pending > 0) return s.Pending + AfterSource;
                if (s.Length == 0) return _sourceStartCost + AfterSource;
                return (s.Space ? _spaceExtensionCost : 0) + AfterSource;
            case Phase.Target:
                return (s.Escape ? 1 : s.Pending) + AfterTarget;
            default:
                return 0;
        }
    }

    private int HeadCost(int heads, int pos)
    {
        int best = int.MaxValue;
        for (int h = 0; h < Heads.Length; h++)
        {
            if ((heads & (1 << h)) == 0) continue;
            int after = h switch
            {
                // "remove_lines(line_start=" A ", line_end=" A ")": 11 + 1 literal bytes, the first line's digits twice.
                HeadRemove => 2 * DigitCount(_first) + 12,
                HeadNormalize => _sourceStartCost + AfterSource,
                _ => 0,
            };
            best = Math.Min(best, Heads[h].Length - pos + after);
        }
        return best;
    }

    /// <summary>
    /// The fewest digits of a number in [<paramref name="lo"/>, <paramref name="hi"/>] written as <paramref name="value"/>'s
    /// <paramref name="digits"/> digits and maybe more (no leading zeros), or -1 when there is none.
    /// </summary>
    private static int MinDigits(long value, int digits, long lo, long hi)
    {
        if (digits == 0) return DigitCount(lo);
        if (value == 0) return digits == 1 && lo <= 0 ? 1 : -1;
        long from = value, span = 1;
        for (int k = 0; digits + k <= 18; k++)
        {
            if (from > hi) return -1;
            if (from + span - 1 >= lo) return digits + k;
            if (from > long.MaxValue / 10) return -1;
            from *= 10;
            span *= 10;
        }
        return -1;
    }

    private static int DigitCount(long n)
    {
        int d = 1;
        while (n >= 10) { n /= 10; d++; }
        return d;
    }

    /// <summary>Bytes a string literal spends on a character that starts with <paramref name="b"/> (an escape for <c>"</c> and <c>\</c>), or 0 when none can.</summary>
    private static int CharCost(byte b) => b switch
    {
        < 0x20 or 0x7F => 0,
        (byte)'"' or (byte)'\\' => 2,
        < 0x80 => 1,
        >= 0xC2 and <= 0xDF => 2,
        >= 0xE0 and <= 0xEF => 3,
        >= 0xF0 and <= 0xF4 => 4,
        _ => 0,
    };

    /// <summary>The continuation bytes a UTF-8 lead byte needs, and the range of the first (well-formed UTF-8 only).</summary>
    private static void Lead(byte b, out byte pending, out byte lo, out byte hi)
    {
        pending = b >= 0xF0 ? (byte)3 : b >= 0xE0 ? (byte)2 : (byte)1;
        (lo, hi) = b switch
        {
            0xE0 => ((byte)0xA0, (byte)0xBF),
            0xED => ((byte)0x80, (byte)0x9F),
            0xF0 => ((byte)0x90, (byte)0xBF),
            0xF4 => ((byte)0x80, (byte)0x8F),
            _ => ((byte)0x80, (byte)0xBF),
        };
    }
}
