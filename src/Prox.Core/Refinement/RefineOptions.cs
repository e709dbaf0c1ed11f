using Prox.Corpus;
using Prox.Programs;
using Prox.Text;

namespace Prox.Refinement;

/// <summary>Which ProX stages run.</summary>
[Flags]
public enum RefineStages
{
    /// <summary>Document level: keep or drop.</summary>
    Doc = 1,
    /// <summary>Chunk level: remove lines, normalize.</summary>
    Chunk = 2,
    /// <summary>Both, document level first (the default).</summary>
    All = Doc | Chunk,
}

/// <summary>How a refinement run reads, refines, counts and writes.</summary>
public sealed record RefineOptions
{
    /// <summary>The defaults.</summary>
    public static RefineOptions Default { get; } = new();

    /// <summary>Stages to run (default both).</summary>
    public RefineStages Stages { get; init; } = RefineStages.All;

    /// <summary>The executor dialect (default Strict).</summary>
    public ProgramDialect Dialect { get; init; } = ProgramDialect.Strict;

    /// <summary>Executor thresholds and limits.</summary>
    public ExecutorOptions Executor { get; init; } = ExecutorOptions.Default;

    /// <summary>The record field holding the text (default <c>text</c>; RedPajama: <c>raw_content</c>).</summary>
    public string TextField { get; init; } = "text";

    /// <summary>The record field holding the id (default <c>id</c>; when absent, an id is derived from the text).</summary>
    public string IdField { get; init; } = "id";

    /// <summary>Token counter spec for statistics (see <see cref="TokenCounter.Create"/>; default <c>cl100k_base</c>).</summary>
    public string Tokenizer { get; init; } = TokenCounter.DefaultSpec;

    /// <summary>Overwrite existing outputs (default false: refuse).</summary>
    public bool Force { get; init; }

    /// <summary>Write dropped documents, with their programs and reasons, to <c>dropped/</c> (default true).</summary>
    public bool WriteDropped { get; init; } = true;

    /// <summary>Output format; null = same as each input.</summary>
    public CorpusFormat? OutputFormat { get; init; }

    /// <summary>Compression level for compressed outputs (null = the writer's default: fastest gzip, zstd 3).</summary>
    public int? CompressionLevel { get; init; }

    /// <summary>Worker threads for generating and executing programs (default: the processor count).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Documents per batch handed to the generator (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// The task of a sharded run this process is (0-based; default 0). Tasks of one run share the output folder and
    /// its plan; each refines the units the plan assigns to it. See <see cref="Prox.Runs.RunTask.Resolve"/> for taking
    /// it from a Slurm array or Kubernetes indexed Job.
    /// </summary>
    public int TaskIndex { get; init; }

    /// <summary>How many tasks the run is sharded into (default 1). Part of the plan: every task must give the same.</summary>
    public int TaskCount { get; init; } = 1;

    /// <summary>
    /// The size of a work unit of a large input (default 256 MiB): a plain JSON Lines file larger than this is split
    /// into byte ranges of this size, and a larger Parquet file of several row groups into runs of row groups of at
    /// least this many compressed bytes; each is a unit of its own with its own output parts, so that one large file
    /// does not serialize a sharded run. Smaller files and compressed JSON Lines files are one unit each.
    /// </summary>
    public long UnitBytes { get; init; } = 256L << 20;

    internal void Validate()
    {
        if (UnitBytes < 1) throw new ArgumentOutOfRangeException(nameof(UnitBytes), UnitBytes, "a work unit needs at least one byte");
        new Prox.Runs.RunTask(TaskIndex, TaskCount).Validate();
        if ((Stages & RefineStages.All) == 0) throw new ArgumentException("at least one stage (Doc, Chunk) must run", nameof(Stages));
        if (Threads < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "needs at least one thread");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "needs at least one document per batch");
        if (string.IsNullOrEmpty(TextField)) throw new ArgumentException("the text field name is empty", nameof(TextField));
        if (string.IsNullOrEmpty(IdField)) throw new ArgumentException("the id field name is empty", nameof(IdField));
    }
}

/// <summary>Where a run stands, for progress bars.</summary>
/// <param name="File">The input file being refined.</param>
/// <param name="FileIndex">0-based index of that file.</param>
/// <param name="FileCount">Number of input files.</param>
/// <param name="Documents">Documents finished so far (all files).</param>
/// <param name="BytesRead">Input bytes read so far (all files, as stored).</param>
/// <param name="BytesTotal">Size of all input files.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record RefineProgress(string File, int FileIndex, int FileCount, long Documents, long BytesRead, long BytesTotal, TimeSpan Elapsed)
{
    /// <summary>Fraction of the input read, 0–1.</summary>
    public double Fraction => BytesTotal <= 0 ? 0 : Math.Clamp((double)BytesRead / BytesTotal, 0, 1);

    /// <summary>Input megabytes per second.</summary>
    public double MegabytesPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : BytesRead / 1e6 / Elapsed.TotalSeconds;

    /// <summary>Documents per second.</summary>
    public double DocumentsPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : Documents / Elapsed.TotalSeconds;

    /// <summary>Prompt tokens the models read so far (both stages; 0 for the rules).</summary>
    public long PromptTokens { get; init; }

    /// <summary>Tokens the models wrote so far (both stages; 0 for the rules).</summary>
    public long GeneratedTokens { get; init; }

    /// <summary>Prompt tokens per second.</summary>
    public double PromptTokensPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : PromptTokens / Elapsed.TotalSeconds;

    /// <summary>Generated tokens per second.</summary>
    public double GeneratedTokensPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : GeneratedTokens / Elapsed.TotalSeconds;

    /// <summary>
    /// One line for a progress bar: file, documents, bytes and their rates, and for a model run the prompt and
    /// generated tokens per second.
    /// </summary>
    public string Describe()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var line = string.Format(inv, "{0} ({1}/{2}): {3:N0} documents, {4:N1}/{5:N1} MB, {6:N1} MB/s, {7:N1} docs/s",
            Path.GetFileName(File), FileIndex + 1, FileCount, Documents, BytesRead / 1e6, BytesTotal / 1e6, MegabytesPerSecond, DocumentsPerSecond);
        if (PromptTokens > 0 || GeneratedTokens > 0)
            line += string.Format(inv, ", model: {0:N0} prompt tokens/s, {1:N1} generated tokens/s", PromptTokensPerSecond, GeneratedTokensPerSecond);
        return line;
    }

    /// <summary>Estimated time left, when it can be estimated.</summary>
    public TimeSpan? Remaining => Fraction is > 0.001 and < 1 ? TimeSpan.FromSeconds(Elapsed.TotalSeconds * (1 - Fraction) / Fraction) : null;
}
