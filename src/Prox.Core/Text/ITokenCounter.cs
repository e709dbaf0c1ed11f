namespace Prox.Text;

/// <summary>
/// Counts the tokens of a piece of text under one tokenizer, without special tokens (no BOS/EOS).
/// Obtain one with <see cref="TokenCounter.Create"/> from a spec string.
/// </summary>
/// <remarks>
/// Every implementation shipped by Prox is immutable after construction and safe to call from several threads at once;
/// the pipeline shares one instance across its workers. Third-party implementations must be as well.
/// </remarks>
public interface ITokenCounter
{
    /// <summary>
    /// A short, stable name for statistics and provenance: the encoding name (<c>cl100k_base</c>, <c>whitespace</c>) or
    /// <c>llama:</c> followed by the tokenizer model's file name.
    /// </summary>
    string Name { get; }

    /// <summary>Number of tokens of <paramref name="text"/>, not counting any special token.</summary>
    int CountTokens(ReadOnlySpan<char> text);
}
