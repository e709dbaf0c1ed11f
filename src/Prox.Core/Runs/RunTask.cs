using System.Collections;
using System.Globalization;

namespace Prox.Runs;

/// <summary>
/// Which task of a sharded run this process is: its 0-based index and the number of tasks. The run's plan assigns
/// every work unit to one task (<see cref="WorkUnit.Task"/>); a task refines only its own units. Given explicitly, or
/// taken from the environment of a Slurm array job (<c>SLURM_ARRAY_TASK_ID</c> minus <c>SLURM_ARRAY_TASK_MIN</c>,
/// <c>SLURM_ARRAY_TASK_COUNT</c>) or a Kubernetes indexed Job (<c>JOB_COMPLETION_INDEX</c>; the count, the Job's
/// completions, must be given).
/// </summary>
/// <param name="Index">The task's index, 0 ≤ index &lt; count.</param>
/// <param name="Count">How many tasks the run has.</param>
public readonly record struct RunTask(int Index, int Count)
{
    /// <summary>A run of one task (the default).</summary>
    public static RunTask Single => new(0, 1);

    /// <summary>
    /// The task from explicit values, else from the environment (a Slurm array task, then a Kubernetes indexed Job),
    /// else the single task. An explicit value always wins over the environment.
    /// </summary>
    /// <param name="index">The task index, or null to take it from the environment.</param>
    /// <param name="count">The task count, or null to take it from the environment (required for a Kubernetes Job).</param>
    /// <param name="environment">Variables to read (null: the process environment).</param>
    /// <exception cref="ArgumentException">The values are out of range, unreadable, or incomplete; the message says which.</exception>
    public static RunTask Resolve(int? index, int? count, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        string? Var(string name) => environment[name] as string is { Length: > 0 } v ? v : null;
        int Parse(string name)
        {
            var text = Var(name)!;
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new ArgumentException($"the environment variable {name} is '{text}', not an integer");
        }
        int i, n;
        if (index is { } explicitIndex)
        {
            i = explicitIndex;
            n = count ?? (Var("SLURM_ARRAY_TASK_COUNT") is not null ? Parse("SLURM_ARRAY_TASK_COUNT")
                : throw new ArgumentException($"task index {i} was given without a task count (-TaskCount)"));
        }
        else if (Var("SLURM_ARRAY_TASK_ID") is not null)
        {
            i = Parse("SLURM_ARRAY_TASK_ID") - (Var("SLURM_ARRAY_TASK_MIN") is not null ? Parse("SLURM_ARRAY_TASK_MIN") : 0);
            n = count ?? (Var("SLURM_ARRAY_TASK_COUNT") is not null ? Parse("SLURM_ARRAY_TASK_COUNT")
                : throw new ArgumentException("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; give the task count (-TaskCount)"));
        }
        else if (Var("JOB_COMPLETION_INDEX") is not null)
        {
            i = Parse("JOB_COMPLETION_INDEX");
            n = count ?? throw new ArgumentException("JOB_COMPLETION_INDEX is set (a Kubernetes indexed Job); give the Job's completions as the task count (-TaskCount)");
        }
        else
        {
            n = count ?? 1;
            i = n <= 1 ? 0 : throw new ArgumentException($"a run of {n} tasks needs the task index (-TaskIndex), or a Slurm array or Kubernetes indexed Job environment");
        }
        var task = new RunTask(i, n);
        task.Validate();
        return task;
    }

    /// <summary>Checks 1 ≤ count and 0 ≤ index &lt; count.</summary>
    /// <exception cref="ArgumentException">Out of range.</exception>
    public void Validate()
    {
        if (Count < 1) throw new ArgumentException($"the task count is {Count}; a run needs at least one task");
        if (Index < 0 || Index >= Count) throw new ArgumentException($"the task index is {Index}; with {Count} task(s) it must be 0 to {Count - 1}");
    }

    /// <inheritdoc/>
    public override string ToString() => $"task {Index} of {Count}";
}
