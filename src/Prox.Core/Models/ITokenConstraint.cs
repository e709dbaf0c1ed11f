namespace Prox.Models;

/// <summary>
/// Restricts the tokens a greedy decoding may choose next (grammar-constrained decoding). One instance per sequence:
/// it may keep state, and is told every token chosen. Decoders call <see cref="Mask"/> on the logits of each step, pick
/// the arg-max of what is left, then call <see cref="Advance"/> with it (an end-of-sequence token included).
/// </summary>
internal interface ITokenConstraint
{
    /// <summary>
    /// Sets the logits of the tokens that may not come next to <see cref="float.NegativeInfinity"/>, in place. The
    /// end-of-sequence token is left allowed only when the output so far is complete.
    /// </summary>
    void Mask(Span<float> logits);

    /// <summary>Records the token chosen at this step.</summary>
    void Advance(int token);
}
