namespace Prox.Runs;

/// <summary>Where one task of a run stands: its units committed, failed (with the messages) and still pending.</summary>
public sealed class RunTaskStatus
{
    /// <summary>The task's index.</summary>
    public int Task { get; set; }
    /// <summary>Units the plan assigns to the task.</summary>
    public int UnitsPlanned { get; set; }
    /// <summary>Units committed (their markers exist).</summary>
    public int UnitsDone { get; set; }
    /// <summary>Units whose last attempt failed and that have not committed since.</summary>
    public int UnitsFailed { get; set; }
    /// <summary>Units neither committed nor failed (not started, or in flight).</summary>
    public int UnitsPending { get; set; }
    /// <summary>The failure messages, one per failed unit.</summary>
    public List<string> Failures { get; set; } = [];

    /// <summary>True when every unit of the task is committed.</summary>
    public bool IsComplete => UnitsDone == UnitsPlanned;
}
