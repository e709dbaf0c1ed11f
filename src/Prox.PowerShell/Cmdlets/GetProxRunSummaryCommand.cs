using System.Management.Automation;
using Prox.PowerShell.Binding;
using Prox.Refinement;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads run summaries (_summary.json) of refinement runs and merges them.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxRunSummary", DefaultParameterSetName = PathSet)]
[OutputType(typeof(RunSummary))]
public sealed class GetProxRunSummaryCommand : PSCmdlet
{
    private readonly List<RunSummary> _summaries = [];

    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Output folders or _summary.json files; wildcards allowed; binds OutputPath of piped summaries.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("OutputPath")]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Output folders or _summary.json files taken literally; bound from piped Get-ChildItem output (PSPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Emit each summary as read instead of one merged summary.</summary>
    [Parameter]
    public SwitchParameter NoMerge { get; set; }

    /// <summary>Add up runs even when their generators, tokenizers, dialects or stages differ.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        var resolved = FileSystemPaths.ResolveExisting(this, literal ? LiteralPath : Path, literal);
        foreach (var p in resolved)
        {
            try
            {
                // A run folder whose run is not complete has no _summary.json yet: its markers say where each task stands.
                var s = Directory.Exists(p) && !File.Exists(System.IO.Path.Combine(p, RunSummary.FileName)) && File.Exists(System.IO.Path.Combine(p, Prox.Runs.RunPlan.FileName))
                    ? Prox.Runs.RunFolder.Open(p).Summary()
                    : RunSummary.Load(p);
                if (NoMerge) WriteObject(s);
                else _summaries.Add(s);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException)
            {
                WriteError(ProxErrors.Create(e, e is FileNotFoundException ? "SummaryNotFound" : "SummaryRead", e is FileNotFoundException ? ErrorCategory.ObjectNotFound : ErrorCategory.ReadError, p));
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (NoMerge || _summaries.Count == 0) return;
        if (_summaries.Count == 1)
        {
            WriteObject(_summaries[0]);
            return;
        }
        var mismatches = RunSummary.Mismatches(_summaries);
        if (mismatches.Count > 0 && !Force)
        {
            ThrowTerminatingError(new ErrorRecord(
                new InvalidOperationException($"These runs were made differently, so their counts do not add up to one thing: {string.Join("; ", mismatches)}. Use -Force to add them up anyway, or -NoMerge to see each."),
                "Prox.RunsDiffer", ErrorCategory.InvalidData, _summaries.Select(s => s.OutputPath).ToArray()));
        }
        WriteObject(RunSummary.Merge(_summaries, force: Force));
    }
}
