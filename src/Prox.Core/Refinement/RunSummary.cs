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

    /// <summary>Schema version of the JSON form (2: generators per stage, work units).</summary>
    public int SchemaVersion { get; set; } = 2;
    /// <summary>The program generators in one line (e.g. <c>rules:ProxRules</c>, or <c>doc=… chunk=…</c> when they differ); several joined by <c>+</c> after a forced merge.</summary>
    public string Backend { get; set; } = "";
    /// <summary>The doc stage's generator spec and options (null when the stage did not run, or after merging runs that differ).</summary>
    public Prox.Runs.GeneratorInfo? DocGenerator { get; set; }
    /// <summary>The chunk stage's generator spec and options (null when the stage did not run, or after merging runs that differ).</summary>
    public Prox.Runs.GeneratorInfo? ChunkGenerator { get; set; }
    /// <summary>Work units in the run's plan.</summary>
    public int UnitsPlanned { get; set; }
    /// <summary>Work units committed (their markers exist); equal to <see cref="UnitsPlanned"/> for a complete run.</summary>
    public int UnitsDone { get; set; }
    /// <summary>Work units skipped by this invocation because an earlier one had committed them.</summary>
    public int UnitsSkipped { get; set; }
    /// <summary>Where each task of the run stood when the summary was made (null after a merge of several runs).</summary>
    public List<Prox.Runs.RunTaskStatus>? Tasks { get; set; }
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

    /// <summary>Writes the summary atomically (temporary file, flushed, renamed, folder flushed).</summary>
    public void Save(string path) => Prox.IO.AtomicFile.WriteText(path, ToJson());

    /// <summary>The one-line name of a run's generators.</summary>
    internal static string BackendOf(Prox.Runs.GeneratorInfo? doc, Prox.Runs.GeneratorInfo? chunk) =>
        doc is null ? chunk?.Spec ?? "" : chunk is null || chunk.Spec == doc.Spec ? doc.Spec : $"doc={doc.Spec} chunk={chunk.Spec}";

    /// <summary>The summary of committed units: the merge of their markers (files in plan order).</summary>
    public static RunSummary FromMarkers(IEnumerable<Prox.Runs.UnitMarker> markers, Prox.Runs.RunPlan? plan, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(markers);
        var list = markers.OrderBy(m => m.Unit, StringComparer.Ordinal).ToList();
        var doc = plan?.DocGenerator ?? list.FirstOrDefault()?.DocGenerator;
        var chunk = plan?.ChunkGenerator ?? list.FirstOrDefault()?.ChunkGenerator;
        var s = new RunSummary
        {
            DocGenerator = doc,
            ChunkGenerator = chunk,
            Backend = BackendOf(doc, chunk),
            Dialect = plan?.Settings.GetValueOrDefault("dialect") ?? "",
            Stages = plan?.Settings.GetValueOrDefault("stages") ?? "",
            Tokenizer = plan?.Settings.GetValueOrDefault("tokenizer") ?? "",
            OutputPath = Path.GetFullPath(outputPath),
            UnitsPlanned = plan?.Units.Count ?? list.Count,
            UnitsDone = list.Count,
            Started = list.Count == 0 ? default : list.Min(m => m.Completed.AddSeconds(-m.Counts.ElapsedSeconds)),
            Finished = list.Count == 0 ? default : list.Max(m => m.Completed),
        };
        foreach (var m in list)
        {
            s.Add(m.Counts);
            s.Files.Add(m.Counts);
            s.ElapsedSeconds += m.Counts.ElapsedSeconds;
        }
        return s;
    }

    /// <summary>
    /// Why these runs should not be added up: their generators (spec or options), tokenizers, dialects or stages differ.
    /// Empty when they agree.
    /// </summary>
    public static IReadOnlyList<string> Mismatches(IReadOnlyList<RunSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(summaries);
        var list = new List<string>();
        if (summaries.Count < 2) return list;
        var a = summaries[0];
        foreach (var b in summaries.Skip(1))
        {
            string A = a.OutputPath, B = b.OutputPath;
            void Compare(string what, string x, string y)
            {
                if (!string.Equals(x, y, StringComparison.Ordinal)) list.Add($"{what}: '{A}' has {(x.Length == 0 ? "(none)" : x)}, '{B}' has {(y.Length == 0 ? "(none)" : y)}");
            }
            Compare("doc generator", a.DocGenerator?.Spec ?? (a.SchemaVersion < 2 ? a.Backend : ""), b.DocGenerator?.Spec ?? (b.SchemaVersion < 2 ? b.Backend : ""));
            Compare("chunk generator", a.ChunkGenerator?.Spec ?? (a.SchemaVersion < 2 ? a.Backend : ""), b.ChunkGenerator?.Spec ?? (b.SchemaVersion < 2 ? b.Backend : ""));
            if (a.DocGenerator is { } ad && b.DocGenerator is { } bd && ad.Spec == bd.Spec)
                foreach (var d in bd.DifferencesTo(ad, "doc")) list.Add($"'{A}' vs '{B}': {d}");
            if (a.ChunkGenerator is { } ac && b.ChunkGenerator is { } bc && ac.Spec == bc.Spec)
                foreach (var d in bc.DifferencesTo(ac, "chunk")) list.Add($"'{A}' vs '{B}': {d}");
            Compare("tokenizer", a.Tokenizer, b.Tokenizer);
            Compare("dialect", a.Dialect, b.Dialect);
            Compare("stages", a.Stages, b.Stages);
        }
        return list;
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
            if (summary.SchemaVersion is < 1 or > 2) throw new InvalidDataException($"'{file}': unsupported summary schema version {summary.SchemaVersion}");
            return summary;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{file}': not a run summary: {e.Message} (line {e.LineNumber + 1})", e);
        }
    }

    /// <summary>
    /// Adds summaries together: counts add up, files are concatenated, descriptive fields are joined. Runs whose
    /// generators, tokenizers, dialects or stages differ are refused (<see cref="Mismatches"/>) unless
    /// <paramref name="force"/>: their counts would not mean one thing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The runs differ and <paramref name="force"/> is false; the message says how.</exception>
    public static RunSummary Merge(IEnumerable<RunSummary> summaries, bool force = false)
    {
        var all = summaries.ToList();
        var mismatches = Mismatches(all);
        if (mismatches.Count > 0 && !force)
            throw new InvalidOperationException($"these runs were made differently and their counts should not be added up: {string.Join("; ", mismatches)}. Use -Force (force: true) to add them up anyway.");
        var merged = new RunSummary { Runs = 0 };
        if (all.Count > 0 && mismatches.Count == 0) { merged.DocGenerator = all[0].DocGenerator; merged.ChunkGenerator = all[0].ChunkGenerator; }
        var first = true;
        foreach (var s in all)
        {
            merged.UnitsPlanned += s.UnitsPlanned;
            merged.UnitsDone += s.UnitsDone;
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
