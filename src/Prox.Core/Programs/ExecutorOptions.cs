namespace Prox.Programs;

/// <summary>
/// The decision thresholds of the ProX executor and the limits that protect it. The defaults are those of the
/// published ProX (<c>threshold_2 = 0.95</c>, 10 words, 2 error operations).
/// </summary>
public sealed record ExecutorOptions
{
    /// <summary>The defaults (shared, immutable).</summary>
    public static ExecutorOptions Default { get; } = new();

    /// <summary>
    /// A chunk program that removes at least this fraction of the words drops the document (ProX <c>threshold_2</c>;
    /// the document is dropped when remaining/original ≤ 1 − this value). Default 0.95.
    /// </summary>
    public double RemovedWordFraction { get; init; } = 0.95;

    /// <summary>A document with this many words or fewer left is dropped. Default 10.</summary>
    public int MinWords { get; init; } = 10;

    /// <summary>A program with this many error operations or more is ignored (original text kept). Default 2.</summary>
    public int MaxErrors { get; init; } = 2;

    /// <summary>Longest program text, in characters, that is executed at all. Default 1,000,000.</summary>
    public int MaxProgramLength { get; init; } = 1_000_000;

    /// <summary>Most operations (calls) read from one program. Default 10,000.</summary>
    public int MaxOperations { get; init; } = 10_000;

    /// <summary>
    /// Normalizations may not grow a document beyond <c>max(MaxGrowthFactor × original, original + MaxGrowthChars)</c>
    /// characters; a normalization that would is skipped and reported. Defaults 2 and 65,536.
    /// </summary>
    public double MaxGrowthFactor { get; init; } = 2.0;

    /// <inheritdoc cref="MaxGrowthFactor"/>
    public int MaxGrowthChars { get; init; } = 65_536;

    /// <summary>
    /// The work budget of one document's normalizations, in characters: each <c>normalize</c> call scans the current
    /// text, and one that matches writes the new text, and both count. A chunk program whose normalizations would go
    /// past it is not run to its end: it is ignored like a program over <see cref="MaxOperations"/> (the original text
    /// is kept, <see cref="ExecutionResult.WorkLimitExceeded"/> is set and a <c>PX0017</c> diagnostic says where it
    /// stopped). Default 2^28 (268,435,456): about a hundred normalizations of a 2.5 MB document, a fraction of a
    /// second; without it, 10,000 normalizations of a 2.3 MB document took minutes.
    /// </summary>
    public long MaxNormalizeWork { get; init; } = 1L << 28;

    internal long GrowthLimit(int originalLength) =>
        Math.Max((long)(originalLength * MaxGrowthFactor), (long)originalLength + MaxGrowthChars);
}
