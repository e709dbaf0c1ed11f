using System.Collections.Concurrent;
using System.Management.Automation;
using Prox.Corpus;
using Prox.Generation;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Refines corpus files with ProX programs and writes the refined corpus, dropped and quarantine sidecars and a run summary.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ProxRefine", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RunSummary))]
public sealed class InvokeProxRefineCommand : PSCmdlet
{
    private readonly List<string> _files = [];
    private CancellationTokenSource? _cancel;

    /// <summary>Corpus files, folders or wildcards; accepts Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

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
    protected override void ProcessRecord() => _files.AddRange(Binding.CorpusPaths.Resolve(this, Path, Recurse));

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_files.Count == 0) return;
        var output = GetUnresolvedProviderPathFromPSPath(OutputPath);
        var stages = Stage.Aggregate((RefineStages)0, (acc, s) => acc | (s == ProgramStage.Doc ? RefineStages.Doc : RefineStages.Chunk));
        var options = new RefineOptions
        {
            Stages = stages,
            Dialect = Dialect,
            TextField = TextField,
            IdField = IdField,
            Tokenizer = Tokenizer,
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
            ThrowTerminatingError(new ErrorRecord(e, "ProxRefinePlan", ErrorCategory.InvalidArgument, OutputPath));
            return;
        }
        var accepted = plans.Where(p => ShouldProcess(p.Input, $"Refine into '{p.Output}'")).Select(p => p.Input).ToList();
        if (accepted.Count == 0) return;
        if (!Force)
        {
            var existing = plans.Where(p => accepted.Contains(p.Input)).Select(p => p.Output).FirstOrDefault(File.Exists)
                ?? (File.Exists(System.IO.Path.Combine(output, RunSummary.FileName)) ? System.IO.Path.Combine(output, RunSummary.FileName) : null);
            if (existing is not null)
            {
                ThrowTerminatingError(new ErrorRecord(new IOException($"'{existing}' exists; use -Force to overwrite it"),
                    "ProxOutputExists", ErrorCategory.ResourceExists, existing));
            }
        }

        using var generator = ProgramGenerators.Create(Backend, Preset);
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
            ThrowTerminatingError(new ErrorRecord(e, "ProxRefineFailed", ErrorCategory.WriteError, OutputPath));
            return;
        }
        foreach (var f in summary.Files)
            if (f.DocumentsQuarantined > 0)
                WriteWarning($"{f.DocumentsQuarantined:N0} unreadable record(s) of '{f.Input}' went to '{f.Quarantine}'");
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

/// <summary>Tab completion of rules preset names.</summary>
internal sealed class PresetCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters) =>
        Rules.RulesOptions.PresetNames
            .Where(n => n.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n));
}
