using System.Globalization;

namespace Prox.Models;

/// <summary>
/// The options of a model generator, as spec options (<c>model:/models/web-doc?provider=Cpu&amp;drop_threshold=0.7</c>)
/// or <see cref="Generation.GeneratorContext.Settings"/> (spec options win): <c>tokenizer</c>, <c>provider</c>,
/// <c>device</c>, <c>drop_threshold</c>, <c>doc</c>, <c>threads</c>, <c>unconstrained</c>, <c>batch_size</c>, <c>batch_tokens</c>.
/// </summary>
public sealed record ModelGeneratorOptions
{
    /// <summary>The option names understood.</summary>
    public static IReadOnlyList<string> OptionNames { get; } = ["tokenizer", "provider", "device", "drop_threshold", "doc", "threads", "unconstrained", "batch_size", "batch_tokens"];

    /// <summary>The published doc-stage limit of new tokens.</summary>
    public const int ProxDocMaxNewTokens = 2000;

    /// <summary>The published chunk-stage limit of new tokens.</summary>
    public const int ProxChunkMaxNewTokens = 256;

    /// <summary>The LLaMA-2 SentencePiece <c>tokenizer.model</c>; null = the one in the model folder.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>Where the model runs (default <see cref="ExecutionProvider.Auto"/>).</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>The CUDA device ordinal.</summary>
    public int DeviceId { get; init; }

    /// <summary>
    /// The doc stage drops a document when p(drop) is above this (0 … 1; default 0.5, where the decision equals greedy
    /// decoding restricted to the two doc programs). Higher keeps more.
    /// </summary>
    public double DropThreshold { get; init; } = 0.5;

    /// <summary>How the doc-stage program is written (default <see cref="DocDecisionMode.Score"/>).</summary>
    public DocDecisionMode DocMode { get; init; } = DocDecisionMode.Score;

    /// <summary>ONNX Runtime intra-op threads (0 = the run's thread count).</summary>
    public int Threads { get; init; }

    /// <summary>
    /// Decode chunk programs as published, with nothing but the model choosing each token (default false: decoding is
    /// constrained to valid Strict-dialect chunk programs whose line numbers are the chunk's and whose normalize sources
    /// occur in the chunk; see <c>docs/models.md</c>).
    /// </summary>
    public bool Unconstrained { get; init; }

    /// <summary>
    /// Sequences decoded together in one batch (0 = automatic: 16 on the CPU, 64 on CUDA). Prompts are sorted by length
    /// and left-padded; batched output equals one-by-one output (docs/models.md says exactly what is guaranteed).
    /// </summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Cache positions one batch may hold in all, sequences × (longest prompt + new tokens) (0 = automatic: 32,768 on
    /// the CPU, 131,072 on CUDA); bounds the KV cache's memory. A single sequence always runs.
    /// </summary>
    public int BatchTokens { get; init; }

    /// <summary>The batch limits these options give on a provider (<c>CUDA</c> or <c>CPU</c>).</summary>
    internal BatchLimits LimitsFor(string provider)
    {
        var auto = provider == "CUDA" ? BatchLimits.Cuda : BatchLimits.Cpu;
        return auto with
        {
            BatchSize = BatchSize > 0 ? BatchSize : auto.BatchSize,
            TokenBudget = BatchTokens > 0 ? BatchTokens : auto.TokenBudget,
        };
    }

    /// <summary>The options named by <paramref name="settings"/>, then by <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">An unknown option or a value that does not parse; the message names it and the choices.</exception>
    public static ModelGeneratorOptions From(IReadOnlyDictionary<string, string>? settings, IReadOnlyDictionary<string, string>? options)
    {
        var o = new ModelGeneratorOptions();
        if (settings is not null)
            foreach (var (k, v) in settings)
                if (OptionNames.Contains(k, StringComparer.OrdinalIgnoreCase)) o = o.With(k, v);
        if (options is not null)
            foreach (var (k, v) in options) o = o.With(k, v);
        return o;
    }

    private ModelGeneratorOptions With(string name, string value)
    {
        value = value.Trim();
        switch (name.ToLowerInvariant())
        {
            case "tokenizer":
                return this with { Tokenizer = value.Length == 0 ? null : value };
            case "provider":
                if (!Enum.TryParse<ExecutionProvider>(value, ignoreCase: true, out var p) || !Enum.IsDefined(p) || int.TryParse(value, out _))
                    throw new ArgumentException($"model option provider='{value}' is not one of {string.Join(", ", Enum.GetNames<ExecutionProvider>())}");
                return this with { Provider = p };
            case "device":
                return this with { DeviceId = Int(name, value, 0, 1024) };
            case "threads":
                return this with { Threads = Int(name, value, 0, 1024) };
            case "batch_size":
                return this with { BatchSize = value.Equals("auto", StringComparison.OrdinalIgnoreCase) ? 0 : Int(name, value, 0, 4096) };
            case "batch_tokens":
                return this with { BatchTokens = value.Equals("auto", StringComparison.OrdinalIgnoreCase) ? 0 : Int(name, value, 0, 16_777_216) };
            case "drop_threshold":
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) || !(t >= 0 && t <= 1))
                    throw new ArgumentException($"model option drop_threshold='{value}' is not a number from 0 to 1");
                return this with { DropThreshold = t };
            case "doc":
                if (!Enum.TryParse<DocDecisionMode>(value, ignoreCase: true, out var m) || !Enum.IsDefined(m) || int.TryParse(value, out _))
                    throw new ArgumentException($"model option doc='{value}' is not one of {string.Join(", ", Enum.GetNames<DocDecisionMode>())}");
                return this with { DocMode = m };
            case "unconstrained":
                if (!bool.TryParse(value, out var u))
                    throw new ArgumentException($"model option unconstrained='{value}' is not true or false");
                return this with { Unconstrained = u };
            default:
                throw new ArgumentException($"unknown model option '{name}'; known options: {string.Join(", ", OptionNames)}");
        }
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"model option {name}='{value}' is not a whole number from {min} to {max}");
}
