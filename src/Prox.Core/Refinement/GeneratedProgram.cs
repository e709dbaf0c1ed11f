using Prox.Generation;
using Prox.Programs;

namespace Prox.Refinement;

/// <summary>A program a generator wrote for a document or one of its chunks (what <c>Get-ProxProgram</c> returns).</summary>
/// <param name="Id">The document id.</param>
/// <param name="Stage">Doc or Chunk.</param>
/// <param name="ChunkIndex">0-based chunk index (0 at doc level).</param>
/// <param name="FirstLine">Global index of the chunk's first line.</param>
/// <param name="LineCount">Lines in the chunk (all lines at doc level).</param>
/// <param name="Program">The program text.</param>
/// <param name="Text">The whole document text the program was written for (line numbers are global, so a chunk's
/// program applies to the whole text): piping a <see cref="GeneratedProgram"/> into <c>Invoke-ProxProgram</c> runs it.</param>
public sealed record GeneratedProgram(string Id, ProgramStage Stage, int ChunkIndex, int FirstLine, int LineCount, string Program, string Text)
{
    /// <summary>The generator spec that wrote it.</summary>
    public string Generator { get; init; } = "";

    /// <summary>The generator's full result (labels per operation, score, token counts), when known.</summary>
    public ProgramResult? Result { get; init; }
}
