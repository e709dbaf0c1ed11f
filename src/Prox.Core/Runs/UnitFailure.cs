using System.Text.Json;
using Prox.IO;
using Prox.Refinement;

namespace Prox.Runs;

/// <summary>
/// The failure record of a work unit (<c>_units/&lt;unit&gt;.failed.json</c>): written when the unit failed, removed
/// when it later commits. Lets a run folder tell failed units from pending ones.
/// </summary>
public sealed class UnitFailure
{
    /// <summary>The suffix of a failure record's file name.</summary>
    public const string Suffix = ".failed.json";

    /// <summary>The unit's id.</summary>
    public string Unit { get; set; } = "";
    /// <summary>The task the unit belongs to.</summary>
    public int Task { get; set; }
    /// <summary>The input file.</summary>
    public string Input { get; set; } = "";
    /// <summary>Why it failed.</summary>
    public string Message { get; set; } = "";
    /// <summary>When it failed (UTC).</summary>
    public DateTimeOffset Failed { get; set; }

    internal static string PathOf(string outDir, string unitId) => Path.Combine(outDir, RunFolder.UnitsFolder, unitId + Suffix);

    /// <summary>Writes the record atomically.</summary>
    public void Save(string path) => AtomicFile.WriteText(path, JsonSerializer.Serialize(this, RunSummary.Json));

    /// <summary>Reads a record.</summary>
    /// <exception cref="InvalidDataException">Not a failure record.</exception>
    public static UnitFailure Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<UnitFailure>(File.ReadAllText(path), RunSummary.Json) ?? throw new InvalidDataException($"'{path}': empty unit failure record");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': not a unit failure record: {e.Message}", e);
        }
    }
}
