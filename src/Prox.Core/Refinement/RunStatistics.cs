using System.Text.Json.Serialization;

namespace Prox.Refinement;

/// <summary>
/// Counts for one refinement stage. Everything is a count (never an average), so statistics of shards and runs merge
/// by addition (<see cref="Add(StageStatistics)"/>). Characters are UTF-16 code units; words follow Python <c>str.split()</c>;
/// tokens come from the run's tokenizer.
/// </summary>
public sealed class StageStatistics
{
    /// <summary>Documents that entered the stage.</summary>
    public long DocumentsIn { get; set; }
    /// <summary>Documents that left the stage (kept).</summary>
    public long DocumentsOut { get; set; }
    /// <summary>Documents the stage dropped.</summary>
    public long DocumentsDropped { get; set; }
    /// <summary>Characters of the documents that entered.</summary>
    public long CharactersIn { get; set; }
    /// <summary>Characters of the kept documents after the stage.</summary>
    public long CharactersOut { get; set; }
    /// <summary>Words in.</summary>
    public long WordsIn { get; set; }
    /// <summary>Words out.</summary>
    public long WordsOut { get; set; }
    /// <summary>Tokens in (the run's tokenizer).</summary>
    public long TokensIn { get; set; }
    /// <summary>Tokens out.</summary>
    public long TokensOut { get; set; }
    /// <summary>Lines of the documents that entered.</summary>
    public long LinesIn { get; set; }
    /// <summary>Lines removed by programs (of documents not ignored).</summary>
    public long LinesRemoved { get; set; }
    /// <summary>Programs executed (one per document; chunk programs of a document are joined into one).</summary>
    public long Programs { get; set; }
    /// <summary>Program requests sent to the generator (documents, or chunks at chunk level).</summary>
    public long ProgramRequests { get; set; }
    /// <summary>Programs with at least one error operation.</summary>
    public long ProgramsWithErrors { get; set; }
    /// <summary>Programs ignored (too many errors or over a limit): the original text was kept.</summary>
    public long ProgramsIgnored { get; set; }
    /// <summary>Error operations (parse errors plus ranges past the end).</summary>
    public long ErrorOperations { get; set; }
    /// <summary>Error diagnostics found while parsing.</summary>
    public long ParseErrors { get; set; }
    /// <summary>normalize calls that ran.</summary>
    public long Normalizations { get; set; }
    /// <summary>Occurrences replaced by normalize calls.</summary>
    public long NormalizationMatches { get; set; }
    /// <summary>Prompt tokens the stage's generator read (models; 0 for the rules).</summary>
    public long PromptTokens { get; set; }
    /// <summary>Tokens the stage's generator wrote (models; 0 for the rules).</summary>
    public long GeneratedTokens { get; set; }
    /// <summary>
    /// Programs that did not parse cleanly: at least one error diagnostic (a model that writes garbage; ProX reports
    /// 0.04 % at doc level, 0.36 % at chunk level). A document's chunk programs count as one program.
    /// </summary>
    public long ProgramsUnparsed { get; set; }
    /// <summary>
    /// A few of those programs (at most <see cref="MaxUnparsedExamples"/>, the first ones met): the document id, the
    /// first error and the start of the program.
    /// </summary>
    public List<string> UnparsedExamples { get; set; } = [];
    /// <summary>
    /// Program requests by the size of the batch the model decoded them in (<c>"1"</c>, <c>"16"</c>, …); empty for
    /// generators that do not batch.
    /// </summary>
    public Dictionary<string, long> BatchSizes { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Calls by function name (<c>remove_lines</c>, <c>normalize</c>, <c>drop_doc</c>, …).</summary>
    public Dictionary<string, long> Operations { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Drops by reason (<c>DropDoc</c>, <c>FewWordsLeftFraction</c>, <c>FewWordsLeft</c>, <c>NoWords</c>).</summary>
    public Dictionary<string, long> DropReasons { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The most examples <see cref="UnparsedExamples"/> keeps.</summary>
    public const int MaxUnparsedExamples = 5;

    /// <summary>Adds <paramref name="other"/>'s counts to these.</summary>
    public void Add(StageStatistics other)
    {
        DocumentsIn += other.DocumentsIn; DocumentsOut += other.DocumentsOut; DocumentsDropped += other.DocumentsDropped;
        CharactersIn += other.CharactersIn; CharactersOut += other.CharactersOut;
        WordsIn += other.WordsIn; WordsOut += other.WordsOut; TokensIn += other.TokensIn; TokensOut += other.TokensOut;
        LinesIn += other.LinesIn; LinesRemoved += other.LinesRemoved;
        Programs += other.Programs; ProgramRequests += other.ProgramRequests; ProgramsWithErrors += other.ProgramsWithErrors;
        ProgramsIgnored += other.ProgramsIgnored; ErrorOperations += other.ErrorOperations; ParseErrors += other.ParseErrors;
        Normalizations += other.Normalizations; NormalizationMatches += other.NormalizationMatches;
        PromptTokens += other.PromptTokens; GeneratedTokens += other.GeneratedTokens;
        ProgramsUnparsed += other.ProgramsUnparsed;
        foreach (var e in other.UnparsedExamples ?? [])
            if (UnparsedExamples.Count < MaxUnparsedExamples) UnparsedExamples.Add(e);
        AddAll(BatchSizes, other.BatchSizes ?? []);
        AddAll(Operations, other.Operations);
        AddAll(DropReasons, other.DropReasons);
    }

    /// <summary>Counts one document's pass through this stage.</summary>
    public void Add(DocumentOutcome document, StageOutcome stage)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(stage);
        DocumentsIn++;
        CharactersIn += document.CharactersIn;
        WordsIn += document.WordsIn;
        TokensIn += document.TokensIn;
        LinesIn += document.LinesIn;
        Programs++;
        ProgramRequests += stage.Requests;
        if (stage.ErrorCount > 0) ProgramsWithErrors++;
        if (stage.Ignored) ProgramsIgnored++;
        ErrorOperations += stage.ErrorCount;
        ParseErrors += stage.ParseErrors;
        if (stage.ParseErrors > 0)
        {
            ProgramsUnparsed++;
            if (UnparsedExamples.Count < MaxUnparsedExamples) UnparsedExamples.Add(UnparsedExample(document, stage));
        }
        foreach (var b in stage.BatchSizes)
        {
            var key = b.ToString(System.Globalization.CultureInfo.InvariantCulture);
            BatchSizes[key] = BatchSizes.GetValueOrDefault(key) + 1;
        }
        PromptTokens += stage.PromptTokens;
        GeneratedTokens += stage.GeneratedTokens;
        foreach (var (fn, n) in stage.Operations) Operations[fn] = Operations.GetValueOrDefault(fn) + n;
        if (!stage.Ignored) LinesRemoved += stage.LinesRemoved;
        foreach (var n in stage.Normalizations)
        {
            if (n.Skipped is not null) continue;
            Normalizations++;
            NormalizationMatches += n.Matches;
        }
        if (stage.Dropped)
        {
            DocumentsDropped++;
            var reason = stage.DropReason.ToString();
            DropReasons[reason] = DropReasons.GetValueOrDefault(reason) + 1;
        }
        else
        {
            DocumentsOut++;
            CharactersOut += stage.CharactersOut;
            WordsOut += stage.WordsOut;
            TokensOut += stage.TokensOut;
        }
    }

    private static string UnparsedExample(DocumentOutcome document, StageOutcome stage)
    {
        var error = stage.Diagnostics.FirstOrDefault(d => d.Severity == Prox.Programs.DiagnosticSeverity.Error);
        var program = stage.Program.Length <= 160 ? stage.Program : stage.Program[..160] + "…";
        return $"{document.Id}: {error?.ToString() ?? "parse error"}: {program.ReplaceLineEndings("\\n")}";
    }

    internal static void AddAll(Dictionary<string, long> into, Dictionary<string, long> from)
    {
        foreach (var (k, v) in from) into[k] = into.GetValueOrDefault(k) + v;
    }
}

/// <summary>The counts of a whole run or of one input file.</summary>
public class RefineCounts
{
    /// <summary>Records read, bad ones included: <c>DocumentsIn = DocumentsOut + DocumentsDropped + DocumentsQuarantined</c>.</summary>
    public long DocumentsIn { get; set; }
    /// <summary>Documents written to the output.</summary>
    public long DocumentsOut { get; set; }
    /// <summary>Documents dropped by either stage (written to <c>dropped/</c> unless turned off).</summary>
    public long DocumentsDropped { get; set; }
    /// <summary>Records that could not be read (written to <c>quarantine/</c>).</summary>
    public long DocumentsQuarantined { get; set; }
    /// <summary>Characters of the documents read.</summary>
    public long CharactersIn { get; set; }
    /// <summary>Characters of the documents written.</summary>
    public long CharactersOut { get; set; }
    /// <summary>Words read.</summary>
    public long WordsIn { get; set; }
    /// <summary>Words written.</summary>
    public long WordsOut { get; set; }
    /// <summary>Tokens read.</summary>
    public long TokensIn { get; set; }
    /// <summary>Tokens written.</summary>
    public long TokensOut { get; set; }
    /// <summary>Bytes of the input files (as stored, compressed or not).</summary>
    public long InputBytes { get; set; }
    /// <summary>Quarantined records by kind.</summary>
    public Dictionary<string, long> QuarantineReasons { get; set; } = new(StringComparer.Ordinal);
    /// <summary>The document stage (null when it did not run).</summary>
    public StageStatistics? Doc { get; set; }
    /// <summary>The chunk stage (null when it did not run).</summary>
    public StageStatistics? Chunk { get; set; }

    /// <summary>Token retention: tokens out / tokens in (0 when nothing was read).</summary>
    [JsonIgnore]
    public double TokenRetention => TokensIn == 0 ? 0 : (double)TokensOut / TokensIn;

    /// <summary>Document retention: documents out / documents in.</summary>
    [JsonIgnore]
    public double DocumentRetention => DocumentsIn == 0 ? 0 : (double)DocumentsOut / DocumentsIn;

    /// <summary>True when records were read and every one of them was quarantined (a wrong <c>-TextField</c>, a file
    /// that is not a corpus): such a file or run failed, even though nothing threw.</summary>
    [JsonIgnore]
    public bool AllRecordsQuarantined => DocumentsQuarantined > 0 && DocumentsQuarantined == DocumentsIn;

    /// <summary>The quarantine reasons as text, most frequent first (<c>MissingText: 24</c>); empty when none.</summary>
    [JsonIgnore]
    public string QuarantineReasonsText => string.Join(", ",
        QuarantineReasons.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {kv.Value:N0}"));

    /// <summary>Counts one refined document (kept or dropped) and its stages.</summary>
    public void Add(DocumentOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        DocumentsIn++;
        CharactersIn += outcome.CharactersIn;
        WordsIn += outcome.WordsIn;
        TokensIn += outcome.TokensIn;
        if (outcome.Kept)
        {
            DocumentsOut++;
            CharactersOut += outcome.CharactersOut;
            WordsOut += outcome.WordsOut;
            TokensOut += outcome.TokensOut;
        }
        else
        {
            DocumentsDropped++;
        }
        if (outcome.Doc is { } d) (Doc ??= new StageStatistics()).Add(outcome, d);
        if (outcome.Chunk is { } c) (Chunk ??= new StageStatistics()).Add(outcome, c);
    }

    /// <summary>Counts one quarantined record.</summary>
    public void AddQuarantined(Corpus.QuarantineRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // A record that stands for several (a Parquet row group that could not be decoded) counts as all of them.
        var n = record.RecordCount;
        DocumentsIn += n;
        DocumentsQuarantined += n;
        var kind = record.Kind.ToString();
        QuarantineReasons[kind] = QuarantineReasons.GetValueOrDefault(kind) + n;
    }

    /// <summary>The most examples <see cref="UnparsedExamples"/> keeps.</summary>
    public const int MaxUnparsedExamples = 5;

    /// <summary>Adds <paramref name="other"/>'s counts to these.</summary>
    public void Add(RefineCounts other)
    {
        DocumentsIn += other.DocumentsIn; DocumentsOut += other.DocumentsOut; DocumentsDropped += other.DocumentsDropped;
        DocumentsQuarantined += other.DocumentsQuarantined; CharactersIn += other.CharactersIn; CharactersOut += other.CharactersOut;
        WordsIn += other.WordsIn; WordsOut += other.WordsOut; TokensIn += other.TokensIn; TokensOut += other.TokensOut;
        InputBytes += other.InputBytes;
        StageStatistics.AddAll(QuarantineReasons, other.QuarantineReasons);
        if (other.Doc is not null) (Doc ??= new StageStatistics()).Add(other.Doc);
        if (other.Chunk is not null) (Chunk ??= new StageStatistics()).Add(other.Chunk);
    }
}

/// <summary>The counts of one input file, with where its outputs went.</summary>
public sealed class FileSummary : RefineCounts
{
    /// <summary>The input file.</summary>
    public string Input { get; set; } = "";
    /// <summary>The refined output file.</summary>
    public string Output { get; set; } = "";
    /// <summary>The dropped-documents sidecar, when one was written.</summary>
    public string? Dropped { get; set; }
    /// <summary>The quarantine file, when one was written.</summary>
    public string? Quarantine { get; set; }
    /// <summary>Seconds spent on this file.</summary>
    public double ElapsedSeconds { get; set; }
}
