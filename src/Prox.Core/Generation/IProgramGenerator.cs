using Prox.Programs;

namespace Prox.Generation;

/// <summary>
/// One request for a program: a whole document (doc stage) or one chunk of numbered lines (chunk stage).
/// </summary>
/// <param name="Stage">Which stage the program is for.</param>
/// <param name="DocumentText">The whole document text (as the doc-level model sees it).</param>
/// <param name="FirstLine">Global 0-based index of the first line of the chunk (0 for the doc stage).</param>
/// <param name="LineCount">Number of lines in the chunk (all lines of the document for the doc stage).</param>
/// <param name="ChunkIndex">0-based index of the chunk within its document (0 for the doc stage).</param>
public sealed record ProgramRequest(ProgramStage Stage, string DocumentText, int FirstLine, int LineCount, int ChunkIndex = 0);

/// <summary>
/// The seam between the pipeline and whatever writes programs (the rules refiner, an ONNX LM, ...):
/// given documents or chunks with numbered lines, return program text, one per request, in order.
/// </summary>
public interface IProgramGenerator : IDisposable
{
    /// <summary>A short name for statistics and provenance (e.g. <c>rules</c>, <c>onnx:web-chunk-refining-lm</c>).</summary>
    string Name { get; }

    /// <summary>
    /// True when chunk requests must follow ProX chunking (≤ 1500 LLaMA-2 tokens per chunk). When false the pipeline
    /// sends one chunk request covering every line of the document.
    /// </summary>
    bool UsesTokenChunks { get; }

    /// <summary>
    /// True when <see cref="Generate"/> may be called from several threads at once (the pipeline then splits a batch
    /// across its worker threads). Default false: one call at a time, the generator parallelizes internally if it can.
    /// </summary>
    bool SupportsConcurrentCalls => false;

    /// <summary>Writes one program per request (same order). Implementations may batch internally.</summary>
    IReadOnlyList<string> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default);
}
