using Prox.Programs;

namespace Prox.Tests.Programs;

/// <summary>Hostile programs (issue 10): a bounded amount of work per document, and no split surrogate pairs.</summary>
public class ExecutorBoundsTests
{
    [Theory]
    [InlineData(ProgramDialect.Strict)]
    [InlineData(ProgramDialect.Reference)]
    public void Normalize_never_matches_half_of_a_surrogate_pair(ProgramDialect dialect)
    {
        var text = "emoji 😀 here and 😀 there, a lone \ud83d high half, and words enough to keep the document whole.";
        // Strict escapes can write lone halves; Reference takes the characters as they are.
        var high = dialect == ProgramDialect.Strict ? "normalize(source_str=\"\\ud83d\", target_str=\"X\")" : "normalize(source_str=\"\ud83d\", target_str=\"X\")";
        var low = dialect == ProgramDialect.Strict ? "normalize(source_str=\"\\ude00 \", target_str=\"Y\")" : "normalize(source_str=\"\ude00 \", target_str=\"Y\")";
        var r = ProgramExecutor.Execute(text, high + "\n" + low, ProgramStage.Chunk, dialect);
        // Before: the high half of each 😀 became X, leaving lone low halves (invalid text).
        Assert.False(r.Ignored);
        Assert.Equal(text.Replace("lone \ud83d high", "lone X high"), r.Text);
        Assert.Equal([1, 0], r.Normalizations.Select(n => n.Matches));
        // A whole pair still matches.
        Assert.Equal(text.Replace("😀", "[ok]"), ProgramExecutor.Execute(text, "normalize(source_str=\"😀\", target_str=\"[ok]\")", ProgramStage.Chunk, dialect).Text);
    }

    [Fact]
    public void Normalizations_past_the_work_budget_stop_the_program_and_keep_the_document()
    {
        // 9,000 normalizations over a 2.3 MB document (10,000 is the operation limit): minutes before, now stopped after
        // about MaxNormalizeWork characters.
        var line = "A line of ordinary words for the budget test, with Click here in it.\n";
        var text = string.Concat(Enumerable.Repeat(line, 2_300_000 / line.Length));
        var program = string.Join("\n", Enumerable.Range(0, 9_000).Select(i => $"normalize(source_str=\"absent-{i}\", target_str=\"\")")) +
                      "\nremove_lines(line_start=0, line_end=3)";
        var r = ProgramExecutor.Execute(text, program);
        Assert.True(r.WorkLimitExceeded);
        Assert.True(r.Ignored);
        Assert.False(r.Dropped);
        Assert.Same(text, r.Text);
        Assert.Empty(r.RemovedLines);
        var stopped = r.Normalizations[^1];
        Assert.StartsWith("work limit", stopped.Skipped);
        // The calls that ran stayed within the budget: each scanned the whole text once.
        var ran = r.Normalizations.Count - 1;
        Assert.Equal(ExecutorOptions.Default.MaxNormalizeWork / text.Length, ran);
        var d = Assert.Single(r.Diagnostics, d => d.Code == DiagnosticCodes.WorkLimitExceeded);
        Assert.Equal(ran + 1, d.Line);
    }

    [Fact]
    public void Work_budget_counts_scans_and_writes_and_is_an_option()
    {
        var text = string.Concat(Enumerable.Repeat("alpha beta gamma delta epsilon zeta eta theta iota kappa\n", 100));
        var options = ExecutorOptions.Default with { MaxNormalizeWork = text.Length * 5 / 2 };
        // A call that matches scans and writes the text (2 × length); the second call's scan would take it past 2.5 × length.
        var r = ProgramExecutor.Execute(text, "normalize(source_str=\"alpha\", target_str=\"ALPHA\")\nnormalize(source_str=\"beta\", target_str=\"BETA\")",
            ProgramStage.Chunk, ProgramDialect.Strict, options);
        Assert.True(r.WorkLimitExceeded);
        Assert.Equal(text, r.Text);
        Assert.Equal([100, 0], r.Normalizations.Select(n => n.Matches));
        // Within the budget: as before.
        var fine = ProgramExecutor.Execute(text, "normalize(source_str=\"alpha\", target_str=\"ALPHA\")", ProgramStage.Chunk, ProgramDialect.Strict, options);
        Assert.False(fine.WorkLimitExceeded);
        Assert.Equal(text.Replace("alpha", "ALPHA"), fine.Text);
    }
}
