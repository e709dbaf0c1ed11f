using System.Runtime.InteropServices;

namespace Prox.IO;

/// <summary>
/// Makes this process die with the launcher that started it. <c>dotnet pwsh</c> (the PowerShell .NET tool) is a shim
/// process whose child is the pwsh doing the work; killing the shim (<c>kill -9</c>, a scheduler cancelling a job
/// step) used to leave the child refining — and committing units — on its own. With the watch on, a background
/// thread polls the parent process; when the shim is gone, this process kills itself the same way (SIGKILL), which
/// the run layer survives: committed units stay, the unit in flight is redone by the next run. Only a parent that is
/// such a launcher is watched: a pwsh whose shell ended normally (<c>nohup</c>, a detached job) goes on.
/// </summary>
public static class LauncherWatch
{
    /// <summary>The marker in a launcher's command line: the PowerShell global tool's shim.</summary>
    public const string LauncherName = "Microsoft.PowerShell.GlobalTool.Shim";

    private static int _started;

    /// <summary>True once <see cref="KillWithLauncher"/> found a launcher and watches it.</summary>
    public static bool IsWatching => Volatile.Read(ref _started) == 2;

    /// <summary>
    /// When this process's parent is the <c>dotnet pwsh</c> launcher (Linux), starts watching it (once per process) and
    /// returns true; otherwise does nothing and returns false.
    /// </summary>
    /// <param name="pollInterval">How often the parent is checked (default 200 ms).</param>
    public static bool KillWithLauncher(TimeSpan? pollInterval = null)
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (IsWatching) return true;
        var parent = getppid();
        if (parent <= 1 || !IsLauncher(parent)) return false;
        if (Interlocked.CompareExchange(ref _started, 2, 0) != 0) return IsWatching;
        var interval = pollInterval ?? TimeSpan.FromMilliseconds(200);
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(interval);
                // Once the launcher is gone, this process is re-parented (to init or a subreaper): die as it did.
                if (getppid() != parent) kill(Environment.ProcessId, 9 /* SIGKILL */);
            }
        }) { IsBackground = true, Name = "Prox launcher watch" };
        thread.Start();
        return true;
    }

    /// <summary>True when process <paramref name="pid"/> is the PowerShell tool's launcher (by its command line).</summary>
    internal static bool IsLauncher(int pid)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains(LauncherName, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getppid();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
