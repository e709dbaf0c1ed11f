using System.Management.Automation;
using Prox.Programs;
using Prox.Quality;
using Prox.Refinement;
using Prox.Rules;
using Prox.PowerShell.Binding;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Measures how well a program backend's line decisions agree with human line labels.</para>
/// <para type="description">Reads line-labelled files (a JSON array or JSONL of records with the lines in 'text' or
/// 'lines' and 'labels': 1 = keep, 0 = remove, null = ignore), has the backend write a ProX program for every document,
/// runs the programs with the executor, and compares each line's kept/removed outcome with its label. Emits one result
/// per file: documents, lines, precision/recall/F1 of the keep and remove classes pooled over all lines, F1 (= pooled
/// keep-class F1), the page-averaged keep-class F1, precision and recall (each document's score, averaged over the
/// documents with a line labelled keep), accuracy, kept fraction, and BaselineF1 (the keep-class F1 of keeping every
/// line). Reads both shared formats: the Turku sets and the readability pages (JSONL of {id, url, lines, labels, gold}).</para>
/// <example>
///   <code>Measure-ProxQuality -Path ../shared/quality/turku-en/dev.json -Preset ProxRules</code>
///   <para>Evaluates the tuned rules on the English Turku dev split.</para>
/// </example>
/// <example>
///   <code>Measure-ProxQuality -Path ../shared/quality/readability-pages/pages.jsonl | Format-List F1, PageAveraged*</code>
///   <para>Scores the default rules on whole web pages, pooled and page-averaged.</para>
/// </example>
/// <example>
///   <code>Get-ChildItem ../shared/quality/turku-*/dev.json | Measure-ProxQuality -Preset C4 -Stage Chunk</code>
///   <para>Evaluates only the C4 line rules (chunk stage) on every dev split.</para>
/// </example>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "ProxQuality", DefaultParameterSetName = "Path")]
[OutputType(typeof(QualityReport))]
public sealed class MeasureProxQualityCommand : PSCmdlet
{
    /// <summary><para type="description">Labelled file(s) (.json array or .jsonl); wildcards allowed.</para></summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Labelled file(s) taken literally; bound from piped Get-ChildItem output (PSPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary><para type="description">The generator, as a spec (rules:C4, rules:ProxRules?MinWords=40, a model folder). Default rules:ProxRules.</para></summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Generator { get; set; }

    /// <summary>Overrides of rules thresholds and switches by name (<c>@{ MinWords = 40; C4Document = $true }</c>), recorded in the generator spec.</summary>
    [Parameter]
    [ValidateNotNull]
    public System.Collections.Hashtable? RulesOption { get; set; }

    /// <summary><para type="description">The rules preset: ProxRules (default; alias Default), Gopher, C4, FineWeb (shorthand for -Generator rules:Preset).</para></summary>
    [Parameter]
    [ValidateSet("ProxRules", "Default", "Gopher", "C4", "FineWeb")]
    public string? Preset { get; set; }

    /// <summary><para type="description">The stages whose programs run: Doc, Chunk, or both (default). A dropped document counts as all its lines removed.</para></summary>
    [Parameter]
    public ProgramStage[] Stage { get; set; } = [ProgramStage.Doc, ProgramStage.Chunk];

    /// <summary><para type="description">The dialect the executor reads programs in (default Strict).</para></summary>
    [Parameter]
    public ProgramDialect Dialect { get; set; } = ProgramDialect.Strict;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var options = new QualityOptions
        {
            DocStage = Array.IndexOf(Stage, ProgramStage.Doc) >= 0,
            ChunkStage = Array.IndexOf(Stage, ProgramStage.Chunk) >= 0,
            Dialect = Dialect,
        };
        var literal = ParameterSetName == "LiteralPath";
        foreach (var file in FileSystemPaths.ResolveExisting(this, literal ? LiteralPath : Path, literal))
        {
            WriteProgress(new ProgressRecord(1, "Measure-ProxQuality", file));
            GeneratorSelection generators;
            try
            {
                generators = GeneratorSelection.Create(this, RefineStages.Doc, Generator, Preset, null, null, threads: 1, rulesOptions: RulesOption);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException)
            {
                ThrowTerminatingError(GeneratorSelection.Error(e, Preset ?? Generator, RulesOption));
                return;
            }
            using var _ = generators;
            WriteVerbose($"evaluating '{file}' with {generators.Doc!.Name}, stages {string.Join(",", Stage)}, dialect {Dialect}");
            try
            {
                WriteObject(QualityEvaluator.Evaluate(file, generators.Doc!, options));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                WriteError(ProxErrors.Create(e, "QualityInput", ProxErrors.CategoryOf(e), file));
            }
        }
        WriteProgress(new ProgressRecord(1, "Measure-ProxQuality", "done") { RecordType = ProgressRecordType.Completed });
    }
}
