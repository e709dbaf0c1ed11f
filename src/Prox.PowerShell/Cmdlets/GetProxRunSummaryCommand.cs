using System.Management.Automation;
using Prox.Refinement;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Reads run summaries (_summary.json) of refinement runs and merges them.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxRunSummary")]
[OutputType(typeof(RunSummary))]
public sealed class GetProxRunSummaryCommand : PSCmdlet
{
    private readonly List<RunSummary> _summaries = [];

    /// <summary>Output folders or _summary.json files; wildcards allowed; accepts Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "OutputPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Emit each summary as read instead of one merged summary.</summary>
    [Parameter]
    public SwitchParameter NoMerge { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var pattern in Path)
        {
            IEnumerable<string> resolved;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(pattern, out _);
            }
            catch (ItemNotFoundException e)
            {
                WriteError(new ErrorRecord(e, "ProxSummaryNotFound", ErrorCategory.ObjectNotFound, pattern));
                continue;
            }
            foreach (var p in resolved)
            {
                try
                {
                    var s = RunSummary.Load(p);
                    if (NoMerge) WriteObject(s);
                    else _summaries.Add(s);
                }
                catch (Exception e) when (e is FileNotFoundException or InvalidDataException or IOException)
                {
                    WriteError(new ErrorRecord(e, "ProxSummaryRead", ErrorCategory.ReadError, p));
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (NoMerge || _summaries.Count == 0) return;
        WriteObject(_summaries.Count == 1 ? _summaries[0] : RunSummary.Merge(_summaries));
    }
}
