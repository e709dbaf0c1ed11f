using System.Management.Automation;

namespace Prox.PowerShell.Binding;

/// <summary>
/// Resolves file-system paths the way PowerShell's own cmdlets do: <c>-Path</c> expands wildcards, <c>-LiteralPath</c>
/// (alias <c>PSPath</c>, bound from piped file objects) takes every character literally, and both are relative to the
/// current PowerShell location, not the process folder. Problems are written as non-terminating errors.
/// </summary>
internal static class FileSystemPaths
{
    /// <summary>
    /// The existing file-system items named by <paramref name="paths"/>. A literal path that does not exist, a pattern
    /// that matches nothing, or a path on another provider is reported (Prox.PathNotFound / Prox.NotFileSystemPath).
    /// </summary>
    public static List<string> ResolveExisting(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal)
    {
        var result = new List<string>();
        foreach (var path in paths)
        {
            try
            {
                if (literal)
                {
                    var p = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                    if (provider.Name != "FileSystem") throw new NotSupportedException($"'{path}' is not a file-system path");
                    if (!File.Exists(p) && !Directory.Exists(p)) throw new ItemNotFoundException($"Cannot find path '{p}' because it does not exist.");
                    result.Add(p);
                }
                else
                {
                    var resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (provider.Name != "FileSystem") throw new NotSupportedException($"'{path}' is not a file-system path");
                    if (resolved.Count == 0)
                        throw new ItemNotFoundException(
                            $"No file matches '{path}'. -Path treats [ ] * ? as wildcards; use -LiteralPath for a name that contains them.");
                    result.AddRange(resolved);
                }
            }
            catch (NotSupportedException e)
            {
                cmdlet.WriteError(ProxErrors.Create(e, "NotFileSystemPath", ErrorCategory.InvalidArgument, path));
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or IOException or UnauthorizedAccessException)
            {
                cmdlet.WriteError(ProxErrors.Create(e, "PathNotFound", ErrorCategory.ObjectNotFound, path));
            }
        }
        return result;
    }

    /// <summary>A path for something to be created (an output folder), relative to the current PowerShell location.</summary>
    public static string ResolveForOutput(PSCmdlet cmdlet, string path) => cmdlet.GetUnresolvedProviderPathFromPSPath(path);
}
