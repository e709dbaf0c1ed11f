namespace Prox.Quality;

/// <summary>
/// Line-level agreement between a backend's programs and human labels. Two classes: keep (label 1) and remove
/// (label 0); a line is predicted "remove" when its program removed it or dropped its document. <see cref="F1"/> is the
/// keep-class F1, pooled over all scored lines; the <c>PageAveraged…</c> properties average each document's keep-class
/// scores instead. Precision (recall) with no predicted (actual) lines of a class is 0; F1 is 0 when both are 0.
/// </summary>
public sealed record QualityReport
{
    /// <summary>The labelled file (or a caller-chosen name).</summary>
    public string Path { get; init; } = "";

    /// <summary>The program backend (e.g. <c>rules:ProxRules</c>, <c>keep-all</c>).</summary>
    public string Backend { get; init; } = "";

    /// <summary>The stages whose programs were executed, e.g. <c>Doc,Chunk</c>.</summary>
    public string Stages { get; init; } = "";

    /// <summary>Documents evaluated.</summary>
    public int Documents { get; init; }

    /// <summary>Documents whose doc or chunk program dropped them.</summary>
    public int DroppedDocuments { get; init; }

    /// <summary>Scored lines (labels that are not null).</summary>
    public int Lines { get; init; }

    /// <summary>Lines labelled keep and kept.</summary>
    public int TrueKeep { get; init; }

    /// <summary>Lines labelled remove but kept.</summary>
    public int FalseKeep { get; init; }

    /// <summary>Lines labelled remove and removed.</summary>
    public int TrueRemove { get; init; }

    /// <summary>Lines labelled keep but removed.</summary>
    public int FalseRemove { get; init; }

    /// <summary>Of the kept lines, the fraction labelled keep.</summary>
    public double KeepPrecision => Ratio(TrueKeep, TrueKeep + FalseKeep);

    /// <summary>Of the lines labelled keep, the fraction kept.</summary>
    public double KeepRecall => Ratio(TrueKeep, TrueKeep + FalseRemove);

    /// <summary>Harmonic mean of <see cref="KeepPrecision"/> and <see cref="KeepRecall"/>.</summary>
    public double KeepF1 => Harmonic(KeepPrecision, KeepRecall);

    /// <summary>Of the removed lines, the fraction labelled remove.</summary>
    public double RemovePrecision => Ratio(TrueRemove, TrueRemove + FalseRemove);

    /// <summary>Of the lines labelled remove, the fraction removed.</summary>
    public double RemoveRecall => Ratio(TrueRemove, TrueRemove + FalseKeep);

    /// <summary>Harmonic mean of <see cref="RemovePrecision"/> and <see cref="RemoveRecall"/>.</summary>
    public double RemoveF1 => Harmonic(RemovePrecision, RemoveRecall);

    /// <summary>Documents in the page-averaged scores: those with at least one line labelled keep.</summary>
    public int AveragedDocuments { get; init; }

    /// <summary>The keep-class precision of each document (0 when it keeps no scored line), averaged over <see cref="AveragedDocuments"/>.</summary>
    public double PageAveragedKeepPrecision { get; init; }

    /// <summary>The keep-class recall of each document, averaged over <see cref="AveragedDocuments"/>.</summary>
    public double PageAveragedKeepRecall { get; init; }

    /// <summary>The keep-class F1 of each document, averaged over <see cref="AveragedDocuments"/> (every page weighs the same; the pooled <see cref="KeepF1"/> weighs every line the same).</summary>
    public double PageAveragedKeepF1 { get; init; }

    /// <summary>The keep-class F1 (<see cref="KeepF1"/>).</summary>
    public double F1 => KeepF1;

    /// <summary>Fraction of scored lines predicted correctly.</summary>
    public double Accuracy => Ratio(TrueKeep + TrueRemove, Lines);

    /// <summary>Fraction of scored lines kept.</summary>
    public double KeptFraction => Ratio(TrueKeep + FalseKeep, Lines);

    /// <summary>Fraction of scored lines labelled keep (the keep-all baseline's keep precision).</summary>
    public double LabelledKeepFraction => Ratio(TrueKeep + FalseRemove, Lines);

    /// <summary>The keep-class F1 of the trivial baseline that keeps every line: 2p / (1 + p), p = <see cref="LabelledKeepFraction"/>.</summary>
    public double BaselineF1 => Harmonic(LabelledKeepFraction, Lines == 0 ? 0 : 1);

    private static double Ratio(int a, int b) => b == 0 ? 0 : (double)a / b;

    private static double Harmonic(double p, double r) => p + r == 0 ? 0 : 2 * p * r / (p + r);
}
