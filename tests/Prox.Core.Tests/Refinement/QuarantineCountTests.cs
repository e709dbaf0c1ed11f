using Prox.Corpus;
using Prox.Programs;
using Prox.Refinement;
using Prox.Tests.Corpus;

namespace Prox.Tests.Refinement;

/// <summary>Every record counts, readable or not (issue 10).</summary>
public class QuarantineCountTests
{
    [Fact]
    public async Task A_corrupt_row_group_counts_all_its_rows()
    {
        using var t = new CorpusTestFiles();
        var path = t.WriteParquet("groups.parquet", 4, 100, 4);
        var reader = await Parquet.ParquetReader.CreateAsync(path);
        long offset = reader.Metadata!.RowGroups[1].Columns[1].MetaData!.DataPageOffset;
        await reader.DisposeAsync();
        var bytes = File.ReadAllBytes(path);
        for (long i = offset; i < offset + 24; i++) bytes[i] = 0xFF;
        File.WriteAllBytes(path, bytes);

        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "keep_doc()" : "");
        var summary = new CorpusRefiner(gen, new RefineOptions { Tokenizer = "whitespace" }).Run([path], t.PathOf("out"));
        var file = Assert.Single(summary.Files);
        // Before: the 100 rows of the group were one quarantine record and counted as 1.
        Assert.Equal(100, file.DocumentsQuarantined);
        Assert.Equal(108, file.DocumentsIn);
        Assert.Equal(100, file.QuarantineReasons[nameof(QuarantineKind.CorruptRowGroup)]);
        Assert.Equal(file.DocumentsIn, file.DocumentsOut + file.DocumentsDropped + file.DocumentsQuarantined);
    }

    [SkippableFact]
    public void A_gzip_file_with_a_flipped_bit_fails_its_unit_and_publishes_nothing_of_it()
    {
        using var t = new CorpusTestFiles();
        var bytes = File.ReadAllBytes(SharedAssets.Require("corpora/cc-2019-30-sample.jsonl.gz"));
        bytes[bytes.Length / 2] ^= 0x10;
        var damaged = t.PathOf("damaged.jsonl.gz");
        File.WriteAllBytes(damaged, bytes);
        var good = t.WriteLines("good.jsonl", """{"id":"g","text":"a good document with enough words to be kept by the executor as it is"}""");

        using var gen = new ScriptedGenerator(r => r.Stage == ProgramStage.Doc ? "keep_doc()" : "");
        // Before: 133 garbled documents written to out/damaged.jsonl.gz as normal output, exit 0.
        var ex = Assert.Throws<RunFailedException>(() => new CorpusRefiner(gen, new RefineOptions { Tokenizer = "whitespace" }).Run([damaged, good], t.PathOf("out")));
        var failure = Assert.Single(ex.Failures);
        Assert.Contains(damaged, failure);
        Assert.Contains("integrity check", failure);
        Assert.False(File.Exists(t.PathOf("out/damaged.jsonl.gz")));
        Assert.False(File.Exists(t.PathOf("out/dropped/damaged.jsonl.gz")));
        Assert.True(File.Exists(t.PathOf("out/good.jsonl")));
        Assert.Equal(1, ex.Summary.UnitsDone);
    }
}
