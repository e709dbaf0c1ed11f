namespace Prox.Runs;

/// <summary>
/// The exclusive lock of one task of a run while it writes into the output folder (<c>_lock.task-&lt;i&gt;</c>, an OS
/// file lock that dies with its process, so a killed task never leaves the folder locked). A second process for the
/// same task is refused; tasks of one run write at once, and a different run into the same folder is refused by the
/// plan check.
/// </summary>
internal sealed class RunLock : IDisposable
{
    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock of task <paramref name="task"/> in <paramref name="outDir"/>.</summary>
    /// <exception cref="IOException">Another process holds it (the message says which).</exception>
    public static RunLock Acquire(string outDir, int task)
    {
        Directory.CreateDirectory(outDir);
        var path = Path.Combine(outDir, RunFolder.LockFileOf(task));
        try
        {
            var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            fs.SetLength(0);
            var me = System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}@{Environment.MachineName}\n");
            fs.Write(me);
            fs.Flush(flushToDisk: true);
            return new RunLock(fs);
        }
        catch (IOException e) when (!Prox.Refinement.OutputFolderException.IsDiskFull(e) && !Prox.Refinement.OutputFolderException.IsUnwritable(e))
        {
            string holder;
            try { holder = File.ReadAllText(path).Trim(); }
            catch (IOException) { holder = "another process"; }
            throw new IOException($"'{outDir}' is being written by another run (process {holder} runs task {task} there); wait for it to finish or write to another folder", e);
        }
    }

    public void Dispose() => _stream.Dispose();
}
