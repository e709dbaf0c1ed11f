using System.Management.Automation;
using Prox.Analysis;
using Prox.PowerShell.Binding;
using Prox.Refinement;
using Prox.Runs;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Draws a reproducible sample of a run's documents (kept, dropped, or per drop reason) for review.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxSample")]
[OutputType(typeof(DocumentOutcome))]
public sealed class GetProxSampleCommand : PSCmdlet
{
    /// <summary>The run's output folder.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("OutputPath", "PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>How many documents (per reason with -PerReason). Default 20.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; } = 20;

    /// <summary>The seed: the same seed over the same run gives the same sample. Default 0.</summary>
    [Parameter]
    public long Seed { get; set; }

    /// <summary>Only documents with these outcomes: Kept, DropDoc, FewWordsLeft, FewWordsLeftFraction, NoWords.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(OutcomeCompleter))]
    public string[]? Reason { get; set; }

    /// <summary>Draw -Count documents of each outcome instead of -Count in all.</summary>
    [Parameter]
    public SwitchParameter PerReason { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var resolved = FileSystemPaths.ResolveExisting(this, [Path], literal: true);
        if (resolved.Count == 0) return;
        try
        {
            var run = RunFolder.Open(resolved[0]);
            WriteVerbose($"sampling {Count} document(s){(PerReason ? " per outcome" : "")} of '{run.Path}' with seed {Seed}{(Reason is { Length: > 0 } ? $", outcomes {string.Join(", ", Reason)}" : "")}");
            WriteObject(OutcomeSampler.Sample(run.ReadOutcomes(includeDropped: true), Count, Seed, Reason, PerReason), enumerateCollection: true);
        }
        catch (ArgumentException e)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "UnknownOutcome", ErrorCategory.InvalidArgument, Reason));
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            WriteError(ProxErrors.Create(e, "RunRead", ErrorCategory.InvalidData, resolved[0]));
        }
    }
}
