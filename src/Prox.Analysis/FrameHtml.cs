using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Analysis;

namespace Prox.Analysis;

/// <summary>A <see cref="DataFrame"/> as an HTML table (for notebooks and <see cref="RunReport"/>).</summary>
public static class FrameHtml
{
    /// <summary>
    /// The first <paramref name="maxRows"/> rows of <paramref name="frame"/> as a <c>&lt;table class="prox-table"&gt;</c>:
    /// text escaped, numbers right-aligned, ratios (columns named <c>…retention</c>) as percentages.
    /// </summary>
    public static string ToHtml(DataFrame frame, int maxRows = 50)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var sb = new StringBuilder("<table class=\"prox-table\"><thead><tr>");
        foreach (var c in frame.Columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(c.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        var rows = Math.Min(frame.Rows.Count, maxRows);
        for (long i = 0; i < rows; i++)
        {
            sb.Append("<tr>");
            foreach (var c in frame.Columns)
            {
                var v = c[i];
                var numeric = v is long or int or double or float;
                sb.Append(numeric ? "<td class=\"num\">" : "<td>").Append(WebUtility.HtmlEncode(Format(c.Name, v))).Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (frame.Rows.Count > rows) sb.Append(CultureInfo.InvariantCulture, $"<p class=\"more\">{frame.Rows.Count - rows:N0} more rows</p>");
        return sb.ToString();
    }

    private static string Format(string column, object? v) => v switch
    {
        null => "",
        double d when column.EndsWith("retention", StringComparison.Ordinal) => d.ToString("P1", CultureInfo.InvariantCulture),
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        long l => l.ToString("N0", CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };
}
