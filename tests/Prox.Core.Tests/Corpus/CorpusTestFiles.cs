using System.IO.Compression;
using System.Text;
using Parquet;
using Parquet.Schema;
using Prox.Corpus;

namespace Prox.Tests.Corpus;

/// <summary>A temporary folder for one test, deleted afterwards, plus helpers that build corpus files in it.</summary>
public sealed class CorpusTestFiles : IDisposable
{
    public CorpusTestFiles()
    {
        Dir = Path.Combine(Path.GetTempPath(), "prox-corpus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    public string Dir { get; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Writes raw bytes, compressed as the extension says.</summary>
    public string WriteBytes(string name, byte[] content)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        if (name.EndsWith(".gz")) { using var gz = new GZipStream(file, CompressionLevel.Fastest); gz.Write(content); }
        else if (name.EndsWith(".zst")) { using var z = new ZstdSharp.CompressionStream(file, 3); z.Write(content); }
        else file.Write(content);
        return path;
    }

    public string WriteLines(string name, params string[] lines) =>
        WriteBytes(name, Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n"))));

    /// <summary>A FineWeb-like Parquet file: id, text, url, token_count (int), score (double?), in row groups of the given sizes.</summary>
    public string WriteParquet(string name, params int[] rowGroupSizes)
    {
        var path = PathOf(name);
        var id = new DataField<string>("id");
        var text = new DataField<string>("text");
        var url = new DataField<string>("url");
        var tokens = new DataField<int>("token_count");
        var score = new DataField<double?>("score");
        using var file = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new ParquetSchema(id, text, url, tokens, score), file).GetAwaiter().GetResult();
        int n = 0;
        foreach (var size in rowGroupSizes)
        {
            var rows = Enumerable.Range(n, size).ToArray();
            n += size;
            using var rg = writer.CreateRowGroup();
            rg.WriteAsync(id, rows.Select(i => $"doc-{i}").ToArray()).GetAwaiter().GetResult();
            rg.WriteAsync(text, rows.Select(ParquetText).ToArray()).GetAwaiter().GetResult();
            rg.WriteAsync(url, rows.Select(i => $"https://example.org/{i}").ToArray()).GetAwaiter().GetResult();
            rg.WriteAsync<int>(tokens, rows.Select(i => i * 10).ToArray().AsMemory()).GetAwaiter().GetResult();
            rg.WriteAsync<double>(score, rows.Select(i => i % 3 == 0 ? (double?)null : i / 4.0).ToArray().AsMemory()).GetAwaiter().GetResult();
            rg.CompleteValidate();
        }
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return path;
    }

    public static string ParquetText(int i) => $"Document {i}\nline two \"quoted\" ü";

    public static List<CorpusEntry> ReadAll(string path, CorpusReadOptions? options = null) => CorpusReader.Read(path, options).ToList();

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
