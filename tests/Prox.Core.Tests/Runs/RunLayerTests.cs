using System.Text.Json;
using Prox.Generation;
using Prox.Programs;
using Prox.Refinement;
using Prox.Runs;
using Prox.Tests.Corpus;
using Prox.Tests.Refinement;

namespace Prox.Tests.Runs;

public class RunLayerTests
{
    private static readonly RefineOptions Words = new() { Tokenizer = "whitespace", Threads = 1 };

    private static string Page(int i) =>
        $"Home | News | Contact\nParagraph {i} explains the harbour and the ferry times in plain words for every reader.\n" +
        $"A second sentence of page {i} says a little more about the new bridge over the river.\nCopyright 2026 Example. All rights reserved.";

    private static string Record(string id, string text) => JsonSerializer.Serialize(new { id, text, metadata = new { url = $"https://example.org/{id}" } });

    [Theory]
    [InlineData("rules", "rules", "", "rules")]
    [InlineData("rules:C4", "rules", "C4", "rules:C4")]
    [InlineData("RULES:c4?minwords=40&C4Document=true", "rules", "c4", "rules:c4?C4Document=true&minwords=40")]
    [InlineData("/models/web-doc", "model", "/models/web-doc", "model:/models/web-doc")]
    [InlineData("./models/chunk", "model", "./models/chunk", "model:./models/chunk")]
    [InlineData("C:\\models\\doc", "model", "C:\\models\\doc", "model:C:\\models\\doc")]
    [InlineData("model:/m?provider=Cpu", "model", "/m", "model:/m?provider=Cpu")]
    public void Generator_specs_parse_into_kind_argument_options_and_print_canonically(string text, string kind, string argument, string canonical)
    {
        var spec = GeneratorSpec.Parse(text);
        Assert.Equal(kind, spec.Kind);
        Assert.Equal(argument, spec.Argument);
        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(spec, GeneratorSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void Bad_specs_and_unknown_names_are_refused_with_what_is_known()
    {
        Assert.Throws<FormatException>(() => GeneratorSpec.Parse(" "));
        Assert.Throws<FormatException>(() => GeneratorSpec.Parse("rules:C4?MinWords"));
        var kind = Assert.Throws<ArgumentException>(() => ProgramGenerators.Create("server:http"));
        Assert.Contains("rules", kind.Message);
        var preset = Assert.Throws<ArgumentException>(() => ProgramGenerators.Create("rules:Bogus"));
        Assert.Contains("C4", preset.Message);
        var option = Assert.Throws<ArgumentException>(() => ProgramGenerators.Create("rules:C4?NoSuchOption=1"));
        Assert.Contains("NoSuchOption", option.Message);
        Assert.Contains("MinWords", option.Message);
        var value = Assert.Throws<ArgumentException>(() => ProgramGenerators.Create("rules:C4?MinWords=many"));
        Assert.Contains("integer", value.Message);
    }

    [Fact]
    public void Rules_specs_with_overrides_change_the_options_and_are_recorded_canonically()
    {
        using var g = ProgramGenerators.Create("rules:c4?c4minlinewords=5");
        var rules = Assert.IsType<Prox.Rules.RulesRefiner>(g);
        Assert.Equal(5, rules.Options.C4MinLineWords);
        Assert.Equal("rules:C4?C4MinLineWords=5", g.Name);
        Assert.Equal("5", g.Describe()["C4MinLineWords"]);
    }

    [Fact]
    public void Provenance_round_trips_the_outcome()
    {
        using var rules = ProgramGenerators.Create("rules:ProxRules");
        var refiner = new DocumentRefiner(rules, Words);
        var outcome = refiner.Refine(Page(1) + "\nShare on Facebook\nShare on Twitter", "p1");
        Assert.True(outcome.Kept);
        Assert.NotEmpty(outcome.Chunk!.RemovedRanges);
        Assert.All(outcome.Chunk.RemovedRanges, r => Assert.False(string.IsNullOrEmpty(r.Label)));
        var json = OutcomeProvenance.ToUtf8(outcome);
        using var doc = JsonDocument.Parse(json);
        var back = OutcomeProvenance.Read(doc.RootElement, outcome.Id, outcome.Text);
        Assert.Equal(outcome.Kept, back.Kept);
        Assert.Equal(outcome.DropReason, back.DropReason);
        Assert.Equal((outcome.LinesIn, outcome.LinesOut, outcome.WordsIn, outcome.WordsOut), (back.LinesIn, back.LinesOut, back.WordsIn, back.WordsOut));
        Assert.Equal((outcome.CharactersIn, outcome.CharactersOut, outcome.TokensIn, outcome.TokensOut), (back.CharactersIn, back.CharactersOut, back.TokensIn, back.TokensOut));
        Assert.Equal(outcome.Tokenizer, back.Tokenizer);
        Assert.Equal(outcome.Doc!.Program, back.Doc!.Program);
        Assert.Equal(outcome.Chunk.Program, back.Chunk!.Program);
        Assert.Equal(outcome.Chunk.RemovedRanges, back.Chunk.RemovedRanges);
        Assert.Equal(outcome.Chunk.Normalizations, back.Chunk.Normalizations);
        Assert.Equal(outcome.Chunk.Operations, back.Chunk.Operations);
        Assert.Equal(outcome.Chunk.LinesRemoved, back.Chunk.LinesRemoved);
        Assert.Equal(outcome.Doc.Generator, back.Doc.Generator);
    }

    [Fact]
    public void A_newer_provenance_schema_is_refused_and_schema_1_is_read()
    {
        using var newer = JsonDocument.Parse("""{"schema": 99}""");
        Assert.Throws<InvalidDataException>(() => OutcomeProvenance.Read(newer.RootElement, "x", "t"));
        using var v1 = JsonDocument.Parse("""{"backend":"rules","dialect":"Strict","doc_program":"keep_doc()","chunk_program":"remove_lines(line_start=0, line_end=0)","chunks":1,"error_count":0,"ignored":false,"removed_lines":[{"start":0,"end":0,"operation":0,"program_line":1}]}""");
        var o = OutcomeProvenance.Read(v1.RootElement, "x", "kept text");
        Assert.True(o.Kept);
        Assert.Equal("keep_doc()", o.Doc!.Program);
        Assert.Equal(1, o.Chunk!.LinesRemoved);
    }

    [Fact]
    public void A_refined_folder_reads_back_as_the_outcomes_the_run_made()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in.jsonl", Enumerable.Range(0, 30).Select(i => Record($"d{i}", i % 5 == 0 ? "spam" : Page(i))).ToArray());
        using var rules = ProgramGenerators.Create("rules");
        var expected = new DocumentRefiner(rules, Words).Refine(Prox.Corpus.CorpusReader.ReadDocuments(input, _ => { })).ToList();
        var summary = new CorpusRefiner(rules, Words).Run([input], t.PathOf("out"));
        var run = RunFolder.Open(t.PathOf("out"));
        Assert.Single(run.Markers);
        Assert.Equal(summary.DocumentsIn, run.Summary().DocumentsIn);
        var kept = run.ReadOutcomes().ToList();
        Assert.Equal(summary.DocumentsOut, kept.Count);
        var all = run.ReadOutcomes(includeDropped: true).ToList();
        Assert.Equal(summary.DocumentsIn, all.Count);
        foreach (var o in all)
        {
            var e = expected.Single(x => x.Id == o.Id);
            Assert.Equal(e.Kept, o.Kept);
            Assert.Equal(e.TokensOut, o.TokensOut);
            Assert.Equal(e.Chunk?.Program, o.Chunk?.Program);
            Assert.Equal("in.jsonl", o.SourceFile);
            Assert.Equal(e.SourceRecord, o.SourceRecord);
        }
    }

    [Fact]
    public void Two_runs_into_one_folder_at_once_cannot_both_write()
    {
        using var t = new CorpusTestFiles();
        var input = t.WriteLines("in.jsonl", Record("a", Page(1)));
        var started = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        using var slow = new ScriptedGenerator(r => { started.Set(); release.Wait(TimeSpan.FromSeconds(30)); return r.Stage == ProgramStage.Doc ? "keep_doc()" : "keep_chunk()"; });
        var first = Task.Run(() => new CorpusRefiner(slow, Words).Run([input], t.PathOf("out")));
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        using var quick = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "keep_doc()" : "keep_chunk()");
        var ex = Assert.Throws<IOException>(() => new CorpusRefiner(quick, Words).Run([input], t.PathOf("out")));
        Assert.Contains("another run", ex.Message);
        release.Set();
        Assert.Equal(1, first.GetAwaiter().GetResult().DocumentsOut);
    }

    [Fact]
    public void An_input_reached_through_a_symbolic_link_into_the_output_folder_is_never_overwritten()
    {
        if (OperatingSystem.IsWindows()) return;
        using var t = new CorpusTestFiles();
        var real = t.WriteLines("data/x.jsonl", Record("a", Page(1)));
        Directory.CreateDirectory(t.PathOf("out"));
        // out/x.jsonl would be the output of "link/x.jsonl", and link → out: the input is the output.
        File.Copy(real, t.PathOf("out/x.jsonl"));
        Directory.CreateSymbolicLink(t.PathOf("link"), t.PathOf("out"));
        var before = File.ReadAllBytes(t.PathOf("out/x.jsonl"));
        using var rules = ProgramGenerators.Create("rules");
        var ex = Assert.Throws<IOException>(() => new CorpusRefiner(rules, Words with { Force = true }).Run([t.PathOf("link/x.jsonl")], t.PathOf("out")));
        Assert.Contains("overwrite the input", ex.Message);
        Assert.Equal(before, File.ReadAllBytes(t.PathOf("out/x.jsonl")));
    }

    [Fact]
    public void A_bad_file_fails_its_unit_and_the_run_goes_on()
    {
        using var t = new CorpusTestFiles();
        var good = t.WriteLines("a.jsonl", Record("a", Page(1)));
        // A file whose records cannot be used (here: the generator rejects its data) fails its own unit only.
        var bad = t.WriteLines("b.jsonl", Record("b", "poison " + Page(2)));
        var later = t.WriteLines("c.jsonl", Record("c", Page(3)));
        using var picky = new ScriptedGenerator(r => r.DocumentText.StartsWith("poison") ? throw new InvalidDataException("record b: not usable")
            : r.Stage == ProgramStage.Doc ? "keep_doc()" : "keep_chunk()");
        var warnings = new List<string>();
        var ex = Assert.Throws<RunFailedException>(() => new CorpusRefiner(picky, Words) { Warn = warnings.Add }.Run([good, bad, later], t.PathOf("out")));
        Assert.Single(ex.Failures);
        Assert.Contains("b.jsonl", ex.Failures[0]);
        Assert.Contains("not usable", ex.Failures[0]);
        Assert.Equal(2, ex.Summary.UnitsDone);
        Assert.Equal(3, ex.Summary.UnitsPlanned);
        Assert.True(File.Exists(t.PathOf("out/c.jsonl")));
        Assert.False(File.Exists(t.PathOf("out/b.jsonl")));
        Assert.Single(warnings);
        // The rerun retries only the failed unit.
        using var fine = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "keep_doc()" : "keep_chunk()");
        var retried = new CorpusRefiner(fine, Words).Run([good, bad, later], t.PathOf("out"));
        Assert.Equal(2, retried.UnitsSkipped);
        Assert.Equal(3, retried.UnitsDone);
        Assert.Equal(1, fine.Calls > 0 ? retried.Files.Count(f => f.Input.EndsWith("b.jsonl")) : 0);
    }

    [Fact]
    public void Corpus_context_removes_lines_many_documents_of_the_unit_hold_and_only_when_asked()
    {
        using var t = new CorpusTestFiles();
        const string footer = "Our harbour office opens at nine in the morning on every weekday except holidays.";
        // Lines are normalized (digits too) before counting, so the pages differ in words, not only in numbers.
        string[] topics = ["ferry", "bridge", "market", "school", "library", "stadium"];
        var input = t.WriteLines("site.jsonl", Enumerable.Range(0, 6).Select(i => Record($"s{i}",
            $"This page explains the {topics[i]} and what changes for every reader of the {topics[i]} news this spring.\n" +
            $"A second sentence says a little more about the {topics[i]} plans, the cost and the new opening hours.\n{footer}")).ToArray());
        using var plain = ProgramGenerators.Create("rules:ProxRules");
        using var withContext = ProgramGenerators.Create("rules:ProxRules?CorpusContext=true");
        Assert.False(((ICorpusContextGenerator)plain).WantsCorpusContext);
        Assert.True(((ICorpusContextGenerator)withContext).WantsCorpusContext);
        new CorpusRefiner(plain, Words).Run([input], t.PathOf("plain"));
        new CorpusRefiner(withContext, Words).Run([input], t.PathOf("context"));
        var kept = RunFolder.Open(t.PathOf("plain")).ReadOutcomes().ToList();
        var cleaned = RunFolder.Open(t.PathOf("context")).ReadOutcomes().ToList();
        Assert.All(kept, o => Assert.Contains(footer, o.Text));
        Assert.Equal(6, cleaned.Count);
        Assert.All(cleaned, o => Assert.DoesNotContain(footer, o.Text));
        Assert.All(cleaned, o => Assert.Contains(o.Chunk!.RemovedRanges, r => r.Label == "prox.corpus_repeated"));
        Assert.Equal("rules:ProxRules?CorpusContext=true", RunFolder.Open(t.PathOf("context")).Summary().ChunkGenerator!.Spec);
    }
}
