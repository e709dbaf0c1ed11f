using Prox.Corpus;
using Prox.Programs;

namespace Prox.Refinement;

/// <summary>
/// What refinement did to one document: kept or dropped (by which stage, why), each stage's program and what it
/// changed, and the counts before and after. Immutable. The pipeline's only product: statistics, <c>metadata.prox</c>,
/// the dropped sidecar and quality evaluation are all computed from outcomes, and reading a refined folder
/// (<see cref="Runs.RunFolder"/>) gives outcomes again (<see cref="OutcomeProvenance"/>).
/// </summary>
public sealed record DocumentOutcome
{
    /// <summary>The document id.</summary>
    public required string Id { get; init; }
    /// <summary>The corpus file the document was read from (its file name when read back from provenance), or null for in-memory input.</summary>
    public string? SourceFile { get; init; }
    /// <summary>1-based line (JSON Lines) or row (Parquet) of the record in <see cref="SourceFile"/>; 0 when unknown.</summary>
    public long SourceRecord { get; init; }
    /// <summary>True when the document was kept (written to the output).</summary>
    public bool Kept => DropStage is null;
    /// <summary>The stage that dropped the document, or null when kept.</summary>
    public ProgramStage? DropStage { get; init; }
    /// <summary>Why it was dropped (<see cref="Programs.DropReason.None"/> when kept).</summary>
    public DropReason DropReason { get; init; }
    /// <summary>The doc stage (null when it did not run).</summary>
    public StageOutcome? Doc { get; init; }
    /// <summary>The chunk stage (null when it did not run, or the doc stage dropped the document).</summary>
    public StageOutcome? Chunk { get; init; }
    /// <summary>The refined text (<c>""</c> when dropped).</summary>
    public required string Text { get; init; }
    /// <summary>The input text, when known (null when read back from a refined file, which holds only the output).</summary>
    public string? OriginalText { get; init; }
    /// <summary>Lines of the input.</summary>
    public long LinesIn { get; init; }
    /// <summary>Lines of the output (0 when dropped).</summary>
    public long LinesOut { get; init; }
    /// <summary>Words of the input (Python <c>str.split()</c>).</summary>
    public long WordsIn { get; init; }
    /// <summary>Words of the output.</summary>
    public long WordsOut { get; init; }
    /// <summary>Characters (UTF-16 code units) of the input.</summary>
    public long CharactersIn { get; init; }
    /// <summary>Characters of the output.</summary>
    public long CharactersOut { get; init; }
    /// <summary>Tokens of the input (the run's tokenizer).</summary>
    public long TokensIn { get; init; }
    /// <summary>Tokens of the output.</summary>
    public long TokensOut { get; init; }
    /// <summary>The tokenizer that counted <see cref="TokensIn"/> and <see cref="TokensOut"/>.</summary>
    public string Tokenizer { get; init; } = "";
    /// <summary>The record the document came from (null for in-memory text): writers copy its other fields.</summary>
    public CorpusDocument? Source { get; init; }

    /// <summary>The generator spec of the stage that decided (chunk when it ran, else doc).</summary>
    public string? Generator => Chunk?.Generator ?? Doc?.Generator;

    /// <summary>Token retention of this document (tokens out / tokens in; 0 for an empty input).</summary>
    public double TokenRetention => TokensIn == 0 ? 0 : (double)TokensOut / TokensIn;

    /// <inheritdoc/>
    public override string ToString() => Kept ? $"{Id}: kept {CharactersOut}/{CharactersIn} chars" : $"{Id}: dropped by {DropStage} ({DropReason})";
}
