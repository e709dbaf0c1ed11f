using System.Management.Automation;
using Prox.Corpus;
using Prox.Generation;
using Prox.PowerShell.Binding;
using Prox.Programs;
using Prox.Refinement;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Shows the programs a backend would write for documents, without applying them.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxProgram", DefaultParameterSetName = TextSet)]
[OutputType(typeof(GeneratedProgram))]
public sealed class GetProxProgramCommand : PSCmdlet
{
    private const string TextSet = "Text";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private Binding.GeneratorSelection? _generators;
    private DocumentRefiner? _refiner;
    private long _documents;

    /// <summary>Corpus files, folders or wildcard patterns to read documents from.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PathSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Corpus files or folders taken literally; bound from piped Get-ChildItem output (PSPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>A document text (binds from piped strings and from objects with a Text property, e.g. Get-ProxDocument output).</summary>
    [Parameter(Mandatory = true, ParameterSetName = TextSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Text { get; set; } = "";

    /// <summary>The document id (binds from piped objects with an Id property).</summary>
    [Parameter(ParameterSetName = TextSet, ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    /// <summary>The generator of both stages, as a spec (<c>rules:C4</c>, a model folder). Default <c>rules:ProxRules</c>.</summary>
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

    /// <summary>Stages to write programs for. Default Doc, Chunk.</summary>
    [Parameter]
    public ProgramStage[] Stage { get; set; } = [ProgramStage.Doc, ProgramStage.Chunk];

    /// <summary>The field holding the text (with -Path).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string TextField { get; set; } = "text";

    /// <summary>The field holding the id (with -Path).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateNotNullOrEmpty]
    public string IdField { get; set; } = "id";

    /// <summary>Stop after this many documents.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long First { get; set; } = long.MaxValue;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        var stages = Stage.Aggregate((RefineStages)0, (acc, s) => acc | (s == ProgramStage.Doc ? RefineStages.Doc : RefineStages.Chunk));
        try
        {
            _generators = Binding.GeneratorSelection.Create(this, stages, Generator, Preset, DocGenerator, ChunkGenerator, threads: Environment.ProcessorCount, rulesOptions: RulesOption, models: Models);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidOperationException)
        {
            ThrowTerminatingError(GeneratorSelection.Error(e, Preset ?? Generator ?? DocGenerator ?? ChunkGenerator ?? Model ?? DocModel ?? ChunkModel, RulesOption));
        }
        WriteVerbose($"generators: doc {_generators!.Doc?.Name ?? "(off)"}, chunk {_generators.Chunk?.Name ?? "(off)"}, stages {stages}");
        _refiner = new DocumentRefiner(_generators!.Doc, _generators.Chunk, new RefineOptions { Stages = stages, Tokenizer = Prox.Text.TokenCounter.Whitespace, Threads = 1 });
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ParameterSetName == TextSet)
        {
            Emit(Text, Id);
            return;
        }
        var options = new CorpusReadOptions { TextField = TextField, IdField = IdField };
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var file in CorpusPaths.Resolve(this, literal ? LiteralPath : Path, literal, recurse: false))
        {
            WriteVerbose($"reading '{file}'");
            foreach (var entry in CorpusReader.Read(file, options))
            {
                if (_documents >= First) return;
                if (entry.Document is { } doc) Emit(doc.Text, doc.Id);
                else
                {
                    var q = entry.Quarantine!;
                    WriteError(ProxErrors.Create(new InvalidDataException(q.Message), "Quarantined." + q.Kind, ErrorCategory.InvalidData, q));
                }
            }
        }
    }

    private void Emit(string text, string? id)
    {
        if (_documents >= First) return;
        _documents++;
        foreach (var p in _refiner!.Programs(text, id)) WriteObject(p);
    }

    /// <inheritdoc />
    protected override void EndProcessing() => _generators?.Dispose();
}
