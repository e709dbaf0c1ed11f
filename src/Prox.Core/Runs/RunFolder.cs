using Prox.Corpus;
using Prox.Refinement;

namespace Prox.Runs;

/// <summary>
/// A refined output folder, read through its own records: the plan (<c>_plan.json</c>), the completion markers of the
/// committed work units (<c>_units/</c>), and the corpus files those markers name. Reading a folder yields only
/// committed output — never the plan, markers, summary, staging or temporary files — and the sidecars (dropped
/// documents, quarantine) only when asked.
/// </summary>
/// <example><code>
/// var run = RunFolder.Open("refined");
/// foreach (var o in run.ReadOutcomes(includeDropped: true))
///     Console.WriteLine($"{o.Id} {(o.Kept ? "kept" : o.DropReason)} {o.TokensOut}/{o.TokensIn}");
/// </code></example>
public sealed class RunFolder
{
    /// <summary>Folder of the completion markers.</summary>
    public const string UnitsFolder = "_units";
    /// <summary>Folder where units write before they publish.</summary>
    public const string StagingFolder = "_staging";
    /// <summary>The prefix of the lock files a run's tasks hold while they write (<c>_lock.task-0</c>, …).</summary>
    public const string LockFilePrefix = "_lock.task-";

    /// <summary>The lock file task <paramref name="task"/> holds while it writes.</summary>
    public static string LockFileOf(int task) => LockFilePrefix + task.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The summary file of one task, written while the run is not complete (<c>_summary.task-0.json</c>, …).</summary>
    public static string TaskSummaryFileOf(int task) => $"_summary.task-{task.ToString(System.Globalization.CultureInfo.InvariantCulture)}.json";

    private RunFolder(string path, RunPlan? plan, IReadOnlyList<UnitMarker> markers, IReadOnlyList<UnitFailure> failures)
    {
        Path = path;
        Plan = plan;
        Markers = markers;
        Failures = failures;
    }

    /// <summary>The failure records of units that failed and have not committed since.</summary>
    public IReadOnlyList<UnitFailure> Failures { get; }

    /// <summary>
    /// Where each task of the run stands (units done, failed, pending), in task order; one entry for a run of one task.
    /// Empty for a folder without a plan.
    /// </summary>
    public IReadOnlyList<RunTaskStatus> Tasks()
    {
        if (Plan is null) return [];
        var done = CommittedIds();
        var failed = Failures.Where(f => !done.Contains(f.Unit)).ToDictionary(f => f.Unit, StringComparer.Ordinal);
        var list = new List<RunTaskStatus>();
        for (var t = 0; t < Plan.TaskCount; t++)
        {
            var s = new RunTaskStatus { Task = t };
            foreach (var u in Plan.UnitsOf(t))
            {
                s.UnitsPlanned++;
                if (done.Contains(u.Id)) s.UnitsDone++;
                else if (failed.TryGetValue(u.Id, out var f)) { s.UnitsFailed++; s.Failures.Add($"{u.Id} ('{u.Input}'): {f.Message}"); }
                else s.UnitsPending++;
            }
            list.Add(s);
        }
        return list;
    }

    /// <summary>The tasks with units not committed yet (pending or failed), in order; empty when the run is complete or has no plan.</summary>
    public IReadOnlyList<int> UnfinishedTasks() => Tasks().Where(t => !t.IsComplete).Select(t => t.Task).ToList();

    /// <summary>True when every unit of the plan is committed.</summary>
    public bool IsComplete => Plan is not null && Plan.Units.All(u => CommittedIds().Contains(u.Id));

    private HashSet<string> CommittedIds()
    {
        var byId = Markers.ToDictionary(m => m.Unit, StringComparer.Ordinal);
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (Plan is null) return set;
        foreach (var u in Plan.Units)
            if (byId.TryGetValue(u.Id, out var m) && m.Commits(u, Plan)) set.Add(u.Id);
        return set;
    }

    /// <summary>The folder (full path).</summary>
    public string Path { get; }

    /// <summary>The run's plan, or null for a folder written before plans existed.</summary>
    public RunPlan? Plan { get; }

    /// <summary>The markers of the committed units, in plan order.</summary>
    public IReadOnlyList<UnitMarker> Markers { get; }

    /// <summary>True when <paramref name="path"/> is a folder a run wrote (it has a plan, markers or a summary).</summary>
    public static bool IsRunFolder(string path) =>
        Directory.Exists(path) && (File.Exists(System.IO.Path.Combine(path, RunPlan.FileName)) ||
                                   Directory.Exists(System.IO.Path.Combine(path, UnitsFolder)) ||
                                   File.Exists(System.IO.Path.Combine(path, RunSummary.FileName)));

    /// <summary>Opens a run folder.</summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    public static RunFolder Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"'{path}': run folder not found");
        var planPath = System.IO.Path.Combine(full, RunPlan.FileName);
        var plan = File.Exists(planPath) ? RunPlan.Load(planPath) : null;
        return new RunFolder(full, plan, LoadMarkers(full), LoadFailures(full));
    }

    internal static string MarkerPath(string outDir, WorkUnit unit) => System.IO.Path.Combine(outDir, UnitsFolder, unit.Id + ".json");

    internal static List<UnitMarker> LoadMarkers(string outDir)
    {
        var dir = System.IO.Path.Combine(outDir, UnitsFolder);
        var list = new List<UnitMarker>();
        if (!Directory.Exists(dir)) return list;
        foreach (var f in Directory.EnumerateFiles(dir, "*.json").Order(StringComparer.Ordinal))
            if (!f.EndsWith(UnitFailure.Suffix, StringComparison.Ordinal)) list.Add(UnitMarker.Load(f));
        return list;
    }

    internal static List<UnitFailure> LoadFailures(string outDir)
    {
        var dir = System.IO.Path.Combine(outDir, UnitsFolder);
        var list = new List<UnitFailure>();
        if (!Directory.Exists(dir)) return list;
        foreach (var f in Directory.EnumerateFiles(dir, "*" + UnitFailure.Suffix).Order(StringComparer.Ordinal))
            list.Add(UnitFailure.Load(f));
        return list;
    }

    /// <summary>The summary of the committed units: the merge of their markers, with where each task stands.</summary>
    public RunSummary Summary()
    {
        var committed = CommittedIds();
        var s = RunSummary.FromMarkers(Plan is null ? Markers : Markers.Where(m => committed.Contains(m.Unit)), Plan, Path);
        var tasks = Tasks();
        if (tasks.Count > 0) s.Tasks = [.. tasks];
        return s;
    }

    /// <summary>
    /// The corpus files of the committed units: the refined files, and with <paramref name="dropped"/> /
    /// <paramref name="quarantine"/> the sidecars that exist. For a folder without markers (written before work units),
    /// the corpus files in it.
    /// </summary>
    public IReadOnlyList<string> CorpusFiles(bool refined = true, bool dropped = false, bool quarantine = false)
    {
        var list = new List<string>();
        if (Markers.Count == 0 && Plan is null)
        {
            if (refined) list.AddRange(Prox.Corpus.CorpusFiles.Expand([Path]));
            var d = System.IO.Path.Combine(Path, "dropped");
            if (dropped && Directory.Exists(d) && Directory.EnumerateFiles(d).Any()) list.AddRange(Prox.Corpus.CorpusFiles.Expand([d]));
            return list;
        }
        foreach (var m in Markers)
        {
            if (refined && File.Exists(m.Counts.Output)) list.Add(m.Counts.Output);
            if (dropped && m.Counts.Dropped is { } dp && File.Exists(dp)) list.Add(dp);
            if (quarantine && m.Counts.Quarantine is { } q && File.Exists(q)) list.Add(q);
        }
        return list;
    }

    /// <summary>
    /// The outcomes of the committed units, read back from each record's <c>metadata.prox</c>: the refined documents,
    /// then (with <paramref name="includeDropped"/>) the dropped ones, file by file in plan order.
    /// </summary>
    public IEnumerable<DocumentOutcome> ReadOutcomes(bool includeDropped = false, CorpusReadOptions? options = null)
    {
        foreach (var file in CorpusFiles(refined: true, dropped: includeDropped))
            foreach (var o in ReadOutcomes(file, options))
                yield return o;
    }

    /// <summary>The outcomes of one refined or dropped file (records without <c>metadata.prox</c> are skipped).</summary>
    /// <exception cref="InvalidDataException">A record's file could not be read (names the file and line).</exception>
    public static IEnumerable<DocumentOutcome> ReadOutcomes(string file, CorpusReadOptions? options = null)
    {
        foreach (var entry in CorpusReader.Read(file, options))
        {
            if (entry.Document is not { } doc)
                throw new InvalidDataException($"{entry.Quarantine!.Message}: a refined file holds an unreadable record");
            if (OutcomeOf(doc) is { } o) yield return o;
        }
    }

    /// <summary>The outcome a refined or dropped record carries in <c>metadata.prox</c>, or null when it has none.</summary>
    public static DocumentOutcome? OutcomeOf(CorpusDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (document.MetadataElement is not { ValueKind: System.Text.Json.JsonValueKind.Object } meta) return null;
        if (!meta.TryGetProperty("prox", out var prox)) return null;
        try
        {
            return OutcomeProvenance.Read(prox, document.Id, document.Text, document);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{document.SourceFile}:{document.SourceLine}: {e.Message}", e);
        }
    }
}
