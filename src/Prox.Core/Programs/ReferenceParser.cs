namespace Prox.Programs;

/// <summary>
/// Reads a program exactly as the published ProX executor does (see <c>prox-spec.md</c>): a call is recognised only
/// at the very start of a line, arguments run from the first <c>(</c> to the first <c>)</c> and are split on
/// <c>,</c>, each value is the text between the first and second <c>=</c>, integers follow Python <c>int()</c> and
/// strings lose their surrounding double quotes only. Everything else is ignored without error.
/// </summary>
internal static class ReferenceParser
{
    public static void Parse(ProgramBuilder b, string program)
    {
        // operations.strip(" ").split("\n"): only spaces are stripped, and only at the two ends of the whole program.
        var span = program.AsSpan();
        var lead = 0;
        while (lead < span.Length && span[lead] == ' ') lead++;
        var end = span.Length;
        while (end > lead && span[end - 1] == ' ') end--;
        span = span[lead..end];

        var lineNo = 0;
        while (true)
        {
            lineNo++;
            var nl = span.IndexOf('\n');
            var line = nl < 0 ? span : span[..nl];
            var columnOffset = lineNo == 1 ? lead : 0;
            if (!ParseLine(b, line, lineNo, columnOffset)) return;
            if (nl < 0) break;
            span = span[(nl + 1)..];
        }
    }

    private static bool ParseLine(ProgramBuilder b, ReadOnlySpan<char> line, int lineNo, int col0)
    {
        if (line.StartsWith("remove_lines", StringComparison.Ordinal))
        {
            if (line.Contains("all=True", StringComparison.Ordinal))
                return b.Add(new ProgramOperation(OperationKind.RemoveAllLines, lineNo));
            if (!SliceArguments(b, line, lineNo, col0, out var args)) return true;
            if (!TryNthValue(args, 0, out var v0) || !TryNthValue(args, 1, out var v1) ||
                !PyText.TryParseInt(v0, out var start) || !PyText.TryParseInt(v1, out var stop))
            {
                b.ReferenceError(lineNo, col0 + line.IndexOf('(') + 2, DiagnosticCodes.BadArguments,
                    "remove_lines needs two keyword integers, e.g. remove_lines(line_start=0, line_end=3)");
                return true;
            }
            return b.Add(new ProgramOperation(OperationKind.RemoveLines, lineNo, start, stop));
        }
        if (line.StartsWith("normalize", StringComparison.Ordinal))
        {
            if (!SliceArguments(b, line, lineNo, col0, out var args)) return true;
            var parts = args.Count(',') + 1;
            if (parts == 1)
            {
                if (!TryNthValue(args, 0, out var v))
                {
                    b.ReferenceError(lineNo, col0 + line.IndexOf('(') + 2, DiagnosticCodes.BadArguments,
                        "normalize needs source_str=\"…\"");
                    return true;
                }
                return b.Add(new ProgramOperation(OperationKind.Normalize, lineNo, source: StripQuotes(v), target: "", deletionForm: true));
            }
            if (parts == 2)
            {
                if (!TryNthValue(args, 0, out var s) || !TryNthValue(args, 1, out var t))
                {
                    b.ReferenceError(lineNo, col0 + line.IndexOf('(') + 2, DiagnosticCodes.BadArguments,
                        "normalize needs source_str=\"…\", target_str=\"…\"");
                    return true;
                }
                return b.Add(new ProgramOperation(OperationKind.Normalize, lineNo, source: StripQuotes(s), target: StripQuotes(t)));
            }
            b.Diagnostic(DiagnosticSeverity.Warning, lineNo, col0 + 1, DiagnosticCodes.BadArguments,
                $"normalize with {parts} comma-separated parts (a comma inside a string?) is ignored by the reference executor");
            return true;
        }
        // Recognised no-ops are kept for provenance; anything else (comments, fences, prose) is ignored silently.
        foreach (var (name, kind) in NoOps)
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
                return b.Add(new ProgramOperation(kind, lineNo));
        }
        return true;
    }

    private static readonly (string Name, OperationKind Kind)[] NoOps =
    [
        ("keep_chunk", OperationKind.KeepChunk), ("skip_chunk", OperationKind.SkipChunk),
        ("untouch_doc", OperationKind.UntouchDoc), ("keep_doc", OperationKind.KeepDoc), ("drop_doc", OperationKind.DropDoc),
    ];

    /// <summary>
    /// <c>line[line.index("(") + 1 : line.index(")")]</c> with the reference's error handling: no <c>(</c> is an error
    /// and the line is skipped; no <c>)</c> is an error and the slice ends one character before the end of the line.
    /// </summary>
    private static bool SliceArguments(ProgramBuilder b, ReadOnlySpan<char> line, int lineNo, int col0, out ReadOnlySpan<char> args)
    {
        args = default;
        var open = line.IndexOf('(');
        if (open < 0)
        {
            b.ReferenceError(lineNo, col0 + line.Length + 1, DiagnosticCodes.MissingOpenParen, "missing '('");
            return false;
        }
        var from = open + 1;
        var close = line.IndexOf(')');
        int to;
        if (close < 0)
        {
            b.ReferenceError(lineNo, col0 + line.Length + 1, DiagnosticCodes.MissingCloseParen, "missing ')'");
            to = line.Length - 1; // Python slice end -1
        }
        else
        {
            to = close;
        }
        args = to > from ? line[from..to] : ReadOnlySpan<char>.Empty;
        return true;
    }

    /// <summary><c>args.split(",")[n].split("=")[1]</c>; false where Python raises IndexError.</summary>
    private static bool TryNthValue(ReadOnlySpan<char> args, int n, out ReadOnlySpan<char> value)
    {
        value = default;
        var part = args;
        for (var i = 0; i < n; i++)
        {
            var comma = part.IndexOf(',');
            if (comma < 0) return false;
            part = part[(comma + 1)..];
        }
        var nextComma = part.IndexOf(',');
        if (nextComma >= 0) part = part[..nextComma];
        var eq = part.IndexOf('=');
        if (eq < 0) return false;
        value = part[(eq + 1)..];
        var eq2 = value.IndexOf('=');
        if (eq2 >= 0) value = value[..eq2];
        return true;
    }

    /// <summary>Python <c>s.strip('"')</c>.</summary>
    private static string StripQuotes(ReadOnlySpan<char> s) => s.Trim('"').ToString();
}
