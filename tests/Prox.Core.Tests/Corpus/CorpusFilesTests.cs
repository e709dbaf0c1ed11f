using Prox.Corpus;

namespace Prox.Tests.Corpus;

public sealed class CorpusFilesTests : IDisposable
{
    private readonly CorpusTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData("a.jsonl", CorpusFormat.Jsonl)]
    [InlineData("a.JSONL", CorpusFormat.Jsonl)]
    [InlineData("a.json", CorpusFormat.Jsonl)]
    [InlineData("a.ndjson", CorpusFormat.Jsonl)]
    [InlineData("dir.v2/a.jsonl.gz", CorpusFormat.JsonlGzip)]
    [InlineData("a.json.gz", CorpusFormat.JsonlGzip)]
    [InlineData("a.jsonl.gzip", CorpusFormat.JsonlGzip)]
    [InlineData("a.jsonl.zst", CorpusFormat.JsonlZstd)]
    [InlineData("a.json.zstd", CorpusFormat.JsonlZstd)]
    [InlineData("a.parquet", CorpusFormat.Parquet)]
    public void Formats_come_from_extensions(string path, CorpusFormat expected) => Assert.Equal(expected, CorpusFormats.FromPath(path));

    [Fact]
    public void Unsupported_extension_is_a_clear_error()
    {
        var e = Assert.Throws<NotSupportedException>(() => CorpusFormats.FromPath("data/a.txt.gz"));
        Assert.Contains("'data/a.txt.gz'", e.Message);
        Assert.Contains(".jsonl.zst", e.Message);
        Assert.Throws<NotSupportedException>(() => CorpusReader.Read("x.csv"));
    }

    [Fact]
    public void Expand_handles_files_directories_and_wildcards()
    {
        var a = _files.WriteLines("in/a.jsonl", """{"text":"a"}""");
        var b = _files.WriteLines("in/b.jsonl.gz", """{"text":"b"}""");
        var c = _files.WriteLines("in/sub/c.jsonl.zst", """{"text":"c"}""");
        File.WriteAllText(_files.PathOf("in/README.md"), "not data");
        var dir = _files.PathOf("in");

        Assert.Equal([a, b], CorpusFiles.Expand([dir]));
        Assert.Equal([a, b, c], CorpusFiles.Expand([dir], recurse: true));
        Assert.Equal([b], CorpusFiles.Expand([Path.Combine(dir, "*.gz")]));
        Assert.Equal([b, a], CorpusFiles.Expand([b, Path.Combine(dir, "*")]));
        var e = Assert.Throws<NotSupportedException>(() => CorpusFiles.Expand([_files.PathOf("in/README.md")]));
        Assert.Contains("README.md", e.Message);
        Assert.Throws<FileNotFoundException>(() => CorpusFiles.Expand([_files.PathOf("in/missing.jsonl")]));
        Assert.Throws<FileNotFoundException>(() => CorpusFiles.Expand([Path.Combine(dir, "*.parquet")]));
    }

    [Fact]
    public void Output_names_mirror_input_names()
    {
        Assert.Equal(Path.Combine("out", "a.jsonl.gz"), CorpusFiles.MirrorPath("in/a.jsonl.gz", "out"));
        Assert.Equal(Path.Combine("out", "a.jsonl.gz"), CorpusFiles.MirrorPath("in/a.jsonl.gz", "out", CorpusFormat.JsonlGzip));
        Assert.Equal(Path.Combine("out", "a.parquet"), CorpusFiles.MirrorPath("in/a.jsonl.gz", "out", CorpusFormat.Parquet));
        Assert.Equal(Path.Combine("out", "a.jsonl.zst"), CorpusFiles.MirrorPath("in/a.json", "out", CorpusFormat.JsonlZstd));
        Assert.Equal("a", CorpusFormats.Stem("x/a.jsonl.zst"));
    }

    [Theory]
    [InlineData("o.jsonl")]
    [InlineData("o.jsonl.gz")]
    [InlineData("o.jsonl.zst")]
    [InlineData("o.parquet")]
    public void Output_appears_only_on_complete_and_never_partially(string name)
    {
        var input = name.EndsWith(".parquet") ? _files.WriteParquet("in.parquet", 3) : _files.WriteLines("in.jsonl", """{"text":"a"}""", """{"text":"b"}""");
        var outDir = _files.PathOf("out");
        var target = Path.Combine(outDir, name);

        // abandoned half way (e.g. an exception in the pipeline): nothing visible, no temp file left
        using (var w = CorpusWriter.Create(target))
        {
            w.Write(CorpusReader.Read(input).First().Document!);
            Assert.False(File.Exists(target));
            Assert.Single(Directory.GetFiles(outDir)); // the temporary file, under another name
            Assert.EndsWith(Prox.IO.AtomicFile.TempSuffix, Directory.GetFiles(outDir)[0]);
        }
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(outDir));

        // completed: the file is there, whole, and only it
        using (var w = CorpusWriter.Create(target))
        {
            foreach (var e in CorpusReader.Read(input)) w.Write(e.Document!);
            w.Complete();
            Assert.True(w.IsCompleted);
            Assert.Throws<InvalidOperationException>(() => w.Write(CorpusReader.Read(input).First().Document!));
        }
        Assert.Equal([target], Directory.GetFiles(outDir));
        Assert.All(CorpusTestFiles.ReadAll(target), e => Assert.True(e.IsDocument));

        // a failed rewrite leaves the previous complete output untouched
        var before = File.ReadAllBytes(target);
        using (var w = CorpusWriter.Create(target)) w.Write(CorpusReader.Read(input).First().Document!);
        Assert.Equal(before, File.ReadAllBytes(target));
        Assert.Equal([target], Directory.GetFiles(outDir));
    }

    [Fact]
    public void Reading_a_missing_file_fails_when_enumeration_starts()
    {
        var entries = CorpusReader.Read(_files.PathOf("missing.jsonl"));
        Assert.Throws<FileNotFoundException>(() => entries.First());
    }

    [Fact]
    public void Empty_outputs_are_complete_files()
    {
        var input = _files.WriteParquet("in.parquet", 2);
        var jsonl = _files.PathOf("out/empty.jsonl.gz");
        using (var w = CorpusWriter.Create(jsonl)) w.Complete();
        Assert.Empty(CorpusTestFiles.ReadAll(jsonl));

        var parquet = _files.PathOf("out/empty.parquet");
        using (var w = CorpusWriter.Create(parquet)) w.Complete();
        Assert.Empty(CorpusTestFiles.ReadAll(parquet));
        Assert.Equal(["id", "text", "metadata"], ParquetColumnNames(parquet));
        using (var w = CorpusWriter.Create(parquet, new CorpusWriteOptions { ParquetSchemaSource = input })) w.Complete();
        Assert.Empty(CorpusTestFiles.ReadAll(parquet));
        Assert.Equal(["id", "text", "url", "token_count", "score", "metadata"], ParquetColumnNames(parquet));
    }

    private static string[] ParquetColumnNames(string path)
    {
        using var file = File.OpenRead(path);
        return Parquet.ParquetReader.ReadSchemaAsync(file).GetAwaiter().GetResult().GetDataFields().Select(f => f.Name).ToArray();
    }
}
