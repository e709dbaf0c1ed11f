using Prox.Programs;

namespace Prox.Analysis;

/// <summary>One document in two runs: kept or dropped in each, why, and its size out.</summary>
/// <param name="Id">The document id.</param>
/// <param name="File">The input file name the document came from.</param>
/// <param name="Record">1-based record (line or row) in that file; 0 when unknown.</param>
/// <param name="Kind">How run B differs from run A.</param>
/// <param name="KeptInA">Run A kept it (false when dropped or absent).</param>
/// <param name="KeptInB">Run B kept it.</param>
/// <param name="DropReasonA">Why run A dropped it (<see cref="DropReason.None"/> when kept or absent).</param>
/// <param name="DropReasonB">Why run B dropped it.</param>
/// <param name="CharactersOutA">Characters run A wrote (0 when dropped or absent).</param>
/// <param name="CharactersOutB">Characters run B wrote.</param>
/// <param name="TokensOutA">Tokens run A wrote.</param>
/// <param name="TokensOutB">Tokens run B wrote.</param>
public sealed record DocumentDifference(
    string Id, string File, long Record, DifferenceKind Kind,
    bool KeptInA, bool KeptInB, DropReason DropReasonA, DropReason DropReasonB,
    long CharactersOutA, long CharactersOutB, long TokensOutA, long TokensOutB)
{
    /// <summary>Characters out in B minus in A.</summary>
    public long CharactersDelta => CharactersOutB - CharactersOutA;
}
