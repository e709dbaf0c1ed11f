namespace Prox.Rules;

/// <summary>
/// Finds wiki edit-link markers glued into kept lines — a bracketed group whose <c>|</c>-separated items are all
/// edit labels (<c>[edit]</c>, <c>[Bearbeiten | Quelltext bearbeiten]</c>, <c>[muokkaa | muokkaa wikitekstiä]</c>,
/// <c>[editar | editar código]</c>, …) — and turns each distinct one into a normalization to "". Every occurrence of
/// such a marker is an edit link, so replacing all occurrences is intended.
/// </summary>
internal static class InlineMarkers
{
    private static readonly string[] EditLabels =
    [
        "edit", "edit source", "bearbeiten", "quelltext bearbeiten", "muokkaa", "muokkaa wikitekstiä",
        "editar", "editar código", "editar código fuente", "modifier", "modifier le code",
    ];

    /// <summary>The edits for the kept lines <paramref name="first"/> … <paramref name="end"/>-1, in line order, each distinct marker once.</summary>
    public static List<NormalizeEdit> Find(TextProfile doc, string?[] removed, int first, int end)
    {
        var edits = new List<NormalizeEdit>();
        var text = doc.Text.AsSpan();
        for (int i = first; i < end; i++)
        {
            // Jump to the next line holding a '[' (one search over the text instead of one per line).
            int pos = doc.Lines[i].Start;
            if (pos >= text.Length) break;
            int bracket = text[pos..].IndexOf('[');
            if (bracket < 0) break;
            i = doc.LineAt(pos + bracket, i);
            if (i >= end) break;
            if (removed[i] is not null || doc.Lines[i].IsBlank) continue;
            var t = doc.Trimmed(i);
            int open = t.IndexOf('[');
            while (open >= 0)
            {
                int close = t[open..].IndexOf(']');
                if (close < 0) break;
                var inner = t.Slice(open + 1, close - 1);
                if (IsEditGroup(inner))
                {
                    var source = t.Slice(open, close + 1).ToString();
                    if (ProgramWriter.IsSafeArgument(source) && !Contains(edits, source))
                        edits.Add(new NormalizeEdit(source, "", "prox.edit_marker"));
                }
                int next = t[(open + close + 1)..].IndexOf('[');
                open = next < 0 ? -1 : open + close + 1 + next;
            }
        }
        return edits;
    }

    private static bool Contains(List<NormalizeEdit> edits, string source)
    {
        foreach (var e in edits) if (e.Source == source) return true;
        return false;
    }

    private static bool IsEditGroup(ReadOnlySpan<char> inner)
    {
        if (inner.IsEmpty || inner.Length > 60) return false;
        foreach (var range in inner.Split('|'))
        {
            var item = inner[range].Trim();
            bool known = false;
            foreach (var label in EditLabels)
            {
                if (item.Equals(label, StringComparison.OrdinalIgnoreCase)) { known = true; break; }
            }
            if (!known) return false;
        }
        return true;
    }
}
