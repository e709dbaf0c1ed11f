using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Prox.Corpus;
using Prox.IO;
using Prox.Refinement;

namespace Prox.Runs;

/// <summary>
/// Runs one work unit: a reader thread streams the input into batches (unreadable records to the quarantine), refining
/// threads turn batches into outcomes, and a writer thread writes them in input order — all under the unit's staging
/// folder. Then the unit commits: its files are published onto their targets and its marker is written last.
/// </summary>
internal sealed class UnitRun(DocumentRefiner refiner, RefineOptions options, RunPlan plan, WorkUnit unit, string outDir,
    CorpusRefiner.ProgressTracker tracker, Action<string>? log)
{
    private sealed class Batch(int capacity, long sequence)
    {
        public readonly List<DocumentRefiner.Work> Docs = new(capacity);
        /// <summary>Position of the batch in the input: the writer restores input order when several threads refine.</summary>
        public readonly long Sequence = sequence;
    }

    public UnitMarker Execute(CancellationToken ct)
    {
        var staging = Path.Combine(outDir, RunFolder.StagingFolder, unit.Id);
        if (Directory.Exists(staging))
        {
            // A task that died while this unit was in flight left its staged files: redo the unit from scratch.
            log?.Invoke($"{unit.Id} ('{unit.Input}'): was in flight when an earlier run stopped; removing its staged files and redoing it");
            Directory.Delete(staging, recursive: true);
        }
        var stagedOutput = Path.Combine(staging, "refined", Path.GetFileName(unit.Output));
        var stagedDropped = Path.Combine(staging, "dropped", Path.GetFileName(unit.Dropped));
        var stagedQuarantine = Path.Combine(staging, "quarantine", Path.GetFileName(unit.Quarantine));
        log?.Invoke($"{unit.Id}: refining '{unit.Input}'");
        FileSummary stats;
        Generation.IProgramGenerator? unitGenerator = null;
        try
        {
            if (refiner.ChunkGenerator is Generation.ICorpusContextGenerator { WantsCorpusContext: true } context)
            {
                // Corpus context: one pass over the unit's documents first; the unit is refined with what it counted.
                log?.Invoke($"{unit.Id}: counting lines across the unit's documents (corpus context)");
                unitGenerator = context.WithCorpusContext(ReadTexts(ct), ct);
                refiner = new DocumentRefiner(refiner.DocGenerator, unitGenerator, options);
            }
            stats = Refine(stagedOutput, stagedDropped, stagedQuarantine, ct);
        }
        catch
        {
            TryDeleteFolder(staging);
            throw;
        }
        finally
        {
            unitGenerator?.Dispose();
        }

        // Commit: every file of the unit onto its target, stale sidecars of an earlier run removed, marker last.
        AtomicFile.Publish(stagedOutput, unit.Output);
        PublishOrRemove(File.Exists(stagedDropped) ? stagedDropped : null, unit.Dropped);
        PublishOrRemove(File.Exists(stagedQuarantine) ? stagedQuarantine : null, unit.Quarantine);
        stats.Output = unit.Output;
        stats.Dropped = File.Exists(unit.Dropped) && stats.DocumentsDropped > 0 ? unit.Dropped : null;
        stats.Quarantine = stats.DocumentsQuarantined > 0 ? unit.Quarantine : null;
        var marker = new UnitMarker
        {
            Unit = unit.Id,
            Input = unit.Input,
            InputBytes = unit.InputBytes,
            InputModifiedTicks = unit.InputModifiedTicks,
            DocGenerator = plan.DocGenerator,
            ChunkGenerator = plan.ChunkGenerator,
            Completed = DateTimeOffset.UtcNow,
            Counts = stats,
            EndOffset = _range?.Position,
            LinesBeforeEnd = _range is { } r ? r.LinesBefore + r.LinesRead : null,
        };
        marker.Save(RunFolder.MarkerPath(outDir, unit));
        AtomicFile.TryDelete(UnitFailure.PathOf(outDir, unit.Id));
        TryDeleteFolder(staging);
        log?.Invoke($"{unit.Id}: committed '{unit.Output}' ({stats.DocumentsOut} kept, {stats.DocumentsDropped} dropped, {stats.DocumentsQuarantined} quarantined)");
        return marker;
    }

    private IEnumerable<string> ReadTexts(CancellationToken ct)
    {
        var readOptions = new CorpusReadOptions { TextField = options.TextField, IdField = options.IdField };
        var input = new FileStream(unit.Input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        foreach (var entry in Entries(input, readOptions))
        {
            ct.ThrowIfCancellationRequested();
            if (entry.Document is { } d) yield return d.Text;
        }
    }

    private JsonlRange? _range;

    /// <summary>The unit's records: the whole file, or the lines of its byte range (numbered as in the whole file).</summary>
    private IEnumerable<CorpusEntry> Entries(FileStream input, CorpusReadOptions readOptions)
    {
        if (unit.IsWholeFile) return CorpusReader.Read(input, CorpusFormats.FromPath(unit.Input), unit.Input, readOptions);
        if (CorpusFormats.FromPath(unit.Input) == CorpusFormat.Parquet)
            return CorpusReader.ReadParquetGroups(input, unit.Input, (int)unit.RangeStart, (int)(unit.RangeEnd ?? int.MaxValue), readOptions);
        _range = JsonlRange.Open(input, unit.RangeStart, unit.RangeEnd ?? long.MaxValue, KnownLineCount());
        return CorpusReader.ReadJsonlRange(_range, unit.Input, readOptions);
    }

    /// <summary>
    /// Where the nearest committed earlier range unit of the same file ended, and the lines before that point: the line
    /// count of this unit's start goes on from there instead of from the file's first byte.
    /// </summary>
    private (long, long)? KnownLineCount()
    {
        foreach (var u in plan.Units.Take(unit.Index).Reverse())
        {
            if (u.Input != unit.Input) break;
            var path = RunFolder.MarkerPath(outDir, u);
            if (!File.Exists(path)) continue;
            try
            {
                if (UnitMarker.Load(path) is { EndOffset: { } end, LinesBeforeEnd: { } lines } m && m.Commits(u, plan)) return (end, lines);
            }
            catch (Exception e) when (e is IOException or InvalidDataException) { }
        }
        return null;
    }

    private static void PublishOrRemove(string? staged, string target)
    {
        if (staged is not null) AtomicFile.Publish(staged, target);
        else if (File.Exists(target)) File.Delete(target); // a sidecar of an earlier run; the plan guarantees it is no input
    }

    private static void TryDeleteFolder(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private FileSummary Refine(string outputPath, string droppedPath, string quarantinePath, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var stats = new FileSummary { Input = unit.Input, Output = unit.Output, InputBytes = unit.Bytes };
        if ((options.Stages & RefineStages.Doc) != 0) stats.Doc = new StageStatistics();
        if ((options.Stages & RefineStages.Chunk) != 0) stats.Chunk = new StageStatistics();
        var quarantined = new FileSummary();
        tracker.StartFile(unit.Input, unit.Index);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // Generators that may be called concurrently (rules) refine whole batches on several threads at once, each batch
        // on one thread; any other (a language model batching on a device) gets every batch on one thread and
        // parallelises inside the batch as it sees fit.
        var workers = refiner.ConcurrentGenerators ? options.Threads : 1;
        var toRefine = new Handoff<Batch>(workers + 1);
        var toWrite = new Handoff<Batch>(workers + 1);
        var readOptions = new CorpusReadOptions { TextField = options.TextField, IdField = options.IdField };
        // Parquet outputs keep the input's schema even when every row is dropped.
        var writeOptions = new CorpusWriteOptions { Format = options.OutputFormat, CompressionLevel = options.CompressionLevel, ParquetSchemaSource = CorpusFormats.FromPath(unit.Input) == CorpusFormat.Parquet ? unit.Input : null };

        var reader = Task.Factory.StartNew(() =>
        {
            Thread.CurrentThread.Name ??= "prox-reader";
            QuarantineWriter? quarantine = null;
            try
            {
                using var stream = new FileStream(unit.Input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
                long sequence = 0;
                var batch = new Batch(options.BatchSize, sequence++);
                foreach (var entry in Entries(stream, readOptions))
                {
                    cts.Token.ThrowIfCancellationRequested();
                    tracker.Read(stream.CanSeek && _range is not null ? stream.Position - unit.RangeStart : stream.CanSeek && unit.IsWholeFile ? stream.Position : 0);
                    if (entry.Document is { } doc)
                    {
                        batch.Docs.Add(new DocumentRefiner.Work(doc.Id, doc.Text, doc));
                        if (batch.Docs.Count >= options.BatchSize)
                        {
                            toRefine.Add(batch, cts.Token);
                            batch = new Batch(options.BatchSize, sequence++);
                        }
                    }
                    else
                    {
                        var q = entry.Quarantine!;
                        quarantine ??= new QuarantineWriter(quarantinePath);
                        quarantine.Write(q);
                        quarantined.AddQuarantined(q);
                    }
                }
                if (batch.Docs.Count > 0) toRefine.Add(batch, cts.Token);
                quarantine?.Complete();
                toRefine.Complete();
            }
            catch (Exception e)
            {
                toRefine.Complete(e);
                cts.Cancel();
                throw;
            }
            finally
            {
                quarantine?.Dispose();
            }
        }, cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var writer = Task.Factory.StartNew(() =>
        {
            Thread.CurrentThread.Name ??= "prox-writer";
            CorpusWriter? dropped = null;
            try
            {
                using var output = CorpusWriter.Create(outputPath, writeOptions);
                var pending = new Dictionary<long, Batch>();
                long next = 0, modelTokens = 0, generatedTokens = 0;
                while (toWrite.TryTake(out var arrived, cts.Token))
                {
                    pending.Add(arrived.Sequence, arrived);
                    while (pending.Remove(next, out var batch))
                    {
                        next++;
                        foreach (var w in batch.Docs)
                        {
                            var o = w.Outcome!;
                            if (!o.Kept)
                            {
                                if (options.WriteDropped)
                                {
                                    dropped ??= CorpusWriter.Create(droppedPath, writeOptions);
                                    dropped.Write(w.Source!, w.Text, w.Provenance);
                                }
                            }
                            else
                            {
                                output.Write(w.Source!, o.Text, w.Provenance);
                            }
                            stats.Add(o);
                            modelTokens += (o.Doc?.PromptTokens ?? 0) + (o.Chunk?.PromptTokens ?? 0);
                            generatedTokens += (o.Doc?.GeneratedTokens ?? 0) + (o.Chunk?.GeneratedTokens ?? 0);
                        }
                        tracker.Done(batch.Docs.Count, modelTokens, generatedTokens);
                        modelTokens = generatedTokens = 0;
                    }
                }
                if (pending.Count > 0) throw new InvalidOperationException($"refined batches {string.Join(", ", pending.Keys)} arrived without batch {next}");
                output.Complete();
                dropped?.Complete();
            }
            catch (Exception)
            {
                cts.Cancel();
                throw;
            }
            finally
            {
                dropped?.Dispose();
            }
        }, cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Exception? failure = null;
        void RefineLoop()
        {
            try
            {
                while (toRefine.TryTake(out var batch, cts.Token))
                {
                    refiner.RefineBatch(batch.Docs, singleThread: workers > 1, cts.Token, withProvenance: true);
                    toWrite.Add(batch, cts.Token);
                }
            }
            catch (Exception e)
            {
                // Keep the first real cause; cancellations are what the other stages see after it.
                lock (cts)
                    if (failure is null or OperationCanceledException) failure = e;
                cts.Cancel();
            }
        }
        var extra = new Thread[workers - 1];
        for (var w = 0; w < extra.Length; w++)
        {
            extra[w] = new Thread(RefineLoop) { IsBackground = true, Name = $"prox-refine-{w + 1}" };
            extra[w].Start();
        }
        RefineLoop();
        foreach (var t in extra) t.Join();
        toWrite.Complete(failure);

        try
        {
            Task.WaitAll(reader, writer);
        }
        catch (AggregateException e)
        {
            // Report the first real cause, not the cancellations it triggered in the other stages.
            var cause = e.InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) ?? failure ?? e.InnerExceptions[0];
            if (failure is not null and not OperationCanceledException) cause = failure;
            ExceptionDispatchInfo.Capture(cause).Throw();
        }
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
        ct.ThrowIfCancellationRequested();

        stats.Add(quarantined);
        stats.InputBytes = unit.Bytes;
        stats.ElapsedSeconds = clock.Elapsed.TotalSeconds;
        return stats;
    }
}
