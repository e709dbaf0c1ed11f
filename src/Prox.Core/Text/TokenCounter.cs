using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace Prox.Text;

/// <summary>
/// Creates <see cref="ITokenCounter"/>s from a spec string, the form a <c>-Tokenizer</c> parameter binds:
/// <list type="bullet">
/// <item><c>cl100k_base</c> (the default), <c>o200k_base</c>, <c>gpt2</c>: tiktoken encodings shipped in NuGet data
/// packages, usable offline;</item>
/// <item><c>whitespace</c> (alias <c>words</c>): Python-<c>str.split()</c> word count, no data needed;</item>
/// <item>anything else: a path to a SentencePiece <c>tokenizer.model</c> (LLaMA), or to a folder holding one; an optional
/// <c>llama:</c> prefix is accepted.</item>
/// </list>
/// Names are case-insensitive. Named encodings are loaded once per process and shared, and so is a model file until it
/// changes on disk; every returned counter is thread-safe.
/// </summary>
public static class TokenCounter
{
    /// <summary>The spec used when none is given: <c>cl100k_base</c>.</summary>
    public const string DefaultSpec = Cl100kBase;

    /// <summary>OpenAI <c>cl100k_base</c> (GPT-3.5/4).</summary>
    public const string Cl100kBase = "cl100k_base";

    /// <summary>OpenAI <c>o200k_base</c> (GPT-4o).</summary>
    public const string O200kBase = "o200k_base";

    /// <summary>OpenAI <c>gpt2</c> (r50k).</summary>
    public const string Gpt2 = "gpt2";

    /// <summary>Whitespace-separated words (Python <c>len(text.split())</c>).</summary>
    public const string Whitespace = "whitespace";

    /// <summary>Prefix that marks a SentencePiece model path explicitly: <c>llama:/path/tokenizer.model</c>.</summary>
    public const string LlamaPrefix = "llama:";

    /// <summary>The named specs (the path form is not listed).</summary>
    public static IReadOnlyList<string> KnownNames { get; } = [Cl100kBase, O200kBase, Gpt2, Whitespace, "words"];

    private static readonly ConcurrentDictionary<string, Lazy<ITokenCounter>> Named = new(StringComparer.Ordinal);

    /// <summary>Creates (or returns the shared instance of) the counter described by <paramref name="spec"/>.</summary>
    /// <param name="spec">A known name, or a path to a SentencePiece model; null or blank means <see cref="DefaultSpec"/>.</param>
    /// <exception cref="FileNotFoundException">The spec is not a known name and no tokenizer model exists at that path.</exception>
    /// <exception cref="InvalidDataException">The file exists but is not a SentencePiece model.</exception>
    public static ITokenCounter Create(string? spec)
    {
        spec = string.IsNullOrWhiteSpace(spec) ? DefaultSpec : spec.Trim();
        string key = spec.ToLowerInvariant();
        switch (key)
        {
            case Whitespace or "words":
                return WhitespaceTokenCounter.Instance;
            case Cl100kBase or O200kBase or Gpt2:
                return Named.GetOrAdd(key, static k => new Lazy<ITokenCounter>(() => LoadEncoding(k))).Value;
        }

        string path = spec.StartsWith(LlamaPrefix, StringComparison.OrdinalIgnoreCase) ? spec[LlamaPrefix.Length..] : spec;
        if (Directory.Exists(path)) path = Path.Combine(path, "tokenizer.model");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Unknown tokenizer '{spec}': not one of {string.Join(", ", KnownNames)}, and no SentencePiece tokenizer.model " +
                $"exists at '{Path.GetFullPath(path)}'.", path);
        }
        // One instance per file version: loading takes a noticeable fraction of a second and the instance is shareable.
        string full = Path.GetFullPath(path);
        string fileKey = $"{LlamaPrefix}{full}|{File.GetLastWriteTimeUtc(full).Ticks}";
        return Named.GetOrAdd(fileKey, _ => new Lazy<ITokenCounter>(() => Llama2Tokenizer.Load(full))).Value;
    }

    private static ITokenCounter LoadEncoding(string name)
    {
        // The encoding data come from the Microsoft.ML.Tokenizers.Data.* packages referenced by Prox.Core: no download.
        Tokenizer tokenizer = name == Gpt2
            ? TiktokenTokenizer.CreateForModel("gpt2")
            : TiktokenTokenizer.CreateForEncoding(name);
        var pattern = name switch { Cl100kBase => TiktokenPattern.Cl100k, O200kBase => TiktokenPattern.O200k, _ => TiktokenPattern.Gpt2 };
        return new EncodingTokenCounter(name, tokenizer, pattern);
    }
}
