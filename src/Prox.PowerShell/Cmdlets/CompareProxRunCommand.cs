using System.Management.Automation;
using Prox.Analysis;
using Prox.PowerShell.Binding;
using Prox.Refinement;
using Prox.Runs;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Compares two refinement runs: which documents one kept and the other dropped, counts per drop reason and per file, and line by line for one document.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "ProxRun", DefaultParameterSetName = DocumentSet)]
[OutputType(typeof(DocumentDifference), ParameterSetName = [DocumentSet])]
[OutputType(typeof(ReasonDifference), typeof(FileDifference), ParameterSetName = [DocumentSet])]
[OutputType(typeof(LineComparison), ParameterSetName = [LineSet])]
public sealed class CompareProxRunCommand : PSCmdlet
{
    private const string DocumentSet = "Documents";
    private const string LineSet = "Lines";

    /// <summary>The reference run's output folder (run A).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("A")]
    [ValidateNotNullOrEmpty]
    public string ReferencePath { get; set; } = "";

    /// <summary>The run to compare with it (run B).</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [Alias("B")]
    [ValidateNotNullOrEmpty]
    public string DifferencePath { get; set; } = "";

    /// <summary>What to report: Documents (default: those whose outcome or text differs), Reasons or Files.</summary>
    [Parameter(ParameterSetName = DocumentSet)]
    [ValidateSet("Documents", "Reasons", "Files")]
    public string By { get; set; } = "Documents";

    /// <summary>With -By Documents: also the documents both runs treated the same.</summary>
    [Parameter(ParameterSetName = DocumentSet)]
    public SwitchParameter IncludeEqual { get; set; }

    /// <summary>One document's id: report its lines, before and after in each run.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LineSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = "";

    /// <summary>With -Id: only the lines the runs treat differently.</summary>
    [Parameter(ParameterSetName = LineSet)]
    public SwitchParameter DifferentOnly { get; set; }

    private RunFolder? _a, _b;

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _a = Open(ReferencePath);
        _b = Open(DifferencePath);
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            if (ParameterSetName == LineSet)
            {
                var a = _a!.ReadOutcomes(includeDropped: true).FirstOrDefault(o => o.Id == Id);
                var b = _b!.ReadOutcomes(includeDropped: true).FirstOrDefault(o => o.Id == Id);
                if (a is null && b is null)
                {
                    WriteError(ProxErrors.Create(new ItemNotFoundException($"No document with id '{Id}' in '{_a.Path}' or '{_b.Path}'."),
                        "DocumentNotFound", ErrorCategory.ObjectNotFound, Id));
                    return;
                }
                foreach (var line in RunComparison.CompareLines(a, b))
                    if (!DifferentOnly || line.Differs) WriteObject(line);
                return;
            }
            WriteVerbose($"reading the outcomes of '{_a!.Path}' and '{_b!.Path}'");
            var comparison = RunComparison.Compare(_a.ReadOutcomes(includeDropped: true), _b.ReadOutcomes(includeDropped: true));
            switch (By)
            {
                case "Reasons": WriteObject(comparison.Reasons, enumerateCollection: true); break;
                case "Files": WriteObject(comparison.Files, enumerateCollection: true); break;
                default: WriteObject(IncludeEqual ? comparison.Documents : comparison.Changed, enumerateCollection: true); break;
            }
        }
        catch (InvalidDataException e)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "RunRead", ErrorCategory.InvalidData, e.Message));
        }
    }

    private RunFolder Open(string path)
    {
        var resolved = FileSystemPaths.ResolveExisting(this, [path], literal: true);
        if (resolved.Count == 0 || !Directory.Exists(resolved[0]))
            ThrowTerminatingError(ProxErrors.Create(new ItemNotFoundException($"'{path}' is not a run's output folder."), "RunNotFound", ErrorCategory.ObjectNotFound, path));
        try
        {
            return RunFolder.Open(resolved[0]);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "RunRead", ErrorCategory.InvalidData, path));
            throw;
        }
    }
}
