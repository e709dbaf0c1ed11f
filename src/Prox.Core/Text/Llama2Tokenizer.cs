using Microsoft.ML.Tokenizers;

namespace Prox.Text;

/// <summary>
/// The LLaMA-2 SentencePiece tokenizer (the one ProX's refining models use), loaded from a <c>tokenizer.model</c> file.
/// Reproduces the ids of the Hugging Face LLaMA-2 tokenizer, including its handling of the literal special tokens
/// <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c> inside prompts.
/// </summary>
/// <remarks>
/// Safe to use from several threads at once: the model is immutable after loading and token counts of words are cached
/// per thread (up to about 10 MB a thread, see <see cref="SpanCountCache"/>). As an <see cref="ITokenCounter"/> it counts without BOS; ProX's per-line cost
/// adds the BOS separately (see <c>Prox.Chunking.LineChunker</c>).
/// </remarks>
public sealed class Llama2Tokenizer : ITokenCounter
{
    private const string BosText = "<s>";
    private const string EosText = "</s>";

    private readonly SentencePieceTokenizer _sp;

    // Words (the parts cut at spaces) of web text: about 120 000 distinct ones in the 2.9 MB shared sample, 40% of them longer
    // than 8 characters; room for about 196 000 words and 1M characters of long ones, about 10 MB a thread. Words run long
    // where text has no spaces (CJK, URLs, code) and their library count is slow, so they are cached up to 256 characters.
    private readonly ThreadLocal<SpanCountCache> _counts =
        new(() => new SpanCountCache(capacityLog2: 18, arenaChars: 1 << 20, maxLoad: 0.75, maxKeyLength: 256));
    private readonly SpanCountCache.Compute _countPart;
    private readonly PartCache<int[]> _ids;
    private readonly int _spaceId;   // the lone '▁'

    private Llama2Tokenizer(SentencePieceTokenizer sp, string name)
    {
        _sp = sp;
        Name = name;
        // Word-wise encoding holds for LLaMA-2's model; another SentencePiece model may break it, so check the vocabulary.
        WordWise = sp.AddDummyPrefix && sp.EscapeWhiteSpaces && !sp.TreatWhitespaceAsSuffix &&
                   sp.Vocabulary.TryGetValue("▁", out _spaceId) &&
                   !sp.Vocabulary.Keys.Any(p => p.AsSpan(1).Contains('▁') && p.AsSpan().ContainsAnyExcept('▁'));
        _countPart = CountPart;
        _ids = new PartCache<int[]>(EncodePart, maxEntries: 1 << 16);   // about 8 MB a thread
    }

    /// <summary>
    /// True when a text can be encoded word by word (see <see cref="WordCut.DropSpaceAfterNonSpace"/>): the model adds a
    /// dummy prefix, escapes spaces, and no piece holds '▁' after its first character unless it is all '▁'.
    /// </summary>
    internal bool WordWise { get; }

    /// <summary>Loads a SentencePiece model file; its <see cref="Name"/> is <c>llama:</c> + folder/file name (<c>llama:llama2/tokenizer.model</c>).</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="modelPath"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a SentencePiece model.</exception>
    public static Llama2Tokenizer Load(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"SentencePiece tokenizer model not found: '{modelPath}'.", modelPath);
        using var stream = File.OpenRead(modelPath);
        var full = Path.GetFullPath(modelPath);
        var folder = Path.GetFileName(Path.GetDirectoryName(full));
        return FromStream(stream, TokenCounter.LlamaPrefix + (string.IsNullOrEmpty(folder) ? "" : folder + "/") + Path.GetFileName(full));
    }

    /// <summary>Reads a SentencePiece model from a stream (the stream is read to its end, not disposed).</summary>
    /// <param name="model">The serialized model (<c>tokenizer.model</c>).</param>
    /// <param name="name">The <see cref="Name"/> to report.</param>
    /// <exception cref="InvalidDataException">The stream does not hold a SentencePiece model.</exception>
    public static Llama2Tokenizer FromStream(Stream model, string name = "llama")
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return new Llama2Tokenizer(LlamaTokenizer.Create(model, addBeginOfSentence: false, addEndOfSentence: false), name);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"Not a SentencePiece tokenizer model ({name}): {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Id of the beginning-of-sentence token <c>&lt;s&gt;</c> (1 for LLaMA-2).</summary>
    public int BosId => _sp.BeginningOfSentenceId;

    /// <summary>Id of the end-of-sentence token <c>&lt;/s&gt;</c> (2 for LLaMA-2).</summary>
    public int EosId => _sp.EndOfSentenceId;

    /// <summary>Number of tokens of <paramref name="text"/> without BOS.</summary>
    public int CountTokens(ReadOnlySpan<char> text) => CountTokens(text, addBos: false);

    /// <summary>Number of tokens of <paramref name="text"/>, plus one when <paramref name="addBos"/> (as <c>len(tokenizer.encode(text))</c>).</summary>
    /// <remarks>
    /// Counted word by word, each word's count cached per thread. This is exact: the text is cut only at a space that
    /// follows a non-space character, and no LLaMA-2 piece spans such a place (a piece holds '▁' only as its first
    /// character, or is all '▁'), so the tokens of the whole are the tokens of the parts. The space at a cut is dropped
    /// and comes back as the next part's dummy-prefix '▁'.
    /// </remarks>
    public int CountTokens(ReadOnlySpan<char> text, bool addBos)
    {
        int count = addBos ? 1 : 0;
        if (text.IsEmpty) return count;
        if (!WordWise) return count + CountPart(text);
        var cache = _counts.Value!;
        int maxKey = cache.MaxKeyLength;
        foreach (var part in new WordParts(text, WordCut.DropSpaceAfterNonSpace))
        {
            if (part.IsEmpty) count++;   // after a trailing space: the lone '▁'
            else count += part.Length <= maxKey ? cache.GetOrAdd(part, _countPart) : CountPart(part);
        }
        return count;
    }

    /// <summary>
    /// Encodes plain text (special-token strings are not recognised), with a dummy-prefix space as SentencePiece adds it.
    /// </summary>
    public int[] Encode(ReadOnlySpan<char> text, bool addBos)
    {
        var ids = new List<int>(text.Length / 3 + 2);
        if (addBos) ids.Add(BosId);
        EncodeSegment(text, ids, int.MaxValue);
        return [.. ids];
    }

    /// <summary>
    /// Encodes a prompt that may contain the literal special tokens <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c>, as the Hugging
    /// Face tokenizer does: each becomes its id, and each stretch of text between them is encoded with its own dummy-prefix
    /// space. No BOS is added beyond those written in the text. Stops after <paramref name="maxTokens"/> ids, without
    /// encoding much more of a long text than those ids need.
    /// </summary>
    public int[] EncodePrompt(ReadOnlySpan<char> prompt, int maxTokens = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        var ids = new List<int>(Math.Min(maxTokens, prompt.Length / 3 + 16));
        while (!prompt.IsEmpty && ids.Count < maxTokens)
        {
            int special = IndexOfSpecial(prompt, out int specialLength, out int specialId);
            var segment = special < 0 ? prompt : prompt[..special];
            if (!segment.IsEmpty) EncodeSegment(segment, ids, maxTokens);
            if (special < 0) break;
            if (ids.Count < maxTokens) ids.Add(specialId);
            prompt = prompt[(special + specialLength)..];
        }
        return [.. ids];
    }

    /// <summary>The pieces of the vocabulary by id (<c>▁</c> for a space, <c>&lt;0xNN&gt;</c> for byte tokens).</summary>
    internal IReadOnlyDictionary<string, int> Pieces => _sp.Vocabulary;

    /// <summary>Id of the unknown token <c>&lt;unk&gt;</c> (0 for LLaMA-2).</summary>
    internal int UnknownId => _sp.UnknownId;

    /// <summary>Decodes ids to text; special tokens are written as their text when <paramref name="includeSpecialTokens"/>.</summary>
    public string Decode(IEnumerable<int> ids, bool includeSpecialTokens = false) => _sp.Decode(ids, includeSpecialTokens);

    private int IndexOfSpecial(ReadOnlySpan<char> text, out int length, out int id)
    {
        int bos = text.IndexOf(BosText, StringComparison.Ordinal);
        int eos = text.IndexOf(EosText, StringComparison.Ordinal);
        if (eos >= 0 && (bos < 0 || eos < bos))
        {
            (length, id) = (EosText.Length, EosId);
            return eos;
        }
        (length, id) = (BosText.Length, BosId);
        return bos;
    }

    /// <summary>
    /// Appends the ids of one special-token-free segment, at most up to <paramref name="maxTokens"/> ids in all. Word by
    /// word (see <see cref="CountTokens(ReadOnlySpan{char}, bool)"/>), so a long segment is encoded only as far as needed.
    /// </summary>
    private void EncodeSegment(ReadOnlySpan<char> segment, List<int> ids, int maxTokens)
    {
        if (segment.IsEmpty || ids.Count >= maxTokens) return;
        if (!WordWise)
        {
            AppendUpTo(ids, EncodePart(segment), maxTokens);
            return;
        }
        foreach (var part in new WordParts(segment, WordCut.DropSpaceAfterNonSpace))
        {
            AppendUpTo(ids, _ids.Get(part), maxTokens);
            if (ids.Count >= maxTokens) return;
        }
    }

    private static void AppendUpTo(List<int> ids, int[] more, int maxTokens)
    {
        int take = Math.Min(more.Length, maxTokens - ids.Count);
        ids.AddRange(take == more.Length ? more : more.AsSpan(0, take));
    }

    /// <summary>Ids of a whole text straight from the library, not word by word (the reference the word-wise path must equal).</summary>
    internal int[] EncodeWhole(ReadOnlySpan<char> text, bool addBos) =>
        text.IsEmpty ? (addBos ? [BosId] : []) : [.. _sp.EncodeToIds(text, addBos, addEndOfSentence: false)];

    /// <summary>Tokens of one part, dummy prefix included; an empty part (after a trailing space) is the lone '▁'.</summary>
    private int CountPart(ReadOnlySpan<char> part) =>
        part.IsEmpty ? 1 : _sp.CountTokens(part, addBeginningOfSentence: false, addEndOfSentence: false);

    /// <summary>Ids of one part, dummy prefix included; an empty part (after a trailing space) is the lone '▁'.</summary>
    private int[] EncodePart(ReadOnlySpan<char> part) =>
        part.IsEmpty ? [_spaceId] : [.. _sp.EncodeToIds(part, addBeginningOfSentence: false, addEndOfSentence: false)];
}
