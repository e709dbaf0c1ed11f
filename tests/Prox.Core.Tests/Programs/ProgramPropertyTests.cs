using System.Text;
using Prox.Programs;

namespace Prox.Tests.Programs;

/// <summary>
/// Property-based tests with seeded generators: random documents and programs never throw, Strict and Reference agree
/// on portable programs, canonical text round-trips, and a fuzz run of 100,000+ random and mutated programs.
/// </summary>
public class ProgramPropertyTests
{
    private static readonly string[] Words = ["the", "Home", "news", "Click", "here", "©", "2024", "für", "日本", "ok", "a", "x=y", "(c)", "\"q\"", "…"];
    private static readonly string[] Fragments =
    [
        "remove_lines", "normalize", "drop_doc", "keep_doc", "keep_chunk", "skip_chunk", "untouch_doc", "(", ")", ",", "=", "\"", "'",
        "\\", "line_start", "line_end", "source_str", "target_str", "all=True", "all", "True", "False", " ", "\n", "\r", "\t", "#", "```",
        "0", "1", "-1", "99999999999999999999999", "1_0", "_", "3.5", "é", "\u0661", "\u3000", "\uD800", "drop",
    ];

    internal static string RandomDocument(Random rng)
    {
        var lines = rng.Next(0, 40);
        var sb = new StringBuilder();
        for (var l = 0; l < lines; l++)
        {
            if (l > 0) sb.Append(rng.Next(20) == 0 ? "\r\n" : "\n");
            var n = rng.Next(0, 14);
            for (var w = 0; w < n; w++)
            {
                if (w > 0) sb.Append(rng.Next(15) == 0 ? "\u00a0" : " ");
                sb.Append(Words[rng.Next(Words.Length)]);
            }
        }
        return sb.ToString();
    }

    /// <summary>A well-formed canonical program whose strings avoid every character the reference executor mis-reads.</summary>
    internal static string RandomCanonicalProgram(Random rng, string doc, int lineCount)
    {
        var sb = new StringBuilder();
        var calls = rng.Next(0, 7);
        for (var c = 0; c < calls; c++)
        {
            if (c > 0) sb.Append('\n');
            switch (rng.Next(6))
            {
                case 0:
                case 1:
                {
                    var a = rng.Next(0, lineCount + 3);
                    var b = a + rng.Next(0, 6);
                    sb.Append($"remove_lines(line_start={a}, line_end={b})");
                    break;
                }
                case 2:
                {
                    var source = PickSubstring(rng, doc);
                    var target = rng.Next(3) == 0 ? "" : Words[rng.Next(Words.Length)];
                    if (!Safe(source) || !Safe(target)) { sb.Append("keep_chunk()"); break; }
                    sb.Append($"normalize(source_str=\"{source}\", target_str=\"{target}\")");
                    break;
                }
                case 3:
                    sb.Append(rng.Next(10) == 0 ? "remove_lines(all=True)" : "keep_chunk()");
                    break;
                case 4:
                    sb.Append("# a comment");
                    break;
                default:
                    sb.Append(rng.Next(2) == 0 ? "skip_chunk()" : "untouch_doc()");
                    break;
            }
        }
        return sb.ToString();
    }

    private static string PickSubstring(Random rng, string doc)
    {
        if (doc.Length < 2) return "zz";
        var start = rng.Next(doc.Length - 1);
        var len = rng.Next(1, Math.Min(12, doc.Length - start) + 1);
        return doc.Substring(start, len);
    }

    // The reference executor reads a string literal correctly only without these characters, and skips " " and "".
    private static bool Safe(string s) =>
        s.Length == 0 || s.IndexOfAny(['"', ',', ')', '=', '\n', '\r', '\\']) < 0 && s != " " && !char.IsSurrogate(s[^1]) && !char.IsSurrogate(s[0]);

    internal static string RandomMutatedProgram(Random rng, string doc)
    {
        var baseProgram = RandomCanonicalProgram(rng, doc, Math.Max(1, doc.Split('\n').Length));
        var sb = new StringBuilder(baseProgram);
        var edits = rng.Next(0, 6);
        for (var e = 0; e < edits; e++)
        {
            var at = sb.Length == 0 ? 0 : rng.Next(sb.Length + 1);
            switch (rng.Next(3))
            {
                case 0: sb.Insert(at, Fragments[rng.Next(Fragments.Length)]); break;
                case 1: if (at < sb.Length) sb.Remove(at, Math.Min(rng.Next(1, 6), sb.Length - at)); break;
                default: if (at < sb.Length) sb[at] = (char)rng.Next(32, 0x3100); break;
            }
        }
        return sb.ToString();
    }

    [Fact]
    public void Strict_and_reference_agree_on_portable_programs()
    {
        var rng = new Random(20240917);
        var checkedPrograms = 0;
        for (var i = 0; i < 5000; i++)
        {
            var doc = RandomDocument(rng);
            var lineCount = doc.Split('\n').Length;
            var program = RandomCanonicalProgram(rng, doc, lineCount);
            var parsed = ProxProgram.Parse(program, ProgramStage.Chunk, ProgramDialect.Strict);
            Assert.True(parsed.IsValid, program);
            Assert.True(parsed.IsPortable, program);
            var strict = ProgramExecutor.Execute(doc, program, ProgramStage.Chunk, ProgramDialect.Strict);
            var reference = ProgramExecutor.Execute(doc, program, ProgramStage.Chunk, ProgramDialect.Reference);
            Assert.Equal(reference.Text, strict.Text);
            Assert.Equal(reference.Dropped, strict.Dropped);
            Assert.Equal(reference.DropReason, strict.DropReason);
            Assert.Equal(reference.ErrorCount, strict.ErrorCount);
            Assert.Equal(reference.RemovedLines, strict.RemovedLines);
            checkedPrograms++;
        }
        Assert.Equal(5000, checkedPrograms);
    }

    [Fact]
    public void Doc_programs_agree_when_portable()
    {
        var rng = new Random(7);
        string[] calls = ["drop_doc()", "keep_doc()", "untouch_doc()", "# keep it", ""];
        for (var i = 0; i < 2000; i++)
        {
            var program = string.Join("\n", Enumerable.Range(0, rng.Next(1, 4)).Select(_ => calls[rng.Next(calls.Length)]));
            var strict = ProxProgram.Parse(program, ProgramStage.Doc);
            var doc = RandomDocument(rng);
            if (!strict.IsPortable) continue;
            Assert.Equal(ProgramExecutor.Execute(doc, program, ProgramStage.Doc, ProgramDialect.Reference).Text,
                ProgramExecutor.Execute(doc, program, ProgramStage.Doc, ProgramDialect.Strict).Text);
        }
    }

    [Fact]
    public void Canonical_formatting_round_trips()
    {
        var rng = new Random(99);
        for (var i = 0; i < 5000; i++)
        {
            var doc = RandomDocument(rng);
            var program = RandomMutatedProgram(rng, doc);
            foreach (var dialect in new[] { ProgramDialect.Strict, ProgramDialect.Reference })
            {
                var parsed = ProxProgram.Parse(program, ProgramStage.Chunk, dialect);
                var canonical = parsed.ToCanonicalString();
                var again = ProxProgram.Parse(canonical, ProgramStage.Chunk, ProgramDialect.Strict);
                if (dialect == ProgramDialect.Strict || again.IsValid)
                {
                    Assert.Equal(parsed.Operations, again.Operations);
                    Assert.Equal(canonical, again.ToCanonicalString());
                }
            }
        }
    }

    [Fact]
    public void Fuzz_random_and_mutated_programs_never_throw_and_stay_bounded()
    {
        var rng = new Random(12345);
        var docs = Enumerable.Range(0, 64).Select(_ => RandomDocument(rng)).Append("").Append(" \n \n").ToArray();
        const int Runs = 100_000;
        var stages = new[] { ProgramStage.Chunk, ProgramStage.Doc };
        var dialects = new[] { ProgramDialect.Strict, ProgramDialect.Reference };
        for (var i = 0; i < Runs; i++)
        {
            var doc = docs[rng.Next(docs.Length)];
            string program = rng.Next(4) switch
            {
                0 => new string(Enumerable.Range(0, rng.Next(0, 80)).Select(_ => (char)rng.Next(0, 0x10000)).ToArray()),
                1 => string.Concat(Enumerable.Range(0, rng.Next(0, 30)).Select(_ => Fragments[rng.Next(Fragments.Length)])),
                _ => RandomMutatedProgram(rng, doc),
            };
            var stage = stages[i & 1];
            var dialect = dialects[(i >> 1) & 1];
            var r = ProgramExecutor.Execute(doc, program, stage, dialect);
            // Bounded, consistent output.
            Assert.True(r.Text.Length <= ExecutorOptions.Default.GrowthLimit(doc.Length));
            Assert.True(r.Dropped ? r.Text.Length == 0 : true);
            Assert.True(r.Ignored ? r.Text == doc || r.Dropped : true);
            Assert.All(r.RemovedLines, l => Assert.InRange(l, 0, r.LineCount - 1));
            Assert.All(r.Program.Diagnostics, d => Assert.True(d.Line >= 1 && d.Column >= 1));
            _ = r.Program.IsPortable;
            _ = r.Program.ToCanonicalString();
            _ = r.LineRemovals;
        }
    }
}
