using System.Text.Json;
using System.Text.Json.Serialization;

namespace Prox.Refinement;

/// <summary>
/// The summary of a refinement run (<c>_summary.json</c> in the output folder): totals, per-stage and per-file counts.
/// Summaries of shards or of several runs merge by addition (<see cref="Merge"/>).
/// </summary>
public sealed class RunSummary : RefineCounts
{
    /// <summary>The file name of a run summary inside an output folder.</summary>
    public const string FileName = "_summary.json";

    /// <summary>Schema version of the JSON form.</summary>
    public int SchemaVersion { get; set; } = 1;
    /// <summary>The program generator (e.g. <c>rules:ProxRules</c>); several joined by <c>+</c> after a merge.</summary>
    public string Backend { get; set; } = "";
    /// <summary>The executor dialect.</summary>
    public string Dialect { get; set; } = "";
    /// <summary>The stages that ran, e.g. <c>Doc,Chunk</c>.</summary>
    public string Stages { get; set; } = "";
    /// <summary>The tokenizer that counted tokens.</summary>
    public string Tokenizer { get; set; } = "";
    /// <summary>The output folder (several joined by <c>;</c> after a merge).</summary>
    public string OutputPath { get; set; } = "";
    /// <summary>When the run started (UTC).</summary>
    public DateTimeOffset Started { get; set; }
    /// <summary>When the run finished (UTC).</summary>
    public DateTimeOffset Finished { get; set; }
    /// <summary>Seconds of work (summed over merged runs).</summary>
    public double ElapsedSeconds { get; set; }
    /// <summary>How many runs this summary covers (1, or more after a merge).</summary>
    public int Runs { get; set; } = 1;
    /// <summary>Per input file.</summary>
    public List<FileSummary> Files { get; set; } = [];

    /// <summary>Input megabytes (as stored) per second of work.</summary>
    [JsonIgnore]
    public double MegabytesPerSecond => ElapsedSeconds <= 0 ? 0 : InputBytes / 1e6 / ElapsedSeconds;

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The JSON text of the summary.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes the summary atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(tmp, ToJson());
        File.Move(tmp, full, overwrite: true);
    }

    /// <summary>Reads a summary from a <c>_summary.json</c> file or from an output folder holding one.</summary>
    /// <exception cref="FileNotFoundException">No summary there.</exception>
    /// <exception cref="InvalidDataException">The file is not a run summary.</exception>
    public static RunSummary Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"'{path}': no run summary ({FileName}) found", file);
        try
        {
            var summary = JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(file), Json)
                ?? throw new InvalidDataException($"'{file}': empty run summary");
            if (summary.SchemaVersion != 1) throw new InvalidDataException($"'{file}': unsupported summary schema version {summary.SchemaVersion}");
            return summary;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{file}': not a run summary: {e.Message} (line {e.LineNumber + 1})", e);
        }
    }

    /// <summary>Adds summaries together: counts add up, files are concatenated, descriptive fields are joined.</summary>
    public static RunSummary Merge(IEnumerable<RunSummary> summaries)
    {
        var merged = new RunSummary { Runs = 0 };
        var first = true;
        foreach (var s in summaries)
        {
            merged.Add(s);
            merged.Files.AddRange(s.Files);
            merged.ElapsedSeconds += s.ElapsedSeconds;
            merged.Runs += s.Runs;
            merged.Backend = Join(merged.Backend, s.Backend, '+');
            merged.Dialect = Join(merged.Dialect, s.Dialect, '+');
            merged.Stages = Join(merged.Stages, s.Stages, '+');
            merged.Tokenizer = Join(merged.Tokenizer, s.Tokenizer, '+');
            merged.OutputPath = Join(merged.OutputPath, s.OutputPath, ';');
            merged.Started = first || s.Started < merged.Started ? s.Started : merged.Started;
            merged.Finished = first || s.Finished > merged.Finished ? s.Finished : merged.Finished;
            first = false;
        }
        return merged;
    }

    private static string Join(string current, string next, char separator)
    {
        if (string.IsNullOrEmpty(current)) return next;
        if (string.IsNullOrEmpty(next) || current.Split(separator).Contains(next)) return current;
        return current + separator + next;
    }
}
