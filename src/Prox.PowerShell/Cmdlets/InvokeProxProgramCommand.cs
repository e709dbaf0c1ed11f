using System.Management.Automation;
using Prox.Programs;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Runs a ProX program on a text and returns what happened.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ProxProgram")]
[OutputType(typeof(ExecutionResult))]
public sealed class InvokeProxProgramCommand : PSCmdlet
{
    /// <summary>The document text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Text { get; set; } = "";

    /// <summary>The program text (one call per line).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Program { get; set; } = "";

    /// <summary>Doc (keep/drop) or Chunk (line removal, normalization). Default Chunk.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public ProgramStage Stage { get; set; } = ProgramStage.Chunk;

    /// <summary>Strict (default) or Reference (the published executor, quirks included).</summary>
    [Parameter]
    public ProgramDialect Dialect { get; set; } = ProgramDialect.Strict;

    /// <summary>An identifier carried onto the result (bound from piped objects that have an Id).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Id { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var result = ProgramExecutor.Execute(Text, Program, Stage, Dialect);
        var output = PSObject.AsPSObject(result);
        if (Id is not null) output.Properties.Add(new PSNoteProperty("Id", Id));
        WriteObject(output);
    }
}
