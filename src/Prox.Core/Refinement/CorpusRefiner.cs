using System.Diagnostics;
using Prox.Corpus;
using Prox.Generation;
using Prox.Programs;

namespace Prox.Refinement;

/// <summary>
/// Refines corpus files end to end: streams each input file (JSONL, .jsonl.gz, .jsonl.zst, Parquet), runs the doc
/// and chunk stages with a program generator, and writes the refined records (ids, fields and metadata kept, plus
/// <c>metadata.prox</c>) to a file of the same name in the output folder, dropped documents with their programs and
/// reasons to <c>dropped/</c>, unreadable records to <c>quarantine/</c>, and the run's counts to <c>_summary.json</c>.
/// Every output appears only when complete. Reading, refining and writing overlap (three stages with bounded
/// queues), so memory stays flat whatever the input size.
/// </summary>
/// <example>
/// <code>
/// using var rules = RulesRefiner.FromPreset("ProxRules");
/// var summary = new CorpusRefiner(rules, new RefineOptions { Tokenizer = "cl100k_base" })
///     .Run(["data/cc-sample.jsonl.gz"], "out");
/// Console.WriteLine($"{summary.DocumentsOut}/{summary.DocumentsIn} documents, {summary.TokenRetention:P1} of tokens kept");
/// </code>
/// </example>
public sealed class CorpusRefiner
{
    private readonly IProgramGenerator _generator;
    private readonly RefineOptions _options;

    /// <summary>Creates a refiner for a generator and options.</summary>
    public CorpusRefiner(IProgramGenerator generator, RefineOptions? options = null)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _options = options ?? RefineOptions.Default;
        _options.Validate();
    }

    /// <summary>One planned output: the input and the file it becomes.</summary>
    /// <param name="Input">The input corpus file.</param>
    /// <param name="Output">The refined file.</param>
    /// <param name="Dropped">Where dropped documents go.</param>
    /// <param name="Quarantine">Where unreadable records go.</param>
    public sealed record PlannedFile(string Input, string Output, string Dropped, string Quarantine);

    /// <summary>
    /// The outputs a run would write (for <c>-WhatIf</c> and overwrite checks). Expands directories and wildcards.
    /// </summary>
    /// <exception cref="IOException">Two inputs would write the same output file.</exception>
    public static IReadOnlyList<PlannedFile> Plan(IEnumerable<string> inputs, string outputDirectory, RefineOptions? options = null)
    {
        options ??= RefineOptions.Default;
        var outDir = Path.GetFullPath(outputDirectory);
        var files = CorpusFiles.Expand(inputs);
        var plans = new List<PlannedFile>(files.Count);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            var output = CorpusFiles.MirrorPath(f, outDir, options.OutputFormat);
            if (string.Equals(Path.GetFullPath(output), f, StringComparison.Ordinal))
                throw new IOException($"'{f}': the output would overwrite the input; choose another output folder");
            if (!seen.TryAdd(output, f))
                throw new IOException($"'{f}' and '{seen[output]}' would both be written to '{output}'; refine them into different folders");
            plans.Add(new PlannedFile(f, output, CorpusFiles.MirrorPath(f, Path.Combine(outDir, "dropped"), options.OutputFormat),
                CorpusFiles.QuarantinePath(f, outDir)));
        }
        return plans;
    }

    /// <summary>Refines <paramref name="inputs"/> into <paramref name="outputDirectory"/> and returns the run summary.</summary>
    /// <exception cref="IOException">An output exists and <see cref="RefineOptions.Force"/> is off.</exception>
    public RunSummary Run(IEnumerable<string> inputs, string outputDirectory, IProgress<RefineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var outDir = Path.GetFullPath(outputDirectory);
        var plans = Plan(inputs, outDir, _options);
        var summaryPath = Path.Combine(outDir, RunSummary.FileName);
        if (!_options.Force)
        {
            foreach (var p in plans)
                if (File.Exists(p.Output)) throw new IOException($"'{p.Output}' exists; use -Force (RefineOptions.Force) to overwrite it");
            if (File.Exists(summaryPath)) throw new IOException($"'{summaryPath}' exists; use -Force (RefineOptions.Force) to overwrite the run");
        }
        Directory.CreateDirectory(outDir);
        foreach (var p in plans)
        {
            // With -Force, sidecars of an earlier run must not survive next to the new output.
            if (File.Exists(p.Dropped)) File.Delete(p.Dropped);
            if (File.Exists(p.Quarantine)) File.Delete(p.Quarantine);
        }

        var refiner = new DocumentRefiner(_generator, _options);
        var summary = new RunSummary
        {
            Backend = _generator.Name,
            Dialect = _options.Dialect.ToString(),
            Stages = _options.Stages switch { RefineStages.Doc => "Doc", RefineStages.Chunk => "Chunk", _ => "Doc,Chunk" },
            Tokenizer = refiner.Tokens.Name,
            OutputPath = outDir,
            Started = DateTimeOffset.UtcNow,
        };
        var total = plans.Sum(p => new FileInfo(p.Input).Length);
        var clock = Stopwatch.StartNew();
        var tracker = new ProgressTracker(progress, plans.Count, total, clock);
        for (var i = 0; i < plans.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = RefineFile(refiner, plans[i], i, tracker, cancellationToken);
            summary.Add(file);
            summary.Files.Add(file);
        }
        summary.Finished = DateTimeOffset.UtcNow;
        summary.ElapsedSeconds = clock.Elapsed.TotalSeconds;
        summary.Save(summaryPath);
        tracker.Report(force: true);
        return summary;
    }

    private sealed class Batch(int capacity, long sequence)
    {
        public readonly List<RefinedDocument> Docs = new(capacity);
        /// <summary>Position of the batch in the input: the writer restores input order when several threads refine.</summary>
        public readonly long Sequence = sequence;
    }

    private FileSummary RefineFile(DocumentRefiner refiner, PlannedFile plan, int index, ProgressTracker tracker, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var stats = new FileSummary
        {
            Input = plan.Input,
            Output = plan.Output,
            InputBytes = new FileInfo(plan.Input).Length,
            Doc = (_options.Stages & RefineStages.Doc) != 0 ? new StageStatistics() : null,
            Chunk = (_options.Stages & RefineStages.Chunk) != 0 ? new StageStatistics() : null,
        };
        tracker.StartFile(plan.Input, index);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // A generator that may be called concurrently (rules) refines whole batches on several threads at once, each
        // batch on one thread; any other (a language model batching on a device) gets every batch on one thread, and
        // parallelises inside the batch as it sees fit.
        var workers = _generator.SupportsConcurrentCalls ? _options.Threads : 1;
        var toRefine = new Handoff<Batch>(workers + 1);
        var toWrite = new Handoff<Batch>(workers + 1);
        var readOptions = new CorpusReadOptions { TextField = _options.TextField, IdField = _options.IdField };
        // Parquet outputs keep the input's schema even when every row is dropped.
        var writeOptions = new CorpusWriteOptions { Format = _options.OutputFormat, CompressionLevel = _options.CompressionLevel, ParquetSchemaSource = CorpusFormats.FromPath(plan.Input) == CorpusFormat.Parquet ? plan.Input : null };
        long quarantined = 0;
        var quarantineKinds = new Dictionary<string, long>(StringComparer.Ordinal);

        var reader = Task.Factory.StartNew(() =>
        {
            Thread.CurrentThread.Name ??= "prox-reader";
            QuarantineWriter? quarantine = null;
            try
            {
                using var stream = new FileStream(plan.Input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
                long sequence = 0;
                var batch = new Batch(_options.BatchSize, sequence++);
                foreach (var entry in CorpusReader.Read(stream, CorpusFormats.FromPath(plan.Input), plan.Input, readOptions))
                {
                    cts.Token.ThrowIfCancellationRequested();
                    tracker.Read(stream.CanSeek ? stream.Position : 0);
                    if (entry.Document is { } doc)
                    {
                        batch.Docs.Add(new RefinedDocument(doc.Id, doc.Text) { Source = doc });
                        if (batch.Docs.Count >= _options.BatchSize)
                        {
                            toRefine.Add(batch, cts.Token);
                            batch = new Batch(_options.BatchSize, sequence++);
                        }
                    }
                    else
                    {
                        var q = entry.Quarantine!;
                        quarantine ??= new QuarantineWriter(plan.Quarantine);
                        quarantine.Write(q);
                        quarantined += q.RecordCount; // a corrupt row group is all its rows
                        var kind = q.Kind.ToString();
                        quarantineKinds[kind] = quarantineKinds.GetValueOrDefault(kind) + q.RecordCount;
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
                using var output = CorpusWriter.Create(plan.Output, writeOptions);
                var pending = new Dictionary<long, Batch>();
                long next = 0;
                while (toWrite.TryTake(out var arrived, cts.Token))
                {
                    pending.Add(arrived.Sequence, arrived);
                    while (pending.Remove(next, out var batch))
                    {
                        next++;
                        foreach (var d in batch.Docs)
                        {
                            if (d.Dropped)
                            {
                                if (_options.WriteDropped)
                                {
                                    dropped ??= CorpusWriter.Create(plan.Dropped, writeOptions);
                                    dropped.Write(d.Source!, d.OriginalText, d.Provenance);
                                }
                            }
                            else
                            {
                                output.Write(d.Source!, d.Text, d.Provenance);
                            }
                            Count(stats, d);
                        }
                        tracker.Done(batch.Docs.Count);
                    }
                }
                if (pending.Count > 0) throw new InvalidOperationException($"refined batches {string.Join(", ", pending.Keys)} arrived without batch {next}");
                output.Complete();
                dropped?.Complete();
                if (dropped is not null) stats.Dropped = plan.Dropped;
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
                    refiner.RefineBatch(batch.Docs, singleThread: workers > 1);
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
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cause).Throw();
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();

        stats.DocumentsQuarantined = quarantined;
        stats.DocumentsIn += quarantined;
        StageStatistics.AddAll(stats.QuarantineReasons, quarantineKinds);
        if (quarantined > 0) stats.Quarantine = plan.Quarantine;
        stats.ElapsedSeconds = clock.Elapsed.TotalSeconds;
        return stats;
    }

    private static void Count(FileSummary s, RefinedDocument d)
    {
        s.DocumentsIn++;
        s.CharactersIn += d.OriginalText.Length;
        s.TokensIn += d.TokensIn;
        var firstResult = d.DocResult ?? d.ChunkResult;
        s.WordsIn += firstResult?.WordsIn ?? 0;
        if (d.Dropped)
        {
            s.DocumentsDropped++;
        }
        else
        {
            s.DocumentsOut++;
            s.CharactersOut += d.Text.Length;
            s.TokensOut += d.TokensOut;
            s.WordsOut += d.ChunkResult?.WordsOut ?? d.DocResult?.WordsOut ?? 0;
        }
        if (s.Doc is { } doc && d.DocResult is { } dr)
        {
            CountStage(doc, d.OriginalText, dr, d.TokensIn, dr.Dropped ? 0 : d.TokensIn, d.DocProgram!, requests: 1);
        }
        if (s.Chunk is { } chunk && d.ChunkResult is { } cr)
        {
            CountStage(chunk, d.OriginalText, cr, d.TokensIn, d.TokensOut, d.ChunkProgram!, d.Chunks);
            if (!cr.Ignored) chunk.LinesRemoved += cr.RemovedLines.Count;
            foreach (var n in cr.Normalizations)
            {
                if (n.Skipped is not null) continue;
                chunk.Normalizations++;
                chunk.NormalizationMatches += n.Matches;
            }
        }
    }

    private static void CountStage(StageStatistics st, string textIn, ExecutionResult r, long tokensIn, long tokensOut, string program, int requests)
    {
        st.DocumentsIn++;
        st.CharactersIn += textIn.Length;
        st.WordsIn += r.WordsIn;
        st.TokensIn += tokensIn;
        st.LinesIn += r.LineCount;
        st.Programs++;
        st.ProgramRequests += requests;
        if (r.ErrorCount > 0) st.ProgramsWithErrors++;
        if (r.Ignored) st.ProgramsIgnored++;
        st.ErrorOperations += r.ErrorCount;
        foreach (var diag in r.Program.Diagnostics)
            if (diag.Severity == DiagnosticSeverity.Error) st.ParseErrors++;
        foreach (var op in r.Program.Operations)
            st.Operations[op.FunctionName] = st.Operations.GetValueOrDefault(op.FunctionName) + 1;
        if (r.Dropped)
        {
            st.DocumentsDropped++;
            var reason = r.DropReason.ToString();
            st.DropReasons[reason] = st.DropReasons.GetValueOrDefault(reason) + 1;
        }
        else
        {
            st.DocumentsOut++;
            st.CharactersOut += r.Text.Length;
            st.WordsOut += r.WordsOut;
            st.TokensOut += tokensOut;
        }
    }

    /// <summary>Throttled progress: at most every 250 ms, from whichever stage calls.</summary>
    private sealed class ProgressTracker(IProgress<RefineProgress>? progress, int fileCount, long bytesTotal, Stopwatch clock)
    {
        private long _bytesBefore;   // bytes of finished files
        private long _bytesInFile;
        private long _documents;
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

        public void Done(int documents)
        {
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
            progress.Report(new RefineProgress(_file, _index, fileCount, Interlocked.Read(ref _documents), read, bytesTotal, clock.Elapsed));
        }
    }
}
