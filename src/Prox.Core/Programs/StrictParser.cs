using System.Globalization;
using System.Text;

namespace Prox.Programs;

/// <summary>
/// The Strict dialect: one call per line, <c>name(arg, …)</c> with keyword or positional arguments in the documented
/// order, string literals in single or double quotes with backslash escapes, integer literals, <c>True</c>/<c>False</c>,
/// <c>#</c> comments, blank lines and code fences. Every problem becomes a diagnostic with line and column.
/// </summary>
internal static class StrictParser
{
    private enum ValueKind { Int, String, Bool }

    private struct Arg
    {
        public string? Name;
        public ValueKind Kind;
        public long Int;
        public string? Str;
        public int Column;      // where the value starts
        public int NameColumn;  // where the argument starts (its keyword, if any)
    }

    [ThreadStatic] private static List<Arg>? t_args;

    public static void Parse(ProgramBuilder b, string program, ProgramStage stage, int? lineCount)
    {
        var span = program.AsSpan();
        var lineNo = 0;
        var args = t_args ??= new List<Arg>(4);
        while (true)
        {
            lineNo++;
            var nl = span.IndexOf('\n');
            var line = nl < 0 ? span : span[..nl];
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            args.Clear();
            if (!ParseLine(b, line, lineNo, stage, lineCount, args)) break;
            if (nl < 0) break;
            span = span[(nl + 1)..];
        }
        args.Clear();
        CheckProgram(b, stage);
    }

    private static bool ParseLine(ProgramBuilder b, ReadOnlySpan<char> line, int lineNo, ProgramStage stage, int? lineCount, List<Arg> args)
    {
        var i = SkipSpace(line, 0);
        if (i == line.Length || line[i] == '#') return true;
        if (line[i..].StartsWith("```", StringComparison.Ordinal)) return true;
        var callColumn = i + 1;
        if (!IsIdentStart(line[i]))
        {
            return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, $"expected a call such as remove_lines(line_start=0, line_end=2), found '{Excerpt(line[i..])}'");
        }
        var nameStart = i;
        while (i < line.Length && IsIdentPart(line[i])) i++;
        var name = line[nameStart..i];
        OperationKind kind;
        switch (name)
        {
            case "drop_doc": kind = OperationKind.DropDoc; break;
            case "keep_doc": kind = OperationKind.KeepDoc; break;
            case "untouch_doc": kind = OperationKind.UntouchDoc; break;
            case "keep_chunk": kind = OperationKind.KeepChunk; break;
            case "skip_chunk": kind = OperationKind.SkipChunk; break;
            case "remove_lines": kind = OperationKind.RemoveLines; break;
            case "normalize": kind = OperationKind.Normalize; break;
            default:
                return Fail(b, lineNo, callColumn, DiagnosticCodes.UnknownFunction,
                    $"unknown function '{name.ToString()}' (known: drop_doc, keep_doc, remove_lines, normalize, keep_chunk, skip_chunk, untouch_doc)");
        }
        i = SkipSpace(line, i);
        if (i >= line.Length || line[i] != '(')
            return Fail(b, lineNo, i + 1, DiagnosticCodes.MissingOpenParen, $"missing '(' after {name.ToString()}");
        i++;
        while (true)
        {
            i = SkipSpace(line, i);
            if (i >= line.Length)
                return Fail(b, lineNo, i + 1, DiagnosticCodes.MissingCloseParen, "missing ')'");
            if (line[i] == ')') { i++; break; }
            if (args.Count > 0)
            {
                if (line[i] != ',')
                    return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, $"expected ',' or ')', found '{Excerpt(line[i..])}'");
                i = SkipSpace(line, i + 1);
                if (i < line.Length && line[i] == ')') { i++; break; } // trailing comma
                if (i >= line.Length)
                    return Fail(b, lineNo, i + 1, DiagnosticCodes.MissingCloseParen, "missing ')'");
            }
            var arg = new Arg { Column = i + 1, NameColumn = i + 1 };
            // keyword?
            if (IsIdentStart(line[i]))
            {
                var j = i;
                while (j < line.Length && IsIdentPart(line[j])) j++;
                var k = SkipSpace(line, j);
                if (k < line.Length && line[k] == '=')
                {
                    arg.Name = line[i..j].ToString();
                    i = SkipSpace(line, k + 1);
                    if (i >= line.Length)
                        return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, $"missing value for '{arg.Name}'");
                    arg.Column = i + 1;
                }
            }
            if (!ReadValue(b, line, lineNo, ref i, ref arg)) return true;
            args.Add(arg);
        }
        i = SkipSpace(line, i);
        if (i < line.Length && line[i] != '#')
            return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, $"unexpected text after the call: '{Excerpt(line[i..])}'");
        return Bind(b, kind, args, lineNo, callColumn, stage, lineCount);
    }

    private static bool ReadValue(ProgramBuilder b, ReadOnlySpan<char> line, int lineNo, ref int i, ref Arg arg)
    {
        var c = line[i];
        if (c is '"' or '\'')
        {
            var quote = c;
            var start = i;
            i++;
            StringBuilder? sb = null;
            var runStart = i;
            while (true)
            {
                if (i >= line.Length)
                {
                    Fail(b, lineNo, start + 1, DiagnosticCodes.UnterminatedString, "unterminated string literal");
                    return false;
                }
                var ch = line[i];
                if (ch == quote) break;
                if (ch == '\\')
                {
                    sb ??= new StringBuilder();
                    sb.Append(line[runStart..i]);
                    if (i + 1 >= line.Length)
                    {
                        Fail(b, lineNo, start + 1, DiagnosticCodes.UnterminatedString, "unterminated string literal (ends with a backslash)");
                        return false;
                    }
                    var e = line[i + 1];
                    var consumed = 2;
                    switch (e)
                    {
                        case '\\': sb.Append('\\'); break;
                        case '"': sb.Append('"'); break;
                        case '\'': sb.Append('\''); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case '0': sb.Append('\0'); break;
                        case 'x':
                        case 'u':
                        {
                            var digits = e == 'x' ? 2 : 4;
                            if (i + 2 + digits > line.Length ||
                                !int.TryParse(line.Slice(i + 2, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                            {
                                Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, $"bad escape '\\{e}': expected {digits} hex digits");
                                return false;
                            }
                            sb.Append((char)code);
                            consumed = 2 + digits;
                            break;
                        }
                        default:
                            Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, $"unknown escape '\\{e}' (use \\\\ for a backslash)");
                            return false;
                    }
                    i += consumed;
                    runStart = i;
                    continue;
                }
                i++;
            }
            arg.Kind = ValueKind.String;
            arg.Str = sb is null ? line[runStart..i].ToString() : sb.Append(line[runStart..i]).ToString();
            i++; // closing quote
            return true;
        }
        if (c is '+' or '-' || char.IsAsciiDigit(c))
        {
            var start = i;
            i++;
            while (i < line.Length && (char.IsAsciiDigit(line[i]) || line[i] == '_')) i++;
            if (i < line.Length && (IsIdentPart(line[i]) || line[i] == '.') || !PyText.TryParseInt(line[start..i], out var v))
            {
                var end = i;
                while (end < line.Length && (IsIdentPart(line[end]) || line[end] == '.')) end++;
                Fail(b, lineNo, start + 1, DiagnosticCodes.BadArguments, $"'{line[start..end].ToString()}' is not an integer");
                return false;
            }
            arg.Kind = ValueKind.Int;
            arg.Int = v;
            return true;
        }
        if (IsIdentStart(c))
        {
            var start = i;
            while (i < line.Length && IsIdentPart(line[i])) i++;
            var word = line[start..i];
            if (word.SequenceEqual("True") || word.SequenceEqual("False"))
            {
                arg.Kind = ValueKind.Bool;
                arg.Int = word[0] == 'T' ? 1 : 0;
                return true;
            }
            Fail(b, lineNo, start + 1, DiagnosticCodes.BadArguments, $"'{word.ToString()}' is not a value (strings need quotes)");
            return false;
        }
        Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, $"expected a value, found '{Excerpt(line[i..])}'");
        return false;
    }

    private static bool Bind(ProgramBuilder b, OperationKind kind, List<Arg> args, int lineNo, int col, ProgramStage stage, int? lineCount)
    {
        var fname = ProgramOperation.FunctionNameOf(kind);
        switch (kind)
        {
            case OperationKind.DropDoc or OperationKind.KeepDoc or OperationKind.UntouchDoc or OperationKind.KeepChunk or OperationKind.SkipChunk:
                if (args.Count != 0)
                    return Fail(b, lineNo, args[0].NameColumn, DiagnosticCodes.WrongArity, $"{fname}() takes no arguments");
                if (stage == ProgramStage.Chunk && kind is OperationKind.DropDoc or OperationKind.KeepDoc)
                    b.Diagnostic(DiagnosticSeverity.Warning, lineNo, col, DiagnosticCodes.WrongStage, $"{fname}() has no effect in a chunk program");
                return b.Add(new ProgramOperation(kind, lineNo));

            case OperationKind.RemoveLines:
            {
                if (stage == ProgramStage.Doc)
                    return Fail(b, lineNo, col, DiagnosticCodes.WrongStage, "remove_lines() belongs to chunk programs, not doc programs");
                var allIndex = IndexOfName(args, "all");
                if (allIndex >= 0)
                {
                    if (args.Count != 1)
                        return Fail(b, lineNo, col, DiagnosticCodes.WrongArity, "remove_lines(all=True) takes no other argument");
                    if (args[0].Kind != ValueKind.Bool)
                        return Fail(b, lineNo, args[0].Column, DiagnosticCodes.BadArguments, "all must be True");
                    if (args[0].Int == 0)
                        return Fail(b, lineNo, args[0].Column, DiagnosticCodes.BadArguments, "remove_lines(all=False) removes nothing; drop the call");
                    return b.Add(new ProgramOperation(OperationKind.RemoveAllLines, lineNo));
                }
                if (!BindTwo(b, args, lineNo, col, fname, "line_start", "line_end", required: 2, out var a0, out var a1)) return true;
                if (a0.Kind != ValueKind.Int || a1.Kind != ValueKind.Int)
                {
                    var bad = a0.Kind != ValueKind.Int ? a0 : a1;
                    return Fail(b, lineNo, bad.Column, DiagnosticCodes.BadArguments, "line numbers must be integers");
                }
                if (a0.Int < 0 || a1.Int < 0)
                {
                    var bad = a0.Int < 0 ? a0 : a1;
                    return Fail(b, lineNo, bad.Column, DiagnosticCodes.LineOutOfRange, $"line numbers are 0-based and cannot be negative ({bad.Int})");
                }
                if (a0.Int > a1.Int)
                    return Fail(b, lineNo, a0.Column, DiagnosticCodes.EmptyRange, $"line_start {a0.Int} is after line_end {a1.Int}: nothing would be removed");
                if (lineCount is int n)
                {
                    // Reported here; counted once, by the executor's range accounting (as in ProX).
                    if (a0.Int >= n)
                        b.Diagnostic(DiagnosticSeverity.Error, lineNo, a0.Column, DiagnosticCodes.LineOutOfRange, $"line_start {a0.Int} is past the last line ({n - 1})");
                    else if (a1.Int >= n)
                        b.Diagnostic(DiagnosticSeverity.Error, lineNo, a1.Column, DiagnosticCodes.LineOutOfRange, $"line_end {a1.Int} is past the last line ({n - 1})");
                }
                return b.Add(new ProgramOperation(OperationKind.RemoveLines, lineNo, a0.Int, a1.Int));
            }

            case OperationKind.Normalize:
            {
                if (stage == ProgramStage.Doc)
                    return Fail(b, lineNo, col, DiagnosticCodes.WrongStage, "normalize() belongs to chunk programs, not doc programs");
                if (!BindTwo(b, args, lineNo, col, fname, "source_str", "target_str", required: 1, out var s, out var t)) return true;
                if (s.Kind != ValueKind.String || (args.Count == 2 && t.Kind != ValueKind.String))
                {
                    var bad = s.Kind != ValueKind.String ? s : t;
                    return Fail(b, lineNo, bad.Column, DiagnosticCodes.BadArguments, "normalize arguments must be strings");
                }
                if (string.IsNullOrEmpty(s.Str) || s.Str == " ")
                    return Fail(b, lineNo, s.Column, DiagnosticCodes.EmptyNormalizeSource,
                        s.Str == " " ? "normalize source is a single space (ProX ignores it)" : "normalize source is empty");
                var deletion = args.Count == 1;
                return b.Add(new ProgramOperation(OperationKind.Normalize, lineNo, source: s.Str, target: deletion ? "" : t.Str ?? "", deletionForm: deletion));
            }
        }
        return true;
    }

    /// <summary>Binds up to two parameters by position or keyword, in the documented order.</summary>
    private static bool BindTwo(ProgramBuilder b, List<Arg> args, int lineNo, int col, string fname, string p0, string p1, int required, out Arg a0, out Arg a1)
    {
        a0 = default;
        a1 = default;
        bool has0 = false, has1 = false, sawKeyword = false;
        var position = 0;
        foreach (var arg in args)
        {
            string param;
            if (arg.Name is null)
            {
                if (sawKeyword) { Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.Syntax, "positional argument after a keyword argument"); return false; }
                if (position >= 2) { Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.WrongArity, $"{fname}() takes at most 2 arguments"); return false; }
                param = position++ == 0 ? p0 : p1;
            }
            else
            {
                sawKeyword = true;
                param = arg.Name;
                if (param != p0 && param != p1)
                {
                    Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.BadKeyword, $"{fname}() has no parameter '{param}' (expected {p0}, {p1})");
                    return false;
                }
            }
            if (param == p0)
            {
                if (has0) { Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.BadKeyword, $"{p0} given twice"); return false; }
                a0 = arg; has0 = true;
            }
            else
            {
                if (has1) { Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.BadKeyword, $"{p1} given twice"); return false; }
                a1 = arg; has1 = true;
            }
        }
        if (!has0 || (required == 2 && !has1))
        {
            Fail(b, lineNo, col, DiagnosticCodes.WrongArity, required == 2 ? $"{fname}() needs {p0} and {p1}" : $"{fname}() needs {p0}");
            return false;
        }
        return true;
    }

    private static int IndexOfName(List<Arg> args, string name)
    {
        for (var k = 0; k < args.Count; k++) if (args[k].Name == name) return k;
        return -1;
    }

    private static void CheckProgram(ProgramBuilder b, ProgramStage stage)
    {
        var ops = b.Operations;
        if (stage == ProgramStage.Doc)
        {
            ProgramOperation? drop = null, keep = null;
            foreach (var op in ops)
            {
                if (op.Kind == OperationKind.DropDoc) drop ??= op;
                else if (op.Kind == OperationKind.KeepDoc) keep ??= op;
            }
            if (drop is not null && keep is not null)
                b.Diagnostic(DiagnosticSeverity.Warning, Math.Max(drop.SourceLine, keep.SourceLine), 1, DiagnosticCodes.Conflict,
                    "the program both keeps and drops the document; drop_doc() wins");
            return;
        }
        // Overlapping ranges: sorted by start, compare with the furthest end so far.
        var rangeCount = 0;
        foreach (var op in ops) if (op.Kind == OperationKind.RemoveLines) rangeCount++;
        if (rangeCount < 2) return;
        var ranges = new ProgramOperation[rangeCount];
        var n = 0;
        foreach (var op in ops) if (op.Kind == OperationKind.RemoveLines) ranges[n++] = op;
        Array.Sort(ranges, ByStartThenLine);
        var furthest = ranges[0];
        for (var k = 1; k < ranges.Length; k++)
        {
            var r = ranges[k];
            if (r.Start <= furthest.End)
                b.Diagnostic(DiagnosticSeverity.Warning, r.SourceLine, 1, DiagnosticCodes.OverlappingRanges,
                    $"lines {r.Start}..{Math.Min(r.End, furthest.End)} are also removed by line {furthest.SourceLine}");
            if (r.End > furthest.End) furthest = r;
        }
    }

    private static readonly Comparison<ProgramOperation> ByStartThenLine =
        static (x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.SourceLine.CompareTo(y.SourceLine);

    private static bool Fail(ProgramBuilder b, int line, int column, string code, string message)
    {
        b.CountError();
        b.Diagnostic(DiagnosticSeverity.Error, line, column, code, message);
        return true; // keep parsing the next lines
    }

    private static int SkipSpace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t')) i++;
        return i;
    }

    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c == '_';
    private static bool IsIdentPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string Excerpt(ReadOnlySpan<char> s) => s.Length <= 20 ? s.ToString() : string.Concat(s[..20], "…");
}
