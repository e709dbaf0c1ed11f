using System.Management.Automation;
using Prox.Models;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes a LLaMA model of a named or given shape with seeded random weights.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "ProxRandomModel", SupportsShouldProcess = true, DefaultParameterSetName = "Preset")]
[OutputType(typeof(ModelInfo), typeof(DirectoryInfo))]
public sealed class NewProxRandomModelCommand : PSCmdlet
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>A named shape.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Preset")]
    [ValidateSet("prox-0.35b", "prox-0.76b", "tiny", "tiny-gqa")]
    public string Preset { get; set; } = "";

    /// <summary>A Hugging Face LLaMA config: a path to a config.json, or its JSON text.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Config")]
    public string Config { get; set; } = "";

    /// <summary>The folder to write.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string OutputPath { get; set; } = "";

    /// <summary>Seed of the weights.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Seed { get; set; }

    /// <summary>fp32 (default), fp16, or int8 (CPU; not with -AsCheckpoint).</summary>
    [Parameter]
    public ModelPrecision Precision { get; set; } = ModelPrecision.Fp32;

    /// <summary>A tokenizer.model to copy into the folder.</summary>
    [Parameter]
    public string? TokenizerPath { get; set; }

    /// <summary>Write a Hugging Face checkpoint (config.json + model.safetensors) instead of an ONNX model.</summary>
    [Parameter]
    public SwitchParameter AsCheckpoint { get; set; }

    /// <summary>Use ONNX Runtime's fused normalization operators.</summary>
    [Parameter]
    public SwitchParameter UseContribOps { get; set; }

    /// <summary>Overwrite a non-empty output folder.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var output = GetUnresolvedProviderPathFromPSPath(OutputPath);
        LlamaConfig config;
        try
        {
            config = ParameterSetName == "Preset" ? LlamaConfig.FromPreset(Preset)
                : Config.TrimStart().StartsWith('{') ? LlamaConfig.Parse(Config)
                : LlamaConfig.Load(GetUnresolvedProviderPathFromPSPath(Config));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            ThrowTerminatingError(ModelCmdletSupport.Error(e is System.Text.Json.JsonException or InvalidOperationException or FormatException
                ? new InvalidDataException($"-Config is not a valid LLaMA config: {e.Message}", e) : e, "InvalidConfig", Config));
            return;
        }
        if (AsCheckpoint && Precision == ModelPrecision.Int8)
        {
            ThrowTerminatingError(ModelCmdletSupport.Error(new ArgumentException("-Precision Int8 writes an ONNX model folder; a safetensors checkpoint (-AsCheckpoint) is F32 or F16: use -Precision Fp32 or Fp16"), "Int8Checkpoint", Precision));
            return;
        }
        if (ModelCmdletSupport.HasContent(output) && !Force)
        {
            WriteError(ModelCmdletSupport.Exists(output));
            return;
        }
        string what = AsCheckpoint ? "safetensors checkpoint" : $"ONNX model ({Precision.ToString().ToLowerInvariant()})";
        if (!ShouldProcess(output, $"Write a random {what}: {config.Layers} layers, hidden {config.HiddenSize}, {config.ParameterCount:N0} parameters")) return;
        var tokenizer = TokenizerPath is null ? null : GetUnresolvedProviderPathFromPSPath(TokenizerPath);
        var progress = new CmdletProgress(this, $"Writing random model {output}");
        try
        {
            if (AsCheckpoint)
            {
                ModelFolder.WriteRandomCheckpoint(config, output, (ulong)Seed, Precision == ModelPrecision.Fp16, tokenizer, progress, _cancel.Token);
                WriteObject(new DirectoryInfo(output));
            }
            else
            {
                var options = new ModelWriteOptions { Precision = Precision, UseContribOps = UseContribOps };
                WriteObject(ModelFolder.WriteRandom(config, output, (ulong)Seed, options, tokenizer, progress, _cancel.Token));
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or OperationCanceledException)
        {
            WriteError(ModelCmdletSupport.Error(e, "WriteRandomModelFailed", output));
        }
        finally
        {
            progress.Complete();
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _cancel.Cancel();
}
