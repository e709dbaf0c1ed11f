using Prox.Chunking;
using Prox.Generation;
using Prox.Models;
using Prox.Programs;
using Prox.Text;

namespace Prox.Tests.Models;

/// <summary>
/// The chunk-program grammar (<see cref="ChunkProgramGrammar"/>) on the LLaMA-2 vocabulary: token-by-token replay of
/// hand-written programs against the Strict parser, tokens that span two parts of a call, the budget, the mask's
/// shortcut against the full trie walk, and random decodings that must always end in a valid program.
/// </summary>
public class ChunkProgramGrammarTests
{
    // Lines 10..16 of a document (global numbers), as a chunk's slice holds them.
    private const int First = 10;
    private static readonly string[] ChunkLines =
    [
        "Home | About | Contact",
        "Click here to subscribe",
        "He said \"hi\" to the café owner.",
        "A path: C:\\temp\\file.txt",
        "",
        "Copyright 2019 Example Inc.",
        "  indented ",
    ];

    private static string ChunkText => string.Join("\n", ChunkLines) + "\n";
    private static int DocLineCount => First + ChunkLines.Length + 5;

    private static Llama2Tokenizer? s_tokenizer;
    private static Llama2Tokenizer Tokenizer => s_tokenizer ??= Llama2Tokenizer.Load(SharedAssets.Require("tokenizers/llama2/tokenizer.model"));
    private static TokenByteIndex Vocab => TokenByteIndex.For(Tokenizer);

    private static ChunkProgramGrammar Grammar(int budget = 256, string? text = null, int first = First, int lines = -1) =>
        new(Vocab, text ?? ChunkText, first, lines < 0 ? ChunkLines.Length : lines, budget, Tokenizer.EosId);

    /// <summary>Replays <paramref name="tokens"/> then EOS; the index of the first token the mask refused (tokens.Length for EOS), or -1 when all pass.</summary>
    private static int Replay(ChunkProgramGrammar g, IReadOnlyList<int> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (!g.Allows(tokens[i], Vocab.Size)) return i;
            g.Advance(tokens[i]);
        }
        if (!g.Allows(Tokenizer.EosId, Vocab.Size)) return tokens.Count;
        g.Advance(Tokenizer.EosId);
        Assert.True(g.IsComplete);
        return -1;
    }

    private static int Id(string piece) => Tokenizer.Pieces[piece];

    /// <summary>The byte tokens of <paramref name="text"/>'s UTF-8, one per byte (every byte is a LLaMA token).</summary>
    private static int[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text).Select(b => Id($"<0x{b:X2}>")).ToArray();

    private static void Feed(ChunkProgramGrammar g, IEnumerable<int> tokens)
    {
        foreach (var t in tokens) { Assert.True(g.Allows(t, Vocab.Size), $"token {t}"); g.Advance(t); }
    }

    private static ProxProgram Strict(string program) => ProxProgram.Parse(program, ProgramStage.Chunk, ProgramDialect.Strict, DocLineCount);

    public static TheoryData<string> ValidPrograms() => new()
    {
        "remove_lines(line_start=10, line_end=16)",
        "remove_lines(line_start=12, line_end=12)\nkeep_chunk()",
        "keep_chunk()",
        "skip_chunk()\nuntouch_doc()",
        "normalize(source_str=\"Click here\", target_str=\"\")",
        "normalize(source_str=\"Click here to subscribe\", target_str=\"Subscribe\")\nremove_lines(line_start=10, line_end=11)",
        "normalize(source_str=\"said \\\"hi\\\"\", target_str=\"said hi\")",
        "normalize(source_str=\"C:\\\\temp\", target_str=\"C:\")",
        "normalize(source_str=\"café\", target_str=\"cafe\")",
        "normalize(source_str=\" to\", target_str=\"\")",
        "normalize(source_str=\"  \", target_str=\" \")",
        "keep_chunk()\n",                                                     // a line break after the last call
        "remove_lines(line_start=10, line_end=11)\nkeep_chunk()\n",
        "normalize(source_str=\"|\", target_str=\"\")\nnormalize(source_str=\"Inc.\", target_str=\"Inc\")\nremove_lines(line_start=15, line_end=16)",
    };

    [SkippableTheory]
    [MemberData(nameof(ValidPrograms))]
    public void ValidProgramsAreAcceptedTokenByTokenAndParseInStrict(string program)
    {
        var parsed = Strict(program);
        Assert.True(parsed.ErrorDiagnosticCount == 0, string.Join("; ", parsed.Diagnostics));
        var ids = Tokenizer.Encode(program, addBos: false);
        Assert.Equal(program, Tokenizer.Decode(ids).Trim(' '));
        Assert.Equal(-1, Replay(Grammar(), ids));
    }

    public static TheoryData<string> ProgramsStrictRejects() => new()
    {
        "remove_lines(line_start=15, line_end=12)",                          // start after end
        "remove_lines(line_start=12, line_end=13",                           // missing ')'
        "remove_lines(line_start=12, line_end=13) extra",                    // text after the call
        "remove_lines(line_start=-1, line_end=12)",                          // negative
        "remove_lines(line_start=12, line_end=40)",                          // past the document's last line
        "remove_lines(line_start=12)",                                       // missing argument
        "remove_lines(line_start=x, line_end=12)",                           // not an integer
        "remove_line(line_start=10, line_end=12)",                           // unknown function
        "keep_chunk(1)",                                                     // wrong arity
        "normalize(source_str=\"\", target_str=\"x\")",                      // empty source
        "normalize(source_str=\" \", target_str=\"\")",                      // single-space source
        "normalize(source_str=\"Click here, target_str=\"\")",               // the quote closes early: text after it
        "normalize(source_str=\"Click",                                      // unterminated string
        "normalize(source_str=\"a\\q\", target_str=\"\")",                   // unknown escape
        "normalize(target_str=\"\")",                                        // no source
        "keep_chunk()\nremove_lines(line_start=10, line_end=16)\n)",         // a stray line
    };

    [SkippableTheory]
    [MemberData(nameof(ProgramsStrictRejects))]
    public void ProgramsStrictRejectsAreRefusedByTheGrammar(string program)
    {
        Assert.True(Strict(program).ErrorDiagnosticCount > 0, "Strict reports an error");
        var ids = Tokenizer.Encode(program, addBos: false);
        Assert.NotEqual(-1, Replay(Grammar(), ids));
    }

    public static TheoryData<string> StrictButOutsideTheChunkGrammar() => new()
    {
        "remove_lines(line_start=3, line_end=12)",                           // a line before the chunk
        "remove_lines(line_start=12, line_end=20)",                          // a line after the chunk (still in the document)
        "normalize(source_str=\"not in this chunk\", target_str=\"\")",      // source absent from the chunk
        "normalize(source_str=\"Click\", target_str=\"Click me now please\")", // a target longer than its source
        "normalize(source_str=\"Click\")",                                   // the one-argument form
        "normalize(source_str='Click', target_str='')",                      // single quotes
        "normalize(\"Click\", \"\")",                                        // positional arguments
        "remove_lines(line_start=010, line_end=12)",                         // a leading zero
        "remove_lines(line_start = 10, line_end = 12)",                      // other spacing
        "# comment\nkeep_chunk()",                                           // comments
        "keep_chunk()\n\nkeep_chunk()",                                      // blank lines
        "keep_chunk()\n\n",                                                  // a blank line at the end
        "drop_doc()",                                                        // a doc call (no effect in a chunk)
        "remove_lines(all=True)",                                            // removes the whole document, not the chunk
        "",                                                                  // no call
    };

    [SkippableTheory]
    [MemberData(nameof(StrictButOutsideTheChunkGrammar))]
    public void StrictProgramsOutsideTheChunkGrammarAreRefused(string program)
    {
        // Valid Strict (no error; lines within the document), but not the canonical form for this chunk.
        Assert.True(Strict(program).ErrorDiagnosticCount == 0, string.Join("; ", Strict(program).Diagnostics));
        var ids = Tokenizer.Encode(program, addBos: false);
        Assert.NotEqual(-1, Replay(Grammar(), ids));
    }

    [SkippableFact]
    public void TokensSpanningTwoPartsOfACallAreHandled()
    {
        // ", target_str=" then '=""' (the literal's '=', an empty target, its closing quote), then ')'.
        var g = Grammar();
        var head = Tokenizer.Encode("normalize(source_str=\"Click", addBos: false);
        foreach (var t in head) { Assert.True(g.Allows(t, Vocab.Size)); g.Advance(t); }
        Assert.False(g.Allows(Id("\"),"), Vocab.Size), "a source closed by '),' is not a call");
        Assert.True(g.Allows(Id("\","), Vocab.Size), "'\",' closes the source and starts ', target_str='");
        g.Advance(Id("\","));
        Feed(g, Bytes(" target_str"));
        Assert.True(g.Allows(Id("=\"\""), Vocab.Size), "'=\"\"' is the '=', an empty target and its closing quote");
        Assert.True(g.Allows(Id("=\""), Vocab.Size));
        g.Advance(Id("=\"\""));
        Assert.False(g.Allows(Tokenizer.EosId, Vocab.Size), "the call is not closed yet");
        Assert.False(g.Allows(Id("\")"), Vocab.Size), "the target is already closed");
        Assert.True(g.Allows(Id(")"), Vocab.Size));
        g.Advance(Id(")"));
        Assert.True(g.Allows(Tokenizer.EosId, Vocab.Size));
        Assert.True(g.Allows(Id("<0x0A>"), Vocab.Size));

        // '")' ends a target and the call; '\"' is an escaped quote in one token; an empty source is refused ('""').
        g = Grammar();
        foreach (var t in Tokenizer.Encode("normalize(source_str=", addBos: false)) g.Advance(t);
        Assert.False(g.Allows(Id("\"\""), Vocab.Size), "an empty source");
        g.Advance(Id("\""));
        Assert.False(g.Allows(Id("\""), Vocab.Size), "an empty source");
        Feed(g, Bytes("said "));
        Assert.True(g.Allows(Id("\\\""), Vocab.Size), "the escaped quote of 'said \"hi\"'");
        g.Advance(Id("\\\""));
        Feed(g, Bytes("hi"));
        Feed(g, [Id("\\\""), Id("\",")]);
        Feed(g, Bytes(" target_str"));
        Feed(g, [Id("=\"")]);
        Feed(g, Bytes("hi"));
        Assert.True(g.Allows(Id("\")"), Vocab.Size), "'\")' closes the target and the call");
        g.Advance(Id("\")"));
        Assert.True(g.IsComplete);

        // Byte tokens of one multi-byte character (é = C3 A9) in a source: only the right continuation follows.
        g = Grammar();
        foreach (var t in Tokenizer.Encode("normalize(source_str=\"caf", addBos: false)) g.Advance(t);
        Assert.True(g.Allows(Id("<0xC3>"), Vocab.Size));
        g.Advance(Id("<0xC3>"));
        Assert.False(g.Allows(Id("<0xA8>"), Vocab.Size), "è is not in the chunk");
        Assert.False(g.Allows(Id("\""), Vocab.Size), "not in the middle of a character");
        Assert.True(g.Allows(Id("<0xA9>"), Vocab.Size));
    }

    [SkippableFact]
    public void LineNumbersAreOnlyThoseOfTheChunk()
    {
        // Chunk lines 95..104: digits one at a time (LLaMA splits numbers into digits).
        var g = Grammar(text: string.Join("\n", Enumerable.Range(0, 10).Select(i => $"line {i}")), first: 95, lines: 10);
        foreach (var t in Tokenizer.Encode("remove_lines(line_start=", addBos: false)) g.Advance(t);
        var digits = Enumerable.Range(0, 10).Select(d => Id(d.ToString())).ToArray();
        Assert.Equal([false, true, false, false, false, false, false, false, false, true], digits.Select(d => g.Allows(d, Vocab.Size)).ToArray());
        g.Advance(digits[1]);   // 1 → 100..104
        Assert.Equal([true, false, false, false, false, false, false, false, false, false], digits.Select(d => g.Allows(d, Vocab.Size)).ToArray());
        Assert.False(g.Allows(Id(","), Vocab.Size), "1 is not in the chunk");
        g.Advance(digits[0]);
        g.Advance(digits[2]);   // 102
        Assert.False(g.Allows(digits[0], Vocab.Size), "1020 is past the chunk");
        g.Advance(Id(","));
        Feed(g, Bytes(" line_end="));
        // line_end ≥ 102: 1 (→ 102..104) only.
        Assert.Equal([false, true, false, false, false, false, false, false, false, false], digits.Select(d => g.Allows(d, Vocab.Size)).ToArray());
        g.Advance(digits[1]);
        g.Advance(digits[0]);
        Assert.Equal([false, false, true, true, true, false, false, false, false, false], digits.Select(d => g.Allows(d, Vocab.Size)).ToArray());
    }

    [SkippableFact]
    public void TheTargetShortcutEqualsTheFullTrieWalk()
    {
        var inTarget = new[]
        {
            "normalize(source_str=\"Click here to subscribe\", target_str=\"",
            "normalize(source_str=\"Click here to subscribe\", target_str=\"Sub",
            "normalize(source_str=\"Click here\", target_str=\"Click her",
            "normalize(source_str=\"café\", target_str=\"caf",
            "normalize(source_str=\"|\", target_str=\"",
        };
        foreach (var prefix in inTarget)
            foreach (int budget in new[] { 256, 40 })
            {
                var g = Grammar(budget);
                foreach (var t in Tokenizer.Encode(prefix, addBos: false)) g.Advance(t);
                var logits = new float[Vocab.Size];
                g.Mask(logits);
                var masked = Enumerable.Range(0, Vocab.Size).Where(i => !float.IsNegativeInfinity(logits[i])).ToHashSet();
                var walked = g.AllowedByWalk();
                Assert.True(walked.SetEquals(masked), $"{prefix}: shortcut {masked.Count} tokens, walk {walked.Count}");
                Assert.NotEmpty(masked);
            }
    }

    [SkippableFact]
    public void NormalizeIsNotOfferedWhenTheChunkHasNoSourceAndOneSpaceNeedsAFollower()
    {
        var g = Grammar(text: "\n\n\n", first: 0, lines: 4);
        Assert.False(g.Allows(Id("▁normal"), Vocab.Size), "no text: no normalize source");
        Assert.False(g.Allows(Id("<0x6E>"), Vocab.Size), "'n' starts nothing else");
        Assert.True(g.Allows(Id("▁remove"), Vocab.Size));

        // " " is followed by nothing but the line's end: a source cannot start with it.
        g = Grammar(text: "ab \n", first: 0, lines: 2);
        foreach (var t in Tokenizer.Encode("normalize(source_str=\"", addBos: false)) g.Advance(t);
        Assert.False(g.Allows(Id("▁"), Vocab.Size));
        Assert.True(g.Allows(Id("b"), Vocab.Size));
        g.Advance(Id("b"));
        Assert.True(g.Allows(Id("▁"), Vocab.Size), "'b ' is a source");
    }

    [SkippableFact]
    public void TheChunkTextIsIndexedAsUtf8BoundedAndWithoutReplacementCharacters()
    {
        Assert.Equal([0x61, 0x00, 0x62, 0xC3, 0xA9], ChunkProgramGrammar.IndexedBytes("a\uD800b\u00E9"));
        var euros = ChunkProgramGrammar.IndexedBytes(new string('€', 30_000));
        Assert.Equal(ChunkProgramGrammar.MaxIndexedBytes / 3 * 3, euros.Length);   // cut at a character
        // A lone surrogate is not U+FFFD (EF BF BD) in the text: no source can hold one.
        var g = Grammar(text: "x\uDC00y", first: 0, lines: 1);
        Feed(g, Bytes("normalize(source_str=\""));
        Assert.False(g.Allows(Id("<0xEF>"), Vocab.Size));
        Assert.False(g.Allows(Id("<0x00>"), Vocab.Size));
        Assert.True(g.Allows(Id("x"), Vocab.Size));
    }

    [SkippableFact]
    public void TheBudgetIsAlwaysEnoughToFinish()
    {
        // At the smallest budget only a 12-byte call fits, one byte token each: keep_chunk() or skip_chunk().
        var g = Grammar(ChunkProgramGrammar.ShortestProgramTokens);
        Assert.False(g.Allows(Id("▁remove"), Vocab.Size));
        Assert.False(g.Allows(Id("<0x20>"), Vocab.Size), "a space would leave 11 tokens for 12 bytes");
        Assert.True(g.Allows(Id("<0x6B>"), Vocab.Size));   // 'k'
        Assert.True(g.Allows(Id("keep"), Vocab.Size));
        Assert.Throws<ArgumentOutOfRangeException>(() => Grammar(ChunkProgramGrammar.ShortestProgramTokens - 1));
    }

    [SkippableFact]
    public void RandomDecodingsAlwaysEndInAValidProgramWithinTheBudget()
    {
        // Random logits pick arbitrary allowed tokens; half the runs favour single-byte tokens to spend the budget fastest.
        var docs = ModelGeneratorTests.ShortCommonCrawl(24, 3000);
        int runs = 0, withNormalize = 0, withRemove = 0;
        var rng = new Random(7);
        var noise = new float[2 * Vocab.Size];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)rng.NextDouble();
        foreach (var doc in docs)
        {
            int lineCount = Prox.Chunking.DocumentLines.Count(doc);
            int first = rng.Next(0, lineCount), count = rng.Next(1, lineCount - first + 1);
            var request = new ProgramRequest(ProgramStage.Chunk, doc, first, count);
            var slice = request.Slice.ToString();
            foreach (int budget in new[] { 12, 13, 40, 256 })
            {
                var g = new ChunkProgramGrammar(Vocab, slice, first, count, budget, Tokenizer.EosId);
                var ids = new List<int>();
                var logits = new float[Vocab.Size];
                bool bytes = rng.Next(2) == 0;
                while (ids.Count < budget)
                {
                    noise.AsSpan(rng.Next(Vocab.Size), Vocab.Size).CopyTo(logits);
                    if (bytes) for (int i = 3; i < 259; i++) logits[i] += 1;
                    logits[Tokenizer.EosId] -= 0.5f;   // not too eager to stop
                    g.Mask(logits);
                    int next = KvCacheDecoder.ArgMax(logits);
                    Assert.False(float.IsNegativeInfinity(logits[next]), "the mask left no token");
                    g.Advance(next);
                    if (next == Tokenizer.EosId) break;
                    ids.Add(next);
                }
                Assert.True(g.IsComplete, $"complete after {ids.Count} of {budget} tokens: {Tokenizer.Decode(ids)}");
                AssertValidChunkProgram(Tokenizer.Decode(ids).Trim(' '), doc, first, count, slice);
                var text = Tokenizer.Decode(ids);
                withNormalize += text.Contains("normalize(") ? 1 : 0;
                withRemove += text.Contains("remove_lines(") ? 1 : 0;
                runs++;
            }
        }
        Assert.Equal(docs.Count * 4, runs);
        Assert.True(withNormalize > 0 && withRemove > 0, $"both kinds of call were written ({withNormalize}, {withRemove})");
    }

    [SkippableFact]
    public void RandomDecodingsOverThePublishedChunksOfTheSampleAreValid()
    {
        // Whole documents chunked as published (up to 1500 tokens, global line numbers), one random decoding per chunk.
        var chunker = new LineChunker(Tokenizer);
        var rng = new Random(11);
        var noise = new float[2 * Vocab.Size];
        for (int i = 0; i < noise.Length; i++) noise[i] = (float)rng.NextDouble();
        var logits = new float[Vocab.Size];
        int chunks = 0, later = 0;
        foreach (var doc in ModelGeneratorTests.CommonCrawl(80))
            foreach (var chunk in chunker.Split(doc))
            {
                var g = new ChunkProgramGrammar(Vocab, chunk.Text.Span, chunk.FirstLine, chunk.LineCount, 256, Tokenizer.EosId);
                var ids = new List<int>();
                while (ids.Count < 256)
                {
                    noise.AsSpan(rng.Next(Vocab.Size), Vocab.Size).CopyTo(logits);
                    g.Mask(logits);
                    int next = KvCacheDecoder.ArgMax(logits);
                    g.Advance(next);
                    if (next == Tokenizer.EosId) break;
                    ids.Add(next);
                }
                Assert.True(g.IsComplete);
                AssertValidChunkProgram(Tokenizer.Decode(ids).Trim(' '), doc, chunk.FirstLine, chunk.LineCount, chunk.Text.ToString());
                chunks++;
                if (chunk.FirstLine > 0) later++;
            }
        Assert.True(chunks >= 80 && later > 0, $"{chunks} chunks, {later} after a document's first");
    }

    /// <summary>Parses in Strict without an error, every line number in the chunk, every normalize source in its text.</summary>
    internal static void AssertValidChunkProgram(string program, string document, int first, int count, string chunkText)
    {
        var parsed = ProxProgram.Parse(program, ProgramStage.Chunk, ProgramDialect.Strict, Prox.Chunking.DocumentLines.Count(document));
        Assert.True(parsed.ErrorDiagnosticCount == 0, $"'{program}': {string.Join("; ", parsed.Diagnostics)}");
        Assert.NotEmpty(parsed.Operations);
        foreach (var op in parsed.Operations)
        {
            if (op.Kind == OperationKind.RemoveLines)
            {
                Assert.InRange(op.Start, first, first + count - 1);
                Assert.InRange(op.End, op.Start, first + count - 1);
            }
            else if (op.Kind == OperationKind.Normalize)
            {
                Assert.Contains(op.Source!, chunkText, StringComparison.Ordinal);
                Assert.True(System.Text.Encoding.UTF8.GetByteCount(op.Target!) <= System.Text.Encoding.UTF8.GetByteCount(op.Source!));
            }
            else Assert.Contains(op.Kind, new[] { OperationKind.KeepChunk, OperationKind.SkipChunk, OperationKind.UntouchDoc });
        }
    }
}
