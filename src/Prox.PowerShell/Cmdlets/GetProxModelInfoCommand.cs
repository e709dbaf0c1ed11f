using System.Management.Automation;
using Prox.Models;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Describes a Prox model folder: architecture, parameters, dtype, graph signature, completeness.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxModelInfo")]
[OutputType(typeof(ModelInfo))]
public sealed class GetProxModelInfoCommand : PSCmdlet
{
    /// <summary>The model folder (taken literally, relative to the current location); binds FullName of piped folders.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>Also load the model in ONNX Runtime and run a prefill and a step with past key/values.</summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>With -Verify: try the CUDA execution provider first (falls back to CPU with a warning).</summary>
    [Parameter]
    public SwitchParameter UseCuda { get; set; }

    /// <summary>With -Verify: ONNX Runtime threads (0 = one per core).</summary>
    [Parameter]
    [ValidateRange(0, 1024)]
    public int Threads { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var folder = GetUnresolvedProviderPathFromPSPath(Path);
        try
        {
            WriteObject(Verify
                ? ModelInfo.Verify(folder, new ModelSessionOptions { UseCuda = UseCuda, IntraOpThreads = Threads }, WriteWarning)
                : ModelInfo.Read(folder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ModelCmdletSupport.Error(e, "ModelFolderNotFound", folder));
        }
    }
}
