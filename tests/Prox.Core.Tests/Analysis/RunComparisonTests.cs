using Prox.Analysis;
using Prox.Programs;
using Prox.Refinement;
using Xunit;

namespace Prox.Core.Tests.Analysis;

public sealed class RunComparisonTests
{
    private static DocumentOutcome Kept(string id, string text, long linesIn, params RemovedRange[] removed) => new()
    {
        Id = id, SourceFile = "/runs/a/part.jsonl", SourceRecord = 1, Text = text, LinesIn = linesIn, CharactersOut = text.Length, TokensOut = text.Length / 4,
        Chunk = new StageOutcome { Stage = ProgramStage.Chunk, Generator = "rules:ProxRules", Program = "", RemovedRanges = removed },
    };

    private static DocumentOutcome Dropped(string id, DropReason reason, string original) => new()
    {
        Id = id, SourceFile = "/runs/b/part.jsonl", SourceRecord = 2, Text = "", OriginalText = original, LinesIn = original.Split('\n').Length,
        DropStage = ProgramStage.Doc, DropReason = reason,
    };

    [Fact]
    public void Classifies_every_document_and_counts_reasons_and_files()
    {
        DocumentOutcome[] a = [Kept("x", "one", 1), Kept("y", "two", 1), Dropped("z", DropReason.DropDoc, "z"), Kept("only-a", "a", 1), Dropped("w", DropReason.DropDoc, "w")];
        DocumentOutcome[] b = [Kept("x", "one", 1), Dropped("y", DropReason.FewWordsLeft, "two"), Kept("z", "z", 1), Kept("only-b", "b", 1), Dropped("w", DropReason.NoWords, "w")];
        var c = RunComparison.Compare(a, b);
        var kinds = c.Documents.ToDictionary(d => d.Id, d => d.Kind);
        Assert.Equal(DifferenceKind.Same, kinds["x"]);
        Assert.Equal(DifferenceKind.DroppedInB, kinds["y"]);
        Assert.Equal(DifferenceKind.KeptInB, kinds["z"]);
        Assert.Equal(DifferenceKind.OnlyInA, kinds["only-a"]);
        Assert.Equal(DifferenceKind.OnlyInB, kinds["only-b"]);
        Assert.Equal(DifferenceKind.ReasonChanged, kinds["w"]);
        Assert.DoesNotContain(c.Changed, d => d.Id == "x");
        var reasons = c.Reasons.ToDictionary(r => r.Reason);
        Assert.Equal((3, 3), (reasons["Kept"].CountA, reasons["Kept"].CountB));
        Assert.Equal((2, 0), (reasons["DropDoc"].CountA, reasons["DropDoc"].CountB));
        var file = Assert.Single(c.Files);
        Assert.Equal("part.jsonl", file.File);
        Assert.Equal(3, file.KeptA);
        Assert.Equal(2, file.DroppedB);
        Assert.Equal(5, file.Changed);
    }

    [Fact]
    public void Text_that_differs_is_TextChanged_and_duplicate_ids_match_in_order()
    {
        var c = RunComparison.Compare([Kept("x", "one", 2), Kept("x", "dup", 1)], [Kept("x", "one\ntwo", 2), Kept("x", "dup", 1)]);
        Assert.Equal([DifferenceKind.TextChanged, DifferenceKind.Same], c.Documents.Select(d => d.Kind));
    }

    [Fact]
    public void Lines_say_what_each_run_did_and_which_call_removed_them()
    {
        var a = Kept("d", "kept one\nkept three", 4, new RemovedRange(0, 0, "remove_lines", 0, 1, "prox.navigation"), new RemovedRange(2, 2, "remove_lines", 1, 2, null));
        var b = Dropped("d", DropReason.DropDoc, "nav\nkept one\nshare\nkept three");
        var lines = RunComparison.CompareLines(a, b);
        Assert.Equal(4, lines.Count);
        Assert.Equal(["removed", "kept", "removed", "kept"], lines.Select(l => l.InA));
        Assert.All(lines, l => Assert.Equal("dropped", l.InB));
        Assert.Contains("program line 1", lines[0].CallA);
        Assert.Contains("prox.navigation", lines[0].CallA);
        Assert.Equal("kept one", lines[1].TextA);
        Assert.Equal("share", lines[2].TextB);
        Assert.Equal(["absent", "absent", "absent", "absent"], RunComparison.CompareLines(null, b).Select(l => l.InA));
    }
}
