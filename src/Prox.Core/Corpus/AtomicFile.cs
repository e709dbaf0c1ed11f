namespace Prox.Corpus;

/// <summary>
/// A file written under a temporary name beside its target and renamed onto the target only by <see cref="Commit"/>;
/// disposing without committing deletes the temporary file, so a partial output is never visible under the target name.
/// </summary>
internal sealed class AtomicFile : IDisposable
{
    private FileStream? _stream;
    private bool _committed;

    public AtomicFile(string path)
    {
        TargetPath = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(TargetPath)!;
        Directory.CreateDirectory(dir);
        TempPath = Path.Combine(dir, $".{Path.GetFileName(TargetPath)}.{Guid.NewGuid():N}.tmp");
        _stream = new FileStream(TempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
    }

    public string TargetPath { get; }
    public string TempPath { get; }
    public FileStream Stream => _stream ?? throw new ObjectDisposedException(TargetPath);

    /// <summary>Flushes to disk, closes, and renames the temporary file onto the target (replacing it).</summary>
    public void Commit()
    {
        var s = Stream;
        s.Flush(flushToDisk: true);
        s.Dispose();
        _stream = null;
        File.Move(TempPath, TargetPath, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        if (_committed) return;
        _stream?.Dispose();
        _stream = null;
        try
        {
            File.Delete(TempPath);
        }
        catch (IOException)
        {
            // best effort: the temporary name never shadows a real output
        }
    }
}
