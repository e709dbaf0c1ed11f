namespace Prox.Refinement;

/// <summary>Some work units of a run failed; the others are committed and a rerun of the same command retries the failed ones.</summary>
public sealed class RunFailedException : IOException
{
    /// <summary>Creates the exception.</summary>
    public RunFailedException(RunSummary summary, IReadOnlyList<string> failures)
        : base($"{failures.Count} work unit(s) failed ({summary.UnitsDone} of {summary.UnitsPlanned} committed): {string.Join("; ", failures)}")
    {
        Summary = summary;
        Failures = failures;
    }

    /// <summary>The summary of the committed units.</summary>
    public RunSummary Summary { get; }

    /// <summary>One message per failed unit, naming the unit and its input.</summary>
    public IReadOnlyList<string> Failures { get; }
}
