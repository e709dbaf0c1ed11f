using System.Management.Automation;
using Prox.Models;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Converts a Hugging Face LLaMA checkpoint (safetensors) into an ONNX model folder.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "ProxOnnxModel", SupportsShouldProcess = true)]
[OutputType(typeof(ModelInfo))]
public sealed class ConvertToProxOnnxModelCommand : PSCmdlet
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>The checkpoint folder (config.json + model.safetensors or model.safetensors.index.json).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>The model folder to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string OutputPath { get; set; } = "";

    /// <summary>fp32 (default), fp16 (GPU), or int8 (CPU: int8 linear-layer weights).</summary>
    [Parameter]
    public ModelPrecision Precision { get; set; } = ModelPrecision.Fp32;

    /// <summary>Use ONNX Runtime's fused normalization operators.</summary>
    [Parameter]
    public SwitchParameter UseContribOps { get; set; }

    /// <summary>Overwrite a non-empty output folder.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var source = GetUnresolvedProviderPathFromPSPath(Path);
        var output = GetUnresolvedProviderPathFromPSPath(OutputPath);
        if (ModelCmdletSupport.HasContent(output) && !Force)
        {
            WriteError(ModelCmdletSupport.Exists(output));
            return;
        }
        if (!ShouldProcess(output, $"Convert checkpoint '{source}' to an ONNX model ({Precision.ToString().ToLowerInvariant()})")) return;
        var progress = new CmdletProgress(this, $"Converting {source}");
        try
        {
            var options = new ModelWriteOptions { Precision = Precision, UseContribOps = UseContribOps };
            WriteObject(ModelFolder.ConvertCheckpoint(source, output, options, progress, _cancel.Token));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or UnauthorizedAccessException or OperationCanceledException)
        {
            WriteError(ModelCmdletSupport.Error(e, "ConvertCheckpointFailed", source));
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancel.Cancel();
}
