namespace Prox.Programs;

/// <summary>Collects what a parser finds: operations, diagnostics, the error-operation count, limit breaches.</summary>
internal sealed class ProgramBuilder(ExecutorOptions options)
{
    private List<ProgramOperation>? _ops;
    private List<ProgramDiagnostic>? _diagnostics;

    public int ErrorCount { get; private set; }
    public bool LimitExceeded { get; private set; }
    public ExecutorOptions Options { get; } = options;

    public IReadOnlyList<ProgramOperation> Operations => (IReadOnlyList<ProgramOperation>?)_ops ?? [];
    public IReadOnlyList<ProgramDiagnostic> Diagnostics => (IReadOnlyList<ProgramDiagnostic>?)_diagnostics ?? [];

    /// <summary>Adds an operation; false (stop parsing) once the operation limit is reached.</summary>
    public bool Add(ProgramOperation op)
    {
        _ops ??= new List<ProgramOperation>(4);
        if (_ops.Count >= Options.MaxOperations)
        {
            ExceedLimit(op.SourceLine, $"more than {Options.MaxOperations} operations; the program is ignored");
            return false;
        }
        _ops.Add(op);
        return true;
    }

    public void ExceedLimit(int line, string message)
    {
        LimitExceeded = true;
        Diagnostic(DiagnosticSeverity.Error, line, 1, DiagnosticCodes.LimitExceeded, message);
    }

    /// <summary>One error operation (counts toward the ignore limit) with its diagnostic.</summary>
    public void ReferenceError(int line, int column, string code, string message)
    {
        ErrorCount++;
        Diagnostic(DiagnosticSeverity.Error, line, column, code, message);
    }

    /// <summary>A counted error operation (Strict): several diagnostics on one call still count once.</summary>
    public void CountError() => ErrorCount++;

    public void Diagnostic(DiagnosticSeverity severity, int line, int column, string code, string message)
    {
        _diagnostics ??= new List<ProgramDiagnostic>(2);
        _diagnostics.Add(new ProgramDiagnostic(severity, line, column, code, message));
    }
}
