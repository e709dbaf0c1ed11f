namespace Prox.Rules;

/// <summary>
/// One <c>remove_lines</c> range of a rules program: lines <paramref name="FirstLine"/> … <paramref name="LastLine"/>
/// (global, 0-based, inclusive), all removed by <paramref name="Rule"/> (e.g. <c>prox.outside_main_block</c>).
/// </summary>
public sealed record RemovedRange(int FirstLine, int LastLine, string Rule)
{
    /// <summary>Groups removed lines (in line order) into maximal runs of consecutive lines with the same rule.</summary>
    public static IReadOnlyList<RemovedRange> FromLines(IReadOnlyList<LineFinding> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var ranges = new List<RemovedRange>();
        for (int i = 0; i < lines.Count; i++)
        {
            int start = i;
            while (i + 1 < lines.Count && lines[i + 1].Line == lines[i].Line + 1 && lines[i + 1].Rule == lines[start].Rule) i++;
            ranges.Add(new RemovedRange(lines[start].Line, lines[i].Line, lines[start].Rule));
        }
        return ranges;
    }

    /// <inheritdoc />
    public override string ToString() => $"{FirstLine}-{LastLine} {Rule}";
}
