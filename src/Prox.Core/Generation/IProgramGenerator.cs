using Prox.Programs;

namespace Prox.Generation;

/// <summary>
/// The seam between the pipeline and whatever writes programs (the rules, an ONNX LM, a server): the generator plans
/// its requests for a document (<see cref="Plan"/>), then writes one <see cref="ProgramResult"/> per request
/// (<see cref="Generate"/>). A generator is named by a <see cref="GeneratorSpec"/> (<c>rules:C4</c>, a model folder),
/// and describes its effective options (<see cref="Describe"/>) for the run's summary and markers.
/// </summary>
public interface IProgramGenerator : IDisposable
{
    /// <summary>The spec this generator was made from (recorded with every run).</summary>
    GeneratorSpec Spec { get; }

    /// <summary>A short name for provenance (default: the spec's text).</summary>
    string Name => Spec.ToString();

    /// <summary>
    /// True when <see cref="Generate"/> may be called from several threads at once (the pipeline then refines several
    /// batches on several threads). Default false: one call at a time; the generator batches internally.
    /// </summary>
    bool SupportsConcurrentCalls => false;

    /// <summary>
    /// The requests for one document at <paramref name="stage"/>. Default: one request covering every line. A model
    /// splits the chunk stage into ProX token chunks with its own tokenizer.
    /// </summary>
    /// <param name="stage">Doc or Chunk.</param>
    /// <param name="text">The document text.</param>
    /// <param name="lineCount">Its line count (<see cref="Chunking.DocumentLines.Count"/>).</param>
    /// <param name="documentId">Its id, when known.</param>
    IReadOnlyList<ProgramRequest> Plan(ProgramStage stage, string text, int lineCount, string? documentId = null) =>
        [new ProgramRequest(stage, text, 0, lineCount) { DocumentId = documentId }];

    /// <summary>Writes one result per request, in order. Implementations may batch; they must honour the token.</summary>
    IReadOnlyList<ProgramResult> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default);

    /// <summary>The effective options (preset, thresholds, tokenizer, model shape …) as sorted name/value pairs.</summary>
    IReadOnlyDictionary<string, string> Describe() => new SortedDictionary<string, string>(StringComparer.Ordinal);
}
