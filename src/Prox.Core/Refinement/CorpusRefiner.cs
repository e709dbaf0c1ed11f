using System.Diagnostics;
using Prox.Corpus;
using Prox.Generation;
using Prox.IO;
using Prox.Runs;

namespace Prox.Refinement;

/// <summary>
/// Refines corpus files end to end as a run of work units. The run's plan (<c>_plan.json</c>) maps every input
/// (JSONL, .jsonl.gz, .jsonl.zst, Parquet) to a unit and its outputs: the refined records (ids, fields and metadata
/// kept, plus <c>metadata.prox</c>) in a file of the same name, dropped documents with their programs and reasons in
/// <c>dropped/</c>, unreadable records in <c>quarantine/</c>. A unit writes under <c>_staging/</c>, then publishes its
/// files and, last, its completion marker (<c>_units/</c>); the run's <c>_summary.json</c> is the merge of the
/// markers. A rerun of the same command into the same folder skips committed units and redoes the one that was in
/// flight; a changed plan is refused (with what changed) unless <see cref="RefineOptions.Force"/>. No input is ever
/// deleted or overwritten. Reading, refining and writing overlap inside a unit (bounded hand-offs), so memory stays
/// flat whatever the input size.
/// </summary>
/// <example>
/// <code>
/// using var rules = ProgramGenerators.Create("rules:ProxRules");
/// var summary = new CorpusRefiner(rules, new RefineOptions { Tokenizer = "cl100k_base" })
///     .Run(["data/cc-sample.jsonl.gz"], "out");
/// Console.WriteLine($"{summary.DocumentsOut}/{summary.DocumentsIn} documents, {summary.TokenRetention:P1} of tokens kept");
/// </code>
/// </example>
public sealed class CorpusRefiner
{
    private readonly IProgramGenerator? _docGenerator;
    private readonly IProgramGenerator? _chunkGenerator;
    private readonly RefineOptions _options;

    /// <summary>Creates a refiner with one generator for both stages.</summary>
    public CorpusRefiner(IProgramGenerator generator, RefineOptions? options = null) : this(generator, generator, options) { }

    /// <summary>Creates a refiner with a doc-stage and a chunk-stage generator (null for a stage that does not run).</summary>
    public CorpusRefiner(IProgramGenerator? docGenerator, IProgramGenerator? chunkGenerator, RefineOptions? options = null)
    {
        _options = options ?? RefineOptions.Default;
        _options.Validate();
        _docGenerator = docGenerator;
        _chunkGenerator = chunkGenerator;
        if ((_options.Stages & RefineStages.Doc) != 0 && docGenerator is null) throw new ArgumentException("the doc stage runs but has no generator", nameof(docGenerator));
        if ((_options.Stages & RefineStages.Chunk) != 0 && chunkGenerator is null) throw new ArgumentException("the chunk stage runs but has no generator", nameof(chunkGenerator));
    }

    /// <summary>Where the run says what it decided (plan, units skipped or redone, files written); null = nowhere.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Where a unit that failed is reported before the run goes on with the next; null = nowhere.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>One planned output: the input and the files it becomes.</summary>
    /// <param name="Input">The input corpus file.</param>
    /// <param name="Output">The refined file.</param>
    /// <param name="Dropped">Where dropped documents go.</param>
    /// <param name="Quarantine">Where unreadable records go.</param>
    public sealed record PlannedFile(string Input, string Output, string Dropped, string Quarantine);

    /// <summary>The outputs a run would write (for <c>-WhatIf</c>). Expands directories and wildcards.</summary>
    /// <exception cref="IOException">An output would overwrite an input, or two inputs would write the same output.</exception>
    public static IReadOnlyList<PlannedFile> Plan(IEnumerable<string> inputs, string outputDirectory, RefineOptions? options = null) =>
        RunPlan.Create(inputs, outputDirectory, options ?? RefineOptions.Default, null, null).Units
            .Select(u => new PlannedFile(u.Input, u.Output, u.Dropped, u.Quarantine)).ToList();

    /// <summary>Refines <paramref name="inputs"/> into <paramref name="outputDirectory"/> and returns the run summary.</summary>
    /// <exception cref="IOException">
    /// Outputs of something else exist there (without <see cref="RefineOptions.Force"/>), the folder holds a run with
    /// a different plan, another run is writing there, or an output would overwrite an input.
    /// </exception>
    /// <exception cref="RunFailedException">Some units failed (the others are committed; rerun to retry them).</exception>
    /// <exception cref="OutputFolderException">
    /// The disk is full or the folder cannot be written; the run stops, what was committed stays, and the same command
    /// resumes it once the cause is gone.
    /// </exception>
    public RunSummary Run(IEnumerable<string> inputs, string outputDirectory, IProgress<RefineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var outDir = Path.GetFullPath(outputDirectory);
        try
        {
            return RunInto(inputs, outDir, progress, cancellationToken);
        }
        catch (Exception e) when (e is not OutputFolderException && OutputFolderException.From(e, outDir, null) is not null)
        {
            throw OutputFolderException.From(e, outDir, null)!;
        }
    }

    private RunSummary RunInto(IEnumerable<string> inputs, string outDir, IProgress<RefineProgress>? progress, CancellationToken cancellationToken)
    {
        var refiner = new DocumentRefiner(_docGenerator, _chunkGenerator, _options);
        var plan = RunPlan.Create(inputs, outDir,  _options,
            refiner.DocGenerator is { } d ? GeneratorInfo.Of(d) : null,
            refiner.ChunkGenerator is { } c ? GeneratorInfo.Of(c) : null);
        Log?.Invoke($"plan: {plan.Units.Count} work unit(s) into '{outDir}'; doc: {plan.DocGenerator?.Spec ?? "(off)"}, chunk: {plan.ChunkGenerator?.Spec ?? "(off)"}, tokenizer {_options.Tokenizer}");

        var task = _options.TaskIndex;
        using var runLock = RunLock.Acquire(outDir, task);
        var planPath = Path.Combine(outDir, RunPlan.FileName);
        var summaryPath = Path.Combine(outDir, RunSummary.FileName);
        var mine = plan.UnitsOf(task).ToList();
        if (plan.TaskCount > 1) Log?.Invoke($"task {task} of {plan.TaskCount}: {mine.Count} unit(s), {mine.Sum(u => u.Bytes):N0} input bytes");
        if (File.Exists(planPath))
        {
            var earlier = RunPlan.Load(planPath);
            var changes = plan.DifferencesTo(earlier);
            if (_options.Force && (changes.Count > 0 || plan.TaskCount == 1))
            {
                Log?.Invoke($"-Force: clearing the earlier run in '{outDir}'");
                ClearEarlierRun(outDir, earlier, plan);
                plan.Save(planPath);
            }
            else if (_options.Force)
            {
                // A sharded run's other tasks may be writing now: -Force starts over only this task's units.
                Log?.Invoke($"-Force: redoing the units of task {task}");
                ClearUnits(outDir, mine, plan);
            }
            else if (changes.Count > 0)
            {
                throw new IOException($"'{outDir}' holds a run with a different plan: {string.Join("; ", changes)}. Use -Force (RefineOptions.Force) to start over, or write to another folder.");
            }
        }
        else
        {
            if (!_options.Force)
            {
                foreach (var u in mine)
                    if (File.Exists(u.Output)) throw new IOException($"'{u.Output}' exists; use -Force (RefineOptions.Force) to overwrite it");
                if (File.Exists(summaryPath)) throw new IOException($"'{summaryPath}' exists; use -Force (RefineOptions.Force) to overwrite the run");
            }
            if (!plan.TrySaveNew(planPath))
            {
                // Another task wrote the plan a moment ago: its arguments must be ours.
                var changes = plan.DifferencesTo(RunPlan.Load(planPath));
                if (changes.Count > 0)
                    throw new IOException($"'{outDir}' holds a run with a different plan: {string.Join("; ", changes)}. Use -Force (RefineOptions.Force) to start over, or write to another folder.");
            }
        }

        var markers = RunFolder.LoadMarkers(outDir).ToDictionary(m => m.Unit, StringComparer.Ordinal);
        var todo = new List<WorkUnit>();
        var skipped = 0;
        foreach (var u in mine)
        {
            if (markers.TryGetValue(u.Id, out var m) && m.Commits(u, plan))
            {
                skipped++;
                Log?.Invoke($"{u.Id} ('{u.Input}'): committed earlier, skipped");
                // Killed after its marker but before its staging folder was removed: the staged copies are spare now.
                var leftover = Path.Combine(outDir, RunFolder.StagingFolder, u.Id);
                if (Directory.Exists(leftover))
                {
                    Log?.Invoke($"{u.Id}: removing the staging folder an earlier run left after committing it");
                    try { Directory.Delete(leftover, recursive: true); }
                    catch (IOException) { }
                }
            }
            else
            {
                todo.Add(u);
            }
        }

        var clock = Stopwatch.StartNew();
        var tracker = new ProgressTracker(progress, mine.Count, todo.Sum(u => u.Bytes), clock);
        var failures = new List<string>();
        foreach (var unit in todo)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                markers[unit.Id] = new UnitRun(refiner, _options, plan, unit, outDir, tracker, Log).Execute(cancellationToken);
            }
            catch (Exception e) when (OutputFolderException.From(e, outDir, $"{unit.Id} wrote the files of '{unit.Input}'") is { } fault)
            {
                // Not this unit's fault, and every later unit would fail alike: stop (its staging is already removed).
                throw fault;
            }
            catch (Exception e) when (e is not OperationCanceledException && IsUnitFailure(e))
            {
                var message = $"{unit.Id} ('{unit.Input}') failed: {e.Message}";
                failures.Add(message);
                RecordFailure(outDir, unit, e.Message);
                Warn?.Invoke(message + " — the run goes on; rerun the same command to retry this unit");
            }
        }
        // The run's summary once every unit of the plan is committed (by any task); until then this task's own.
        var folder = RunFolder.Open(outDir);
        var stagingRoot = Path.Combine(outDir, RunFolder.StagingFolder);
        try
        {
            // Only when the run is complete: while it is not, another task may be creating its unit's staging folder.
            if (folder.IsComplete && Directory.Exists(stagingRoot) && !Directory.EnumerateFileSystemEntries(stagingRoot).Any()) Directory.Delete(stagingRoot);
        }
        catch (IOException) { }

        RunSummary summary;
        string written;
        if (folder.IsComplete)
        {
            summary = folder.Summary();
            written = summaryPath;
        }
        else
        {
            var ids = new HashSet<string>(mine.Select(u => u.Id), StringComparer.Ordinal);
            summary = RunSummary.FromMarkers(markers.Values.Where(m => ids.Contains(m.Unit) && m.Commits(plan.Units.First(u => u.Id == m.Unit), plan)), plan, outDir);
            summary.UnitsPlanned = mine.Count;
            summary.Tasks = [.. folder.Tasks()];
            written = Path.Combine(outDir, RunFolder.TaskSummaryFileOf(task));
        }
        summary.UnitsSkipped = skipped;
        summary.Save(written);
        if (folder.IsComplete)
            for (var t = 0; t < plan.TaskCount; t++) AtomicFile.TryDelete(Path.Combine(outDir, RunFolder.TaskSummaryFileOf(t)));
        Log?.Invoke($"summary: {summary.UnitsDone}/{summary.UnitsPlanned} unit(s) committed, written to '{written}'");
        tracker.Report(force: true);
        if (failures.Count > 0) throw new RunFailedException(summary, failures);
        return summary;
    }

    /// <summary>
    /// Refines documents already read (e.g. filtered in PowerShell) and writes them into <paramref name="outputDirectory"/>
    /// the way a run over files does: kept documents to a file named after each document's source file, dropped ones to
    /// <c>dropped/</c>, every file published only when complete, and <c>_summary.json</c> with the counts. Such a run
    /// has no plan to resume (its input is not a file): an existing output is overwritten only with
    /// <see cref="RefineOptions.Force"/>.
    /// </summary>
    /// <exception cref="IOException">Outputs exist without Force, the folder holds a run over files, or two sources share a file name.</exception>
    public RunSummary RunDocuments(IEnumerable<CorpusDocument> documents, string outputDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var outDir = Path.GetFullPath(outputDirectory);
        var refiner = new DocumentRefiner(_docGenerator, _chunkGenerator, _options);
        using var runLock = RunLock.Acquire(outDir, 0);
        var summaryPath = Path.Combine(outDir, RunSummary.FileName);
        if (File.Exists(Path.Combine(outDir, RunPlan.FileName)))
            throw new IOException($"'{outDir}' holds a run over files ({RunPlan.FileName}); write the documents to another folder");
        if (File.Exists(summaryPath) && !_options.Force)
            throw new IOException($"'{summaryPath}' exists; use -Force (RefineOptions.Force) to overwrite the run");
        var clock = Stopwatch.StartNew();
        var files = new Dictionary<string, (string Source, FileSummary Stats, CorpusWriter Kept, CorpusWriter? Dropped)>(StringComparer.Ordinal);
        var order = new List<string>();
        try
        {
            var batch = new List<DocumentRefiner.Work>(_options.BatchSize);
            void Flush()
            {
                refiner.RefineBatch(batch, singleThread: false, cancellationToken, withProvenance: true);
                foreach (var w in batch)
                {
                    var doc = w.Source!;
                    var name = Path.GetFileName(doc.SourceFile);
                    if (!files.TryGetValue(name, out var f))
                    {
                        var output = Path.Combine(outDir, name);
                        if (File.Exists(output) && !_options.Force) throw new IOException($"'{output}' exists; use -Force (RefineOptions.Force) to overwrite it");
                        f = (doc.SourceFile, new FileSummary { Input = doc.SourceFile, Output = output, Doc = _docGenerator is null ? null : new StageStatistics(), Chunk = _chunkGenerator is null ? null : new StageStatistics() },
                            CorpusWriter.Create(output, new CorpusWriteOptions { Format = _options.OutputFormat, CompressionLevel = _options.CompressionLevel }), null);
                        files[name] = f;
                        order.Add(name);
                    }
                    else if (!string.Equals(f.Source, doc.SourceFile, StringComparison.Ordinal))
                    {
                        throw new IOException($"'{doc.SourceFile}' and '{f.Source}' would both be written to '{f.Stats.Output}'; refine them into different folders");
                    }
                    var o = w.Outcome!;
                    if (o.Kept) f.Kept.Write(doc, o.Text, w.Provenance);
                    else if (_options.WriteDropped)
                    {
                        var dropped = f.Dropped ??= CorpusWriter.Create(Path.Combine(outDir, "dropped", name), new CorpusWriteOptions { Format = _options.OutputFormat, CompressionLevel = _options.CompressionLevel });
                        files[name] = f with { Dropped = dropped };
                        dropped.Write(doc, w.Text, w.Provenance);
                    }
                    f.Stats.Add(o);
                }
                batch.Clear();
            }
            foreach (var d in documents)
            {
                cancellationToken.ThrowIfCancellationRequested();
                batch.Add(new DocumentRefiner.Work(d.Id, d.Text, d));
                if (batch.Count >= _options.BatchSize) Flush();
            }
            if (batch.Count > 0) Flush();
            foreach (var name in order)
            {
                var f = files[name];
                f.Kept.Complete();
                f.Dropped?.Complete();
                f.Stats.Dropped = f.Dropped?.Path;
            }
        }
        finally
        {
            foreach (var f in files.Values) { f.Kept.Dispose(); f.Dropped?.Dispose(); }
        }
        var summary = new RunSummary
        {
            DocGenerator = refiner.DocGenerator is { } dg ? GeneratorInfo.Of(dg) : null,
            ChunkGenerator = refiner.ChunkGenerator is { } cg ? GeneratorInfo.Of(cg) : null,
            Dialect = _options.Dialect.ToString(),
            Stages = RunPlan.SettingsOf(_options)["stages"],
            Tokenizer = refiner.Tokens.Name,
            OutputPath = outDir,
            Started = DateTimeOffset.UtcNow - clock.Elapsed,
            Finished = DateTimeOffset.UtcNow,
            ElapsedSeconds = clock.Elapsed.TotalSeconds,
        };
        summary.Backend = RunSummary.BackendOf(summary.DocGenerator, summary.ChunkGenerator);
        foreach (var name in order)
        {
            summary.Add(files[name].Stats);
            summary.Files.Add(files[name].Stats);
        }
        summary.Save(summaryPath);
        Log?.Invoke($"wrote {order.Count} file(s) and '{summaryPath}'");
        return summary;
    }

    /// <summary>Records a unit's failure beside the markers (removed when the unit commits later).</summary>
    private void RecordFailure(string outDir, WorkUnit unit, string message)
    {
        try
        {
            Directory.CreateDirectory(Path.Combine(outDir, RunFolder.UnitsFolder));
            new UnitFailure { Unit = unit.Id, Task = unit.Task, Input = unit.Input, Message = message, Failed = DateTimeOffset.UtcNow }
                .Save(UnitFailure.PathOf(outDir, unit.Id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Warn?.Invoke($"{unit.Id}: could not record its failure in '{outDir}': {e.Message}");
        }
    }

    /// <summary>-Force within a sharded run: removes the markers and outputs of <paramref name="units"/> (never an input).</summary>
    private void ClearUnits(string outDir, IReadOnlyList<WorkUnit> units, RunPlan plan)
    {
        var inputs = new HashSet<string>(plan.Units.Select(u => RunPlan.RealPath(u.Input)), StringComparer.Ordinal);
        foreach (var u in units)
        {
            AtomicFile.TryDelete(RunFolder.MarkerPath(outDir, u));
            AtomicFile.TryDelete(UnitFailure.PathOf(outDir, u.Id));
            foreach (var f in new[] { u.Output, u.Dropped, u.Quarantine })
                if (File.Exists(f) && !inputs.Contains(RunPlan.RealPath(f))) File.Delete(f);
        }
        AtomicFile.TryDelete(Path.Combine(outDir, RunSummary.FileName));
    }

    /// <summary>A unit fails alone when its input cannot be read or its records are bad; anything else stops the run.</summary>
    private static bool IsUnitFailure(Exception e) => e is InvalidDataException or IOException or NotSupportedException or System.Text.Json.JsonException
        && e is not DirectoryNotFoundException;

    /// <summary>-Force: removes the earlier run's markers, staging, summary and outputs — never a file that is an input now.</summary>
    private void ClearEarlierRun(string outDir, RunPlan earlier, RunPlan now)
    {
        var inputs = new HashSet<string>(now.Units.Select(u => RunPlan.RealPath(u.Input)), StringComparer.Ordinal);
        foreach (var u in earlier.Units)
            foreach (var f in new[] { u.Output, u.Dropped, u.Quarantine })
                if (File.Exists(f) && !inputs.Contains(RunPlan.RealPath(f)))
                {
                    File.Delete(f);
                    Log?.Invoke($"removed '{f}' of the earlier run");
                }
        foreach (var dir in new[] { RunFolder.UnitsFolder, RunFolder.StagingFolder })
        {
            var p = Path.Combine(outDir, dir);
            if (Directory.Exists(p)) Directory.Delete(p, recursive: true);
        }
        var summary = Path.Combine(outDir, RunSummary.FileName);
        if (File.Exists(summary)) File.Delete(summary);
        for (var t = 0; t < Math.Max(earlier.TaskCount, now.TaskCount); t++) AtomicFile.TryDelete(Path.Combine(outDir, RunFolder.TaskSummaryFileOf(t)));
    }

    /// <summary>Throttled progress: at most every 250 ms, from whichever stage calls.</summary>
    internal sealed class ProgressTracker(IProgress<RefineProgress>? progress, int fileCount, long bytesTotal, Stopwatch clock)
    {
        private long _bytesBefore;   // bytes of finished files
        private long _bytesInFile;
        private long _documents;
        private long _promptTokens;
        private long _generatedTokens;
        private long _lastReport = -1;
        private string _file = "";
        private int _index;

        public void StartFile(string file, int index)
        {
            _bytesBefore += Interlocked.Exchange(ref _bytesInFile, 0);
            _file = file;
            _index = index;
        }

        public void Read(long position) => Volatile.Write(ref _bytesInFile, position);

        public void Done(int documents, long promptTokens = 0, long generatedTokens = 0)
        {
            Interlocked.Add(ref _promptTokens, promptTokens);
            Interlocked.Add(ref _generatedTokens, generatedTokens);
            Interlocked.Add(ref _documents, documents);
            Report(force: false);
        }

        public void Report(bool force)
        {
            if (progress is null) return;
            var now = clock.ElapsedMilliseconds;
            var last = Interlocked.Read(ref _lastReport);
            if (!force && last >= 0 && now - last < 250) return;
            if (Interlocked.CompareExchange(ref _lastReport, now, last) != last && !force) return;
            var read = force ? bytesTotal : _bytesBefore + Volatile.Read(ref _bytesInFile);
            progress.Report(new RefineProgress(_file, _index, fileCount, Interlocked.Read(ref _documents), read, bytesTotal, clock.Elapsed)
            {
                PromptTokens = Interlocked.Read(ref _promptTokens),
                GeneratedTokens = Interlocked.Read(ref _generatedTokens),
            });
        }
    }
}
