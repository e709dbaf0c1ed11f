using System.Management.Automation;
using Prox.Models;

namespace Prox.PowerShell.Cmdlets;

/// <summary>Shared plumbing of the model cmdlets: path resolution, overwrite checks and progress.</summary>
internal static class ModelCmdletSupport
{
    /// <summary>True when <paramref name="folder"/> exists and holds files.</summary>
    public static bool HasContent(string folder) => Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any();

    public static ErrorRecord Error(Exception e, string id, object? target) => Binding.ProxErrors.FromException(e, id, target);

    public static ErrorRecord Exists(string outputPath) => Binding.ProxErrors.Create(
        new IOException($"'{outputPath}' already exists and is not empty; pass -Force to overwrite it"),
        "OutputExists", ErrorCategory.ResourceExists, outputPath);
}

/// <summary>Turns model-writing progress into a PowerShell progress bar (called on the pipeline thread).</summary>
internal sealed class CmdletProgress(Cmdlet cmdlet, string activity) : IProgress<ModelWriteProgress>
{
    private readonly ProgressRecord _record = new(1, activity, "starting");

    public void Report(ModelWriteProgress value)
    {
        _record.StatusDescription = value.Activity;
        _record.PercentComplete = value.Total > 0 ? Math.Min(100, 100 * value.Done / value.Total) : 0;
        cmdlet.WriteProgress(_record);
    }

    public void Complete()
    {
        _record.RecordType = ProgressRecordType.Completed;
        cmdlet.WriteProgress(_record);
    }
}
