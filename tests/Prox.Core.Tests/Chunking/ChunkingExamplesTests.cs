using System.Text.Json;
using Prox.Chunking;
using Prox.Tests.Text;

namespace Prox.Tests.Chunking;

/// <summary>Reproduces <c>shared/reference/chunking-examples.json</c> exactly.</summary>
public class ChunkingExamplesTests
{
    /// <summary>
    /// The reference file records counts, boundaries and prompts but not its source text. This document is rebuilt from
    /// what the file shows (the first 60 characters of each chunk, the doc-prompt example) and reproduces every count.
    /// </summary>
    internal static string ExampleDocument()
    {
        var lines = new List<string> { "Home | Products | About Us | Contact", "", "Welcome to our site." };
        for (int i = 0; i < 12; i++)
            lines.Add(string.Concat(Enumerable.Repeat($"This is a long paragraph sentence number {i} that repeats to make the line long. ", 12)));
        lines.Add(string.Concat(Enumerable.Repeat("word ", 2000)));
        lines.Add("Copyright 2024 Example Inc.");
        return string.Join('\n', lines);
    }

    private const string ShortDocument = "Home | Products | About Us | Contact\n\nWelcome to our site.";

    private static JsonElement Reference()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SharedAssets.Require("reference/chunking-examples.json")));
        return doc.RootElement.Clone();
    }

    [SkippableFact]
    public void Per_line_token_counts_include_the_numbering_and_one_bos()
    {
        var expected = Reference().GetProperty("line_token_counts").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var chunker = new LineChunker(Llama2TokenizerTests.Load());
        string doc = ExampleDocument();

        var actual = new List<int>();
        int index = 0;
        foreach (var line in DocumentLines.Enumerate(doc)) actual.Add(chunker.LineCost(index++, line));

        Assert.Equal(Reference().GetProperty("num_lines").GetInt32(), DocumentLines.Count(doc));
        Assert.Equal(expected, actual);
    }

    [SkippableFact]
    public void Chunk_boundaries_and_sums_match()
    {
        var expected = Reference().GetProperty("chunks").EnumerateArray().ToArray();
        var chunks = new LineChunker(Llama2TokenizerTests.Load()).Split(ExampleDocument());

        Assert.Equal(expected.Length, chunks.Count);
        int nextLine = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            string firstLine = expected[i].GetProperty("first_line").GetString()!;
            Assert.StartsWith(firstLine, chunks[i].ToNumberedText(), StringComparison.Ordinal);
            Assert.Equal(nextLine, chunks[i].FirstLine);
            Assert.Equal(expected[i].GetProperty("num_lines").GetInt32(), chunks[i].LineCount);
            Assert.Equal(expected[i].GetProperty("tokens_sum_incl_per_line_bos").GetInt32(), chunks[i].TokenCount);
            nextLine = chunks[i].EndLine;
        }
        Assert.Equal(17, nextLine);
    }

    [SkippableFact]
    public void Rendered_prompts_and_chunk_prompt_ids_match()
    {
        var reference = Reference();
        var tokenizer = Llama2TokenizerTests.Load();

        Assert.Equal(reference.GetProperty("doc_prompt_example_rendered").GetString(), ProxPrompts.ForDocument(ShortDocument));
        Assert.Equal(reference.GetProperty("doc_prompt_example_rendered").GetString(), ProxPrompts.ForDocument(ShortDocument + "\n \t\n"));

        var chunks = new LineChunker(tokenizer).Split(ShortDocument);
        var chunk = Assert.Single(chunks);
        Assert.Equal(reference.GetProperty("chunk_prompt_example_rendered").GetString(), ProxPrompts.ForChunk(chunk));

        var expectedIds = reference.GetProperty("chunk_prompt_example_token_ids_if_tokenized_once").EnumerateArray().Select(e => e.GetInt32());
        Assert.Equal(expectedIds, ProxPrompts.EncodeChunk(tokenizer, chunk));
    }

    [SkippableFact]
    public void Doc_prompt_is_cut_to_2000_tokens()
    {
        var tokenizer = Llama2TokenizerTests.Load();

        int[] shortIds = ProxPrompts.EncodeDocument(tokenizer, ShortDocument);
        Assert.Equal(tokenizer.EncodePrompt(ProxPrompts.ForDocument(ShortDocument)), shortIds);
        Assert.Equal([1, 518, 25580, 29962], shortIds[..4]);
        // Not truncated: it ends with " [/INST]", whose ids close the reference chunk prompt too.
        var referenceIds = Reference().GetProperty("chunk_prompt_example_token_ids_if_tokenized_once").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal(referenceIds[^4..], shortIds[^4..]);

        foreach (int copies in new[] { 1, 2 })   // 2 copies pass the length past which only a head of the document is encoded
        {
            string doc = string.Join('\n', Enumerable.Repeat(ExampleDocument(), copies));
            int[] full = tokenizer.EncodeWhole(ProxPrompts.ForDocument(doc).AsSpan(3), addBos: false);
            int[] cut = ProxPrompts.EncodeDocument(tokenizer, doc);
            Assert.Equal(ProxPrompts.DocumentMaxTokens, cut.Length);
            Assert.Equal([tokenizer.BosId, .. full.Take(ProxPrompts.DocumentMaxTokens - 1)], cut);
        }
    }
}
