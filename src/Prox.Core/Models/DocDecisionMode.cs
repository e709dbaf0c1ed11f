namespace Prox.Models;

/// <summary>How a model writes the doc-stage program.</summary>
public enum DocDecisionMode
{
    /// <summary>
    /// One pass: a single prefill scores <c>keep_doc()</c> against <c>drop_doc()</c> and the program is the one whose
    /// probability wins (by <see cref="ModelGeneratorOptions.DropThreshold"/>); no decoding loop.
    /// </summary>
    Score,

    /// <summary>The published behaviour: greedy decoding of up to 2000 new tokens, whatever they say.</summary>
    Generate,
}
