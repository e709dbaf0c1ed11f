using System.Text;

namespace Prox.Rules;

/// <summary>Writes the plain-op ProX program text for rules decisions (no comments: the Reference dialect allows only ops).</summary>
internal static class ProgramWriter
{
    public const string KeepDoc = "keep_doc()";
    public const string DropDoc = "drop_doc()";
    public const string KeepChunk = "keep_chunk()";

    /// <summary>
    /// A normalize argument both dialects read back exactly: not empty, not a lone space, and free of the characters
    /// the reference executor's argument parsing trips over (quotes, comma, parentheses, <c>=</c>, backslash, control characters).
    /// </summary>
    public static bool IsSafeArgument(string source)
    {
        if (source.Length == 0 || source == " " || source.Trim().Length == 0) return false;
        foreach (var c in source)
        {
            if (c is '"' or '\'' or ',' or '(' or ')' or '=' or '\\' || char.IsControl(c)) return false;
        }
        return true;
    }

    /// <summary>
    /// The chunk program: one <c>remove_lines</c> per maximal run of lines removed by the same rule (inclusive ends,
    /// global indices), so that every range has one rule (<see cref="RulesDecision.RemovedRanges"/>), then the
    /// normalizations; <c>keep_chunk()</c> when there is nothing to do.
    /// </summary>
    public static string Chunk(string?[] reasons, IReadOnlyList<NormalizeEdit> edits)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < reasons.Length; i++)
        {
            if (reasons[i] is not { } rule) continue;
            int s = i;
            while (i + 1 < reasons.Length && string.Equals(reasons[i + 1], rule, StringComparison.Ordinal)) i++;
            if (sb.Length > 0) sb.Append('\n');
            sb.Append("remove_lines(line_start=").Append(s).Append(", line_end=").Append(i).Append(')');
        }
        foreach (var e in edits)
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append("normalize(source_str=\"").Append(e.Source).Append("\", target_str=\"").Append(e.Target).Append("\")");
        }
        return sb.Length == 0 ? KeepChunk : sb.ToString();
    }
}
