using Microsoft.ML.Tokenizers;

namespace Prox.Text;

/// <summary>
/// The LLaMA-2 SentencePiece tokenizer (the one ProX's refining models use), loaded from a <c>tokenizer.model</c> file.
/// Reproduces the ids of the Hugging Face LLaMA-2 tokenizer, including its handling of the literal special tokens
/// <c>&lt;s&gt;</c> and <c>&lt;/s&gt;</c> inside prompts.
/// </summary>
/// <remarks>
/// Safe to use from several threads at once: the model is immutable after loading and token counts of words are cached
/// per thread (up to about 8 MB a thread). As an <see cref="ITokenCounter"/> it counts without BOS; ProX's per-line cost
/// adds the BOS separately (see <c>Prox.Chunking.LineChunker</c>).
/// </remarks>
public sealed class Llama2Tokenizer : ITokenCounter
{
    private const string BosText = "<s>";
    private const string EosText = "</s>";

    /// <summary>Words at most this long have their token counts cached.</summary>
    private const int MaxCachedWordLength = 48;

    /// <summary>Entries per thread (about 8 MB) before the cache starts over.</summary>
    private const int MaxCacheEntries = 1 << 17;

    private readonly SentencePieceTokenizer _sp;

    // Per-thread word -> token count (no BOS); thread-local so no locking is needed on the hot path.
    private readonly ThreadLocal<Dictionary<string, int>> _wordCounts = new(() => new Dictionary<string, int>(StringComparer.Ordinal));

    private Llama2Tokenizer(SentencePieceTokenizer sp, string name)
    {
        _sp = sp;
        Name = name;
    }

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
    /// The text is counted word by word, each word's count cached per thread. This is exact: the text is cut only at a
    /// space that follows a non-space character, and no LLaMA-2 piece spans such a place (a piece holds '▁' only as its
    /// first character, or is all '▁'), so the tokens of the whole are the tokens of the parts. The space itself is
    /// dropped from the cut and comes back as the part's dummy-prefix '▁'.
    /// </remarks>
    public int CountTokens(ReadOnlySpan<char> text, bool addBos)
    {
        int count = addBos ? 1 : 0;
        if (text.IsEmpty) return count;
        var cache = _wordCounts.Value!;
        var lookup = cache.GetAlternateLookup<ReadOnlySpan<char>>();
        int start = 0;
        while (true)
        {
            int end = NextCut(text, start);
            var part = text[start..end];
            if (part.Length > MaxCachedWordLength)
            {
                count += CountPart(part);
            }
            else if (lookup.TryGetValue(part, out int cached))
            {
                count += cached;
            }
            else
            {
                int n = CountPart(part);
                if (cache.Count >= MaxCacheEntries) cache.Clear();
                lookup[part] = n;
                count += n;
            }
            if (end == text.Length) return count;
            start = end + 1;   // skip the space: the next part's dummy prefix stands for it
        }
    }

    /// <summary>The next place at or after <paramref name="start"/> + 1 holding a space that follows a non-space; or the end.</summary>
    private static int NextCut(ReadOnlySpan<char> text, int start)
    {
        int from = start + 1;
        while (from < text.Length)
        {
            int space = text[from..].IndexOf(' ');
            if (space < 0) break;
            int at = from + space;
            if (text[at - 1] != ' ') return at;
            from = at + 1;
        }
        return text.Length;
    }

    /// <summary>Tokens of one part, dummy prefix included; an empty part (after a trailing space) is the lone '▁'.</summary>
    private int CountPart(ReadOnlySpan<char> part) =>
        part.IsEmpty ? 1 : _sp.CountTokens(part, addBeginningOfSentence: false, addEndOfSentence: false);

    /// <summary>
    /// Encodes plain text (special-token strings are not recognised), with a dummy-prefix space as SentencePiece adds it.
    /// </summary>
    public int[] Encode(ReadOnlySpan<char> text, bool addBos)
    {
        if (text.IsEmpty) return addBos ? [BosId] : [];
        var ids = _sp.EncodeToIds(text, addBos, addEndOfSentence: false);
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
    /// Appends the ids of one special-token-free segment, at most up to <paramref name="maxTokens"/> ids in all. A long
    /// segment is encoded by growing prefixes that end just after a '\n': no LLaMA-2 piece contains '\n' (it is the
    /// byte-fallback token &lt;0x0A&gt;), so the ids of such a prefix are exactly the first ids of the whole segment.
    /// </summary>
    private void EncodeSegment(ReadOnlySpan<char> segment, List<int> ids, int maxTokens)
    {
        int wanted = maxTokens - ids.Count;
        // A LLaMA-2 token rarely covers more than ~8 characters; start there and double until enough ids are produced.
        long guess = Math.Max(256L, wanted * 8L);
        while (guess < segment.Length)
        {
            int newline = segment[(int)guess..].IndexOf('\n');
            if (newline < 0) break;
            int cut = (int)guess + newline + 1;
            var prefixIds = _sp.EncodeToIds(segment[..cut], addBeginningOfSentence: false, addEndOfSentence: false);
            if (prefixIds.Count >= wanted)
            {
                for (int i = 0; i < wanted; i++) ids.Add(prefixIds[i]);
                return;
            }
            guess = cut * 2L;
        }
        var all = _sp.EncodeToIds(segment, addBeginningOfSentence: false, addEndOfSentence: false);
        int take = Math.Min(wanted, all.Count);
        for (int i = 0; i < take; i++) ids.Add(all[i]);
    }

    /// <summary>The vocabulary pieces (for checks such as "no piece contains a newline").</summary>
    internal IEnumerable<string> Pieces => _sp.Vocabulary.Keys;
}
