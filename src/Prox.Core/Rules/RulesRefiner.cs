using Prox.Generation;
using Prox.Programs;

namespace Prox.Rules;

/// <summary>
/// The expert heuristics the ProX paper compares against (Gopher, C4, FineWeb, and Prox's own structural boilerplate
/// rules), compiled into ProX programs: doc stage → <c>drop_doc()</c>/<c>keep_doc()</c>; chunk stage →
/// <c>remove_lines(line_start=a, line_end=b)</c> per run of removed lines (inclusive, global 0-based indices) and
/// <c>normalize(source_str="…", target_str="")</c> for inline markers, or <c>keep_chunk()</c> when nothing changes.
/// Programs hold plain ops only; <see cref="Explain"/> says which rule produced each op. Deterministic and thread-safe.
/// </summary>
/// <example><code>
/// using var rules = RulesRefiner.FromPreset("FineWeb");
/// var program = rules.Generate([new ProgramRequest(ProgramStage.Doc, text, 0, lineCount)])[0];
/// </code></example>
public sealed class RulesRefiner : IProgramGenerator, ICorpusContextGenerator
{
    /// <summary>A refiner with the given options (default: <see cref="RulesOptions.ProxRules"/>).</summary>
    public RulesRefiner(RulesOptions? options = null) : this(options ?? RulesOptions.ProxRules, GeneratorSpec.Default) { }

    /// <summary>A refiner with the given options, recorded under <paramref name="spec"/>.</summary>
    public RulesRefiner(RulesOptions options, GeneratorSpec spec)
    {
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Spec = spec ?? throw new ArgumentNullException(nameof(spec));
    }

    /// <summary>
    /// A refiner that also removes lines many documents of the run hold (<c>prox.corpus_repeated</c>,
    /// <see cref="RulesOptions.CorpusLineMinDocuments"/>), counted in <paramref name="corpusLines"/> by a pre-pass over
    /// the same documents (<see cref="CorpusLineCounts.AddDocument"/>). The refiner only reads the counts.
    /// </summary>
    public RulesRefiner(RulesOptions? options, CorpusLineCounts? corpusLines) : this(options) => CorpusLines = corpusLines;

    private RulesRefiner(RulesOptions options, GeneratorSpec spec, CorpusLineCounts corpusLines) : this(options, spec) => CorpusLines = corpusLines;

    /// <inheritdoc />
    public bool WantsCorpusContext => Options.CorpusContext && CorpusLines is null;

    /// <summary>
    /// A refiner with the same options and spec that also reads the line counts of <paramref name="documentTexts"/>
    /// (one work unit's documents, counted here in a pre-pass).
    /// </summary>
    public IProgramGenerator WithCorpusContext(IEnumerable<string> documentTexts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documentTexts);
        var counts = new CorpusLineCounts();
        foreach (var text in documentTexts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            counts.AddDocument(text);
        }
        return new RulesRefiner(Options, Spec, counts);
    }

    /// <summary>A refiner for a named preset (<c>ProxRules</c>/<c>Default</c>, <c>Gopher</c>, <c>C4</c>, <c>FineWeb</c>; case-insensitive).</summary>
    /// <exception cref="ArgumentException">Unknown preset name.</exception>
    public static RulesRefiner FromPreset(string preset) =>
        new(RulesOptions.FromPreset(preset), new GeneratorSpec(GeneratorSpec.RulesKind, RulesOptions.CanonicalPresetName(preset)));

    /// <summary>The thresholds and switches in use.</summary>
    public RulesOptions Options { get; }

    /// <summary>The run's line counts the corpus rule reads, or null (rule off).</summary>
    public CorpusLineCounts? CorpusLines { get; }

    /// <inheritdoc />
    public GeneratorSpec Spec { get; }

    /// <inheritdoc />
    public string Name => Spec.ToString();

    /// <inheritdoc />
    public bool SupportsConcurrentCalls => true;

    /// <inheritdoc />
    public IReadOnlyList<ProgramResult> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new ProgramResult[requests.Count];
        for (int i = 0; i < results.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[i] = Explain(requests[i]).ToResult();
        }
        return results;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Describe() => Options.Describe();

    /// <summary>The program for one request together with the rules that produced it (values vs thresholds, line rules).</summary>
    public RulesDecision Explain(ProgramRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = request.DocumentText ?? "";
        var o = Options;
        if (request.Stage == ProgramStage.Doc && !(o.GopherQuality || o.GopherRepetition || o.C4Document || o.FineWebQuality))
        {
            // Only the lorem-ipsum check is on: no line profile needed.
            List<RuleFinding> lorem = o.DropLoremIpsum && DocumentRules.HasLoremIpsum(text)
                ? [new RuleFinding("prox.lorem_ipsum", 1, "contains", 1)] : [];
            return new RulesDecision(ProgramStage.Doc, lorem.Count > 0 ? ProgramWriter.DropDoc : ProgramWriter.KeepDoc, lorem, [], []);
        }
        var doc = Profile(text);
        if (request.Stage == ProgramStage.Doc)
        {
            var c4Removed = Options.C4Document && Options.C4MinSentences > 0 ? LineRules.C4Removed(doc, Options) : null;
            var findings = DocumentRules.Evaluate(doc, Options, c4Removed);
            return new RulesDecision(ProgramStage.Doc, findings.Count > 0 ? ProgramWriter.DropDoc : ProgramWriter.KeepDoc,
                findings, [], []);
        }

        int first = Math.Clamp(request.FirstLine, 0, doc.Lines.Length);
        int end = (int)Math.Min(doc.Lines.Length, (long)first + Math.Max(0, request.LineCount));
        var reasons = LineRules.Classify(doc, Options, first, end - first, CorpusLines);
        var edits = Options.NormalizeInlineMarkers ? InlineMarkers.Find(doc, reasons, first, end) : [];
        var removed = new List<LineFinding>();
        for (int i = first; i < end; i++) if (reasons[i] is { } rule) removed.Add(new LineFinding(i, rule));
        return new RulesDecision(ProgramStage.Chunk, ProgramWriter.Chunk(reasons, edits), [], removed, edits);
    }

    /// <summary>The profile of the last text this thread analyzed (the pipeline asks for the doc and then the chunk stage of the same string).</summary>
    [ThreadStatic] private static TextProfile? t_lastProfile;

    /// <summary>
    /// The profile of <paramref name="text"/>, reused when this thread profiled the same string instance last (a string
    /// is immutable, so reference equality means the same text; the profile depends on the text only, not the options).
    /// </summary>
    private static TextProfile Profile(string text)
    {
        var last = t_lastProfile;
        if (last is not null && ReferenceEquals(last.Text, text)) return last;
        return t_lastProfile = TextProfile.Analyze(text);
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose() { }
}
