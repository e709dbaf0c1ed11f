using System.Text.Json;
using Prox.Corpus;
using Prox.IO;
using Prox.Refinement;

namespace Prox.Runs;

/// <summary>
/// The plan of a run (<c>_plan.json</c> in the output folder): the work units over the inputs, in a deterministic
/// order, with each stage's generator and the settings that shape the output. Written once, when the run starts; a
/// rerun into the same folder resumes only when its plan is the same (<see cref="DifferencesTo"/>).
/// </summary>
public sealed class RunPlan
{
    /// <summary>The file name inside an output folder.</summary>
    public const string FileName = "_plan.json";

    /// <summary>Schema version of the JSON form.</summary>
    public int SchemaVersion { get; set; } = 1;
    /// <summary>The doc stage's generator (null when the stage does not run).</summary>
    public GeneratorInfo? DocGenerator { get; set; }
    /// <summary>The chunk stage's generator (null when the stage does not run).</summary>
    public GeneratorInfo? ChunkGenerator { get; set; }
    /// <summary>Settings that shape the output (stages, dialect, tokenizer, fields, format, compression …).</summary>
    public SortedDictionary<string, string> Settings { get; set; } = new(StringComparer.Ordinal);
    /// <summary>How many tasks the run is sharded into; every unit's <see cref="WorkUnit.Task"/> is below it.</summary>
    public int TaskCount { get; set; } = 1;
    /// <summary>The work units, in order.</summary>
    public List<WorkUnit> Units { get; set; } = [];

    /// <summary>
    /// Plans a run: expands the inputs (files, folders, wildcards), maps each to its outputs, and refuses any plan that
    /// would write over an input (also through a symbolic link) or write two inputs to one output.
    /// </summary>
    /// <exception cref="IOException">An output would overwrite an input, or two inputs one output.</exception>
    public static RunPlan Create(IEnumerable<string> inputs, string outputDirectory, RefineOptions options, GeneratorInfo? doc, GeneratorInfo? chunk)
    {
        ArgumentNullException.ThrowIfNull(options);
        var outDir = Path.GetFullPath(outputDirectory);
        var files = CorpusFiles.Expand(inputs);
        var plan = new RunPlan { DocGenerator = doc, ChunkGenerator = chunk, Settings = SettingsOf(options), TaskCount = options.TaskCount };
        var realInputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in files) realInputs[RealPath(f)] = f;
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in files)
        foreach (var unit in UnitsOf(f, plan.Units.Count, outDir, options))
        {
            foreach (var (what, target) in new[] { ("output", unit.Output), ("dropped-documents file", unit.Dropped), ("quarantine file", unit.Quarantine) })
            {
                if (realInputs.TryGetValue(RealPath(target), out var victim))
                    throw new IOException($"'{f}': its {what} '{target}' would overwrite the input '{victim}'; choose another output folder");
                if (!seen.TryAdd(target, f))
                    throw new IOException($"'{f}' and '{seen[target]}' would both be written to '{target}'; refine them into different folders");
            }
            plan.Units.Add(unit);
        }
        plan.AssignTasks();
        return plan;
    }

    /// <summary>
    /// The units of one input: the whole file, or — for a plain JSON Lines file larger than
    /// <see cref="RefineOptions.UnitBytes"/> — consecutive byte ranges of that size, or — for a larger Parquet file of
    /// several row groups — runs of consecutive row groups of at least that many compressed bytes, each writing parts of its own
    /// (<c>name.part-00000.jsonl</c>, <c>name.part-00001.jsonl</c>, … in the output folder, <c>dropped/</c> and
    /// <c>quarantine/</c>).
    /// </summary>
    private static IEnumerable<WorkUnit> UnitsOf(string f, int firstIndex, string outDir, RefineOptions options)
    {
        var info = new FileInfo(f);
        var size = info.Length;
        if (CorpusFormats.FromPath(f) == CorpusFormat.Parquet && size > options.UnitBytes &&
            ParquetCorpusReader.RowGroups(f) is { Count: > 1 } groups)
        {
            // Consecutive row groups, each unit at least UnitBytes of compressed data (the last one what is left).
            var units = new List<(int First, int End, long Bytes)>();
            int from = 0;
            long bytes = 0;
            for (var g = 0; g < groups.Count; g++)
            {
                bytes += groups[g].Bytes;
                if (bytes >= options.UnitBytes || g == groups.Count - 1) { units.Add((from, g + 1, Math.Max(1, bytes))); from = g + 1; bytes = 0; }
            }
            if (units.Count > 1)
            {
                for (var k = 0; k < units.Count; k++)
                {
                    var named = PartName(f, k);
                    yield return new WorkUnit
                    {
                        Index = firstIndex + k,
                        Id = $"unit-{firstIndex + k:D5}",
                        Input = f,
                        InputBytes = size,
                        InputModifiedTicks = info.LastWriteTimeUtc.Ticks,
                        RangeStart = units[k].First,
                        RangeEnd = units[k].End,
                        RangeBytes = units[k].Bytes,
                        Output = CorpusFiles.MirrorPath(named, outDir, options.OutputFormat),
                        Dropped = CorpusFiles.MirrorPath(named, Path.Combine(outDir, "dropped"), options.OutputFormat),
                        Quarantine = CorpusFiles.QuarantinePath(named, outDir),
                    };
                }
                yield break;
            }
        }
        var split = CorpusFormats.FromPath(f) == CorpusFormat.Jsonl && size > options.UnitBytes;
        var parts = split ? (int)((size + options.UnitBytes - 1) / options.UnitBytes) : 1;
        for (var k = 0; k < parts; k++)
        {
            var i = firstIndex + k;
            var named = split ? PartName(f, k) : f;
            yield return new WorkUnit
            {
                Index = i,
                Id = $"unit-{i:D5}",
                Input = f,
                InputBytes = size,
                InputModifiedTicks = info.LastWriteTimeUtc.Ticks,
                RangeStart = split ? k * options.UnitBytes : 0,
                RangeEnd = split ? Math.Min(size, (k + 1) * options.UnitBytes) : null,
                Output = CorpusFiles.MirrorPath(named, outDir, options.OutputFormat),
                Dropped = CorpusFiles.MirrorPath(named, Path.Combine(outDir, "dropped"), options.OutputFormat),
                Quarantine = CorpusFiles.QuarantinePath(named, outDir),
            };
        }
    }

    /// <summary>The name of part <paramref name="k"/> of <paramref name="input"/>: <c>dir/name.part-0000k.ext</c>.</summary>
    internal static string PartName(string input, int k)
    {
        var stem = CorpusFormats.Stem(input);
        var name = Path.GetFileName(input);
        return Path.Combine(Path.GetDirectoryName(input) ?? "", $"{stem}.part-{k:D5}{name[stem.Length..]}");
    }

    /// <summary>
    /// Assigns the units to the tasks, balanced by input size: largest unit first (ties in plan order) onto the task
    /// with the fewest bytes so far (ties: the lowest index). Deterministic, so every task computes the same plan.
    /// </summary>
    private void AssignTasks()
    {
        var load = new long[TaskCount];
        foreach (var u in Units.OrderByDescending(u => u.Bytes).ThenBy(u => u.Index).ToList())
        {
            var best = 0;
            for (var t = 1; t < load.Length; t++)
                if (load[t] < load[best]) best = t;
            load[best] += u.Bytes;
            Units[u.Index] = u with { Task = best };
        }
    }

    /// <summary>The units task <paramref name="task"/> refines, in plan order.</summary>
    public IEnumerable<WorkUnit> UnitsOf(int task) => Units.Where(u => u.Task == task);

    /// <summary>The settings of <paramref name="o"/> that change what a run writes.</summary>
    internal static SortedDictionary<string, string> SettingsOf(RefineOptions o) => new(StringComparer.Ordinal)
    {
        ["stages"] = o.Stages switch { RefineStages.Doc => "Doc", RefineStages.Chunk => "Chunk", _ => "Doc,Chunk" },
        ["dialect"] = o.Dialect.ToString(),
        ["executor"] = o.Executor.ToString(),
        ["tokenizer"] = o.Tokenizer,
        ["text_field"] = o.TextField,
        ["id_field"] = o.IdField,
        ["output_format"] = o.OutputFormat?.ToString() ?? "same as input",
        ["compression_level"] = o.CompressionLevel?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "default",
        ["write_dropped"] = o.WriteDropped ? "true" : "false",
    };

    /// <summary>What differs from an earlier plan of the same folder, as sentences (empty when a rerun may resume).</summary>
    public IReadOnlyList<string> DifferencesTo(RunPlan earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        var d = new List<string>();
        if (DocGenerator is not null) d.AddRange(DocGenerator.DifferencesTo(earlier.DocGenerator, "doc"));
        else if (earlier.DocGenerator is not null) d.Add("the doc stage no longer runs");
        if (ChunkGenerator is not null) d.AddRange(ChunkGenerator.DifferencesTo(earlier.ChunkGenerator, "chunk"));
        else if (earlier.ChunkGenerator is not null) d.Add("the chunk stage no longer runs");
        foreach (var (k, v) in Settings)
            if (!earlier.Settings.TryGetValue(k, out var ev) || ev != v) d.Add($"{k} changed from {ev ?? "(none)"} to {v}");
        if (TaskCount != earlier.TaskCount) d.Add($"the task count changed from {earlier.TaskCount} to {TaskCount}");
        if (Units.Count != earlier.Units.Count) d.Add($"the inputs changed: {earlier.Units.Count} work unit(s) then, {Units.Count} now");
        for (var i = 0; i < Math.Min(Units.Count, earlier.Units.Count); i++)
        {
            WorkUnit a = Units[i], b = earlier.Units[i];
            if (a.Input != b.Input) d.Add($"work unit {i} was '{b.Input}', now '{a.Input}'");
            else if (a.InputBytes != b.InputBytes || a.InputModifiedTicks != b.InputModifiedTicks)
                d.Add($"'{a.Input}' changed since the run started ({b.InputBytes:N0} bytes, modified {new DateTime(b.InputModifiedTicks, DateTimeKind.Utc):u} then; {a.InputBytes:N0} bytes, modified {new DateTime(a.InputModifiedTicks, DateTimeKind.Utc):u} now)");
            else if (a.Output != b.Output || a.RangeStart != b.RangeStart || a.RangeEnd != b.RangeEnd) d.Add($"work unit {i} ('{a.Input}') writes elsewhere now");
            else if (a.Task != b.Task) d.Add($"work unit {i} ('{a.Input}') belonged to task {b.Task}, now to task {a.Task}");
        }
        return d;
    }

    /// <summary>
    /// Makes this plan the plan of <paramref name="outputDirectory"/> before any task runs (e.g. for a cluster job, so
    /// that every task finds it): writes <c>_plan.json</c> when the folder has none, or checks that the plan there is
    /// this one. A folder that holds outputs of something else (a refined file of this plan, or a summary) is refused.
    /// </summary>
    /// <returns>True when this call wrote the plan, false when the same plan was there.</returns>
    /// <exception cref="IOException">The folder holds a different plan (the message says what differs) or other outputs.</exception>
    public bool WriteInto(string outputDirectory)
    {
        var outDir = Path.GetFullPath(outputDirectory);
        var planPath = Path.Combine(outDir, FileName);
        if (!File.Exists(planPath))
        {
            foreach (var u in Units)
                if (File.Exists(u.Output)) throw new IOException($"'{u.Output}' exists, and '{outDir}' has no run plan; remove it or write to another folder");
            var summaryPath = Path.Combine(outDir, RunSummary.FileName);
            if (File.Exists(summaryPath)) throw new IOException($"'{summaryPath}' exists, and '{outDir}' has no run plan; remove it or write to another folder");
            Directory.CreateDirectory(outDir);
            if (TrySaveNew(planPath)) return true;
        }
        var changes = DifferencesTo(Load(planPath));
        if (changes.Count > 0)
            throw new IOException($"'{outDir}' holds a run with a different plan: {string.Join("; ", changes)}. Write to another folder, or start over there with Invoke-ProxRefine -Force.");
        return false;
    }

    /// <summary>Writes the plan atomically.</summary>
    public void Save(string path) => AtomicFile.WriteText(path, JsonSerializer.Serialize(this, RunSummary.Json));

    /// <summary>
    /// Writes the plan atomically unless a plan is there already — also one that another task writes at the same
    /// moment: the complete file is renamed into place only if the name is free. True when this call wrote it.
    /// </summary>
    public bool TrySaveNew(string path)
    {
        var temp = AtomicFile.TempPathFor(path);
        File.WriteAllText(temp, JsonSerializer.Serialize(this, RunSummary.Json));
        try
        {
            using (var fs = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.Read)) fs.Flush(flushToDisk: true);
            File.Move(temp, path, overwrite: false);
            AtomicFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
        finally
        {
            AtomicFile.TryDelete(temp);
        }
    }

    /// <summary>Reads a plan.</summary>
    /// <exception cref="InvalidDataException">Not a plan, or a newer schema.</exception>
    public static RunPlan Load(string path)
    {
        try
        {
            var plan = JsonSerializer.Deserialize<RunPlan>(File.ReadAllText(path), RunSummary.Json) ?? throw new InvalidDataException($"'{path}': empty run plan");
            if (plan.SchemaVersion != 1) throw new InvalidDataException($"'{path}': unsupported plan schema version {plan.SchemaVersion}");
            return plan;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': not a run plan: {e.Message} (line {e.LineNumber + 1})", e);
        }
    }

    /// <summary>The full path with every symbolic link resolved (the path itself when it does not exist).</summary>
    internal static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            var fi = new FileInfo(full);
            if (fi.Exists && fi.LinkTarget is not null && fi.ResolveLinkTarget(returnFinalTarget: true) is { } t) full = Path.GetFullPath(t.FullName);
            // Resolve links in the folders too (e.g. the output folder is a link to the input folder).
            var dir = Path.GetDirectoryName(full);
            if (dir is not null && Directory.Exists(dir))
            {
                var di = new DirectoryInfo(dir);
                var real = di.LinkTarget is not null && di.ResolveLinkTarget(true) is { } dt ? RealPath(dt.FullName) : RealDir(dir);
                full = Path.Combine(real, Path.GetFileName(full));
            }
        }
        catch (IOException) { }
        return full;
    }

    private static string RealDir(string dir)
    {
        var parent = Path.GetDirectoryName(dir);
        if (parent is null) return dir;
        var realParent = RealDir(parent);
        var candidate = Path.Combine(realParent, Path.GetFileName(dir));
        var di = new DirectoryInfo(candidate);
        return di.Exists && di.LinkTarget is not null && di.ResolveLinkTarget(true) is { } t ? RealDir(t.FullName) : candidate;
    }
}
