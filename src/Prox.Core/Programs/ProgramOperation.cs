using System.Globalization;
using System.Text;

namespace Prox.Programs;

/// <summary>The functions of the ProX program language.</summary>
public enum OperationKind
{
    /// <summary><c>drop_doc()</c>: drop the document (doc stage).</summary>
    DropDoc,
    /// <summary><c>keep_doc()</c>: keep the document (doc stage).</summary>
    KeepDoc,
    /// <summary><c>untouch_doc()</c>: no-op.</summary>
    UntouchDoc,
    /// <summary><c>keep_chunk()</c>: no-op.</summary>
    KeepChunk,
    /// <summary><c>skip_chunk()</c>: no-op.</summary>
    SkipChunk,
    /// <summary><c>remove_lines(line_start=a, line_end=b)</c>: remove lines a..b inclusive (0-based, global).</summary>
    RemoveLines,
    /// <summary><c>remove_lines(all=True)</c>: remove every line.</summary>
    RemoveAllLines,
    /// <summary><c>normalize(source_str="s", target_str="t")</c>: replace every occurrence of s by t.</summary>
    Normalize,
}

/// <summary>One parsed call of a program, with the program line it came from.</summary>
public sealed class ProgramOperation : IEquatable<ProgramOperation>
{
    internal ProgramOperation(OperationKind kind, int sourceLine, long start = 0, long end = 0, string? source = null, string? target = null, bool deletionForm = false)
    {
        Kind = kind;
        SourceLine = sourceLine;
        Start = start;
        End = end;
        Source = source;
        Target = target;
        IsDeletionForm = deletionForm;
    }

    /// <summary>The function.</summary>
    public OperationKind Kind { get; }

    /// <summary>1-based line of the program text holding the call.</summary>
    public int SourceLine { get; }

    /// <summary>First line to remove (inclusive, 0-based) for <see cref="OperationKind.RemoveLines"/>.</summary>
    public long Start { get; }

    /// <summary>Last line to remove (inclusive, 0-based) for <see cref="OperationKind.RemoveLines"/>.</summary>
    public long End { get; }

    /// <summary>The string to find, for <see cref="OperationKind.Normalize"/>.</summary>
    public string? Source { get; }

    /// <summary>The replacement, for <see cref="OperationKind.Normalize"/> (<c>""</c> deletes).</summary>
    public string? Target { get; }

    /// <summary>
    /// True for the one-argument form <c>normalize(source_str="s")</c>, which the reference executor applies
    /// without the empty/space guard of the two-argument form.
    /// </summary>
    public bool IsDeletionForm { get; }

    /// <summary>The ProX function name (<c>remove_lines</c>, <c>normalize</c>, …).</summary>
    public string FunctionName => FunctionNameOf(Kind);

    /// <summary>True for calls that change nothing by themselves (keep/skip/untouch).</summary>
    public bool IsNoOp => Kind is OperationKind.KeepChunk or OperationKind.SkipChunk or OperationKind.UntouchDoc or OperationKind.KeepDoc;

    /// <summary>The canonical text of this call (what <see cref="ProxProgram.ToCanonicalString"/> writes).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendCanonical(sb);
        return sb.ToString();
    }

    internal void AppendCanonical(StringBuilder sb)
    {
        sb.Append(FunctionName).Append('(');
        switch (Kind)
        {
            case OperationKind.RemoveLines:
                sb.Append("line_start=").Append(Start.ToString(CultureInfo.InvariantCulture))
                  .Append(", line_end=").Append(End.ToString(CultureInfo.InvariantCulture));
                break;
            case OperationKind.RemoveAllLines:
                sb.Append("all=True");
                break;
            case OperationKind.Normalize:
                sb.Append("source_str=");
                AppendQuoted(sb, Source ?? "");
                if (!IsDeletionForm)
                {
                    sb.Append(", target_str=");
                    AppendQuoted(sb, Target ?? "");
                }
                break;
        }
        sb.Append(')');
    }

    /// <summary>Writes a Strict-dialect string literal: double quotes, backslash escapes where needed.</summary>
    internal static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        sb.Append(c).Append(value[++i]);
                    }
                    else if (char.IsControl(c) || char.IsSurrogate(c))
                    {
                        // Lone surrogates and control characters are escaped so the canonical text stays printable UTF-16.
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    internal static string FunctionNameOf(OperationKind kind) => kind switch
    {
        OperationKind.DropDoc => "drop_doc",
        OperationKind.KeepDoc => "keep_doc",
        OperationKind.UntouchDoc => "untouch_doc",
        OperationKind.KeepChunk => "keep_chunk",
        OperationKind.SkipChunk => "skip_chunk",
        OperationKind.RemoveLines or OperationKind.RemoveAllLines => "remove_lines",
        OperationKind.Normalize => "normalize",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Same call (function and arguments); the source line is not compared.</summary>
    public bool Equals(ProgramOperation? other) =>
        other is not null && Kind == other.Kind && Start == other.Start && End == other.End &&
        string.Equals(Source, other.Source, StringComparison.Ordinal) &&
        string.Equals(Target, other.Target, StringComparison.Ordinal) && IsDeletionForm == other.IsDeletionForm;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ProgramOperation);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, Start, End, Source, Target, IsDeletionForm);
}
