using System.Collections.Concurrent;
using System.Management.Automation;
using Prox.Corpus;
using Prox.Generation;
using Prox.PowerShell.Binding;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Refines corpus files with ProX programs and writes the refined corpus, dropped and quarantine sidecars and a run summary.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ProxRefine", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(RunSummary), typeof(FileInfo))]
public sealed class InvokeProxRefineCommand : PSCmdlet
{
    private readonly List<string> _files = [];
    private CancellationTokenSource? _cancel;

    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Corpus files, folders or wildcard patterns (relative to the current location).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Corpus files or folders taken literally; bound from piped Get-ChildItem output (PSPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The output folder.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    /// <summary>The program generator. Default Rules.</summary>
    [Parameter]
    public ProgramBackend Backend { get; set; } = ProgramBackend.Rules;

    /// <summary>The rules preset (Rules backend).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PresetCompleter))]
    public string Preset { get; set; } = ProgramGenerators.DefaultRulesPreset;

    /// <summary>Stages to run. Default Doc, Chunk.</summary>
    [Parameter]
    public ProgramStage[] Stage { get; set; } = [ProgramStage.Doc, ProgramStage.Chunk];

    /// <summary>The executor dialect. Default Strict.</summary>
    [Parameter]
    public ProgramDialect Dialect { get; set; } = ProgramDialect.Strict;

    /// <summary>The field holding the text.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string TextField { get; set; } = "text";

    /// <summary>The field holding the id.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string IdField { get; set; } = "id";

    /// <summary>Token counter for statistics.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TokenizerCompleter))]
    public string Tokenizer { get; set; } = Prox.Text.TokenCounter.DefaultSpec;

    /// <summary>Output format; default: the same as each input.</summary>
    [Parameter]
    public CorpusFormat? OutputFormat { get; set; }

    /// <summary>Worker threads.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = Environment.ProcessorCount;

    /// <summary>Read folders recursively.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Do not write dropped documents to dropped/.</summary>
    [Parameter]
    public SwitchParameter NoDroppedOutput { get; set; }

    /// <summary>Overwrite existing outputs.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Also emit the files written (FileInfo) after the summary.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        _files.AddRange(CorpusPaths.Resolve(this, literal ? LiteralPath : Path, literal, Recurse));
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_files.Count == 0) return;
        var output = FileSystemPaths.ResolveForOutput(this, OutputPath);
        var tokenizer = TokenizerNames.Resolve(this, Tokenizer);
        var stages = Stage.Aggregate((RefineStages)0, (acc, s) => acc | (s == ProgramStage.Doc ? RefineStages.Doc : RefineStages.Chunk));
        var options = new RefineOptions
        {
            Stages = stages,
            Dialect = Dialect,
            TextField = TextField,
            IdField = IdField,
            Tokenizer = tokenizer,
            OutputFormat = OutputFormat,
            Threads = ThrottleLimit,
            WriteDropped = !NoDroppedOutput,
            Force = Force,
        };

        IReadOnlyList<CorpusRefiner.PlannedFile> plans;
        try
        {
            plans = CorpusRefiner.Plan(_files, output, options);
        }
        catch (Exception e) when (e is IOException or NotSupportedException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "RefinePlan", ErrorCategory.InvalidArgument, OutputPath));
            return;
        }
        var accepted = plans.Where(p => ShouldProcess(p.Input, $"Refine into '{p.Output}'")).Select(p => p.Input).ToList();
        if (accepted.Count == 0) return;
        foreach (var p in plans.Where(p => accepted.Contains(p.Input))) WriteVerbose($"plan: '{p.Input}' -> '{p.Output}'");
        if (!Force)
        {
            var existing = plans.Where(p => accepted.Contains(p.Input)).Select(p => p.Output).FirstOrDefault(File.Exists)
                ?? (File.Exists(System.IO.Path.Combine(output, RunSummary.FileName)) ? System.IO.Path.Combine(output, RunSummary.FileName) : null);
            if (existing is not null)
            {
                ThrowTerminatingError(ProxErrors.Create(new IOException($"'{existing}' exists; use -Force to overwrite it"),
                    "OutputExists", ErrorCategory.ResourceExists, existing));
            }
        }

        IProgramGenerator generator;
        try
        {
            generator = ProgramGenerators.Create(Backend, Preset);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(ProxErrors.UnknownPreset(e, Preset));
            return;
        }
        using var _generator = generator;
        WriteVerbose($"generator {generator.Name} (preset {Preset}), stages {stages}, dialect {Dialect}, tokenizer {tokenizer}, {ThrottleLimit} thread(s)");
        var refiner = new CorpusRefiner(generator, options);
        var updates = new BlockingCollection<RefineProgress>();
        _cancel = new CancellationTokenSource();
        var progress = new ImmediateProgress<RefineProgress>(p => updates.Add(p));
        var run = Task.Run(() =>
        {
            try { return refiner.Run(accepted, output, progress, _cancel.Token); }
            finally { updates.CompleteAdding(); }
        });
        var record = new ProgressRecord(1, "Invoke-ProxRefine", "Starting");
        foreach (var p in updates.GetConsumingEnumerable())
        {
            record.StatusDescription = $"{System.IO.Path.GetFileName(p.File)} ({p.FileIndex + 1}/{p.FileCount}): {p.Documents:N0} documents, " +
                                       $"{p.BytesRead / 1e6:N1}/{p.BytesTotal / 1e6:N1} MB, {p.MegabytesPerSecond:N1} MB/s, {p.DocumentsPerSecond:N0} docs/s";
            record.PercentComplete = (int)(p.Fraction * 100);
            record.SecondsRemaining = p.Remaining is { } r ? (int)r.TotalSeconds : -1;
            WriteProgress(record);
        }
        record.RecordType = ProgressRecordType.Completed;
        WriteProgress(record);

        RunSummary summary;
        try
        {
            summary = run.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "RefineFailed", ProxErrors.CategoryOf(e), OutputPath));
            return;
        }
        foreach (var f in summary.Files)
        {
            WriteVerbose($"wrote '{f.Output}'{(f.Dropped is null ? "" : $", '{f.Dropped}'")}{(f.Quarantine is null ? "" : $", '{f.Quarantine}'")}");
            if (f.AllRecordsQuarantined)
                WriteError(ProxErrors.Create(new InvalidDataException(
                        $"'{f.Input}': every one of its {f.DocumentsQuarantined:N0} record(s) could not be read ({f.QuarantineReasonsText}); " +
                        $"they went to '{f.Quarantine}'. Check -TextField '{TextField}' and -IdField '{IdField}'."),
                    "AllRecordsQuarantined", ErrorCategory.InvalidData, f.Input));
            else if (f.DocumentsQuarantined > 0)
                WriteWarning($"{f.DocumentsQuarantined:N0} unreadable record(s) of '{f.Input}' went to '{f.Quarantine}'");
        }
        WriteVerbose($"wrote '{System.IO.Path.Combine(output, RunSummary.FileName)}'");
        WriteObject(summary);
        if (PassThru)
        {
            foreach (var f in summary.Files)
            {
                WriteObject(new FileInfo(f.Output));
                if (f.Dropped is not null) WriteObject(new FileInfo(f.Dropped));
                if (f.Quarantine is not null) WriteObject(new FileInfo(f.Quarantine));
            }
            WriteObject(new FileInfo(System.IO.Path.Combine(output, RunSummary.FileName)));
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancel?.Cancel();
}

/// <summary>An IProgress that calls back on the reporting thread (no synchronization context hop).</summary>
internal sealed class ImmediateProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
