using Prox.Programs;
using Prox.Text;

namespace Prox.Chunking;

/// <summary>
/// The model inputs of the published ProX refining models: the LLaMA-2 chat prompt around the raw document (doc stage)
/// or around the numbered lines of one chunk (chunk stage), as text and as LLaMA-2 token ids.
/// </summary>
public static class ProxPrompts
{
    /// <summary>Everything before the model input: BOS, <c>[INST]</c> and the system prompt.</summary>
    public const string ChatPrefix = "<s>[INST] <<SYS>>\nYou are a helpful, respectful and honest assistant.\n<</SYS>>\n\n";

    /// <summary>Everything after the model input.</summary>
    public const string ChatSuffix = " [/INST]";

    /// <summary>The doc-stage prompt is cut to its first 2000 tokens.</summary>
    public const int DocumentMaxTokens = 2000;

    private const string DocOpen = "[doc]\n";
    private const string DocClose = "\n[/doc]";

    /// <summary>Doc-stage prompt text: the raw document, trailing whitespace trimmed, in the chat prompt (not truncated).</summary>
    public static string ForDocument(ReadOnlySpan<char> document) =>
        string.Concat(ChatPrefix, TrimEnd(document), ChatSuffix);

    /// <summary>Chunk-stage prompt text: <c>[doc]\n{numbered lines}\n[/doc]</c> in the chat prompt.</summary>
    public static string ForChunk(in LineChunk chunk) => ForChunk(chunk.Text.Span, chunk.FirstLine);

    /// <summary>Chunk-stage prompt text for <paramref name="lines"/> numbered from <paramref name="firstLine"/>.</summary>
    public static string ForChunk(ReadOnlySpan<char> lines, int firstLine)
    {
        int length = ChatPrefix.Length + DocOpen.Length + LineNumbering.NumberedLength(lines, firstLine) + DocClose.Length + ChatSuffix.Length;
        return string.Create(length, new LineNumbering.Lines(lines, firstLine), static (span, state) =>
        {
            int at = Append(span, 0, ChatPrefix);
            at = Append(span, at, DocOpen);
            at += LineNumbering.WriteNumbered(state.Text, state.FirstLine, span[at..]);
            at = Append(span, at, DocClose);
            Append(span, at, ChatSuffix);
        });
    }

    /// <summary>
    /// Doc-stage model input: the token ids of <see cref="ForDocument"/>, cut to the first <paramref name="maxTokens"/>
    /// (so a long document also loses the closing <c>[/INST]</c>). Only about the first <paramref name="maxTokens"/>
    /// tokens' worth of a long document is copied and encoded.
    /// </summary>
    public static int[] EncodeDocument(Llama2Tokenizer tokenizer, ReadOnlySpan<char> document, int maxTokens = DocumentMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var trimmed = TrimEnd(document);
        // Past this many characters a document surely holds more than maxTokens tokens' worth of text... unless its tokens
        // are unusually long, which the check on the result below catches.
        long bound = Math.Max(4096L, maxTokens * 16L);
        if (tokenizer.WordWise && trimmed.Length > bound)
        {
            int cut = IndexOfWordCut(trimmed, (int)bound);
            if (cut >= 0)
            {
                // Cut before a space that follows a non-space, the prompt's ids are a prefix of the full prompt's ids.
                var ids = tokenizer.EncodePrompt(string.Concat(ChatPrefix, trimmed[..cut]), maxTokens);
                if (ids.Length == maxTokens) return ids;
            }
        }
        return tokenizer.EncodePrompt(ForDocument(trimmed), maxTokens);
    }

    /// <summary>Chunk-stage model input: the token ids of <see cref="ForChunk(in LineChunk)"/>, the whole prompt tokenized once.</summary>
    public static int[] EncodeChunk(Llama2Tokenizer tokenizer, in LineChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer.EncodePrompt(ForChunk(chunk));
    }

    /// <summary>The first space at or after <paramref name="from"/> that follows a non-space; -1 when none.</summary>
    private static int IndexOfWordCut(ReadOnlySpan<char> text, int from)
    {
        while (from < text.Length)
        {
            int space = text[from..].IndexOf(' ');
            if (space < 0) return -1;
            int at = from + space;
            if (at > 0 && text[at - 1] != ' ') return at;
            from = at + 1;
        }
        return -1;
    }

    /// <summary>Python <c>str.rstrip()</c>: the text without trailing whitespace.</summary>
    private static ReadOnlySpan<char> TrimEnd(ReadOnlySpan<char> text)
    {
        int end = text.Length;
        while (end > 0 && PyText.IsWhiteSpace(text[end - 1])) end--;
        return text[..end];
    }

    private static int Append(Span<char> destination, int at, string text)
    {
        text.CopyTo(destination[at..]);
        return at + text.Length;
    }
}
