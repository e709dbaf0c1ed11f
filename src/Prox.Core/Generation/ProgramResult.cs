namespace Prox.Generation;

/// <summary>
/// What a generator wrote for one <see cref="ProgramRequest"/>: the program text and what explains it. Everything but
/// <see cref="Program"/> is optional; whatever is set reaches the document's outcome and its <c>metadata.prox</c>.
/// </summary>
/// <param name="Program">The program text, exactly as the executor reads it.</param>
public sealed record ProgramResult(string Program)
{
    /// <summary>
    /// Why each operation is there, by operation index of <see cref="Program"/> (e.g. the rule that wrote it:
    /// <c>prox.navigation</c>); null entries and a shorter list mean "not said".
    /// </summary>
    public IReadOnlyList<string?>? OperationLabels { get; init; }

    /// <summary>A model's score for the decision (doc stage: the probability of <c>drop_doc()</c>), when it has one.</summary>
    public double? Score { get; init; }

    /// <summary>Prompt tokens the generator read for this request (0 for generators without a model).</summary>
    public int PromptTokens { get; init; }

    /// <summary>Tokens the generator wrote for this request (0 for generators without a model).</summary>
    public int GeneratedTokens { get; init; }

    /// <summary>
    /// How many sequences the model decoded together with this one, itself included (the batch's size when it
    /// started); 1 for a request run alone, 0 for generators without a model.
    /// </summary>
    public int BatchSize { get; init; }

    /// <summary>Free-form findings (e.g. <c>gopher.mean_word_length</c> → <c>11.2 &gt; 10</c>), kept in provenance.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }

    /// <summary>The label of operation <paramref name="operationIndex"/>, or null.</summary>
    public string? LabelOf(int operationIndex) =>
        OperationLabels is { } l && operationIndex >= 0 && operationIndex < l.Count ? l[operationIndex] : null;

    /// <summary>A result holding only a program.</summary>
    public static implicit operator ProgramResult(string program) => new(program);
}
