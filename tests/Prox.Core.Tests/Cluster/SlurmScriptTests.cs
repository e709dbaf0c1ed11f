using System.Diagnostics;
using Prox.Cluster;
using Prox.Generation;
using Prox.Refinement;
using Prox.Runs;
using Prox.Tests.Corpus;

namespace Prox.Tests.Cluster;

/// <summary>Issue 10: the text of the sbatch array script New-ProxSlurmJob writes (no Slurm needed).</summary>
public class SlurmScriptTests
{
    private static SlurmScript Script(string runFolder = "/scratch/run one", int tasks = 4) => new()
    {
        RunFolder = runFolder,
        TaskCount = tasks,
        WorkingDirectory = "/home/ana/work",
        PowerShell = ["/usr/share/dotnet/dotnet", "/opt/pwsh/pwsh.dll"],
        ModuleManifest = "/opt/prox/Prox.psd1",
        Inputs = ["/data/cc", "/data/it's.jsonl"],
        RefineParameters = [("Tokenizer", ["whitespace"]), ("Stage", ["Doc", "Chunk"]), ("NoDroppedOutput", [])],
        Environment = [new("PROX_SHARED", "/srv/shared")],
        Home = "/home/ana",
        DotnetRoot = "/usr/share/dotnet",
    };

    private static string[] Lines(string text) => text.Split('\n');

    [Fact]
    public void The_script_is_an_array_of_one_task_per_run_task_with_logs_in_the_run_folder()
    {
        var text = Script().ToText();
        var lines = Lines(text);
        Assert.Equal("#!/bin/bash", lines[0]);
        Assert.Contains("#SBATCH --array=0-3", lines);
        Assert.Contains("#SBATCH --job-name=prox-refine", lines);
        Assert.Contains("#SBATCH --output=/scratch/run one/_slurm/task-%a.job-%A.log", lines);
        Assert.Contains("#SBATCH --chdir=/home/ana/work", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("#SBATCH --partition", StringComparison.Ordinal) || l.StartsWith("#SBATCH --gpus", StringComparison.Ordinal) ||
                                          l.StartsWith("#SBATCH --time", StringComparison.Ordinal) || l.StartsWith("#SBATCH --cpus-per-task", StringComparison.Ordinal));
        // Every #SBATCH line comes before the first command (sbatch stops reading them there).
        var firstCommand = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'));
        Assert.True(Array.FindLastIndex(lines, l => l.StartsWith("#SBATCH", StringComparison.Ordinal)) < firstCommand);
        Assert.Equal("/scratch/run one/_slurm/prox-refine.sbatch", Script().ScriptPath);
    }

    [Fact]
    public void Partition_gpus_time_and_cpus_become_sbatch_lines_and_the_cpus_the_tasks_threads()
    {
        var s = Script() with { Partition = "gpu", Gpus = 2, TimeLimit = "1-04:00:00", CpusPerTask = 8, JobName = "cc-refine" };
        var lines = Lines(s.ToText());
        Assert.Contains("#SBATCH --partition=gpu", lines);
        Assert.Contains("#SBATCH --gpus=2", lines);
        Assert.Contains("#SBATCH --time=1-04:00:00", lines);
        Assert.Contains("#SBATCH --cpus-per-task=8", lines);
        Assert.Contains("#SBATCH --job-name=cc-refine", lines);
        Assert.EndsWith(" -ThrottleLimit 8 -Verbose | Format-List", s.PowerShellCommand(), StringComparison.Ordinal);
        // An explicit -ThrottleLimit wins.
        var own = s with { RefineParameters = [("ThrottleLimit", ["3"])] };
        Assert.Contains("-ThrottleLimit '3'", own.PowerShellCommand(), StringComparison.Ordinal);
        Assert.DoesNotContain("-ThrottleLimit 8", own.PowerShellCommand(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_task_takes_its_index_from_the_array_and_the_count_from_the_plan()
    {
        var command = Script().PowerShellCommand();
        Assert.StartsWith("$ErrorActionPreference = 'Stop'; $PSStyle.OutputRendering = 'PlainText'; Import-Module -Name '/opt/prox/Prox.psd1'; Invoke-ProxRefine ", command, StringComparison.Ordinal);
        Assert.Contains("-LiteralPath '/data/cc', '/data/it''s.jsonl' -OutputPath '/scratch/run one'", command, StringComparison.Ordinal);
        // The index comes from SLURM_ARRAY_TASK_ID and the count is fixed: a resubmitted --array=1,3 still runs tasks 1 and 3 of 4.
        Assert.Contains("-TaskIndex ([int] $env:SLURM_ARRAY_TASK_ID) -TaskCount 4", command, StringComparison.Ordinal);
        Assert.Contains("-Tokenizer 'whitespace' -Stage 'Doc', 'Chunk' -NoDroppedOutput", command, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_a_job_needs_is_set_by_the_script_itself()
    {
        var lines = Lines(Script().ToText());
        Assert.Contains("set -euo pipefail", lines);
        Assert.Contains("if [ -z \"${HOME:-}\" ]; then export HOME='/home/ana'; fi", lines);
        Assert.Contains("export DOTNET_CLI_HOME=\"${DOTNET_CLI_HOME:-$HOME}\"", lines);
        Assert.Contains("export DOTNET_ROOT='/usr/share/dotnet'", lines);
        Assert.Contains("export PATH=\"$DOTNET_ROOT:${PATH:-/usr/local/bin:/usr/bin:/bin}\"", lines);
        Assert.Contains("export PROX_SHARED='/srv/shared'", lines);
        Assert.Contains("cd '/home/ana/work'", lines);
        var exec = Assert.Single(lines, l => l.StartsWith("exec ", StringComparison.Ordinal));
        Assert.StartsWith("exec '/usr/share/dotnet/dotnet' '/opt/pwsh/pwsh.dll' -NoProfile -NonInteractive -Command '", exec, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Bash_reads_the_quoted_command_back_exactly()
    {
        Skip.IfNot(File.Exists("/bin/bash") && File.Exists("/usr/bin/env") && File.Exists("/usr/bin/printf"), "needs /bin/bash, /usr/bin/env and /usr/bin/printf");
        using var t = new CorpusTestFiles();
        // The script with "PowerShell" replaced by printf: what bash hands it is what PowerShell would get.
        var s = Script(runFolder: t.PathOf("run 'quoted' $HOME")) with { PowerShell = ["/usr/bin/printf", "%s\\n"], WorkingDirectory = t.Dir };
        var path = s.Write();
        var psi = new ProcessStartInfo("/usr/bin/env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-i", "SLURM_ARRAY_TASK_ID=3", "/bin/bash", path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
        var got = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("prox: task 3 of 4, job none", got[0], StringComparison.Ordinal);
        Assert.Equal(["-NoProfile", "-NonInteractive", "-Command", s.PowerShellCommand()], got[1..]);
        Assert.Contains("-OutputPath '" + t.PathOf("run ''quoted'' $HOME") + "'", s.PowerShellCommand(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Outside_an_array_task_the_script_stops_with_the_reason()
    {
        Skip.IfNot(File.Exists("/bin/bash") && File.Exists("/usr/bin/env") && File.Exists("/usr/bin/printf"), "needs /bin/bash, /usr/bin/env and /usr/bin/printf");
        using var t = new CorpusTestFiles();
        var path = (Script(runFolder: t.PathOf("run")) with { PowerShell = ["/usr/bin/printf", "%s\\n"] }).Write();
        var psi = new ProcessStartInfo("/usr/bin/env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-i", "/bin/bash", path }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.NotEqual(0, p.ExitCode);
        Assert.Contains("not a Slurm array task", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3 }, "0-3")]
    [InlineData(new[] { 3, 1 }, "1,3")]
    [InlineData(new[] { 0, 2, 3, 4, 7, 9, 10 }, "0,2-4,7,9-10")]
    [InlineData(new[] { 5 }, "5")]
    public void Array_specs_compress_runs_of_indices(int[] indices, string expected) => Assert.Equal(expected, SlurmScript.ArraySpec(indices));

    [Fact]
    public void Invalid_settings_are_refused_with_the_reason()
    {
        Assert.Contains("absolute", Assert.Throws<ArgumentException>(() => (Script() with { RunFolder = "relative/run" }).ToText()).Message, StringComparison.Ordinal);
        Assert.Contains("white space", Assert.Throws<ArgumentException>(() => (Script() with { JobName = "my job" }).ToText()).Message, StringComparison.Ordinal);
        Assert.Contains("Slurm time", Assert.Throws<ArgumentException>(() => (Script() with { TimeLimit = "2 hours" }).ToText()).Message, StringComparison.Ordinal);
        Assert.Contains("at least one task", Assert.Throws<ArgumentException>(() => (Script() with { TaskCount = 0 }).ToText()).Message, StringComparison.Ordinal);
        Assert.Contains("'%'", Assert.Throws<ArgumentException>(() => (Script() with { RunFolder = "/scratch/100%" }).ToText()).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SlurmScript.ArraySpec([]));
    }

    [Fact]
    public void A_missing_sbatch_is_a_clear_error()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SlurmClient.Submit("/tmp/x.sbatch", sbatch: "/nonexistent/sbatch"));
        Assert.Contains("could not be run", e.Message, StringComparison.Ordinal);
        Assert.Contains("sbatch /tmp/x.sbatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plan_written_ahead_is_accepted_by_the_tasks_and_a_different_one_refused()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in/a.jsonl", "{\"id\":\"a\",\"text\":\"A first document with a sentence that has more than ten words in it, so it stays.\"}");
        var options = new RefineOptions { Tokenizer = "whitespace", TaskCount = 2, Threads = 1 };
        using var rules = ProgramGenerators.Create("rules");
        var info = GeneratorInfo.Of(rules);
        var plan = RunPlan.Create([input], t.PathOf("out"), options, info, info);
        Assert.True(plan.WriteInto(t.PathOf("out")));
        Assert.False(plan.WriteInto(t.PathOf("out")));
        var other = RunPlan.Create([input], t.PathOf("out"), options with { TaskCount = 3 }, info, info);
        Assert.Contains("task count changed from 2 to 3", Assert.Throws<IOException>(() => other.WriteInto(t.PathOf("out"))).Message, StringComparison.Ordinal);
        // The tasks refine into the folder whose plan was written ahead.
        for (var i = 0; i < 2; i++) new CorpusRefiner(rules, options with { TaskIndex = i }).Run([input], t.PathOf("out"));
        Assert.True(RunFolder.Open(t.PathOf("out")).IsComplete);
        Assert.Empty(RunFolder.Open(t.PathOf("out")).UnfinishedTasks());
    }
}
