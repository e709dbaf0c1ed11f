using System.Globalization;
using System.Management.Automation;
using Prox.Cluster;
using Prox.Corpus;
using Prox.Generation;
using Prox.PowerShell.Binding;
using Prox.Programs;
using Prox.Refinement;
using Prox.Runs;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes (and with -Submit submits) a Slurm sbatch array script that refines a run with one array task per run task; -Resubmit submits the unfinished tasks of a run again.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ProxSlurmJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(SlurmSubmission))]
public sealed class NewProxSlurmJobCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string ResubmitSet = "Resubmit";

    private readonly List<string> _paths = [];

    /// <summary>Corpus files, folders or wildcard patterns to refine.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Corpus files or folders taken literally; bound from piped Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The run's output folder (shared by every task).</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    /// <summary>How many tasks (array tasks) the run is sharded into.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [ValidateRange(1, 100000)]
    public int Tasks { get; set; }

    /// <summary>A run folder whose pending or failed tasks are submitted again.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResubmitSet)]
    [ValidateNotNullOrEmpty]
    public string Resubmit { get; set; } = "";

    /// <summary>The Slurm partition.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? Partition { get; set; }

    /// <summary>GPUs per array task.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(0, 1024)]
    public int? Gpus { get; set; }

    /// <summary>The time limit of each array task, as Slurm writes it.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? TimeLimit { get; set; }

    /// <summary>CPUs per array task (also each task's -ThrottleLimit).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(1, 1024)]
    public int? CpusPerTask { get; set; }

    /// <summary>The job's name.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string JobName { get; set; } = "prox-refine";

    /// <summary>Submit the script with sbatch --parsable.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Submit { get; set; }

    /// <summary>The generator of both stages (spec).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? Generator { get; set; }

    /// <summary>The doc stage's generator spec.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? DocGenerator { get; set; }

    /// <summary>The chunk stage's generator spec.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? ChunkGenerator { get; set; }

    /// <summary>The rules preset.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ArgumentCompleter(typeof(PresetCompleter))]
    public string? Preset { get; set; }

    /// <summary>Overrides of rules thresholds by name.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNull]
    public System.Collections.Hashtable? RulesOption { get; set; }

    /// <summary>A model folder for both stages.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>The doc stage's model folder.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? DocModel { get; set; }

    /// <summary>The chunk stage's model folder.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? ChunkModel { get; set; }

    /// <summary>Where models run.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public Prox.Models.ExecutionProvider? ExecutionProvider { get; set; }

    /// <summary>The LLaMA-2 tokenizer.model for model folders without one.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string? ModelTokenizer { get; set; }

    /// <summary>The doc model's drop threshold.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(0.0, 1.0)]
    public double? DropThreshold { get; set; }

    /// <summary>Stages to run.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public ProgramStage[] Stage { get; set; } = [ProgramStage.Doc, ProgramStage.Chunk];

    /// <summary>The executor dialect.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public ProgramDialect Dialect { get; set; } = ProgramDialect.Strict;

    /// <summary>The field holding the text.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string TextField { get; set; } = "text";

    /// <summary>The field holding the id.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string IdField { get; set; } = "id";

    /// <summary>Token counter for statistics.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TokenizerCompleter))]
    public string Tokenizer { get; set; } = Prox.Text.TokenCounter.DefaultSpec;

    /// <summary>Output format; default: the same as each input.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public CorpusFormat? OutputFormat { get; set; }

    /// <summary>Worker threads of each task.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(1, 1024)]
    public int? ThrottleLimit { get; set; }

    /// <summary>Plain JSON Lines files larger than this are split into work units of this many bytes.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(1L, long.MaxValue)]
    public long UnitSize { get; set; } = RefineOptions.Default.UnitBytes;

    /// <summary>Read folders recursively.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Do not write dropped documents.</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public SwitchParameter NoDroppedOutput { get; set; }

    private RefineStages Stages => Stage.Aggregate((RefineStages)0, (acc, s) => acc | (s == ProgramStage.Doc ? RefineStages.Doc : RefineStages.Chunk));

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == ResubmitSet) return;
        _paths.AddRange(ParameterSetName == LiteralPathSet ? LiteralPath : Path);
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (ParameterSetName == ResubmitSet) { ResubmitUnfinished(); return; }
        var literal = ParameterSetName == LiteralPathSet;
        var roots = FileSystemPaths.ResolveExisting(this, _paths, literal);
        var files = CorpusPaths.Resolve(this, roots, literal: true, Recurse);
        if (files.Count == 0)
            ThrowTerminatingError(ProxErrors.Create(new FileNotFoundException($"no corpus file in {string.Join(", ", _paths)}"), "NoCorpusFile", ErrorCategory.ObjectNotFound, _paths.ToArray()));
        var output = FileSystemPaths.ResolveForOutput(this, OutputPath);
        var tokenizer = TokenizerNames.Resolve(this, Tokenizer);
        var options = new RefineOptions
        {
            TaskIndex = 0, TaskCount = Tasks, Stages = Stages, Dialect = Dialect, TextField = TextField, IdField = IdField,
            Tokenizer = tokenizer, OutputFormat = OutputFormat, WriteDropped = !NoDroppedOutput, UnitBytes = UnitSize,
        };
        var models = new ModelChoice(Model, DocModel, ChunkModel, ExecutionProvider, ModelTokenizer, DropThreshold);

        // The plan first, made from the very generators the tasks will make, so that every task finds and agrees with it.
        RunPlan plan;
        GeneratorSpec docSpec, chunkSpec;
        try
        {
            (docSpec, chunkSpec) = GeneratorSelection.Specs(Generator, Preset, DocGenerator, ChunkGenerator, RulesOption);
            (docSpec, chunkSpec) = models.Apply((docSpec, chunkSpec), Generator, Preset, DocGenerator, ChunkGenerator);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            ThrowTerminatingError(GeneratorSelection.Error(e, Preset ?? Generator ?? DocGenerator ?? ChunkGenerator ?? Model ?? DocModel ?? ChunkModel, RulesOption));
            return;
        }
        GeneratorSelection generators;
        try
        {
            generators = GeneratorSelection.Create(this, Stages, Generator, Preset, DocGenerator, ChunkGenerator, 1, rulesOptions: RulesOption, models: models);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
        {
            ThrowTerminatingError(GeneratorSelection.Error(e, Preset ?? Generator ?? DocGenerator ?? ChunkGenerator ?? Model ?? DocModel ?? ChunkModel, RulesOption));
            return;
        }
        using (generators)
        {
            try
            {
                plan = RunPlan.Create(files, output, options,
                    generators.Doc is { } d ? GeneratorInfo.Of(d) : null, generators.Chunk is { } c ? GeneratorInfo.Of(c) : null);
            }
            catch (Exception e) when (e is IOException or NotSupportedException)
            {
                ThrowTerminatingError(ProxErrors.Create(e, "RefinePlan", ErrorCategory.InvalidArgument, OutputPath));
                return;
            }
        }

        // What each task runs: the generators as the specs they resolved to, the rest as given.
        var parameters = new List<(string, IReadOnlyList<string>)>
        {
            ("Stage", Stage.Select(s => s.ToString()).ToArray()),
            ("Dialect", [Dialect.ToString()]),
            ("Tokenizer", [tokenizer]),
            ("TextField", [TextField]),
            ("IdField", [IdField]),
        };
        if ((Stages & RefineStages.Doc) != 0) parameters.Add(("DocGenerator", [docSpec.ToString()]));
        if ((Stages & RefineStages.Chunk) != 0) parameters.Add(("ChunkGenerator", [chunkSpec.ToString()]));
        if (ExecutionProvider is { } provider) parameters.Add(("ExecutionProvider", [provider.ToString()]));
        if (!string.IsNullOrWhiteSpace(ModelTokenizer)) parameters.Add(("ModelTokenizer", [GetUnresolvedProviderPathFromPSPath(ModelTokenizer)]));
        if (DropThreshold is { } threshold) parameters.Add(("DropThreshold", [threshold.ToString("R", CultureInfo.InvariantCulture)]));
        if (OutputFormat is { } format) parameters.Add(("OutputFormat", [format.ToString()]));
        if (ThrottleLimit is { } throttle) parameters.Add(("ThrottleLimit", [throttle.ToString(CultureInfo.InvariantCulture)]));
        if (UnitSize != RefineOptions.Default.UnitBytes) parameters.Add(("UnitSize", [UnitSize.ToString(CultureInfo.InvariantCulture)]));
        if (Recurse) parameters.Add(("Recurse", []));
        if (NoDroppedOutput) parameters.Add(("NoDroppedOutput", []));

        var environment = new List<KeyValuePair<string, string>>();
        foreach (var name in new[] { "PROX_SHARED", "PROX_MANAGED_ZSTD" })
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) environment.Add(new(name, value));

        SlurmScript script;
        try
        {
            var powershell = SlurmScript.CurrentPowerShell(SessionState.PSVariable.GetValue("PSHOME") as string ?? "");
            script = new SlurmScript
            {
                RunFolder = output,
                TaskCount = Tasks,
                WorkingDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath,
                PowerShell = powershell,
                ModuleManifest = ModuleManifest(),
                Inputs = roots,
                RefineParameters = parameters,
                JobName = JobName,
                Partition = Partition,
                Gpus = Gpus,
                TimeLimit = TimeLimit,
                CpusPerTask = CpusPerTask,
                Environment = environment,
                Home = Environment.GetEnvironmentVariable("HOME"),
                DotnetRoot = SlurmScript.DotnetRootOf(powershell[0]) ?? Environment.GetEnvironmentVariable("DOTNET_ROOT"),
            };
            script.Validate();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "SlurmScriptInvalid", ErrorCategory.InvalidArgument, OutputPath));
            return;
        }
        if (!ShouldProcess(output, $"Write the run plan and the Slurm array script of {Tasks} task(s){(Submit ? " and submit it" : "")}")) return;

        try
        {
            WriteVerbose(plan.WriteInto(output)
                ? $"wrote the plan: {plan.Units.Count} work unit(s) over {Tasks} task(s) into '{output}'"
                : $"'{output}' holds the same plan already: the tasks resume it");
            script.Write();
            WriteVerbose($"wrote '{script.ScriptPath}'; task logs go to '{script.LogFolder}'");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "SlurmJobWrite", ProxErrors.CategoryOf(e), OutputPath));
            return;
        }
        var indices = Enumerable.Range(0, Tasks).ToList();
        var result = new SlurmSubmission
        {
            RunFolder = output, ScriptPath = script.ScriptPath, LogFolder = script.LogFolder, JobName = JobName, TaskCount = Tasks,
            Tasks = indices, Array = SlurmScript.ArraySpec(indices),
        };
        if (Submit) result = SubmitScript(result, array: null);
        WriteObject(result);
    }

    private void ResubmitUnfinished()
    {
        var folder = FileSystemPaths.ResolveForOutput(this, Resubmit);
        RunFolder run;
        try
        {
            run = RunFolder.Open(folder);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "RunFolderRead", ProxErrors.CategoryOf(e), Resubmit));
            return;
        }
        if (run.Plan is null)
            ThrowTerminatingError(ProxErrors.Create(new InvalidDataException($"'{folder}' has no run plan ({RunPlan.FileName}): it is not a run New-ProxSlurmJob wrote"), "NoRunPlan", ErrorCategory.InvalidData, Resubmit));
        var scriptPath = SlurmScript.ScriptPathOf(folder);
        if (!File.Exists(scriptPath))
            ThrowTerminatingError(ProxErrors.Create(new FileNotFoundException($"'{scriptPath}' does not exist: the run was not made by New-ProxSlurmJob (or its script was removed)", scriptPath), "NoSlurmScript", ErrorCategory.ObjectNotFound, Resubmit));
        var unfinished = run.UnfinishedTasks();
        foreach (var t in run.Tasks())
            WriteVerbose($"task {t.Task}: {t.UnitsDone}/{t.UnitsPlanned} unit(s) done, {t.UnitsFailed} failed, {t.UnitsPending} pending");
        if (unfinished.Count == 0)
        {
            WriteWarning($"nothing left to submit: every task of the run in '{folder}' is complete ({run.Plan!.Units.Count} unit(s) committed)");
            return;
        }
        var array = SlurmScript.ArraySpec(unfinished);
        if (!ShouldProcess(folder, $"Submit task(s) {array} of '{scriptPath}' again")) return;
        WriteObject(SubmitScript(new SlurmSubmission
        {
            RunFolder = run.Path, ScriptPath = scriptPath, LogFolder = System.IO.Path.GetDirectoryName(scriptPath)!, JobName = JobNameOf(scriptPath),
            TaskCount = run.Plan!.TaskCount, Tasks = unfinished, Array = array,
        }, array));
    }

    private SlurmSubmission SubmitScript(SlurmSubmission what, string? array)
    {
        try
        {
            var id = SlurmClient.Submit(what.ScriptPath, array);
            WriteVerbose($"submitted job {id}: array {what.Array} of '{what.ScriptPath}'");
            return what with { JobId = id };
        }
        catch (InvalidOperationException e)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "SlurmSubmitFailed", ErrorCategory.ResourceUnavailable, what.ScriptPath));
            throw;
        }
    }

    private static string JobNameOf(string scriptPath)
    {
        foreach (var line in File.ReadLines(scriptPath))
            if (line.StartsWith("#SBATCH --job-name=", StringComparison.Ordinal)) return line["#SBATCH --job-name=".Length..].Trim();
        return "";
    }

    private string ModuleManifest()
    {
        var module = MyInvocation.MyCommand.Module ?? throw new InvalidOperationException("New-ProxSlurmJob runs outside its module; import Prox.psd1 first");
        var manifest = System.IO.Path.Combine(module.ModuleBase, "Prox.psd1");
        return File.Exists(manifest) ? manifest : module.Path;
    }
}
