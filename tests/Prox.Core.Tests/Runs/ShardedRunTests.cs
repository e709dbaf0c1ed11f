using System.Collections;
using System.Text.Json;
using Prox.Generation;
using Prox.Refinement;
using Prox.Runs;
using Prox.Tests.Corpus;

namespace Prox.Tests.Runs;

/// <summary>Issue 10: runs sharded over tasks that share one output folder.</summary>
public class ShardedRunTests
{
    private static readonly RefineOptions Words = new() { Tokenizer = "whitespace", Threads = 1 };

    private static string Page(int i) =>
        $"Home | News | Contact\nParagraph {i} explains the harbour and the ferry times in plain words for every reader.\n" +
        $"A second sentence of page {i} says a little more about the new bridge over the river.\nCopyright 2026 Example. All rights reserved.";

    private static string Record(string id, string text) => JsonSerializer.Serialize(new { id, text });

    /// <summary>Files of different sizes: file k has sizes[k] records.</summary>
    private static string[] Files(CorpusTestFiles t, params int[] sizes) =>
        sizes.Select((n, k) => t.WriteLines($"in/f{k}.jsonl", Enumerable.Range(0, n).Select(i => Record($"f{k}-{i}", Page(i))).ToArray())).ToArray();

    private static RunSummary RunAs(string[] inputs, string outDir, int index, int count, RefineOptions? options = null)
    {
        using var rules = ProgramGenerators.Create("rules");
        return new CorpusRefiner(rules, (options ?? Words) with { TaskIndex = index, TaskCount = count }).Run(inputs, outDir);
    }

    [Fact]
    public void Units_go_largest_first_to_the_least_loaded_task_and_the_assignment_is_in_the_plan()
    {
        using var t = new CorpusTestFiles();
        var inputs = Files(t, 1, 9, 4, 5, 2, 8);
        var plan = RunPlan.Create(inputs, t.PathOf("out"), Words with { TaskCount = 3 }, null, null);
        // Sizes 9, 8, 5, 4, 2, 1 (records) onto 3 tasks: 9→0, 8→1, 5→2, 4→2 (5 < 8, 9), 2→1 (8 < 9), 1→1 or 0 by bytes.
        var byTask = Enumerable.Range(0, 3).Select(k => plan.UnitsOf(k).Sum(u => u.InputBytes)).ToArray();
        Assert.Equal(3, plan.TaskCount);
        Assert.Equal(0, plan.Units[1].Task);
        Assert.Equal(1, plan.Units[5].Task);
        Assert.Equal(2, plan.Units[3].Task);
        Assert.Equal(2, plan.Units[2].Task);
        Assert.True(byTask.Max() - byTask.Min() <= plan.Units.Max(u => u.InputBytes), string.Join(",", byTask));
        // Deterministic: every task computes the same assignment, and it survives the round trip through _plan.json.
        var again = RunPlan.Create(inputs, t.PathOf("out"), Words with { TaskCount = 3, TaskIndex = 2 }, null, null);
        Assert.Equal(plan.Units.Select(u => u.Task), again.Units.Select(u => u.Task));
        plan.Save(t.PathOf("plan.json"));
        var loaded = RunPlan.Load(t.PathOf("plan.json"));
        Assert.Equal(plan.Units.Select(u => u.Task), loaded.Units.Select(u => u.Task));
        Assert.Empty(again.DifferencesTo(loaded));
        Assert.Contains("\"task_count\": 3", File.ReadAllText(t.PathOf("plan.json")));
    }

    [Fact]
    public void Tasks_write_their_own_units_a_task_summary_until_the_run_is_complete_and_then_the_same_output_as_one_task()
    {
        using var t = new CorpusTestFiles();
        var inputs = Files(t, 6, 3, 5, 2, 4);
        var single = RunAs(inputs, t.PathOf("single"), 0, 1);
        var sharded = t.PathOf("sharded");

        var first = RunAs(inputs, sharded, 1, 3);
        var plan = RunPlan.Load(Path.Combine(sharded, RunPlan.FileName));
        Assert.Equal(plan.UnitsOf(1).Count(), first.UnitsDone);
        Assert.False(File.Exists(Path.Combine(sharded, RunSummary.FileName)));
        Assert.True(File.Exists(Path.Combine(sharded, RunFolder.TaskSummaryFileOf(1))));
        foreach (var u in plan.Units) Assert.Equal(u.Task == 1, File.Exists(u.Output));
        var status = RunFolder.Open(sharded).Tasks();
        Assert.Equal([0, plan.UnitsOf(1).Count(), 0], status.Select(s => s.UnitsDone));
        Assert.Equal(plan.UnitsOf(0).Count(), status[0].UnitsPending);
        Assert.True(status[1].IsComplete);

        RunAs(inputs, sharded, 0, 3);
        Assert.False(File.Exists(Path.Combine(sharded, RunSummary.FileName)));
        var last = RunAs(inputs, sharded, 2, 3);
        // The task that completes the run writes the run's summary: the merge of every unit's marker.
        Assert.True(File.Exists(Path.Combine(sharded, RunSummary.FileName)));
        Assert.Empty(Directory.GetFiles(sharded, "_summary.task-*.json"));
        Assert.Equal(5, last.UnitsDone);
        Assert.Equal(single.DocumentsIn, last.DocumentsIn);
        Assert.Equal(single.DocumentsOut, last.DocumentsOut);
        Assert.Equal(single.TokensOut, last.TokensOut);
        Assert.All(last.Tasks!, s => Assert.True(s.IsComplete));
        foreach (var u in plan.Units)
            Assert.Equal(File.ReadAllBytes(Path.Combine(t.PathOf("single"), Path.GetFileName(u.Output))), File.ReadAllBytes(u.Output));
    }

    [Fact]
    public void Tasks_of_one_run_run_at_once_and_a_task_with_other_arguments_is_refused()
    {
        using var t = new CorpusTestFiles();
        var inputs = Files(t, 40, 30, 35, 25, 20, 45, 30, 10);
        var outDir = t.PathOf("out");
        var tasks = Enumerable.Range(0, 4).Select(k => Task.Run(() => RunAs(inputs, outDir, k, 4))).ToArray();
        Task.WaitAll(tasks);
        var run = RunFolder.Open(outDir);
        Assert.True(run.IsComplete);
        Assert.True(File.Exists(Path.Combine(outDir, RunSummary.FileName)));
        Assert.Equal(8, run.Markers.Count);
        Assert.Contains(tasks, x => x.Result.UnitsDone == 8); // the last task to commit saw the run complete

        Assert.Equal(235, RunSummary.Load(outDir).DocumentsIn);

        // The same inputs sharded differently, or other settings: the plan check refuses it with what differs.
        var count = Assert.Throws<IOException>(() => RunAs(inputs, outDir, 0, 2));
        Assert.Contains("task count changed from 4 to 2", count.Message);
        var tokenizer = Assert.Throws<IOException>(() => RunAs(inputs, outDir, 1, 4, Words with { Tokenizer = "cl100k_base" }));
        Assert.Contains("tokenizer changed", tokenizer.Message);
    }

    [Fact]
    public void A_second_process_for_the_same_task_is_refused_but_another_task_of_the_run_may_write()
    {
        using var t = new CorpusTestFiles();
        var inputs = Files(t, 3, 3);
        var outDir = t.PathOf("out");
        Directory.CreateDirectory(outDir);
        using (new FileStream(Path.Combine(outDir, RunFolder.LockFileOf(0)), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var ex = Assert.Throws<IOException>(() => RunAs(inputs, outDir, 0, 2));
            Assert.Contains("task 0", ex.Message);
            Assert.Contains(outDir, ex.Message);
            Assert.Equal(1, RunAs(inputs, outDir, 1, 2).UnitsDone);
        }
        Assert.Equal(2, RunAs(inputs, outDir, 0, 2).Tasks!.Sum(s => s.UnitsDone));
    }

    [Fact]
    public void A_failed_unit_is_recorded_as_failed_until_it_commits()
    {
        using var t = new CorpusTestFiles();
        var inputs = Files(t, 3, 3, 3);
        File.WriteAllText(inputs[1], Record("x", "poison " + Page(1)) + "\n");
        using var picky = new Prox.Tests.Refinement.ScriptedGenerator(r => r.DocumentText.StartsWith("poison", StringComparison.Ordinal)
            ? throw new InvalidDataException("record x: not usable") : r.Stage == Prox.Programs.ProgramStage.Doc ? "keep_doc()" : "keep_chunk()");
        var outDir = t.PathOf("out");
        var ex = Assert.Throws<RunFailedException>(() => new CorpusRefiner(picky, Words).Run(inputs, outDir));
        var failed = UnitFailure.PathOf(outDir, "unit-00001");
        Assert.True(File.Exists(failed));
        Assert.Contains("not usable", UnitFailure.Load(failed).Message);
        Assert.False(File.Exists(Path.Combine(outDir, RunSummary.FileName)));
        Assert.True(File.Exists(Path.Combine(outDir, RunFolder.TaskSummaryFileOf(0))));
        var status = Assert.Single(RunFolder.Open(outDir).Tasks());
        Assert.Equal((2, 1, 0), (status.UnitsDone, status.UnitsFailed, status.UnitsPending));
        Assert.Contains("not usable", Assert.Single(status.Failures));
        Assert.Equal(2, ex.Summary.UnitsDone);

        using var fine = new Prox.Tests.Refinement.ScriptedGenerator(r => r.Stage == Prox.Programs.ProgramStage.Doc ? "keep_doc()" : "keep_chunk()");
        var done = new CorpusRefiner(fine, Words).Run(inputs, outDir);
        Assert.False(File.Exists(failed));
        Assert.True(File.Exists(Path.Combine(outDir, RunSummary.FileName)));
        Assert.False(File.Exists(Path.Combine(outDir, RunFolder.TaskSummaryFileOf(0))));
        Assert.Equal((3, 0, 0), (done.Tasks![0].UnitsDone, done.Tasks[0].UnitsFailed, done.Tasks[0].UnitsPending));
        // A failure record is never read as a marker.
        Assert.Equal(3, RunFolder.Open(outDir).Markers.Count);
    }

    [Theory]
    [InlineData(null, null, "", 0, 1)]
    [InlineData(2, 5, "SLURM_ARRAY_TASK_ID=1;SLURM_ARRAY_TASK_COUNT=3", 2, 5)]
    [InlineData(null, null, "SLURM_ARRAY_TASK_ID=3;SLURM_ARRAY_TASK_COUNT=4", 3, 4)]
    [InlineData(null, null, "SLURM_ARRAY_TASK_ID=7;SLURM_ARRAY_TASK_MIN=5;SLURM_ARRAY_TASK_COUNT=4", 2, 4)]
    [InlineData(null, 4, "SLURM_ARRAY_TASK_ID=1", 1, 4)]
    [InlineData(null, 6, "JOB_COMPLETION_INDEX=5", 5, 6)]
    [InlineData(1, null, "SLURM_ARRAY_TASK_COUNT=2", 1, 2)]
    public void The_task_comes_from_arguments_else_from_a_Slurm_array_or_a_Kubernetes_indexed_Job(int? index, int? count, string env, int expectedIndex, int expectedCount)
    {
        Assert.Equal(new RunTask(expectedIndex, expectedCount), RunTask.Resolve(index, count, Env(env)));
    }

    [Theory]
    [InlineData(null, 3, "", "needs the task index")]
    [InlineData(2, null, "", "without a task count")]
    [InlineData(3, 3, "", "must be 0 to 2")]
    [InlineData(null, null, "JOB_COMPLETION_INDEX=2", "completions")]
    [InlineData(null, null, "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT is not")]
    [InlineData(null, null, "SLURM_ARRAY_TASK_ID=x;SLURM_ARRAY_TASK_COUNT=2", "SLURM_ARRAY_TASK_ID is 'x'")]
    [InlineData(null, 0, "", "at least one task")]
    public void A_task_that_cannot_be_determined_is_refused_with_the_reason(int? index, int? count, string env, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => RunTask.Resolve(index, count, Env(env)));
        Assert.Contains(reason, ex.Message);
    }

    private static Hashtable Env(string pairs)
    {
        var h = new Hashtable();
        foreach (var p in pairs.Split(';', StringSplitOptions.RemoveEmptyEntries)) h[p.Split('=')[0]] = p.Split('=')[1];
        return h;
    }
}
