namespace Prox.Runs;

/// <summary>
/// The exclusive lock of an output folder while a run writes into it (<c>_lock</c>, an OS file lock that dies with
/// its process, so a killed run never leaves the folder locked). A second run into the same folder is refused.
/// </summary>
internal sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock of <paramref name="outDir"/>.</summary>
    /// <exception cref="IOException">Another run holds it (the message says which process).</exception>
    public static RunLock Acquire(string outDir)
    {
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, RunFolder.LockFile);
        try
        {
            var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            fs.SetLength(0);
            var me = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}@{Environment.MachineName}\n");
            fs.Write(me);
            fs.Flush(flushToDisk: true);
            return new RunLock(fs);
        }
        catch (IOException e)
        {
            string holder;
            try { holder = File.ReadAllText(path).Trim(); }
            catch (IOException) { holder = "another process"; }
            throw new IOException($"'{outDir}' is being written by another run (process {holder}); wait for it to finish or write to another folder", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
