using System.Net;
using System.Text;
using Prox.Chunking;
using Prox.Refinement;

namespace Prox.Analysis;

/// <summary>One document before and after refinement, as HTML: removed lines struck through and labelled with the rule.</summary>
public static class DocumentHtml
{
    /// <summary>
    /// A two-column <c>&lt;div class="prox-doc"&gt;</c>: the input (when known) with every removed line marked
    /// (<c>&lt;del title="rule"&gt;</c>) and the output (or why the document was dropped), with the program under it.
    /// </summary>
    /// <param name="outcome">The document.</param>
    /// <param name="maxLines">Lines shown per side; the rest is summarised.</param>
    public static string BeforeAfter(DocumentOutcome outcome, int maxLines = 40)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var sb = new StringBuilder("<div class=\"prox-doc\">");
        var state = outcome.Kept ? $"kept, {outcome.TokensOut:N0} of {outcome.TokensIn:N0} tokens" : $"dropped by {outcome.DropStage} stage: {outcome.DropReason}";
        sb.Append("<div class=\"doc-head\"><b>").Append(Encode(outcome.Id)).Append("</b> ")
          .Append(Encode(outcome.SourceFile is null ? "" : $"{outcome.SourceFile}:{outcome.SourceRecord}")).Append(" — ").Append(Encode(state)).Append("</div>");
        sb.Append("<div class=\"doc-sides\"><div class=\"before\"><h4>before</h4><pre>");
        if (outcome.OriginalText is { } text)
        {
            var labels = new Dictionary<int, string>();
            foreach (var r in OutcomeFrames.RemovedRanges(outcome))
                for (var l = r.StartLine; l <= r.EndLine; l++) labels[l] = r.Label ?? r.Function;
            var lineNo = 0;
            foreach (var line in text.Split('\n'))
            {
                if (lineNo == maxLines) { sb.Append(Encode($"… {DocumentLines.Count(text) - maxLines:N0} more lines")); break; }
                if (labels.TryGetValue(lineNo, out var label))
                    sb.Append("<del title=\"").Append(Encode(label)).Append("\">").Append(Encode(line)).Append("</del><span class=\"rule\">").Append(Encode(label)).Append("</span>\n");
                else sb.Append(Encode(line)).Append('\n');
                lineNo++;
            }
        }
        else sb.Append("<i>(the input is not at hand: the run's input file is gone or changed)</i>");
        sb.Append("</pre></div><div class=\"after\"><h4>after</h4><pre>");
        if (outcome.Kept) sb.Append(Encode(Head(outcome.Text, maxLines)));
        else sb.Append("<i>").Append(Encode($"(dropped: {outcome.DropReason})")).Append("</i>");
        sb.Append("</pre></div></div>");
        foreach (var s in new[] { outcome.Doc, outcome.Chunk })
            if (s is not null && s.Program.Length > 0)
                sb.Append("<div class=\"program\"><b>").Append(s.Stage).Append(" program</b> (").Append(Encode(s.Generator)).Append(")<pre>")
                  .Append(Encode(Head(s.Program, maxLines))).Append("</pre></div>");
        return sb.Append("</div>").ToString();
    }

    private static string Head(string text, int maxLines)
    {
        var count = DocumentLines.Count(text);
        return count <= maxLines ? text : DocumentLines.Slice(text, 0, maxLines) + $"… {count - maxLines:N0} more lines";
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
