using Prox.Corpus;
using Prox.Refinement;
using Prox.Runs;

namespace Prox.Analysis;

/// <summary>
/// One refinement run, ready for analysis: its outcomes (kept and dropped documents, read back through
/// <see cref="RunFolder.ReadOutcomes(bool, CorpusReadOptions?)"/>), its summary (the merge of its unit markers) and
/// its per-file counts (the markers). Made from a run folder (<see cref="Open"/>) or from outcomes in memory
/// (<see cref="FromOutcomes"/>, e.g. what <see cref="DocumentRefiner.Refine(IEnumerable{string}, CancellationToken)"/>
/// returned). The frames (<see cref="OutcomeFrames"/>), charts (<see cref="OutcomeCharts"/>) and the HTML report
/// (<see cref="RunReport"/>) take one or several of these.
/// </summary>
/// <example><code>
/// var run = RunAnalysis.Open("refined");
/// Console.WriteLine($"{run.Name}: {run.Outcomes.Count(o => o.Kept)} of {run.Outcomes.Count} kept");
/// </code></example>
public sealed class RunAnalysis
{
    private RunAnalysis(string name, string? path, IReadOnlyList<DocumentOutcome> outcomes, RunSummary summary, IReadOnlyList<FileSummary> files)
    {
        Name = name;
        Path = path;
        Outcomes = outcomes;
        Summary = summary;
        Files = files;
    }

    /// <summary>The run's name in tables and charts (the folder name, unless given).</summary>
    public string Name { get; }

    /// <summary>The run folder (full path), or null for outcomes in memory.</summary>
    public string? Path { get; }

    /// <summary>Every document of the run: the refined ones, then the dropped ones, file by file.</summary>
    public IReadOnlyList<DocumentOutcome> Outcomes { get; }

    /// <summary>The run's counts: the merge of its unit markers (for outcomes in memory: their counts).</summary>
    public RunSummary Summary { get; }

    /// <summary>The counts per input file (the unit markers' counts), in plan order.</summary>
    public IReadOnlyList<FileSummary> Files { get; }

    /// <summary>
    /// Opens a run folder and reads all its documents. With <paramref name="readInputs"/> (the default), the inputs the
    /// run's markers name are read again where they still exist, so kept documents get their
    /// <see cref="DocumentOutcome.OriginalText"/> back (refined files hold only the output) and removed lines can be
    /// shown as text; dropped documents carry their input text in any case.
    /// </summary>
    /// <param name="path">The run folder.</param>
    /// <param name="name">The name in tables and charts; the folder name when null.</param>
    /// <param name="readInputs">Read the inputs again for the kept documents' original text.</param>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="InvalidDataException">The folder is not a run folder, or a record could not be read (names the file and line).</exception>
    public static RunAnalysis Open(string path, string? name = null, bool readInputs = true)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = RunFolder.Open(path);
        if (!RunFolder.IsRunFolder(folder.Path))
            throw new InvalidDataException($"'{path}': not a run folder (no {RunPlan.FileName}, {RunFolder.UnitsFolder}/ or {RunSummary.FileName})");
        var options = ReadOptionsOf(folder.Plan);
        var outcomes = folder.ReadOutcomes(includeDropped: true, options).ToList();
        if (readInputs) outcomes = WithOriginalTexts(outcomes, folder, options);
        var summary = folder.Markers.Count > 0 || folder.Plan is not null ? folder.Summary() : RunSummary.Load(folder.Path);
        var files = folder.Markers.Count > 0 ? folder.Markers.Select(m => m.Counts).ToList() : summary.Files;
        return new RunAnalysis(name ?? System.IO.Path.GetFileName(folder.Path.TrimEnd(System.IO.Path.DirectorySeparatorChar)), folder.Path, outcomes, summary, files);
    }

    /// <summary>
    /// A run of outcomes in memory (no folder): the summary and the per-file counts are computed from the outcomes
    /// with <see cref="RefineCounts.Add(DocumentOutcome)"/>, exactly as a run counts them.
    /// </summary>
    public static RunAnalysis FromOutcomes(string name, IEnumerable<DocumentOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(outcomes);
        var list = outcomes.ToList();
        var summary = new RunSummary { OutputPath = "", Tokenizer = list.FirstOrDefault()?.Tokenizer ?? "" };
        var files = new Dictionary<string, FileSummary>(StringComparer.Ordinal);
        foreach (var o in list)
        {
            summary.Add(o);
            var key = o.SourceFile ?? "";
            if (!files.TryGetValue(key, out var f)) files[key] = f = new FileSummary { Input = key };
            f.Add(o);
        }
        summary.Files = [.. files.Values];
        return new RunAnalysis(name, null, list, summary, summary.Files);
    }

    private static CorpusReadOptions ReadOptionsOf(RunPlan? plan)
    {
        if (plan is null) return CorpusReadOptions.Default;
        return new CorpusReadOptions
        {
            TextField = plan.Settings.GetValueOrDefault("text_field", "text"),
            IdField = plan.Settings.GetValueOrDefault("id_field", "id"),
        };
    }

    // Kept documents read back from a refined file hold only the output; their inputs (when still there, unchanged
    // in size) give the original text back, matched by source file name and record number.
    private static List<DocumentOutcome> WithOriginalTexts(List<DocumentOutcome> outcomes, RunFolder folder, CorpusReadOptions options)
    {
        var wanted = new Dictionary<string, Dictionary<long, int>>(StringComparer.Ordinal);
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            if (o.OriginalText is not null || o.SourceFile is null || o.SourceRecord <= 0) continue;
            if (!wanted.TryGetValue(o.SourceFile, out var byRecord)) wanted[o.SourceFile] = byRecord = [];
            byRecord[o.SourceRecord] = i;
        }
        if (wanted.Count == 0) return outcomes;
        foreach (var marker in folder.Markers)
        {
            var input = marker.Input;
            if (!wanted.TryGetValue(System.IO.Path.GetFileName(input), out var byRecord)) continue;
            var info = new FileInfo(input);
            if (!info.Exists || info.Length != marker.InputBytes) continue;
            foreach (var entry in CorpusReader.Read(input, options))
            {
                if (entry.Document is not { } doc || !byRecord.TryGetValue(doc.SourceLine, out var index)) continue;
                if (outcomes[index].Id == doc.Id) outcomes[index] = outcomes[index] with { OriginalText = doc.Text };
            }
        }
        return outcomes;
    }
}
