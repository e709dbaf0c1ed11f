using System.Globalization;
using System.Runtime.CompilerServices;
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
    [ThreadStatic] private static ProgramOperation[]? t_ranges;

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
            return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, Msg("expected a call such as remove_lines(line_start=0, line_end=2), found '{0}'", Excerpt(line[i..])));
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
                    Msg("unknown function '{0}' (known: drop_doc, keep_doc, remove_lines, normalize, keep_chunk, skip_chunk, untouch_doc)", name.ToString()));
        }
        i = SkipSpace(line, i);
        if (i >= line.Length || line[i] != '(')
            return Fail(b, lineNo, i + 1, DiagnosticCodes.MissingOpenParen, Msg("missing '(' after {0}", name.ToString()));
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
                    return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, Msg("expected ',' or ')', found '{0}'", Excerpt(line[i..])));
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
                    arg.Name = KeywordName(line[i..j]);
                    i = SkipSpace(line, k + 1);
                    if (i >= line.Length)
                        return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, Msg("missing value for '{0}'", arg.Name));
                    arg.Column = i + 1;
                }
            }
            if (!ReadValue(b, line, lineNo, ref i, ref arg)) return true;
            args.Add(arg);
        }
        i = SkipSpace(line, i);
        if (i < line.Length && line[i] != '#')
            return Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, Msg("unexpected text after the call: '{0}'", Excerpt(line[i..])));
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
                                Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, Msg("bad escape '\\{0}': expected {1} hex digits", e, digits));
                                return false;
                            }
                            sb.Append((char)code);
                            consumed = 2 + digits;
                            break;
                        }
                        default:
                            Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, Msg("unknown escape '\\{0}' (use \\\\ for a backslash)", e));
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
                Fail(b, lineNo, start + 1, DiagnosticCodes.BadArguments, Msg("'{0}' is not an integer", line[start..end].ToString()));
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
            Fail(b, lineNo, start + 1, DiagnosticCodes.BadArguments, Msg("'{0}' is not a value (strings need quotes)", word.ToString()));
            return false;
        }
        Fail(b, lineNo, i + 1, DiagnosticCodes.Syntax, Msg("expected a value, found '{0}'", Excerpt(line[i..])));
        return false;
    }

    private static bool Bind(ProgramBuilder b, OperationKind kind, List<Arg> args, int lineNo, int col, ProgramStage stage, int? lineCount)
    {
        var fname = ProgramOperation.FunctionNameOf(kind);
        switch (kind)
        {
            case OperationKind.DropDoc or OperationKind.KeepDoc or OperationKind.UntouchDoc or OperationKind.KeepChunk or OperationKind.SkipChunk:
                if (args.Count != 0)
                    return Fail(b, lineNo, args[0].NameColumn, DiagnosticCodes.WrongArity, Msg("{0}() takes no arguments", fname));
                if (stage == ProgramStage.Chunk && kind is OperationKind.DropDoc or OperationKind.KeepDoc)
                    b.Diagnostic(DiagnosticSeverity.Warning, lineNo, col, DiagnosticCodes.WrongStage, Msg("{0}() has no effect in a chunk program", fname));
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
                    return Fail(b, lineNo, bad.Column, DiagnosticCodes.LineOutOfRange, Msg("line numbers are 0-based and cannot be negative ({0})", bad.Int));
                }
                if (a0.Int > a1.Int)
                    return Fail(b, lineNo, a0.Column, DiagnosticCodes.EmptyRange, Msg("line_start {0} is after line_end {1}: nothing would be removed", a0.Int, a1.Int));
                if (lineCount is int n)
                {
                    // Reported here; counted once, by the executor's range accounting (as in ProX).
                    if (a0.Int >= n)
                        b.Diagnostic(DiagnosticSeverity.Error, lineNo, a0.Column, DiagnosticCodes.LineOutOfRange, Msg("line_start {0} is past the last line ({1})", a0.Int, n - 1));
                    else if (a1.Int >= n)
                        b.Diagnostic(DiagnosticSeverity.Error, lineNo, a1.Column, DiagnosticCodes.LineOutOfRange, Msg("line_end {0} is past the last line ({1})", a1.Int, n - 1));
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
                if (position >= 2) { Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.WrongArity, Msg("{0}() takes at most 2 arguments", fname)); return false; }
                param = position++ == 0 ? p0 : p1;
            }
            else
            {
                sawKeyword = true;
                param = arg.Name;
                if (param != p0 && param != p1)
                {
                    Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.BadKeyword, Msg("{0}() has no parameter '{1}' (expected {2}, {3})", fname, param, p0, p1));
                    return false;
                }
            }
            if (param == p0)
            {
                if (has0) { Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.BadKeyword, Msg("{0} given twice", p0)); return false; }
                a0 = arg; has0 = true;
            }
            else
            {
                if (has1) { Fail(b, lineNo, arg.NameColumn, DiagnosticCodes.BadKeyword, Msg("{0} given twice", p1)); return false; }
                a1 = arg; has1 = true;
            }
        }
        if (!has0 || (required == 2 && !has1))
        {
            Fail(b, lineNo, col, DiagnosticCodes.WrongArity, required == 2 ? Msg("{0}() needs {1} and {2}", fname, p0, p1) : Msg("{0}() needs {1}", fname, p0));
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
        // A per-thread scratch array and an insertion sort (programs hold a handful of ranges): no allocation, no
        // comparison delegate. Start then source line is a total order, so the result is the one a stable sort gives.
        var ranges = t_ranges is { } cached && cached.Length >= rangeCount ? cached : new ProgramOperation[Math.Max(16, rangeCount)];
        t_ranges = null;
        var n = 0;
        foreach (var op in ops)
        {
            if (op.Kind != OperationKind.RemoveLines) continue;
            var j = n++;
            if (rangeCount > 32) { ranges[j] = op; continue; } // sorted below instead (insertion sort is quadratic)
            while (j > 0 && ByStartThenLine(ranges[j - 1], op) > 0) { ranges[j] = ranges[j - 1]; j--; }
            ranges[j] = op;
        }
        if (rangeCount > 32) Array.Sort(ranges, 0, rangeCount, Comparer<ProgramOperation>.Create(ByStartThenLine));
        var furthest = ranges[0];
        for (var k = 1; k < rangeCount; k++)
        {
            var r = ranges[k];
            if (r.Start <= furthest.End)
                b.Diagnostic(DiagnosticSeverity.Warning, r.SourceLine, 1, DiagnosticCodes.OverlappingRanges,
                    Msg("lines {0}..{1} are also removed by line {2}", r.Start, Math.Min(r.End, furthest.End), furthest.SourceLine));
            if (r.End > furthest.End) furthest = r;
        }
        Array.Clear(ranges, 0, rangeCount); // keep no operations alive
        if (ranges.Length <= 1024) t_ranges = ranges;
    }

    private static int ByStartThenLine(ProgramOperation x, ProgramOperation y) =>
        x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.SourceLine.CompareTo(y.SourceLine);

    // Messages are formatted only on the failure path; interpolated strings in the hot parsing methods would cost
    // every call (their handler locals are zeroed in the method prologue).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string Msg(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);

    private static bool Fail(ProgramBuilder b, int line, int column, string code, string message)
    {
        b.CountError();
        b.Diagnostic(DiagnosticSeverity.Error, line, column, code, message);
        return true; // keep parsing the next lines
    }

    // The documented parameter names come back as the same string instances (no allocation, fast equality).
    private static string KeywordName(ReadOnlySpan<char> name) => name switch
    {
        "line_start" => "line_start",
        "line_end" => "line_end",
        "source_str" => "source_str",
        "target_str" => "target_str",
        "all" => "all",
        _ => name.ToString(),
    };

    private static int SkipSpace(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && (s[i] == ' ' || s[i] == '\t')) i++;
        return i;
    }

    private static bool IsIdentStart(char c) => char.IsAsciiLetter(c) || c == '_';
    private static bool IsIdentPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static string Excerpt(ReadOnlySpan<char> s) => s.Length <= 20 ? s.ToString() : string.Concat(s[..20], "…");
}
