using System.Management.Automation;
using Prox.Corpus;

namespace Prox.PowerShell.Binding;

/// <summary>Resolves -Path / -LiteralPath arguments (files, folders, wildcards, Get-ChildItem output) to corpus files.</summary>
internal static class CorpusPaths
{
    /// <summary>
    /// The corpus files named by <paramref name="paths"/> (folders expand to the corpus files in them). A path that
    /// resolves to nothing, is not on the file system, or names an unsupported file is reported as a non-terminating
    /// error and skipped.
    /// </summary>
    public static List<string> Resolve(PSCmdlet cmdlet, IEnumerable<string> paths, bool literal, bool recurse)
    {
        var files = new List<string>();
        foreach (var p in FileSystemPaths.ResolveExisting(cmdlet, paths, literal))
        {
            if (Directory.Exists(p))
            {
                try
                {
                    // A folder a run wrote is read through its own records: the committed units' refined files only.
                    var found = Prox.Runs.RunFolder.IsRunFolder(p) ? Prox.Runs.RunFolder.Open(p).CorpusFiles() : CorpusFiles.Expand([p], recurse);
                    cmdlet.WriteVerbose($"'{p}': {found.Count} corpus file(s){(recurse ? " (recursive)" : "")}");
                    files.AddRange(found);
                }
                catch (FileNotFoundException e)
                {
                    cmdlet.WriteError(ProxErrors.Create(e, "NoCorpusFile", ErrorCategory.ObjectNotFound, p));
                }
                continue;
            }
            try
            {
                CorpusFormats.FromPath(p); // throws for an unsupported extension
                files.Add(p);
            }
            catch (NotSupportedException e)
            {
                cmdlet.WriteError(ProxErrors.Create(e, "UnsupportedCorpusFile", ErrorCategory.InvalidArgument, p));
            }
        }
        return files;
    }
}
