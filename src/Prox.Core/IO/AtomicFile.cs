using System.Runtime.InteropServices;
using System.Text;

namespace Prox.IO;

/// <summary>
/// The one way Prox publishes a file: write it under a temporary name beside its target, flush it to disk, rename it
/// onto the target, and flush the folder so the rename survives a crash. A reader never sees a partial file under the
/// target name; disposing without <see cref="Commit"/> deletes the temporary file. Temporary names start with
/// <c>.</c> and end in <see cref="TempSuffix"/>, so folder readers skip them and cleanup finds them.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    /// <summary>The suffix of every temporary file.</summary>
    public const string TempSuffix = ".prox-tmp";

    private FileStream? _stream;
    private bool _committed;

    /// <summary>Opens a temporary file for <paramref name="path"/> (its folder is created).</summary>
    public AtomicFile(string path)
    {
        TargetPath = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(TargetPath)!;
        Directory.CreateDirectory(dir);
        TempPath = TempPathFor(TargetPath);
        _stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
    }

    /// <summary>The file this becomes.</summary>
    public string TargetPath { get; }

    /// <summary>The temporary file being written.</summary>
    public string TempPath { get; }

    /// <summary>The stream to write to.</summary>
    public FileStream Stream => _stream ?? throw new ObjectDisposedException(TargetPath);

    /// <summary>A fresh temporary name beside <paramref name="target"/>.</summary>
    public static string TempPathFor(string target) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}{TempSuffix}");

    /// <summary>True when <paramref name="fileName"/> is a temporary name of this class.</summary>
    public static bool IsTempName(string fileName) => fileName.StartsWith('.') && fileName.EndsWith(TempSuffix, StringComparison.Ordinal);

    /// <summary>Flushes to disk, closes, renames the temporary file onto the target (replacing it) and flushes the folder.</summary>
    public void Commit()
    {
        var s = Stream;
        s.Flush(flushToDisk: true);
        s.Dispose();
        _stream = null;
        Rename(TempPath, TargetPath);
        _committed = true;
    }

    /// <summary>Closes and flushes the temporary file to disk without publishing it (see <see cref="Publish"/>).</summary>
    public void Seal()
    {
        var s = Stream;
        s.Flush(flushToDisk: true);
        s.Dispose();
        _stream = null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_committed) return;
        _stream?.Dispose();
        _stream = null;
        TryDelete(TempPath);
    }

    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<FileStream> write)
    {
        using var f = new AtomicFile(path);
        write(f.Stream);
        f.Commit();
    }

    /// <summary>Writes UTF-8 text atomically.</summary>
    public static void WriteText(string path, string text) => Write(path, fs => fs.Write(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Publishes an already written and flushed file: renames <paramref name="tempPath"/> onto
    /// <paramref name="target"/> and flushes the target's folder.
    /// </summary>
    public static void Publish(string tempPath, string target)
    {
        using (var fs = new FileStream(tempPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
            fs.Flush(flushToDisk: true);
        Rename(tempPath, target);
    }

    private static void Rename(string from, string to)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(to))!;
        Directory.CreateDirectory(dir);
        File.Move(from, to, overwrite: true);
        SyncDirectory(dir);
    }

    /// <summary>Flushes a folder's entries to disk (a rename is durable only then). No-op where unsupported.</summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0) return;
        try { fsync(fd); }
        finally { close(fd); }
    }

    /// <summary>Deletes a file, ignoring a file that is already gone or locked.</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
