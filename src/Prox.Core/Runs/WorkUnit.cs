namespace Prox.Runs;

/// <summary>
/// One work unit of a run: a part of one input (the whole file, or a byte range of a large JSON Lines file) and the
/// files it writes. A unit is
/// committed when its completion marker exists; its outputs are published together with the marker (marker last).
/// </summary>
public sealed record WorkUnit
{
    /// <summary>Position in the plan (0-based).</summary>
    public int Index { get; init; }
    /// <summary>A stable name (<c>unit-00003</c>): the marker's and the staging folder's name.</summary>
    public string Id { get; init; } = "";
    /// <summary>The input file (full path).</summary>
    public string Input { get; init; } = "";
    /// <summary>Bytes of the input when planned.</summary>
    public long InputBytes { get; init; }
    /// <summary>Last write time of the input when planned (UTC ticks).</summary>
    public long InputModifiedTicks { get; init; }
    /// <summary>First byte (for Parquet: row group) of the input this unit covers; 0 for a whole file.</summary>
    public long RangeStart { get; init; }
    /// <summary>End (exclusive) of the covered range; null for "to the end of the file".</summary>
    public long? RangeEnd { get; init; }
    /// <summary>The refined output file.</summary>
    public string Output { get; init; } = "";
    /// <summary>Where dropped documents go.</summary>
    public string Dropped { get; init; } = "";
    /// <summary>Where unreadable records go.</summary>
    public string Quarantine { get; init; } = "";

    /// <summary>The task of a sharded run that refines this unit (0 for a run of one task).</summary>
    public int Task { get; init; }

    /// <summary>For a Parquet unit of some row groups: their compressed bytes (from the file's footer); 0 otherwise.</summary>
    public long RangeBytes { get; init; }

    /// <summary>The bytes of the input the unit covers (what the planner balances).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Bytes => RangeBytes > 0 ? RangeBytes : RangeEnd is { } end ? end - RangeStart : InputBytes - RangeStart;

    /// <summary>True when the unit covers the whole input.</summary>
    public bool IsWholeFile => RangeStart == 0 && RangeEnd is null;
}
