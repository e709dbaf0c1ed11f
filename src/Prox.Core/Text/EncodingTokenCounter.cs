using Microsoft.ML.Tokenizers;

namespace Prox.Text;

/// <summary>
/// A named encoding shipped in a Microsoft.ML.Tokenizers data package (tiktoken BPE). The wrapped tokenizer is
/// immutable apart from its internal thread-safe cache, so one instance serves every thread.
/// </summary>
internal sealed class EncodingTokenCounter : ITokenCounter
{
    private readonly Tokenizer _tokenizer;

    public EncodingTokenCounter(string name, Tokenizer tokenizer)
    {
        Name = name;
        _tokenizer = tokenizer;
    }

    public string Name { get; }

    public int CountTokens(ReadOnlySpan<char> text) =>
        text.IsEmpty ? 0 : _tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: true);
}
