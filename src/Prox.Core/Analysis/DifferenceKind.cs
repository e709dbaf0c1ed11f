namespace Prox.Analysis;

/// <summary>How a document fared in run B compared with run A.</summary>
public enum DifferenceKind
{
    /// <summary>Both runs kept it with the same text.</summary>
    Same,
    /// <summary>Both runs kept it, with different text (different lines removed or normalized).</summary>
    TextChanged,
    /// <summary>Run A kept it, run B dropped it.</summary>
    DroppedInB,
    /// <summary>Run A dropped it, run B kept it.</summary>
    KeptInB,
    /// <summary>Both runs dropped it, for different reasons.</summary>
    ReasonChanged,
    /// <summary>Both runs dropped it for the same reason.</summary>
    DroppedInBoth,
    /// <summary>Only run A has it (not refined in run B: another input, or a unit not yet committed).</summary>
    OnlyInA,
    /// <summary>Only run B has it.</summary>
    OnlyInB,
}
