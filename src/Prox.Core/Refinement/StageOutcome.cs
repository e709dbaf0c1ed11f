using Prox.Programs;

namespace Prox.Refinement;

/// <summary>What one stage (doc or chunk) did to one document: the program, how it parsed, what it changed.</summary>
public sealed record StageOutcome
{
    /// <summary>Doc or Chunk.</summary>
    public required ProgramStage Stage { get; init; }
    /// <summary>The generator spec that wrote the program (e.g. <c>rules:ProxRules</c>).</summary>
    public required string Generator { get; init; }
    /// <summary>The program text (chunk programs of a document joined with <c>\n</c>).</summary>
    public required string Program { get; init; }
    /// <summary>Requests the generator answered for this document (1, or one per token chunk).</summary>
    public int Requests { get; init; } = 1;
    /// <summary>Parse and execution diagnostics (errors, warnings).</summary>
    public IReadOnlyList<ProgramDiagnostic> Diagnostics { get; init; } = [];
    /// <summary>Error operations (parse errors plus ranges past the end).</summary>
    public int ErrorCount { get; init; }
    /// <summary>Error diagnostics found while parsing.</summary>
    public int ParseErrors { get; init; }
    /// <summary>True when the program was ignored (too many errors or over a limit): the text was kept unchanged.</summary>
    public bool Ignored { get; init; }
    /// <summary>True when this stage dropped the document.</summary>
    public bool Dropped { get; init; }
    /// <summary>Why it dropped the document (<see cref="Programs.DropReason.None"/> when kept).</summary>
    public DropReason DropReason { get; init; }
    /// <summary>Calls by function name (<c>remove_lines</c>, <c>normalize</c>, <c>keep_doc</c>, …).</summary>
    public IReadOnlyDictionary<string, int> Operations { get; init; } = new Dictionary<string, int>();
    /// <summary>Removed line runs, in line order (empty when ignored or dropped before running).</summary>
    public IReadOnlyList<RemovedRange> RemovedRanges { get; init; } = [];
    /// <summary>The <c>normalize</c> calls and their matches.</summary>
    public IReadOnlyList<NormalizationOutcome> Normalizations { get; init; } = [];
    /// <summary>The generator's score for the decision (a model's <c>p(drop)</c> at doc stage), when it has one.</summary>
    public double? Score { get; init; }
    /// <summary>Prompt tokens the generator read for this document.</summary>
    public long PromptTokens { get; init; }
    /// <summary>Tokens the generator wrote for this document.</summary>
    public long GeneratedTokens { get; init; }
    /// <summary>The generator's findings (e.g. fired document rules and their values), or null.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }
    /// <summary>The size of the batch the model decoded each request in, per request (empty for generators without batches).</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = [];
    /// <summary>Lines the stage removed (0 when ignored).</summary>
    public int LinesRemoved { get; init; }
    /// <summary>Characters after the stage (0 when dropped).</summary>
    public long CharactersOut { get; init; }
    /// <summary>Words after the stage (0 when dropped).</summary>
    public long WordsOut { get; init; }
    /// <summary>Tokens after the stage (0 when dropped).</summary>
    public long TokensOut { get; init; }
}
