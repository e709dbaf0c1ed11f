using System.Management.Automation;
using Prox.Programs;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Parses a ProX program and reports whether it is valid, with its diagnostics.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ProxProgram")]
[OutputType(typeof(ProxProgram))]
public sealed class TestProxProgramCommand : PSCmdlet
{
    /// <summary>The program text.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Program { get; set; } = "";

    /// <summary>Doc or Chunk. Default Chunk.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public ProgramStage Stage { get; set; } = ProgramStage.Chunk;

    /// <summary>Strict (default) or Reference.</summary>
    [Parameter]
    public ProgramDialect Dialect { get; set; } = ProgramDialect.Strict;

    /// <summary>The document's line count, when known: out-of-range line numbers are then reported.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int? LineCount { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord() => WriteObject(ProxProgram.Parse(Program, Stage, Dialect, LineCount));
}
