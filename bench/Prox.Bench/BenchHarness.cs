using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Prox.Bench;

/// <summary>What every benchmark mode shares: finding the shared assets and timing one case over a list of inputs.</summary>
internal static class BenchHarness
{
    /// <summary>The shared folder: <c>$PROX_SHARED</c>, else <c>../shared</c> next to the repository root.</summary>
    public static string SharedFolder() =>
        Environment.GetEnvironmentVariable("PROX_SHARED") ?? Path.Combine(FindRepoRoot(), "..", "shared");

    /// <summary>
    /// Runs <paramref name="run"/> over every item (warm-up first, so tiered JIT reaches optimized code), then for
    /// <paramref name="seconds"/>; prints a Markdown row: items/s, MB/s of <paramref name="bytes"/> per pass, bytes
    /// allocated per item on this thread; with <paramref name="cpuColumn"/> also items per CPU-second of this thread.
    /// </summary>
    public static void Measure<T>(string name, IReadOnlyList<T> items, long bytes, double seconds, Func<T, int> run, bool cpuColumn = false)
    {
        long sink = 0;
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < Math.Min(2, seconds / 2))
            foreach (var item in items) sink += run(item);

        var passes = 0;
        var allocBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = ThreadCpuSeconds();
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            foreach (var item in items) sink += run(item);
            passes++;
        }
        sw.Stop();
        var cpu = ThreadCpuSeconds() - cpu0;
        var alloc = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        var n = (double)passes * items.Count;
        // Per CPU-second of this thread: other processes sharing the cores do not count against it.
        var perCpu = !cpuColumn ? "" : cpu > 0 ? $" {n / cpu:N0} |" : " n/a |";
        Console.WriteLine($"| {name} | {n / sw.Elapsed.TotalSeconds:N0} |{perCpu} {passes * (double)bytes / 1e6 / sw.Elapsed.TotalSeconds:N1} | {alloc / n:N0} |");
        if (sink == 42) Console.WriteLine();
    }

    /// <summary>CPU time of the calling thread in seconds (Linux/macOS <c>clock_gettime</c>; 0 elsewhere).</summary>
    public static double ThreadCpuSeconds()
    {
        if (OperatingSystem.IsWindows()) return 0;
        // CLOCK_THREAD_CPUTIME_ID is 3 on Linux, 16 on macOS.
        var clock = OperatingSystem.IsMacOS() ? 16 : 3;
        return clock_gettime(clock, out var ts) == 0 ? ts.Seconds + ts.Nanoseconds * 1e-9 : 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prox.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
