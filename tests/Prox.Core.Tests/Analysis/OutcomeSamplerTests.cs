using Prox.Analysis;
using Prox.Programs;
using Prox.Refinement;
using Xunit;

namespace Prox.Core.Tests.Analysis;

public sealed class OutcomeSamplerTests
{
    private static DocumentOutcome Outcome(int i, DropReason reason = DropReason.None) => new()
    {
        Id = $"doc-{i}",
        SourceFile = $"part-{i % 3}.jsonl",
        SourceRecord = i + 1,
        Text = reason == DropReason.None ? $"text {i}" : "",
        DropStage = reason == DropReason.None ? null : ProgramStage.Chunk,
        DropReason = reason,
    };

    private static List<DocumentOutcome> Run() =>
        Enumerable.Range(0, 300).Select(i => Outcome(i, (i % 5) switch { 0 => DropReason.DropDoc, 1 => DropReason.FewWordsLeft, _ => DropReason.None })).ToList();

    [Fact]
    public void Same_seed_same_sample_whatever_the_order()
    {
        var run = Run();
        var a = OutcomeSampler.Sample(run, 10, seed: 7).Select(o => o.Id).ToList();
        var shuffled = run.OrderBy(o => o.Id.GetHashCode()).ToList();
        var b = OutcomeSampler.Sample(shuffled, 10, seed: 7).Select(o => o.Id).ToList();
        Assert.Equal(10, a.Count);
        Assert.Equal(a, b);
        Assert.NotEqual(a, OutcomeSampler.Sample(run, 10, seed: 8).Select(o => o.Id).ToList());
    }

    [Fact]
    public void A_larger_count_only_adds_documents()
    {
        var run = Run();
        var small = OutcomeSampler.Sample(run, 5, seed: 1).Select(o => o.Id).ToHashSet();
        var large = OutcomeSampler.Sample(run, 40, seed: 1).Select(o => o.Id).ToHashSet();
        Assert.Subset(large, small);
    }

    [Fact]
    public void Filters_by_outcome_and_draws_per_outcome()
    {
        var run = Run();
        var dropped = OutcomeSampler.Sample(run, 1000, seed: 0, reasons: ["dropdoc"]);
        Assert.Equal(60, dropped.Count);
        Assert.All(dropped, o => Assert.Equal(DropReason.DropDoc, o.DropReason));
        var per = OutcomeSampler.Sample(run, 4, seed: 0, perReason: true);
        Assert.Equal(12, per.Count);
        Assert.Equal(["DropDoc", "FewWordsLeft", "Kept"], per.Select(OutcomeSampler.OutcomeName).Distinct());
        var kept = OutcomeSampler.Sample(run, 3, seed: 0, reasons: [OutcomeSampler.Kept]);
        Assert.All(kept, o => Assert.True(o.Kept));
    }

    [Fact]
    public void Unknown_outcome_names_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => OutcomeSampler.Sample(Run(), 1, 0, ["nope"]));
        Assert.Contains("FewWordsLeftFraction", e.Message);
    }
}
