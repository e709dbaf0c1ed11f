using Prox.Programs;

namespace Prox.Tests.Programs;

/// <summary>Each quirk of the published executor (prox-spec.md), one test each, on hand-made documents.</summary>
public class ReferenceDialectTests
{
    // 12 lines, 10 words each except the first and last: 2 + 100 + 3 = 105 words.
    private static readonly string Doc = string.Join("\n",
        new[] { "Menu bar" }
            .Concat(Enumerable.Range(0, 10).Select(i => $"line {i} carries exactly ten words of plain body text here"))
            .Concat(["copyright footer text"]));

    private static ExecutionResult Run(string program, string? text = null) =>
        ProgramExecutor.Execute(text ?? Doc, program, ProgramStage.Chunk, ProgramDialect.Reference);

    private static string Lines(params int[] keep) => string.Join("\n", keep.Select(i => Doc.Split('\n')[i]));

    [Fact]
    public void First_close_paren_ends_the_arguments()
    {
        // args = 'source_str="Menu)'? No: the text up to the first ')' is 'source_str="bar', one part → delete 'bar'.
        var r = Run("normalize(source_str=\"bar) x\", target_str=\"\")");
        Assert.Equal(0, r.ErrorCount);
        Assert.StartsWith("Menu \n", r.Text);
    }

    [Fact]
    public void Equals_sign_inside_a_string_cuts_the_value()
    {
        var r = Run("normalize(source_str=\"ten=words\", target_str=\"X\")");
        Assert.Equal("ten", r.Program.Operations[0].Source);
        Assert.Contains("exactly X words", r.Text);
    }

    [Fact]
    public void Comma_inside_a_string_makes_normalize_ignored_without_error()
    {
        var r = Run("normalize(source_str=\"Menu, bar\", target_str=\"\")");
        Assert.Equal(0, r.ErrorCount);
        Assert.Empty(r.Program.Operations);
        Assert.Equal(Doc, r.Text);
    }

    [Fact]
    public void One_argument_normalize_has_no_guard()
    {
        var r = Run("normalize(source_str=\" \")");
        Assert.DoesNotContain(' ', r.ProcessedText);
        Assert.Equal(12, r.WordsOut); // every line is one word now
    }

    [Fact]
    public void Two_argument_normalize_guards_empty_and_single_space_sources()
    {
        Assert.Equal(Doc, Run("normalize(source_str=\" \", target_str=\"_\")").Text);
        Assert.Equal(Doc, Run("normalize(source_str=\"\", target_str=\"_\")").Text);
    }

    [Fact]
    public void Values_lose_double_quotes_only_and_keep_escapes_literally()
    {
        var r = Run("normalize(source_str='bar', target_str=\"\\n\")");
        Assert.Equal("'bar'", r.Program.Operations[0].Source);
        Assert.Equal("\\n", r.Program.Operations[0].Target);
        Assert.Equal(Doc, r.Text); // 'bar' with quotes does not occur
    }

    [Fact]
    public void Missing_close_paren_is_an_error_and_loses_the_last_character()
    {
        // Error 1: no ')'. The slice drops the '1' of line_end=1, int('') fails: error 2 → program ignored.
        var r = Run("remove_lines(line_start=0, line_end=1");
        Assert.Equal(2, r.ErrorCount);
        Assert.True(r.Ignored);
        Assert.Equal(Doc, r.Text);
        // normalize: one error, and the value loses its closing quote only, so it still applies.
        var n = Run("normalize(source_str=\"Menu \"");
        Assert.Equal(1, n.ErrorCount);
        Assert.StartsWith("bar\n", n.Text);
    }

    [Fact]
    public void Missing_open_paren_is_an_error()
    {
        var r = Run("remove_lines\nnormalize");
        Assert.Equal(2, r.ErrorCount);
        Assert.True(r.Ignored);
    }

    [Fact]
    public void A_leading_space_hides_a_call_except_at_the_very_start()
    {
        Assert.Equal(Lines(Enumerable.Range(1, 11).ToArray()), Run("  remove_lines(line_start=0, line_end=0)").Text);
        Assert.Equal(Doc, Run("keep_chunk()\n remove_lines(line_start=0, line_end=0)").Text);
    }

    [Theory]
    [InlineData(" 1 ", 1)]
    [InlineData("+1", 1)]
    [InlineData("1_0", 10)]
    [InlineData("\u0661", 1)] // ARABIC-INDIC DIGIT ONE
    [InlineData("007", 7)]
    public void Integers_follow_python_int(string literal, long expected)
    {
        var r = Run($"remove_lines(line_start={literal}, line_end={literal})");
        Assert.Equal(0, r.ErrorCount);
        Assert.Equal(expected, r.Program.Operations[0].Start);
    }

    [Theory]
    [InlineData("1__0")]
    [InlineData("_1")]
    [InlineData("0x1")]
    [InlineData("1.0")]
    [InlineData("\u00b2")] // SUPERSCRIPT TWO is a digit but not a decimal
    [InlineData("")]
    public void Non_integers_are_errors(string literal)
    {
        Assert.Equal(1, Run($"remove_lines(line_start={literal}, line_end=2)").ErrorCount);
    }

    [Fact]
    public void Positional_arguments_are_errors()
    {
        var r = Run("remove_lines(0, 0)");
        Assert.Equal(1, r.ErrorCount);
        Assert.Equal(Doc, r.Text);
    }

    [Fact]
    public void Values_are_read_by_position_whatever_their_names()
    {
        var r = Run("remove_lines(line_end=3, line_start=1)");
        Assert.Equal(3, r.Program.Operations[0].Start);
        Assert.Equal(1, r.Program.Operations[0].End);
        Assert.Equal(Doc, r.Text); // start > end removes nothing
    }

    [Fact]
    public void Negative_start_removes_from_line_zero()
    {
        var r = Run("remove_lines(line_start=-2, line_end=1)");
        Assert.Equal(new[] { 0, 1 }, r.RemovedLines);
        Assert.Equal(0, r.ErrorCount);
    }

    [Fact]
    public void All_true_anywhere_on_the_line_removes_every_line()
    {
        var r = Run("remove_lines(line_start=3, all=True)");
        Assert.Equal("", r.ProcessedText);
        Assert.True(r.Dropped);
        Assert.Equal(Enumerable.Range(0, 12), r.RemovedLines);
    }

    [Fact]
    public void Ranges_past_the_end_count_one_error_per_merged_range()
    {
        // [10,20] and [15,30] merge into one range that starts inside and ends past the end: 1 error, lines 10-11 removed.
        var r = Run("remove_lines(line_start=10, line_end=20)\nremove_lines(line_start=15, line_end=30)");
        Assert.Equal(1, r.ErrorCount);
        Assert.Equal(new[] { 10, 11 }, r.RemovedLines);
        // Two separate ranges past the end: 2 errors → ignored.
        var two = Run("remove_lines(line_start=20, line_end=21)\nremove_lines(line_start=30, line_end=31)");
        Assert.Equal(2, two.ErrorCount);
        Assert.True(two.Ignored);
        // Adjacent ranges (start = previous end + 1) merge too: one error.
        Assert.Equal(1, Run("remove_lines(line_start=12, line_end=13)\nremove_lines(line_start=14, line_end=15)").ErrorCount);
    }

    [Fact]
    public void An_inverted_range_past_the_end_still_counts_an_error()
    {
        var r = Run("remove_lines(line_start=40, line_end=3)");
        Assert.Equal(1, r.ErrorCount);
        Assert.Empty(r.RemovedLines);
    }

    [Fact]
    public void Merge_order_follows_a_stable_sort()
    {
        // (40,3) then (40,50): the first does not absorb the second (40 > 3+1): two merged ranges, two errors.
        Assert.Equal(2, Run("remove_lines(line_start=40, line_end=3)\nremove_lines(line_start=40, line_end=50)").ErrorCount);
        // (40,50) then (40,3): merged into (40,50): one error.
        Assert.Equal(1, Run("remove_lines(line_start=40, line_end=50)\nremove_lines(line_start=40, line_end=3)").ErrorCount);
    }

    [Fact]
    public void Normalizations_run_before_removals_over_the_whole_text()
    {
        var r = Run("remove_lines(line_start=0, line_end=0)\nnormalize(source_str=\"Menu bar\", target_str=\"kept\")");
        Assert.DoesNotContain("kept", r.Text);
        Assert.Equal(1, r.Normalizations[0].Matches);
    }

    [Fact]
    public void Five_percent_rule_uses_python_float_arithmetic()
    {
        // 100 words; keep exactly 5 → 5/100 = 0.05 ≤ 1 − 0.95 (0.05000000000000004): dropped by the ratio rule.
        var text = string.Join("\n", Enumerable.Range(0, 20).Select(i => $"w{i} a b c d"));
        var r = ProgramExecutor.Execute(text, "remove_lines(line_start=1, line_end=19)", ProgramStage.Chunk, ProgramDialect.Reference);
        Assert.Equal(5, r.WordsOut);
        Assert.Equal(DropReason.FewWordsLeftFraction, r.DropReason);
    }

    [Fact]
    public void Ten_words_left_drops_even_an_ignored_program()
    {
        var r = Run("foo\nremove_lines\nremove_lines", "only nine words are in this short little text");
        Assert.True(r.Ignored);
        Assert.True(r.Dropped);
        Assert.Equal(DropReason.FewWordsLeft, r.DropReason);
    }

    [Fact]
    public void Two_errors_disable_the_ratio_rule_and_keep_the_original()
    {
        // 25 lines of 10 words + one of 12: keeping only the last line leaves 12/262 ≈ 4.6 % of the words, but 12 > 10.
        var text = string.Join("\n", Enumerable.Range(0, 25).Select(i => $"l{i} b c d e f g h i j").Append("k l m n o p q r s t u v"));
        var clean = ProgramExecutor.Execute(text, "remove_lines(line_start=0, line_end=24)", ProgramStage.Chunk, ProgramDialect.Reference);
        Assert.Equal(DropReason.FewWordsLeftFraction, clean.DropReason);
        var r = ProgramExecutor.Execute(text, "remove_lines(line_start=0, line_end=24)\nremove_lines(a)\nremove_lines(b)", ProgramStage.Chunk, ProgramDialect.Reference);
        Assert.False(r.Dropped);
        Assert.True(r.Ignored);
        Assert.Equal(text, r.Text);
        Assert.Empty(r.RemovedLines);
    }

    [Fact]
    public void A_document_without_words_is_dropped_not_a_crash()
    {
        var r = Run("keep_chunk()", " \n\t\n");
        Assert.True(r.Dropped);
        Assert.Equal(DropReason.NoWords, r.DropReason);
        Assert.Equal(DropReason.NoWords, ProgramExecutor.Execute("", "", ProgramStage.Chunk, ProgramDialect.Strict).DropReason);
    }

    [Fact]
    public void Carriage_returns_stay_part_of_lines()
    {
        var text = "a b c d e f\r\ng h i j k l\r\nm n o p q r";
        var r = Run("remove_lines(line_start=1, line_end=1)", text);
        Assert.Equal("a b c d e f\r\nm n o p q r", r.Text);
    }

    [Fact]
    public void Word_counts_follow_python_whitespace()
    {
        // U+001C..U+001F and U+3000 are whitespace in Python; U+200B (zero width space) is not.
        var text = "a\u001cb\u3000c d\u200be f g h i j k l";
        var r = Run("keep_chunk()", text);
        Assert.Equal(11, r.WordsIn);
    }

    [Theory]
    [InlineData("drop_doc()", true)]
    [InlineData(" drop_doc() ", true)]
    [InlineData("Drop_doc()", false)]
    [InlineData("I will not drop this", true)]
    [InlineData("keep_doc()", false)]
    [InlineData("", false)]
    public void Doc_stage_drops_iff_the_output_contains_drop(string program, bool dropped)
    {
        var r = ProgramExecutor.Execute(Doc, program, ProgramStage.Doc, ProgramDialect.Reference);
        Assert.Equal(dropped, r.Dropped);
        Assert.Equal(dropped ? "" : Doc, r.Text);
    }

    [Fact]
    public void Only_spaces_are_stripped_from_the_program()
    {
        // A leading tab is not stripped, so the call is hidden.
        Assert.Equal(Doc, Run("\tremove_lines(line_start=0, line_end=0)").Text);
    }
}
