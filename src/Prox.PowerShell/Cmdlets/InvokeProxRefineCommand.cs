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
[OutputType(typeof(RunSummary), typeof(FileInfo), ParameterSetName = [PathSet, LiteralPathSet])]
[OutputType(typeof(DocumentOutcome), ParameterSetName = [DocumentSet, TextSet])]
public sealed class InvokeProxRefineCommand : PSCmdlet
{
    private readonly List<string> _files = [];
    private CancellationTokenSource? _cancel;
    private GeneratorSelection? _generators;
    private DocumentRefiner? _refiner;
    private readonly List<CorpusDocument> _pendingDocuments = [];
    private readonly List<string> _pendingTexts = [];

    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string DocumentSet = "Document";
    private const string TextSet = "Text";

    /// <summary>
    /// Corpus files, folders or wildcard patterns (relative to the current location). Not bound from piped values, so
    /// that piped documents are refined as documents, never read as paths (piped files bind to -LiteralPath).
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Corpus files or folders taken literally; bound from piped Get-ChildItem output (PSPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Documents held in memory (Get-ProxDocument output): refined without touching files, one outcome each.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DocumentSet, ValueFromPipeline = true)]
    [ValidateNotNull]
    public CorpusDocument[] Document { get; set; } = [];

    /// <summary>Texts held in memory: refined without touching files, one outcome each (ids are content hashes).</summary>
    [Parameter(Mandatory = true, ParameterSetName = TextSet)]
    [AllowEmptyString]
    public string[] Text { get; set; } = [];

    /// <summary>The output folder (needed to refine files).</summary>
    [Parameter(Position = 1, ParameterSetName = PathSet)]
    [Parameter(Position = 1, ParameterSetName = LiteralPathSet)]
    [Parameter(ParameterSetName = DocumentSet)]
    public string OutputPath { get; set; } = "";

    /// <summary>The generator of both stages, as a spec: <c>rules</c>, <c>rules:C4</c>, <c>rules:ProxRules?MinWords=40</c>, a model folder. Default <c>rules:ProxRules</c>.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Generator { get; set; }

    /// <summary>The doc stage's generator spec (default: -Generator).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DocGenerator { get; set; }

    /// <summary>The chunk stage's generator spec (default: -Generator).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ChunkGenerator { get; set; }

    /// <summary>Overrides of rules thresholds and switches by name (<c>@{ MinWords = 40; C4Document = $true }</c>), recorded in the generator spec.</summary>
    [Parameter]
    [ValidateNotNull]
    public System.Collections.Hashtable? RulesOption { get; set; }

    /// <summary>A model folder that writes the programs of both stages (shorthand for <c>-Generator model:&lt;folder&gt;</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>The doc stage's model folder (shorthand for <c>-DocGenerator model:&lt;folder&gt;</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DocModel { get; set; }

    /// <summary>The chunk stage's model folder (shorthand for <c>-ChunkGenerator model:&lt;folder&gt;</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ChunkModel { get; set; }

    /// <summary>Where models run: Auto (CUDA when it loads, else the CPU with one warning), Cuda or Cpu.</summary>
    [Parameter]
    public Prox.Models.ExecutionProvider? ExecutionProvider { get; set; }

    /// <summary>The LLaMA-2 SentencePiece tokenizer.model for model folders that have none.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ModelTokenizer { get; set; }

    /// <summary>A doc model drops a document when p(drop) exceeds this (default 0.5).</summary>
    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double? DropThreshold { get; set; }

    /// <summary>Chunk models decode as published, unconstrained (default: only valid Strict chunk programs for each chunk).</summary>
    [Parameter]
    public SwitchParameter Unconstrained { get; set; }

    /// <summary>Sequences a model decodes together (0 = automatic: 16 on the CPU, 64 on CUDA).</summary>
    [Parameter]
    [ValidateRange(0, 4096)]
    public int? BatchSize { get; set; }

    private ModelChoice Models => new(Model, DocModel, ChunkModel, ExecutionProvider, ModelTokenizer, DropThreshold, Unconstrained.IsPresent, BatchSize);

    /// <summary>The rules preset (shorthand for -Generator rules:&lt;Preset&gt;).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PresetCompleter))]
    public string? Preset { get; set; }

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

    /// <summary>The task of a sharded run this process is (0-based); default: from a Slurm array or Kubernetes indexed Job, else 0.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? TaskIndex { get; set; }

    /// <summary>How many tasks the run is sharded into; default: SLURM_ARRAY_TASK_COUNT, else 1 (a Kubernetes indexed Job: give its completions).</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? TaskCount { get; set; }

    /// <summary>Plain JSON Lines files larger than this are split into work units of this many bytes (default 256 MB).</summary>
    [Parameter]
    [ValidateRange(1L, long.MaxValue)]
    public long UnitSize { get; set; } = RefineOptions.Default.UnitBytes;

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

    private RefineStages Stages => Stage.Aggregate((RefineStages)0, (acc, s) => acc | (s == ProgramStage.Doc ? RefineStages.Doc : RefineStages.Chunk));

    private GeneratorSelection CreateGenerators()
    {
        try
        {
            return GeneratorSelection.Create(this, Stages, Generator, Preset, DocGenerator, ChunkGenerator, ThrottleLimit, rulesOptions: RulesOption, models: Models);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
        {
            ThrowTerminatingError(GeneratorSelection.Error(e, Preset ?? Generator ?? DocGenerator ?? ChunkGenerator ?? Model ?? DocModel ?? ChunkModel, RulesOption));
            throw;
        }
    }

    /// <summary>The in-memory refiner, made on the first document (the parameter set is known only once input binds).</summary>
    private DocumentRefiner Refiner()
    {
        if (_refiner is not null) return _refiner;
        _generators = CreateGenerators();
        _cancel = new CancellationTokenSource();
        return _refiner = new DocumentRefiner(_generators.Doc, _generators.Chunk, new RefineOptions
        {
            Stages = Stages, Dialect = Dialect, TextField = TextField, IdField = IdField,
            Tokenizer = TokenizerNames.Resolve(this, Tokenizer), Threads = ThrottleLimit,
        });
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case DocumentSet when !string.IsNullOrWhiteSpace(OutputPath):
                // Written into a folder at the end, in input order (one refined file per source file).
                _pendingDocuments.AddRange(Document);
                break;
            case DocumentSet:
                // Documents are refined a batch at a time, in input order, as they arrive.
                _pendingDocuments.AddRange(Document);
                if (_pendingDocuments.Count >= Refiner().Options.BatchSize) FlushDocuments();
                break;
            case TextSet:
                _pendingTexts.AddRange(Text);
                FlushTexts();
                break;
            default:
                var literal = ParameterSetName == LiteralPathSet;
                _files.AddRange(CorpusPaths.Resolve(this, literal ? LiteralPath : Path, literal, Recurse));
                break;
        }
    }

    private void FlushDocuments()
    {
        foreach (var o in Refiner().Refine(_pendingDocuments, _cancel!.Token)) WriteObject(o);
        _pendingDocuments.Clear();
    }

    private void FlushTexts()
    {
        foreach (var o in Refiner().Refine(_pendingTexts, _cancel!.Token)) WriteObject(o);
        _pendingTexts.Clear();
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ParameterSetName == DocumentSet && !string.IsNullOrWhiteSpace(OutputPath))
        {
            WriteDocuments();
            return;
        }
        if (ParameterSetName is DocumentSet or TextSet)
        {
            try
            {
                if (_pendingDocuments.Count > 0) FlushDocuments();
                if (_pendingTexts.Count > 0) FlushTexts();
            }
            finally
            {
                _generators?.Dispose();
            }
            return;
        }
        if (_files.Count == 0) return;
        if (string.IsNullOrWhiteSpace(OutputPath))
        {
            ThrowTerminatingError(ProxErrors.Create(
                new ArgumentException("-OutputPath is needed to refine files (the refined files, dropped/, quarantine/ and _summary.json go there). To refine documents in memory, pipe them in (Get-ProxDocument … | Invoke-ProxRefine) or use -Text."),
                "OutputPathMissing", ErrorCategory.InvalidArgument, _files.ToArray()));
        }
        var output = FileSystemPaths.ResolveForOutput(this, OutputPath);
        var tokenizer = TokenizerNames.Resolve(this, Tokenizer);
        var stages = Stages;
        Prox.Runs.RunTask task;
        try
        {
            task = Prox.Runs.RunTask.Resolve(TaskIndex, TaskCount);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "TaskInvalid", ErrorCategory.InvalidArgument, TaskIndex));
            return;
        }
        if (task.Count > 1) WriteVerbose($"sharded run: {task}");
        var options = new RefineOptions
        {
            TaskIndex = task.Index,
            TaskCount = task.Count,
            Stages = stages,
            Dialect = Dialect,
            TextField = TextField,
            IdField = IdField,
            Tokenizer = tokenizer,
            OutputFormat = OutputFormat,
            Threads = ThrottleLimit,
            WriteDropped = !NoDroppedOutput,
            Force = Force,
            UnitBytes = UnitSize,
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
        var accepted = plans.Where(p => ShouldProcess(p.Input, $"Refine into '{p.Output}'")).Select(p => p.Input).Distinct(StringComparer.Ordinal).ToList();
        if (accepted.Count == 0) return;
        foreach (var p in plans.Where(p => accepted.Contains(p.Input))) WriteVerbose($"plan: '{p.Input}' -> '{p.Output}'");
        using var generators = CreateGenerators();
        WriteVerbose($"generators: doc {generators.Doc?.Name ?? "(off)"}, chunk {generators.Chunk?.Name ?? "(off)"}; stages {stages}, dialect {Dialect}, tokenizer {tokenizer}, {ThrottleLimit} thread(s)");
        var messages = new BlockingCollection<(bool Warning, string Text)>();
        var refiner = new CorpusRefiner(generators.Doc, generators.Chunk, options)
        {
            Log = m => messages.Add((false, m)),
            Warn = m => messages.Add((true, m)),
        };
        // Under `dotnet pwsh`, this pwsh is the launcher's child: when the launcher is killed, stop as it did.
        if (Prox.IO.LauncherWatch.KillWithLauncher()) WriteVerbose("started by the dotnet pwsh launcher: this process stops when the launcher does");
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
            FlushMessages(messages);
            record.StatusDescription = p.Describe();
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
            FlushMessages(messages);
            return;
        }
        catch (RunFailedException e)
        {
            FlushMessages(messages);
            WriteObject(e.Summary);
            ThrowTerminatingError(ProxErrors.Create(e, "UnitsFailed", ErrorCategory.ReadError, OutputPath));
            return;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            FlushMessages(messages);
            ThrowTerminatingError(ProxErrors.Create(e, "RefineFailed", ProxErrors.CategoryOf(e), OutputPath));
            return;
        }
        FlushMessages(messages);
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

    /// <summary>Piped documents with -OutputPath: refined and written into the folder, the summary returned.</summary>
    private void WriteDocuments()
    {
        var output = FileSystemPaths.ResolveForOutput(this, OutputPath);
        if (!ShouldProcess(output, $"Refine {_pendingDocuments.Count:N0} document(s) into '{output}'")) return;
        using var generators = CreateGenerators();
        var options = new RefineOptions
        {
            Stages = Stages, Dialect = Dialect, TextField = TextField, IdField = IdField, Tokenizer = TokenizerNames.Resolve(this, Tokenizer),
            OutputFormat = OutputFormat, Threads = ThrottleLimit, WriteDropped = !NoDroppedOutput, Force = Force,
        };
        _cancel = new CancellationTokenSource();
        try
        {
            var summary = new CorpusRefiner(generators.Doc, generators.Chunk, options) { Log = WriteVerbose }.RunDocuments(_pendingDocuments, output, _cancel.Token);
            WriteObject(summary);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "RefineFailed", ProxErrors.CategoryOf(e), OutputPath));
        }
    }

    private void FlushMessages(BlockingCollection<(bool Warning, string Text)> messages)
    {
        while (messages.TryTake(out var m))
            if (m.Warning) WriteWarning(m.Text);
            else WriteVerbose(m.Text);
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancel?.Cancel();
}

/// <summary>An IProgress that calls back on the reporting thread (no synchronization context hop).</summary>
internal sealed class ImmediateProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
