using System.ComponentModel;
using System.Diagnostics;

namespace Prox.Cluster;

/// <summary>Submits <c>sbatch</c> scripts: runs <c>sbatch --parsable</c> and returns the job id.</summary>
public static class SlurmClient
{
    /// <summary>The program that submits jobs (default <c>sbatch</c>, looked up on <c>PATH</c>).</summary>
    public const string Sbatch = "sbatch";

    /// <summary>
    /// Submits <paramref name="scriptPath"/> with <c>sbatch --parsable</c> (and <c>--array=<paramref name="array"/></c>
    /// when given, which wins over the script's own) and returns the job id.
    /// </summary>
    /// <param name="scriptPath">The script.</param>
    /// <param name="array">An <c>--array</c> value (<see cref="SlurmScript.ArraySpec"/>), or null for the script's.</param>
    /// <param name="sbatch">The sbatch program (default <see cref="Sbatch"/> on PATH).</param>
    /// <param name="timeout">How long sbatch may take (default 2 minutes).</param>
    /// <exception cref="InvalidOperationException">sbatch is not installed, failed (its stderr in the message), timed out, or printed no job id.</exception>
    public static string Submit(string scriptPath, string? array = null, string? sbatch = null, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scriptPath);
        sbatch ??= Sbatch;
        var psi = new ProcessStartInfo(sbatch)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(scriptPath))!,
        };
        psi.ArgumentList.Add("--parsable");
        if (array is not null) psi.ArgumentList.Add("--array=" + array);
        psi.ArgumentList.Add(scriptPath);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"'{sbatch}' did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"'{sbatch}' could not be run ({e.Message}): submitting needs Slurm's client tools on PATH (run on a login node of the cluster, or install slurm-client). The script is '{scriptPath}'; submit it yourself with: sbatch {scriptPath}", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(2)))
            {
                try { process.Kill(); } catch (InvalidOperationException) { }
                throw new InvalidOperationException($"'{sbatch} --parsable {scriptPath}' did not finish in {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:N0} s; is slurmctld reachable (sinfo)?");
            }
            process.WaitForExit();
            var output = stdout.GetAwaiter().GetResult().Trim();
            var error = stderr.GetAwaiter().GetResult().Trim();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"sbatch failed (exit {process.ExitCode}) for '{scriptPath}'{(array is null ? "" : $" (--array={array})")}: {(error.Length > 0 ? error : output.Length > 0 ? output : "no message")}");
            // --parsable prints "<job id>" or "<job id>;<cluster>".
            var id = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()?.Split(';')[0];
            if (string.IsNullOrEmpty(id) || !id.All(char.IsAsciiDigit))
                throw new InvalidOperationException($"sbatch printed no job id for '{scriptPath}': '{output}'{(error.Length > 0 ? $" (stderr: {error})" : "")}");
            return id;
        }
    }
}
