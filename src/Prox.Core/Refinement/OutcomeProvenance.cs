using System.Buffers;
using System.Text.Json;
using Prox.Programs;

namespace Prox.Refinement;

/// <summary>
/// The <c>metadata.prox</c> object of a refined or dropped record: written from a <see cref="DocumentOutcome"/> and read
/// back into the same shape, so that reading a refined folder gives outcomes again. One schema, versioned
/// (<see cref="SchemaVersion"/>), documented in <c>docs/provenance.md</c>. Records written by schema 1 (before the
/// version field) are read too, with what they held.
/// </summary>
public static class OutcomeProvenance
{
    /// <summary>The schema version written.</summary>
    public const int SchemaVersion = 2;

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    /// <summary>The <c>metadata.prox</c> JSON (UTF-8) of an outcome.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <param name="dialect">The dialect the programs were read in.</param>
    public static byte[] ToUtf8(DocumentOutcome outcome, ProgramDialect dialect = ProgramDialect.Strict)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        // One buffer and writer per thread, reset for each record (the pipeline writes one per document).
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(2048);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        Write(w, outcome, dialect);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the <c>metadata.prox</c> object of an outcome.</summary>
    public static void Write(Utf8JsonWriter w, DocumentOutcome o, ProgramDialect dialect = ProgramDialect.Strict)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(o);
        w.WriteStartObject();
        w.WriteNumber("schema", SchemaVersion);
        w.WriteString("dialect", dialect.ToString());
        if (o.SourceFile is not null) w.WriteString("source_file", Path.GetFileName(o.SourceFile));
        if (o.SourceRecord > 0) w.WriteNumber("source_record", o.SourceRecord);
        w.WriteBoolean("kept", o.Kept);
        if (!o.Kept)
        {
            w.WriteString("dropped_by", o.DropStage == ProgramStage.Doc ? "doc" : "chunk");
            w.WriteString("drop_reason", o.DropReason.ToString());
        }
        w.WriteStartObject("counts");
        w.WriteNumber("lines_in", o.LinesIn);
        w.WriteNumber("lines_out", o.LinesOut);
        w.WriteNumber("words_in", o.WordsIn);
        w.WriteNumber("words_out", o.WordsOut);
        w.WriteNumber("chars_in", o.CharactersIn);
        w.WriteNumber("chars_out", o.CharactersOut);
        w.WriteNumber("tokens_in", o.TokensIn);
        w.WriteNumber("tokens_out", o.TokensOut);
        w.WriteString("tokenizer", o.Tokenizer);
        w.WriteEndObject();
        if (o.Doc is { } doc) WriteStage(w, "doc", doc);
        if (o.Chunk is { } chunk) WriteStage(w, "chunk", chunk);
        w.WriteEndObject();
    }

    private static void WriteStage(Utf8JsonWriter w, string name, StageOutcome s)
    {
        w.WriteStartObject(name);
        w.WriteString("generator", s.Generator);
        w.WriteString("program", s.Program);
        // Fields at their default (1 request, no errors, not ignored, not dropped, nothing removed) are left out.
        if (s.Requests != 1) w.WriteNumber("requests", s.Requests);
        if (s.ErrorCount != 0) w.WriteNumber("error_count", s.ErrorCount);
        if (s.ParseErrors != 0) w.WriteNumber("parse_errors", s.ParseErrors);
        if (s.Ignored) w.WriteBoolean("ignored", true);
        if (s.Dropped)
        {
            w.WriteBoolean("dropped", true);
            w.WriteString("drop_reason", s.DropReason.ToString());
        }
        if (s.Score is { } score) w.WriteNumber("score", score);
        if (s.PromptTokens > 0) w.WriteNumber("prompt_tokens", s.PromptTokens);
        if (s.GeneratedTokens > 0) w.WriteNumber("generated_tokens", s.GeneratedTokens);
        if (s.LinesRemoved != 0) w.WriteNumber("lines_removed", s.LinesRemoved);
        // A stage's output counts are not written: the doc stage leaves the input as it is, the chunk stage leaves the
        // document's output (both read back from "counts").
        w.WriteStartObject("operations");
        if (s.Operations.Count == 1)
            foreach (var (fn, n) in s.Operations) w.WriteNumber(fn, n);
        else
            foreach (var (fn, n) in s.Operations.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteNumber(fn, n);
        w.WriteEndObject();
        if (s.Diagnostics.Count > 0)
        {
            w.WriteStartArray("diagnostics");
            foreach (var d in s.Diagnostics)
            {
                w.WriteStartObject();
                w.WriteString("severity", d.Severity.ToString());
                w.WriteNumber("line", d.Line);
                w.WriteNumber("column", d.Column);
                w.WriteString("code", d.Code);
                w.WriteString("message", d.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (s.RemovedRanges.Count > 0)
        {
            w.WriteStartArray("removed_lines");
            foreach (var r in s.RemovedRanges)
            {
                w.WriteStartObject();
                w.WriteNumber("start", r.StartLine);
                w.WriteNumber("end", r.EndLine);
                w.WriteString("function", r.Function);
                w.WriteNumber("operation", r.OperationIndex);
                w.WriteNumber("program_line", r.ProgramLine);
                if (r.Label is not null) w.WriteString("label", r.Label);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (s.Normalizations.Count > 0)
        {
            w.WriteStartArray("normalizations");
            foreach (var n in s.Normalizations)
            {
                w.WriteStartObject();
                w.WriteString("source", n.Source);
                w.WriteString("target", n.Target);
                w.WriteNumber("matches", n.Matches);
                w.WriteNumber("operation", n.OperationIndex);
                w.WriteNumber("program_line", n.ProgramLine);
                if (n.Skipped is not null) w.WriteString("skipped", n.Skipped);
                if (n.Label is not null) w.WriteString("label", n.Label);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (s.Details is { Count: > 0 })
        {
            w.WriteStartObject("details");
            foreach (var (k, v) in s.Details.OrderBy(p => p.Key, StringComparer.Ordinal)) w.WriteString(k, v);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>
    /// Reads an outcome back from a refined (or dropped) record: its <c>metadata.prox</c> object and the record's text.
    /// </summary>
    /// <param name="prox">The <c>metadata.prox</c> object.</param>
    /// <param name="id">The record's id.</param>
    /// <param name="text">The record's text: the refined text of a kept document, the original of a dropped one.</param>
    /// <param name="source">The record, when read from a file (kept on the outcome for writers).</param>
    /// <exception cref="InvalidDataException">Not a <c>metadata.prox</c> object, or of a newer schema.</exception>
    public static DocumentOutcome Read(JsonElement prox, string id, string text, Corpus.CorpusDocument? source = null)
    {
        if (prox.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"record '{id}': metadata.prox is a {prox.ValueKind}, not an object");
        var schema = prox.TryGetProperty("schema", out var sv) && sv.ValueKind == JsonValueKind.Number ? sv.GetInt32() : 1;
        if (schema > SchemaVersion) throw new InvalidDataException($"record '{id}': metadata.prox schema {schema} is newer than this Prox reads ({SchemaVersion})");
        return schema == 1 ? ReadV1(prox, id, text, source) : ReadV2(prox, id, text, source);
    }

    private static DocumentOutcome ReadV2(JsonElement p, string id, string text, Corpus.CorpusDocument? source)
    {
        var kept = Bool(p, "kept", true);
        ProgramStage? dropStage = kept ? null : Str(p, "dropped_by") == "doc" ? ProgramStage.Doc : ProgramStage.Chunk;
        var counts = p.TryGetProperty("counts", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        long Count(string name) => counts.ValueKind == JsonValueKind.Object ? Long(counts, name) : 0;
        return new DocumentOutcome
        {
            Id = id,
            SourceFile = Str(p, "source_file") ?? source?.SourceFile,
            SourceRecord = p.TryGetProperty("source_record", out _) ? Long(p, "source_record") : source?.SourceLine ?? 0,
            DropStage = dropStage,
            DropReason = kept ? DropReason.None : Reason(Str(p, "drop_reason")),
            Doc = p.TryGetProperty("doc", out var d) ? WithOutput(ReadStage(d, ProgramStage.Doc), Count("chars_in"), Count("words_in"), Count("tokens_in")) : null,
            Chunk = p.TryGetProperty("chunk", out var k) ? WithOutput(ReadStage(k, ProgramStage.Chunk), Count("chars_out"), Count("words_out"), Count("tokens_out")) : null,
            Text = kept ? text : "",
            OriginalText = kept ? null : text,
            LinesIn = Count("lines_in"),
            LinesOut = Count("lines_out"),
            WordsIn = Count("words_in"),
            WordsOut = Count("words_out"),
            CharactersIn = Count("chars_in"),
            CharactersOut = Count("chars_out"),
            TokensIn = Count("tokens_in"),
            TokensOut = Count("tokens_out"),
            Tokenizer = counts.ValueKind == JsonValueKind.Object ? Str(counts, "tokenizer") ?? "" : "",
            Source = source,
        };
    }

    private static StageOutcome WithOutput(StageOutcome s, long chars, long words, long tokens) =>
        s.Dropped ? s : s with { CharactersOut = chars, WordsOut = words, TokensOut = tokens };

    private static StageOutcome ReadStage(JsonElement s, ProgramStage stage)
    {
        var ops = new Dictionary<string, int>(StringComparer.Ordinal);
        if (s.TryGetProperty("operations", out var o) && o.ValueKind == JsonValueKind.Object)
            foreach (var prop in o.EnumerateObject()) ops[prop.Name] = prop.Value.GetInt32();
        var diags = new List<ProgramDiagnostic>();
        if (s.TryGetProperty("diagnostics", out var da) && da.ValueKind == JsonValueKind.Array)
            foreach (var x in da.EnumerateArray())
                diags.Add(new ProgramDiagnostic(Enum.TryParse<DiagnosticSeverity>(Str(x, "severity"), out var sev) ? sev : DiagnosticSeverity.Error,
                    (int)Long(x, "line"), (int)Long(x, "column"), Str(x, "code") ?? "", Str(x, "message") ?? ""));
        var removed = new List<RemovedRange>();
        if (s.TryGetProperty("removed_lines", out var ra) && ra.ValueKind == JsonValueKind.Array)
            foreach (var x in ra.EnumerateArray())
                removed.Add(new RemovedRange((int)Long(x, "start"), (int)Long(x, "end"), Str(x, "function") ?? "remove_lines",
                    (int)Long(x, "operation"), (int)Long(x, "program_line"), Str(x, "label")));
        var norms = new List<NormalizationOutcome>();
        if (s.TryGetProperty("normalizations", out var na) && na.ValueKind == JsonValueKind.Array)
            foreach (var x in na.EnumerateArray())
                norms.Add(new NormalizationOutcome(Str(x, "source") ?? "", Str(x, "target") ?? "", (int)Long(x, "matches"),
                    (int)Long(x, "operation"), (int)Long(x, "program_line"), Str(x, "skipped"), Str(x, "label")));
        Dictionary<string, string>? details = null;
        if (s.TryGetProperty("details", out var de) && de.ValueKind == JsonValueKind.Object)
        {
            details = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var prop in de.EnumerateObject()) details[prop.Name] = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString()! : prop.Value.GetRawText();
        }
        return new StageOutcome
        {
            Stage = stage,
            Generator = Str(s, "generator") ?? "",
            Program = Str(s, "program") ?? "",
            Requests = (int)Long(s, "requests", 1),
            Diagnostics = diags,
            ErrorCount = (int)Long(s, "error_count"),
            ParseErrors = (int)Long(s, "parse_errors"),
            Ignored = Bool(s, "ignored", false),
            Dropped = Bool(s, "dropped", false),
            DropReason = Reason(Str(s, "drop_reason")),
            Operations = ops,
            RemovedRanges = removed,
            Normalizations = norms,
            Score = s.TryGetProperty("score", out var sc) && sc.ValueKind == JsonValueKind.Number ? sc.GetDouble() : null,
            PromptTokens = Long(s, "prompt_tokens"),
            GeneratedTokens = Long(s, "generated_tokens"),
            Details = details,
            LinesRemoved = (int)Long(s, "lines_removed"),
        };
    }

    // Schema 1 (no "schema" field): backend, dialect, doc_program, chunk_program, dropped_by, drop_reason, chunks,
    // error_count, ignored, removed_lines [{start,end,operation,program_line}], normalizations. No counts.
    private static DocumentOutcome ReadV1(JsonElement p, string id, string text, Corpus.CorpusDocument? source)
    {
        var droppedBy = Str(p, "dropped_by");
        var kept = droppedBy is null;
        var backend = Str(p, "backend") ?? "";
        StageOutcome? doc = Str(p, "doc_program") is { } dp
            ? new StageOutcome { Stage = ProgramStage.Doc, Generator = backend, Program = dp, Dropped = droppedBy == "doc", DropReason = droppedBy == "doc" ? Reason(Str(p, "drop_reason")) : DropReason.None }
            : null;
        StageOutcome? chunk = null;
        if (Str(p, "chunk_program") is { } cp)
        {
            var removed = new List<RemovedRange>();
            if (p.TryGetProperty("removed_lines", out var ra) && ra.ValueKind == JsonValueKind.Array)
                foreach (var x in ra.EnumerateArray())
                    removed.Add(new RemovedRange((int)Long(x, "start"), (int)Long(x, "end"), "remove_lines", (int)Long(x, "operation"), (int)Long(x, "program_line"), null));
            chunk = new StageOutcome
            {
                Stage = ProgramStage.Chunk, Generator = backend, Program = cp, Requests = (int)Long(p, "chunks", 1),
                ErrorCount = (int)Long(p, "error_count"), Ignored = Bool(p, "ignored", false),
                Dropped = droppedBy == "chunk", DropReason = droppedBy == "chunk" ? Reason(Str(p, "drop_reason")) : DropReason.None,
                RemovedRanges = removed, LinesRemoved = removed.Sum(r => r.LineCount),
            };
        }
        return new DocumentOutcome
        {
            Id = id,
            SourceFile = source?.SourceFile,
            SourceRecord = source?.SourceLine ?? 0,
            DropStage = kept ? null : droppedBy == "doc" ? ProgramStage.Doc : ProgramStage.Chunk,
            DropReason = kept ? DropReason.None : Reason(Str(p, "drop_reason")),
            Doc = doc,
            Chunk = chunk,
            Text = kept ? text : "",
            OriginalText = kept ? null : text,
            CharactersOut = kept ? text.Length : 0,
            LinesOut = kept ? Chunking.DocumentLines.Count(text) : 0,
            Source = source,
        };
    }

    private static DropReason Reason(string? s) => Enum.TryParse<DropReason>(s, out var r) ? r : s is null ? DropReason.None : DropReason.DropDoc;
    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    private static bool Bool(JsonElement e, string name, bool fallback) => e.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.True || (v.ValueKind != JsonValueKind.False && fallback) : fallback;
    private static long Long(JsonElement e, string name, long fallback = 0) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l) ? l : fallback;
}
