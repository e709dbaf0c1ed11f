using System.Text.Json;
using Prox.IO;
using Prox.Refinement;

namespace Prox.Runs;

/// <summary>
/// The completion marker of a work unit (<c>_units/&lt;unit&gt;.json</c>): written last, after the unit's files were
/// published, so that its existence means the unit is committed. Holds the unit's counts, its generators and its
/// input's size and modification time. A run's summary is the merge of its markers.
/// </summary>
public sealed class UnitMarker
{
    /// <summary>Schema version of the JSON form.</summary>
    public int SchemaVersion { get; set; } = 1;
    /// <summary>The unit's id.</summary>
    public string Unit { get; set; } = "";
    /// <summary>The input file.</summary>
    public string Input { get; set; } = "";
    /// <summary>Bytes of the input.</summary>
    public long InputBytes { get; set; }
    /// <summary>Last write time of the input (UTC ticks).</summary>
    public long InputModifiedTicks { get; set; }
    /// <summary>The doc stage's generator.</summary>
    public GeneratorInfo? DocGenerator { get; set; }
    /// <summary>The chunk stage's generator.</summary>
    public GeneratorInfo? ChunkGenerator { get; set; }
    /// <summary>When the unit was committed (UTC).</summary>
    public DateTimeOffset Completed { get; set; }
    /// <summary>The unit's counts and files.</summary>
    public FileSummary Counts { get; set; } = new();
    /// <summary>
    /// For a byte-range unit: the offset in the file where its last line ended (the next unit's first line), or null.
    /// With <see cref="LinesBeforeEnd"/>, where a later range unit of the file starts counting lines.
    /// </summary>
    public long? EndOffset { get; set; }
    /// <summary>For a byte-range unit: the lines of the file before <see cref="EndOffset"/>.</summary>
    public long? LinesBeforeEnd { get; set; }

    /// <summary>True when this marker commits <paramref name="unit"/> of <paramref name="plan"/> (same input, same generators).</summary>
    public bool Commits(WorkUnit unit, RunPlan plan) =>
        Unit == unit.Id && Input == unit.Input && InputBytes == unit.InputBytes && InputModifiedTicks == unit.InputModifiedTicks &&
        Same(DocGenerator, plan.DocGenerator) && Same(ChunkGenerator, plan.ChunkGenerator);

    private static bool Same(GeneratorInfo? a, GeneratorInfo? b) => a is null ? b is null : b is not null && !a.DifferencesTo(b, "").Any();

    /// <summary>Writes the marker atomically.</summary>
    public void Save(string path) => AtomicFile.WriteText(path, JsonSerializer.Serialize(this, RunSummary.Json));

    /// <summary>Reads a marker.</summary>
    /// <exception cref="InvalidDataException">Not a marker.</exception>
    public static UnitMarker Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<UnitMarker>(File.ReadAllText(path), RunSummary.Json) ?? throw new InvalidDataException($"'{path}': empty unit marker");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': not a unit marker: {e.Message}", e);
        }
    }
}
