namespace Prox.Refinement;

/// <summary>
/// A run could not write into its output folder: the disk (or quota) is full, or the folder or file system cannot be
/// written. The message names the folder, what was being written and what to do; the units committed before it stay
/// committed, and the unit in flight left nothing behind, so the same command resumes the run once the cause is gone.
/// </summary>
public sealed class OutputFolderException : IOException
{
    /// <summary>Creates the exception.</summary>
    public OutputFolderException(string folder, string message, Exception inner) : base(message, inner) => Folder = folder;

    /// <summary>The output folder.</summary>
    public string Folder { get; }

    /// <summary>True when <paramref name="e"/> is the disk or a quota being full.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException && (e.HResult is 28 /* ENOSPC */ or 122 /* EDQUOT */ or 0x70 or 0x27 or unchecked((int)0x80070070) or unchecked((int)0x80070027)
                             || e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
                             || e.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase)
                             || e.Message.Contains("not enough space on the disk", StringComparison.OrdinalIgnoreCase));

    /// <summary>True when <paramref name="e"/> says a file or folder cannot be written (permissions, a read-only file system).</summary>
    public static bool IsUnwritable(Exception e) =>
        e is UnauthorizedAccessException
        || e is IOException && (e.HResult is 30 /* EROFS */ || e.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase));

    /// <summary>Wraps a write fault of a run into <paramref name="folder"/>, or returns null when <paramref name="e"/> is none.</summary>
    internal static OutputFolderException? From(Exception e, string folder, string? doing)
    {
        if (e is OutputFolderException already) return already;
        var during = doing is null ? "" : $" while {doing}";
        if (IsDiskFull(e))
            return new OutputFolderException(folder, $"'{folder}': the disk is full{during} ({e.Message}). The units committed so far are kept and the unit in flight left nothing behind; free space there and rerun the same command to resume.", e);
        // Only a fault on a path inside the folder: an unreadable *input* is its unit's failure, not the folder's.
        if (IsUnwritable(e) && e.Message.Contains(folder, StringComparison.Ordinal))
            return new OutputFolderException(folder, $"'{folder}': the output folder cannot be written{during} ({e.Message}). Make it writable (permissions, a read-only file system) or choose another folder, then rerun the same command to resume.", e);
        return null;
    }
}
