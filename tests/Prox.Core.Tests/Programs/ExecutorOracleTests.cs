using System.Text;
using Prox.Programs;

namespace Prox.Tests.Programs;

/// <summary>
/// The executor against a plain oracle (string.Replace, Split, a scalar word count): it counts words only around
/// normalization matches and only as far as the decision needs, so every count and decision is checked here on
/// documents rich in Unicode whitespace, long lines (the vectorized paths) and long runs without whitespace.
/// </summary>
public class ExecutorOracleTests
{
    // Every Python whitespace class the counters special-case, plus look-alikes that are not whitespace.
    private static readonly string[] Pieces =
    [
        "the", "Click here", "news", "a", "ok", "x", "日本語の文章", "für", "\u201cquoted\u201d", "\u2014", "…", "Ö",
        " ", " ", " ", "  ", "\t", "\u00a0", "\u0085", "\u1680", "\u2000", "\u2009", "\u200a", "\u200b", "\u2028", "\u2029",
        "\u202f", "\u205f", "\u3000", "\u3001", "\x1c", "\x1f", "\v", "\f", "\r", "\u0100", "\u8000", "\uffff",
        "averyveryverylongwordwithoutanyspaceatallthatspansvectors",
    ];

    private static string RandomText(Random rng)
    {
        var lines = rng.Next(0, 30);
        var sb = new StringBuilder();
        for (var l = 0; l < lines; l++)
        {
            if (l > 0) sb.Append('\n');
            var n = rng.Next(0, rng.Next(2) == 0 ? 6 : 40);
            for (var w = 0; w < n; w++) sb.Append(Pieces[rng.Next(Pieces.Length)]);
        }
        return sb.ToString();
    }

    private static int OracleWords(string s)
    {
        var words = 0;
        var prev = true;
        foreach (var c in s)
        {
            var ws = PyText.IsWhiteSpace(c);
            if (!ws && prev) words++;
            prev = ws;
        }
        return words;
    }

    [Fact]
    public void Word_counts_match_a_scalar_count_whole_and_piecewise()
    {
        var rng = new Random(31);
        for (var i = 0; i < 20_000; i++)
        {
            var s = RandomText(rng);
            var expected = OracleWords(s);
            Assert.Equal(expected, PyText.CountWords(s));
            // Locating some newlines by index (ascending, possibly negative or past the last).
            var all = Enumerable.Range(0, s.Length).Where(k => s[k] == '\n').ToArray();
            var targets = Enumerable.Range(-1, all.Length + 3).Where(_ => rng.Next(3) == 0).Select(k => (long)k).ToArray();
            var located = new int[targets.Length];
            Assert.Equal(all.Length, PyText.LocateNewlines(s, targets, located));
            Assert.Equal(targets.Select(k => k >= 0 && k < all.Length ? all[k] : -1), located);
            // Piece by piece, cut anywhere.
            var prev = true;
            var sum = 0;
            for (var at = 0; at < s.Length;)
            {
                var len = Math.Min(s.Length - at, rng.Next(1, 80));
                sum += PyText.CountWords(s.AsSpan(at, len), ref prev);
                at += len;
            }
            Assert.Equal(expected, sum);
        }
    }

    [Theory]
    [InlineData(0)] // SimdPath.Best (internal enum: passed as its value)
    [InlineData(1)] // SimdPath.Vector128
    [InlineData(2)] // SimdPath.Scalar
    public void Every_code_path_counts_words_and_locates_newlines_like_the_scalar_oracle(int pathValue)
    {
        var path = (SimdPath)pathValue;
        // The portable 128-bit path is what ARM64 and x64 without AVX2 run; here it is forced on any machine.
        var rng = new Random(37 + (int)path);
        for (var i = 0; i < 10_000; i++)
        {
            var s = RandomText(rng);
            var start = rng.Next(0, Math.Min(s.Length, 3) + 1); // unaligned starts too
            var piece = s.AsSpan(start);
            var expected = OracleWords(piece.ToString());
            var whole = true;
            Assert.Equal(expected, PyText.CountWords(piece, ref whole, path));
            // Piece by piece, after a character that may or may not be whitespace.
            var prev = rng.Next(2) == 0;
            var joined = piece.Length > 0 && !prev && !PyText.IsWhiteSpace(piece[0]); // its first word started before
            var sum = 0;
            for (var at = 0; at < piece.Length;)
            {
                var len = Math.Min(piece.Length - at, rng.Next(1, 80));
                sum += PyText.CountWords(piece.Slice(at, len), ref prev, path);
                at += len;
            }
            Assert.Equal(expected - (joined ? 1 : 0), sum);
            var pieceText = piece.ToString();
            var all = Enumerable.Range(0, pieceText.Length).Where(k => pieceText[k] == '\n').ToArray();
            var targets = Enumerable.Range(-1, all.Length + 3).Where(_ => rng.Next(3) == 0).Select(k => (long)k).ToArray();
            var located = new int[targets.Length];
            Assert.Equal(all.Length, PyText.LocateNewlines(piece, targets, located, path));
            Assert.Equal(targets.Select(k => k >= 0 && k < all.Length ? all[k] : -1), located);
        }
    }

    [Theory]
    [InlineData(ProgramDialect.Strict)]
    [InlineData(ProgramDialect.Reference)]
    public void Chunk_results_match_a_plain_executor(ProgramDialect dialect)
    {
        var rng = new Random(dialect == ProgramDialect.Strict ? 5 : 6);
        var options = new[]
        {
            ExecutorOptions.Default,
            new ExecutorOptions { RemovedWordFraction = 0.5, MinWords = 3 },
            new ExecutorOptions { RemovedWordFraction = 0, MinWords = -1, MaxErrors = 1 },
            new ExecutorOptions { RemovedWordFraction = 1.5, MinWords = 0 },
        };
        for (var i = 0; i < 20_000; i++)
        {
            var text = RandomText(rng);
            var lineCount = text.Split('\n').Length;
            var program = RandomProgram(rng, text, lineCount);
            var opts = options[rng.Next(options.Length)];
            var parsed = ProxProgram.Parse(program, ProgramStage.Chunk, dialect, options: opts);
            var r = ProgramExecutor.Execute(text, parsed);
            var o = Oracle(text, parsed, opts, r.ErrorCount);
            var context = $"{program}\n--- on ---\n{text}";
            Assert.True(o.Processed == r.ProcessedText, context);
            Assert.True(o.Text == r.Text, context);
            Assert.True(o.Reason == r.DropReason, context);
            Assert.True(o.Ignored == r.Ignored, context);
            Assert.True(o.WordsIn == r.WordsIn, context);
            Assert.True(o.WordsOut == r.WordsOut, context);
            Assert.True(o.LineCount == r.LineCount, context);
        }
    }

    [Fact]
    public void Doc_results_count_words_and_lines_on_demand()
    {
        var rng = new Random(8);
        for (var i = 0; i < 2000; i++)
        {
            var text = RandomText(rng);
            var r = ProgramExecutor.Execute(text, rng.Next(2) == 0 ? "drop_doc()" : "keep_doc()", ProgramStage.Doc);
            Assert.Equal(OracleWords(text), r.WordsIn);
            Assert.Equal(r.Dropped ? 0 : OracleWords(text), r.WordsOut);
            Assert.Equal(text.Split('\n').Length, r.LineCount);
        }
    }

    private static string RandomProgram(Random rng, string text, int lineCount)
    {
        var sb = new StringBuilder();
        var calls = rng.Next(20) == 0 ? rng.Next(30, 70) : rng.Next(0, 6); // sometimes more ranges than the small-sort path takes
        for (var c = 0; c < calls; c++)
        {
            if (c > 0) sb.Append('\n');
            switch (rng.Next(7))
            {
                case 0:
                case 1:
                {
                    var a = rng.Next(0, lineCount + 2);
                    sb.Append($"remove_lines(line_start={a}, line_end={a + rng.Next(0, lineCount / 2 + 2)})");
                    break;
                }
                case 2:
                case 3:
                case 4:
                {
                    var source = "ab";
                    if (text.Length >= 2)
                    {
                        var start = rng.Next(text.Length - 1);
                        source = text.Substring(start, 1 + rng.Next(Math.Min(6, text.Length - start)));
                    }
                    if (source.Length > 1 && rng.Next(3) == 0) source = source[..^1];
                    var target = rng.Next(3) switch { 0 => "", 1 => Pieces[rng.Next(Pieces.Length)], _ => Pieces[rng.Next(Pieces.Length)] + " y" };
                    if (!Safe(source) || !Safe(target)) { sb.Append("keep_chunk()"); break; }
                    sb.Append($"normalize(source_str=\"{source}\", target_str=\"{target}\")");
                    break;
                }
                case 5:
                    sb.Append(rng.Next(8) == 0 ? "remove_lines(all=True)" : "keep_chunk()");
                    break;
                default:
                    sb.Append("remove_lines(line_start=0)"); // an error operation
                    break;
            }
        }
        return sb.ToString();
    }

    // Characters both dialects read the same inside a double-quoted literal.
    private static bool Safe(string s) =>
        s.IndexOfAny(['"', ',', ')', '(', '=', '\n', '\r', '\\', '\'', '\u0085', '\u2028', '\u2029']) < 0 && s.Trim().Length > 0 &&
        s.Trim('"') == s && s.Trim(' ') == s;

    private sealed record Outcome(string Processed, string Text, DropReason Reason, bool Ignored, int WordsIn, int WordsOut, int LineCount);

    private static Outcome Oracle(string text, ProxProgram program, ExecutorOptions options, int errors)
    {
        var current = text;
        var ranges = new List<(long S, long E)>();
        var all = false;
        var limit = Math.Max((long)(text.Length * options.MaxGrowthFactor), (long)text.Length + options.MaxGrowthChars);
        if (!program.LimitExceeded)
        {
            foreach (var op in program.Operations)
            {
                if (op.Kind == OperationKind.Normalize)
                {
                    if (op.Source!.Length == 0 || (op.Source == " " && !op.IsDeletionForm)) continue;
                    var next = current.Replace(op.Source, op.Target ?? "", StringComparison.Ordinal);
                    if (next.Length <= limit) current = next;
                }
                else if (op.Kind == OperationKind.RemoveLines) ranges.Add((op.Start, op.End));
                else if (op.Kind == OperationKind.RemoveAllLines) all = true;
            }
        }
        var lines = current.Split('\n');
        var removed = new bool[lines.Length];
        foreach (var (s, e) in ranges)
            for (var k = Math.Max(0, s); k <= Math.Min(e, lines.Length - 1); k++) removed[k] = true;
        var processed = all ? "" : string.Join('\n', lines.Where((_, k) => !removed[k]));
        var wordsIn = OracleWords(text);
        var wordsOut = OracleWords(processed);
        if (wordsIn == 0) return new(processed, "", DropReason.NoWords, false, wordsIn, wordsOut, lines.Length);
        if ((double)wordsOut / wordsIn <= 1 - options.RemovedWordFraction && errors < options.MaxErrors)
            return new(processed, "", DropReason.FewWordsLeftFraction, false, wordsIn, wordsOut, lines.Length);
        if (wordsOut <= options.MinWords)
            return new(processed, "", DropReason.FewWordsLeft, errors >= options.MaxErrors, wordsIn, wordsOut, lines.Length);
        return errors < options.MaxErrors
            ? new(processed, processed, DropReason.None, false, wordsIn, wordsOut, lines.Length)
            : new(processed, text, DropReason.None, true, wordsIn, wordsOut, lines.Length);
    }
}
