namespace Prox.Generation;

/// <summary>
/// A generator that decides better with the context of the corpus it refines (e.g. lines that recur across many
/// documents are boilerplate). A run gives it every document of a work unit in a pre-pass and refines the unit with
/// the generator it returns, so the decisions depend on the unit's documents only — not on thread count or order.
/// </summary>
public interface ICorpusContextGenerator
{
    /// <summary>True when this generator wants the pre-pass (it may be switched off by an option).</summary>
    bool WantsCorpusContext { get; }

    /// <summary>A generator for a unit whose documents are <paramref name="documentTexts"/> (read once, in any order).</summary>
    IProgramGenerator WithCorpusContext(IEnumerable<string> documentTexts, CancellationToken cancellationToken = default);
}
