using Prox.Analysis;
using Prox.Refinement;

namespace Prox.Tests.Analysis;

/// <summary>Two runs of the bundled sample corpus (ProxRules and C4), made once for the analysis tests.</summary>
public sealed class AnalysisFixture : IDisposable
{
    public AnalysisFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "prox-analysis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        // A second input file (the sample's first 10 records) so that per-file tables have more than one row, and
        // a record that cannot be read so that quarantine counts show up.
        var sample = Path.Combine(SharedAssets.RepoRoot, "samples", "corpus", "web-sample.jsonl");
        Input = Path.Combine(Root, "in");
        Directory.CreateDirectory(Input);
        File.Copy(sample, Path.Combine(Input, "web-sample.jsonl"));
        File.WriteAllLines(Path.Combine(Input, "small.jsonl"), File.ReadLines(sample).Take(10).Append("{\"id\": \"broken\", \"text\": 42}"));
        var options = new RefineOptions { Tokenizer = "whitespace", Threads = 1 };
        Rules = Make("rules", "rules:ProxRules", options);
        C4 = Make("c4", "rules:C4", options);
    }

    public string Root { get; }
    public string Input { get; }
    public RunSummary Rules { get; }
    public RunSummary C4 { get; }
    public string RulesPath => Path.Combine(Root, "rules");
    public string C4Path => Path.Combine(Root, "c4");

    private RunSummary Make(string name, string spec, RefineOptions options)
    {
        using var generator = ProgramGenerators.Create(spec);
        return new CorpusRefiner(generator, options).Run([Input], Path.Combine(Root, name));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
