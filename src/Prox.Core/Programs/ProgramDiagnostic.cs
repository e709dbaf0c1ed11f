namespace Prox.Programs;

/// <summary>How serious a diagnostic is.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Worth knowing; the program still runs as written.</summary>
    Info,
    /// <summary>Suspicious but executed (e.g. overlapping ranges, a call the reference executor reads differently).</summary>
    Warning,
    /// <summary>The call is skipped and counts as one error operation.</summary>
    Error,
}

/// <summary>A problem found in a program: where (1-based line and column of the program text) and why.</summary>
/// <param name="Severity">Error, warning or info.</param>
/// <param name="Line">1-based line in the program text.</param>
/// <param name="Column">1-based column in that line.</param>
/// <param name="Code">A stable identifier, e.g. <c>PX0101</c>.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record ProgramDiagnostic(DiagnosticSeverity Severity, int Line, int Column, string Code, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Line}:{Column}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
}

/// <summary>The diagnostic codes the parsers emit.</summary>
public static class DiagnosticCodes
{
    /// <summary>A call without its opening parenthesis.</summary>
    public const string MissingOpenParen = "PX0001";
    /// <summary>A call without its closing parenthesis.</summary>
    public const string MissingCloseParen = "PX0002";
    /// <summary>Arguments that cannot be read as the function needs.</summary>
    public const string BadArguments = "PX0003";
    /// <summary>A name that is not a ProX function.</summary>
    public const string UnknownFunction = "PX0004";
    /// <summary>Too many or too few arguments.</summary>
    public const string WrongArity = "PX0005";
    /// <summary>A string literal without its closing quote.</summary>
    public const string UnterminatedString = "PX0006";
    /// <summary>A line number past the end of the document or negative.</summary>
    public const string LineOutOfRange = "PX0007";
    /// <summary>A normalize whose source is empty or a single space.</summary>
    public const string EmptyNormalizeSource = "PX0008";
    /// <summary>Two remove_lines ranges overlap.</summary>
    public const string OverlappingRanges = "PX0009";
    /// <summary>A range whose start is after its end.</summary>
    public const string EmptyRange = "PX0010";
    /// <summary>Text the grammar does not allow (stray characters, bad escapes, …).</summary>
    public const string Syntax = "PX0011";
    /// <summary>A call that has no effect at this stage (e.g. drop_doc in a chunk program).</summary>
    public const string WrongStage = "PX0012";
    /// <summary>A call the reference executor would read differently (so the program is not portable).</summary>
    public const string NotPortable = "PX0013";
    /// <summary>A protective limit was hit (program length, operation count, document growth).</summary>
    public const string LimitExceeded = "PX0014";
    /// <summary>An argument named twice or an unknown keyword.</summary>
    public const string BadKeyword = "PX0015";
    /// <summary>A doc-stage program that both keeps and drops.</summary>
    public const string Conflict = "PX0016";
    /// <summary>The normalizations would exceed <see cref="ExecutorOptions.MaxNormalizeWork"/>; the program was ignored.</summary>
    public const string WorkLimitExceeded = "PX0017";
}
