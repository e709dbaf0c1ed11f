using Prox.Programs;

namespace Prox.Tests.Programs;

/// <summary>The Strict grammar and its diagnostics.</summary>
public class StrictDialectTests
{
    private static ProxProgram Parse(string program, int? lineCount = null, ProgramStage stage = ProgramStage.Chunk) =>
        ProxProgram.Parse(program, stage, ProgramDialect.Strict, lineCount);

    private static ProgramDiagnostic Single(ProxProgram p, string code) => Assert.Single(p.Diagnostics, d => d.Code == code);

    [Fact]
    public void Keyword_and_positional_arguments_in_documented_order()
    {
        var p = Parse("remove_lines(line_start=1, line_end=2)\nremove_lines(3, 4)\nremove_lines(5, line_end=6)\nnormalize('a', \"b\")\nnormalize(source_str=\"c\")");
        Assert.True(p.IsValid);
        Assert.Equal([(1L, 2L), (3L, 4L), (5L, 6L)], p.Operations.Where(o => o.Kind == OperationKind.RemoveLines).Select(o => (o.Start, o.End)));
        Assert.Equal(("a", "b"), (p.Operations[3].Source, p.Operations[3].Target));
        Assert.True(p.Operations[4].IsDeletionForm);
        Assert.Equal("", p.Operations[4].Target);
    }

    [Fact]
    public void Keywords_bind_by_name_in_any_order()
    {
        var p = Parse("remove_lines(line_end=9, line_start=3)");
        Assert.Equal((3L, 9L), (p.Operations[0].Start, p.Operations[0].End));
        Assert.False(p.IsPortable); // the published executor reads values by position
    }

    [Fact]
    public void Strings_take_escapes_and_either_quote()
    {
        var p = Parse("normalize(source_str='it\\'s \"here\"', target_str=\"a\\\\b\\n\\t\\u00e9\\x41\")");
        Assert.True(p.IsValid);
        Assert.Equal("it's \"here\"", p.Operations[0].Source);
        Assert.Equal("a\\b\n\té" + "A", p.Operations[0].Target);
    }

    [Fact]
    public void Commas_parens_and_equals_inside_strings_are_just_text()
    {
        var p = Parse("normalize(source_str=\"a, b) = c\", target_str=\"\")");
        Assert.True(p.IsValid);
        Assert.Equal("a, b) = c", p.Operations[0].Source);
        Assert.False(p.IsPortable);
    }

    [Fact]
    public void Comments_blank_lines_fences_and_crlf_are_tolerated()
    {
        var p = Parse("```python\r\n# nav bar\r\n\r\nremove_lines(line_start=0, line_end=0)  # the menu\r\n   \r\nkeep_chunk()\r\n```");
        Assert.True(p.IsValid);
        Assert.Equal(2, p.Operations.Count);
        Assert.Equal(4, p.Operations[0].SourceLine);
    }

    [Theory]
    [InlineData("remove_line(1, 2)", DiagnosticCodes.UnknownFunction, 1)]
    [InlineData("remove_lines(1)", DiagnosticCodes.WrongArity, 1)]
    [InlineData("remove_lines(1, 2, 3)", DiagnosticCodes.WrongArity, 20)]
    [InlineData("keep_chunk(1)", DiagnosticCodes.WrongArity, 12)]
    [InlineData("normalize(source_str=\"abc, target_str=\"\")", DiagnosticCodes.Syntax, 40)]
    [InlineData("normalize(source_str=\"abc)", DiagnosticCodes.UnterminatedString, 22)]
    [InlineData("normalize(source_str=\"\", target_str=\"x\")", DiagnosticCodes.EmptyNormalizeSource, 22)]
    [InlineData("normalize(source_str=\" \", target_str=\"x\")", DiagnosticCodes.EmptyNormalizeSource, 22)]
    [InlineData("normalize(source_str=abc)", DiagnosticCodes.BadArguments, 22)]
    [InlineData("remove_lines(line_start=1, line_end=2", DiagnosticCodes.MissingCloseParen, 38)]
    [InlineData("remove_lines line_start=1", DiagnosticCodes.MissingOpenParen, 14)]
    [InlineData("remove_lines(line_start=1, stop=2)", DiagnosticCodes.BadKeyword, 28)]
    [InlineData("remove_lines(line_start=1, line_start=2)", DiagnosticCodes.BadKeyword, 28)]
    [InlineData("remove_lines(line_start=5, line_end=2)", DiagnosticCodes.EmptyRange, 25)]
    [InlineData("remove_lines(line_start=-1, line_end=2)", DiagnosticCodes.LineOutOfRange, 25)]
    [InlineData("remove_lines(line_start=1.5, line_end=2)", DiagnosticCodes.BadArguments, 25)]
    [InlineData("remove_lines(all=False)", DiagnosticCodes.BadArguments, 18)]
    [InlineData("remove_lines(line_start=1, line_end=2) extra", DiagnosticCodes.Syntax, 40)]
    [InlineData("Remove the navigation.", DiagnosticCodes.UnknownFunction, 1)]
    [InlineData("normalize(\"a\\q\")", DiagnosticCodes.Syntax, 13)]
    public void Each_problem_is_a_diagnostic_with_a_column(string program, string code, int column)
    {
        var p = Parse(program);
        Assert.False(p.IsValid);
        var d = Single(p, code);
        Assert.Equal(1, d.Line);
        Assert.Equal(column, d.Column);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(1, p.ErrorCount);
    }

    [Fact]
    public void Line_numbers_out_of_range_are_reported_when_the_line_count_is_known()
    {
        var p = Parse("remove_lines(line_start=0, line_end=2)\nremove_lines(line_start=5, line_end=12)", lineCount: 10);
        var d = Single(p, DiagnosticCodes.LineOutOfRange);
        Assert.Equal(2, d.Line);
        Assert.Contains("12", d.Message);
        Assert.True(Parse("remove_lines(line_start=5, line_end=12)").IsValid);
    }

    [Fact]
    public void Overlapping_ranges_are_warnings()
    {
        var p = Parse("remove_lines(line_start=0, line_end=5)\nremove_lines(line_start=3, line_end=8)\nremove_lines(line_start=9, line_end=9)");
        Assert.True(p.IsValid);
        var d = Single(p, DiagnosticCodes.OverlappingRanges);
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.Equal(2, d.Line);
    }

    [Fact]
    public void Stage_foreign_calls_are_flagged()
    {
        Assert.Equal(DiagnosticSeverity.Warning, Single(Parse("drop_doc()"), DiagnosticCodes.WrongStage).Severity);
        Assert.Equal(DiagnosticSeverity.Error, Single(Parse("remove_lines(line_start=0, line_end=1)", stage: ProgramStage.Doc), DiagnosticCodes.WrongStage).Severity);
        var conflict = Parse("keep_doc()\ndrop_doc()", stage: ProgramStage.Doc);
        Assert.True(conflict.DropsDocument);
        Single(conflict, DiagnosticCodes.Conflict);
    }

    [Fact]
    public void Doc_stage_in_strict_needs_a_real_call()
    {
        Assert.True(ProgramExecutor.Execute("a b c", "drop_doc()", ProgramStage.Doc).Dropped);
        var prose = ProgramExecutor.Execute("a b c", "I will not drop this", ProgramStage.Doc);
        Assert.False(prose.Dropped);
        Assert.False(prose.Program.IsValid);
        Assert.False(prose.Program.IsPortable);
    }

    [Fact]
    public void Errors_count_per_call_and_two_ignore_the_program()
    {
        var text = string.Join("\n", Enumerable.Range(0, 5).Select(i => $"line {i} has a handful of words in it"));
        var r = ProgramExecutor.Execute(text, "remove_lines(line_start=0, line_end=0)\nfoo()\nnormalize(source_str=\"\")");
        Assert.Equal(2, r.ErrorCount);
        Assert.True(r.Ignored);
        Assert.Equal(text, r.Text);
    }

    [Fact]
    public void Limits_stop_oversized_programs()
    {
        var options = new ExecutorOptions { MaxOperations = 3, MaxProgramLength = 200 };
        var many = ProxProgram.Parse(string.Join("\n", Enumerable.Repeat("keep_chunk()", 5)), options: options);
        Assert.True(many.LimitExceeded);
        Single(many, DiagnosticCodes.LimitExceeded);
        var longOne = ProxProgram.Parse(new string('#', 500), options: options);
        Assert.True(longOne.LimitExceeded);
        var text = string.Join("\n", Enumerable.Range(0, 5).Select(i => $"line {i} has a handful of words in it"));
        var r = ProgramExecutor.Execute(text, longOne);
        Assert.True(r.Ignored);
        Assert.Equal(text, r.Text);
    }

    [Fact]
    public void Normalizations_may_not_grow_the_document_without_bound()
    {
        var text = string.Join(" ", Enumerable.Repeat("a", 100));
        var program = string.Join("\n", Enumerable.Repeat("normalize(source_str=\"a\", target_str=\"aaaaaaaaaa\")", 30));
        foreach (var dialect in new[] { ProgramDialect.Strict, ProgramDialect.Reference })
        {
            var r = ProgramExecutor.Execute(text, program, ProgramStage.Chunk, dialect);
            Assert.True(r.ProcessedText.Length <= ExecutorOptions.Default.GrowthLimit(text.Length));
            Assert.Contains(r.Normalizations, n => n.Skipped is not null && n.Skipped.Contains("grow"));
        }
    }

    [Fact]
    public void Results_say_which_call_removed_which_lines()
    {
        var text = string.Join("\n", Enumerable.Range(0, 30).Select(i => $"line {i} has a handful of words in it"));
        var r = ProgramExecutor.Execute(text, "# header\nremove_lines(line_start=5, line_end=9)\nremove_lines(line_start=0, line_end=6)\nremove_lines(line_start=20, line_end=20)");
        Assert.Equal([new LineRemoval(0, 4, 1, 3), new LineRemoval(5, 9, 0, 2), new LineRemoval(20, 20, 2, 4)], r.LineRemovals);
        Assert.Equal(Enumerable.Range(0, 10).Append(20), r.RemovedLines);
    }

    [Theory]
    [InlineData("remove_lines(line_start=3, line_end=9)")]
    [InlineData("remove_lines(all=True)")]
    [InlineData("normalize(source_str=\"Click here\", target_str=\"\")")]
    [InlineData("normalize(source_str=\"x\")")]
    [InlineData("normalize(source_str=\"say \\\"hi\\\"\\\\\", target_str=\"a\\nb\\u0001\")")]
    [InlineData("keep_chunk()\nskip_chunk()\nuntouch_doc()")]
    public void Canonical_text_is_a_fixed_point(string canonical)
    {
        var p = Parse(canonical);
        Assert.True(p.IsValid);
        Assert.Equal(canonical, p.ToCanonicalString());
    }

    [Fact]
    public void Canonical_form_normalizes_style()
    {
        var p = Parse("  remove_lines( 3 ,9 ) # nav\nnormalize('x' , 'y',)");
        Assert.Equal("remove_lines(line_start=3, line_end=9)\nnormalize(source_str=\"x\", target_str=\"y\")", p.ToCanonicalString());
    }
}
