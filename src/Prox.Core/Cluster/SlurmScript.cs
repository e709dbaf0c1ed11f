using System.Globalization;
using System.Text;

namespace Prox.Cluster;

/// <summary>
/// The text of an <c>sbatch</c> array script that refines one run folder with one Slurm array task per run task:
/// array index <c>i</c> runs <c>Invoke-ProxRefine … -TaskIndex i -TaskCount n</c> in a fresh PowerShell, with the
/// module imported by its absolute path. The script does not depend on the environment a job step starts with
/// (Slurm jobs may start with another <c>HOME</c>, <c>PATH</c> or no <c>DOTNET_ROOT</c>): it names the PowerShell to
/// run by absolute path and exports <c>DOTNET_ROOT</c>, <c>HOME</c>, <c>DOTNET_CLI_HOME</c> and the variables given in
/// <see cref="Environment"/> itself. Each task's stdout and stderr go to one log in <see cref="LogFolder"/>
/// (<c>task-&lt;i&gt;.job-&lt;id&gt;.log</c>). Resubmitting some tasks is <c>sbatch --array=1,3</c> of the same script:
/// the command line's <c>--array</c> wins over the script's.
/// </summary>
/// <example><code>
/// var script = new SlurmScript
/// {
///     RunFolder = "/scratch/refined", TaskCount = 4, WorkingDirectory = "/scratch",
///     PowerShell = SlurmScript.CurrentPowerShell("/opt/microsoft/powershell/7"),
///     ModuleManifest = "/opt/prox/Prox.psd1", Inputs = ["/data/cc"],
///     RefineParameters = [("Tokenizer", ["whitespace"])],
/// };
/// File.WriteAllText(script.ScriptPath, script.ToText());
/// </code></example>
public sealed record SlurmScript
{
    /// <summary>The folder under the run folder that holds the script and the task logs.</summary>
    public const string FolderName = "_slurm";

    /// <summary>The script's file name inside <see cref="LogFolder"/>.</summary>
    public const string FileName = "prox-refine.sbatch";

    /// <summary>The run's output folder (absolute).</summary>
    public required string RunFolder { get; init; }

    /// <summary>How many tasks the run has (the array is <c>0-(n-1)</c>).</summary>
    public required int TaskCount { get; init; }

    /// <summary>The folder the tasks run in (absolute): relative paths in generator specs resolve against it.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The command that starts PowerShell: an absolute executable and its leading arguments (see <see cref="CurrentPowerShell"/>).</summary>
    public required IReadOnlyList<string> PowerShell { get; init; }

    /// <summary>The module manifest each task imports (absolute path of <c>Prox.psd1</c>).</summary>
    public required string ModuleManifest { get; init; }

    /// <summary>The input files and folders (absolute), passed to <c>-LiteralPath</c>.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>
    /// Further <c>Invoke-ProxRefine</c> parameters, in order: a name without the dash and its values (one value: a
    /// scalar; several: an array; none: a switch).
    /// </summary>
    public IReadOnlyList<(string Name, IReadOnlyList<string> Values)> RefineParameters { get; init; } = [];

    /// <summary>The job's name (<c>--job-name</c>); default <c>prox-refine</c>.</summary>
    public string JobName { get; init; } = "prox-refine";

    /// <summary>The partition (<c>--partition</c>), or null for the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>GPUs per array task (<c>--gpus</c>), or null for none.</summary>
    public int? Gpus { get; init; }

    /// <summary>The time limit per array task as Slurm writes it (<c>--time</c>: <c>30</c>, <c>4:00:00</c>, <c>1-00:00:00</c>), or null for the partition's.</summary>
    public string? TimeLimit { get; init; }

    /// <summary>CPUs per array task (<c>--cpus-per-task</c>; the task's <c>-ThrottleLimit</c> too), or null for Slurm's default.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>Environment variables the script exports (e.g. <c>PROX_SHARED</c>), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    /// <summary>The home folder to use when a job starts without <c>HOME</c>, and the default <c>DOTNET_CLI_HOME</c>.</summary>
    public string? Home { get; init; }

    /// <summary>The .NET installation folder exported as <c>DOTNET_ROOT</c> (and put first on <c>PATH</c>), or null.</summary>
    public string? DotnetRoot { get; init; }

    /// <summary>The folder of the script and the task logs (<c>&lt;run folder&gt;/_slurm</c>).</summary>
    public string LogFolder => Path.Combine(RunFolder, FolderName);

    /// <summary>Where the script is written (<c>&lt;run folder&gt;/_slurm/prox-refine.sbatch</c>).</summary>
    public string ScriptPath => Path.Combine(LogFolder, FileName);

    /// <summary>The script of <paramref name="runFolder"/>.</summary>
    public static string ScriptPathOf(string runFolder) => Path.Combine(Path.GetFullPath(runFolder), FolderName, FileName);

    /// <summary>
    /// The command that starts the PowerShell this process runs in: <c>dotnet &lt;PSHOME&gt;/pwsh.dll</c> when the
    /// process is the <c>dotnet</c> host (PowerShell as a .NET tool, <c>dotnet pwsh</c>), else the process's own
    /// executable (an installed <c>pwsh</c>).
    /// </summary>
    /// <param name="psHome">PowerShell's <c>$PSHOME</c>.</param>
    /// <exception cref="InvalidOperationException">The process path is unknown, or <c>pwsh.dll</c> is not in <paramref name="psHome"/>.</exception>
    public static IReadOnlyList<string> CurrentPowerShell(string psHome)
    {
        var process = System.Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown; give the PowerShell to run");
        var name = Path.GetFileNameWithoutExtension(process);
        if (!string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase)) return [RealPath(process)];
        var dll = Path.Combine(psHome, "pwsh.dll");
        if (!File.Exists(dll)) throw new InvalidOperationException($"this PowerShell runs on 'dotnet' but '{dll}' does not exist; give the PowerShell to run");
        return [RealPath(process), Path.GetFullPath(dll)];
    }

    /// <summary>The .NET root of a <c>dotnet</c> host path (its folder, links resolved), or null when <paramref name="launcher"/> is no dotnet host.</summary>
    public static string? DotnetRootOf(string launcher) =>
        string.Equals(Path.GetFileNameWithoutExtension(launcher), "dotnet", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(RealPath(launcher)) : null;

    private static string RealPath(string path)
    {
        var fi = new FileInfo(path);
        return fi.LinkTarget is not null && fi.ResolveLinkTarget(returnFinalTarget: true) is { } t ? t.FullName : fi.FullName;
    }

    /// <summary>
    /// An <c>--array</c> value for task indices: runs of consecutive indices as ranges (<c>0-3</c>, <c>1,3,5-7</c>).
    /// </summary>
    /// <exception cref="ArgumentException">No indices, or a negative one.</exception>
    public static string ArraySpec(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sorted = indices.Distinct().Order().ToList();
        if (sorted.Count == 0) throw new ArgumentException("no task indices", nameof(indices));
        if (sorted[0] < 0) throw new ArgumentException($"task index {sorted[0]} is negative", nameof(indices));
        var parts = new List<string>();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(j == i ? Num(sorted[i]) : $"{Num(sorted[i])}-{Num(sorted[j])}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>Checks the settings: a task count of at least 1, absolute paths, names Slurm and the shell accept.</summary>
    /// <exception cref="ArgumentException">What is wrong.</exception>
    public void Validate()
    {
        if (TaskCount < 1) throw new ArgumentException($"the task count is {TaskCount}; a job needs at least one task");
        foreach (var (what, p) in new[] { ("run folder", RunFolder), ("working directory", WorkingDirectory), ("module manifest", ModuleManifest) })
            if (!Path.IsPathFullyQualified(p)) throw new ArgumentException($"the {what} '{p}' is not an absolute path");
        if (PowerShell.Count == 0 || !Path.IsPathFullyQualified(PowerShell[0])) throw new ArgumentException("the PowerShell command must start with an absolute executable path");
        if (Inputs.Count == 0) throw new ArgumentException("no inputs");
        foreach (var i in Inputs) if (!Path.IsPathFullyQualified(i)) throw new ArgumentException($"the input '{i}' is not an absolute path");
        if (string.IsNullOrWhiteSpace(JobName) || JobName.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ArgumentException($"the job name '{JobName}' is empty or has white space");
        if (Partition is { } part && (part.Length == 0 || part.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            throw new ArgumentException($"the partition '{part}' is empty or has white space");
        if (TimeLimit is { } t && (t.Length == 0 || !t.All(c => char.IsAsciiDigit(c) || c is ':' or '-')))
            throw new ArgumentException($"the time limit '{t}' is not a Slurm time (minutes, M:S, H:M:S, D-H, D-H:M, D-H:M:S)");
        if (Gpus is < 0) throw new ArgumentException($"the GPU count {Gpus} is negative");
        if (CpusPerTask is < 1) throw new ArgumentException($"the CPUs per task are {CpusPerTask}; at least 1");
        foreach (var (k, _) in Environment)
            if (k.Length == 0 || !(char.IsAsciiLetter(k[0]) || k[0] == '_') || !k.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                throw new ArgumentException($"'{k}' is not an environment variable name");
        foreach (var (n, _) in RefineParameters)
            if (n.Length == 0 || !n.All(char.IsAsciiLetterOrDigit)) throw new ArgumentException($"'{n}' is not a parameter name");
        foreach (var l in new[] { RunFolder, WorkingDirectory }) if (l.Contains('\n') || l.Contains('%')) throw new ArgumentException($"the path '{l}' has a line break or '%', which #SBATCH lines cannot hold");
    }

    /// <summary>The PowerShell command each task runs (imports the module, refines its task of the run).</summary>
    public string PowerShellCommand()
    {
        var sb = new StringBuilder();
        sb.Append("$ErrorActionPreference = 'Stop'; $PSStyle.OutputRendering = 'PlainText'; ");
        sb.Append("Import-Module -Name ").Append(PsQuote(ModuleManifest)).Append("; ");
        sb.Append("Invoke-ProxRefine -LiteralPath ").Append(string.Join(", ", Inputs.Select(PsQuote)));
        sb.Append(" -OutputPath ").Append(PsQuote(RunFolder));
        sb.Append(" -TaskIndex ([int] $env:SLURM_ARRAY_TASK_ID) -TaskCount ").Append(Num(TaskCount));
        var hasThrottle = false;
        foreach (var (name, values) in RefineParameters)
        {
            hasThrottle |= string.Equals(name, "ThrottleLimit", StringComparison.OrdinalIgnoreCase);
            sb.Append(" -").Append(name);
            if (values.Count > 0) sb.Append(' ').Append(string.Join(", ", values.Select(PsQuote)));
        }
        if (!hasThrottle && CpusPerTask is { } cpus) sb.Append(" -ThrottleLimit ").Append(Num(cpus));
        sb.Append(" -Verbose | Format-List");
        return sb.ToString();
    }

    /// <summary>The script's text (bash, <c>#SBATCH</c> lines first).</summary>
    /// <exception cref="ArgumentException">The settings are not valid (<see cref="Validate"/>).</exception>
    public string ToText()
    {
        Validate();
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n");
        sb.Append("#SBATCH --job-name=").Append(JobName).Append('\n');
        sb.Append("#SBATCH --array=0-").Append(Num(TaskCount - 1)).Append('\n');
        sb.Append("#SBATCH --output=").Append(Path.Combine(LogFolder, "task-%a.job-%A.log")).Append('\n');
        sb.Append("#SBATCH --chdir=").Append(WorkingDirectory).Append('\n');
        sb.Append("#SBATCH --ntasks=1\n");
        if (Partition is not null) sb.Append("#SBATCH --partition=").Append(Partition).Append('\n');
        if (Gpus is { } g) sb.Append("#SBATCH --gpus=").Append(Num(g)).Append('\n');
        if (CpusPerTask is { } c) sb.Append("#SBATCH --cpus-per-task=").Append(Num(c)).Append('\n');
        if (TimeLimit is not null) sb.Append("#SBATCH --time=").Append(TimeLimit).Append('\n');
        sb.Append('\n');
        sb.Append("# Written by New-ProxSlurmJob: one array task per task of the run in ").Append(Comment(RunFolder)).Append(".\n");
        sb.Append("# Array task i refines the work units _plan.json assigns to task i. Resubmit unfinished tasks with\n");
        sb.Append("# New-ProxSlurmJob -Resubmit <run folder> (or: sbatch --array=<indices> this-script).\n");
        sb.Append("set -euo pipefail\n");
        sb.Append(": \"${SLURM_ARRAY_TASK_ID:?not a Slurm array task: submit this script with sbatch (or set SLURM_ARRAY_TASK_ID to a task index)}\"\n");
        // A job step may start with another environment than the shell that wrote the script: set what PowerShell needs.
        if (Home is not null) sb.Append("if [ -z \"${HOME:-}\" ]; then export HOME=").Append(ShQuote(Home)).Append("; fi\n");
        sb.Append("export DOTNET_CLI_HOME=\"${DOTNET_CLI_HOME:-$HOME}\"\n");
        if (DotnetRoot is not null)
        {
            sb.Append("export DOTNET_ROOT=").Append(ShQuote(DotnetRoot)).Append('\n');
            sb.Append("export PATH=\"$DOTNET_ROOT:${PATH:-/usr/local/bin:/usr/bin:/bin}\"\n");
        }
        sb.Append("export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off\n");
        foreach (var (k, v) in Environment) sb.Append("export ").Append(k).Append('=').Append(ShQuote(v)).Append('\n');
        sb.Append("cd ").Append(ShQuote(WorkingDirectory)).Append('\n');
        sb.Append("echo \"prox: task ${SLURM_ARRAY_TASK_ID} of ").Append(Num(TaskCount)).Append(", job ${SLURM_ARRAY_JOB_ID:-none}, on $(hostname), started $(date -u +%FT%TZ)\"\n");
        sb.Append("exec");
        foreach (var a in PowerShell) sb.Append(' ').Append(ShQuote(a));
        sb.Append(" -NoProfile -NonInteractive -Command ").Append(ShQuote(PowerShellCommand())).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// Writes the script to <see cref="ScriptPath"/> (complete or not at all, executable) and creates the log folder,
    /// which Slurm does not create itself. Returns the script's path.
    /// </summary>
    /// <exception cref="ArgumentException">The settings are not valid.</exception>
    public string Write()
    {
        var text = ToText();
        Directory.CreateDirectory(LogFolder);
        IO.AtomicFile.WriteText(ScriptPath, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                                             UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return ScriptPath;
    }

    private static string Num(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>A bash single-quoted word.</summary>
    internal static string ShQuote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A PowerShell single-quoted string (every kind of single quote PowerShell knows is doubled).</summary>
    internal static string PsQuote(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('\'');
        foreach (var ch in s)
        {
            if (ch is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B') sb.Append(ch);
            sb.Append(ch);
        }
        return sb.Append('\'').ToString();
    }

    private static string Comment(string s) => s.Replace('\n', ' ');
}
