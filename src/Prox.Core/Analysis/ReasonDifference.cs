namespace Prox.Analysis;

/// <summary>How many documents each run dropped for one reason (<c>Kept</c> counts the kept ones).</summary>
/// <param name="Reason">A drop reason (<c>DropDoc</c>, <c>FewWordsLeft</c>, …), or <c>Kept</c>.</param>
/// <param name="CountA">Documents of run A with this outcome.</param>
/// <param name="CountB">Documents of run B with this outcome.</param>
public sealed record ReasonDifference(string Reason, long CountA, long CountB)
{
    /// <summary>B minus A.</summary>
    public long Delta => CountB - CountA;
}
