namespace Prox.Analysis;

/// <summary>The outcomes of one input file in two runs.</summary>
/// <param name="File">The input file name.</param>
/// <param name="KeptA">Documents run A kept.</param>
/// <param name="KeptB">Documents run B kept.</param>
/// <param name="DroppedA">Documents run A dropped.</param>
/// <param name="DroppedB">Documents run B dropped.</param>
/// <param name="TokensOutA">Tokens run A wrote.</param>
/// <param name="TokensOutB">Tokens run B wrote.</param>
/// <param name="Changed">Documents whose outcome or text differs between the runs.</param>
public sealed record FileDifference(string File, long KeptA, long KeptB, long DroppedA, long DroppedB, long TokensOutA, long TokensOutB, long Changed)
{
    /// <summary>Kept documents in B minus in A.</summary>
    public long KeptDelta => KeptB - KeptA;

    /// <summary>Tokens out in B minus in A.</summary>
    public long TokensDelta => TokensOutB - TokensOutA;
}
