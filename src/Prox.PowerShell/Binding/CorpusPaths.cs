using System.Management.Automation;
using Prox.Corpus;

namespace Prox.PowerShell.Binding;

/// <summary>Resolves -Path arguments (PowerShell paths, wildcards, folders, Get-ChildItem output) to corpus files.</summary>
internal static class CorpusPaths
{
    /// <summary>
    /// The corpus files named by <paramref name="patterns"/>; a pattern that resolves to nothing, is not on the file
    /// system, or names an unsupported file is reported as a non-terminating error and skipped.
    /// </summary>
    public static List<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> patterns, bool recurse)
    {
        var files = new List<string>();
        foreach (var pattern in patterns)
        {
            try
            {
                var resolved = cmdlet.GetResolvedProviderPathFromPSPath(pattern, out var provider);
                if (provider.Name != "FileSystem") throw new NotSupportedException($"'{pattern}' is not a file-system path");
                foreach (var p in resolved)
                {
                    if (Directory.Exists(p)) files.AddRange(CorpusFiles.Expand([p], recurse));
                    else
                    {
                        CorpusFormats.FromPath(p); // throws for an unsupported extension
                        files.Add(p);
                    }
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or NotSupportedException or FileNotFoundException or IOException or UnauthorizedAccessException)
            {
                cmdlet.WriteError(new ErrorRecord(e, "ProxCorpusPath", ErrorCategory.ObjectNotFound, pattern));
            }
        }
        return files;
    }
}
