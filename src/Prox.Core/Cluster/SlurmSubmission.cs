namespace Prox.Cluster;

/// <summary>An <c>sbatch</c> array script written for a run (and the job, when it was submitted).</summary>
public sealed record SlurmSubmission
{
    /// <summary>The run's output folder.</summary>
    public string RunFolder { get; init; } = "";
    /// <summary>The script (<c>&lt;run folder&gt;/_slurm/prox-refine.sbatch</c>).</summary>
    public string ScriptPath { get; init; } = "";
    /// <summary>The folder of the task logs (<c>task-&lt;i&gt;.job-&lt;id&gt;.log</c>).</summary>
    public string LogFolder { get; init; } = "";
    /// <summary>The job's name.</summary>
    public string JobName { get; init; } = "";
    /// <summary>How many tasks the run has.</summary>
    public int TaskCount { get; init; }
    /// <summary>The array indices submitted (or, when not submitted, those the script's array holds).</summary>
    public IReadOnlyList<int> Tasks { get; init; } = [];
    /// <summary>The <c>--array</c> value.</summary>
    public string Array { get; init; } = "";
    /// <summary>The Slurm job id, or null when the script was only written.</summary>
    public string? JobId { get; init; }
    /// <summary>True when the job was submitted.</summary>
    public bool Submitted => JobId is not null;
}
