namespace Prox.Programs;

/// <summary>The two ProX refinement stages.</summary>
public enum ProgramStage
{
    /// <summary>Document level: the program decides keep (<c>keep_doc()</c>) or drop (<c>drop_doc()</c>).</summary>
    Doc,

    /// <summary>Chunk level: the program removes line ranges and normalizes strings.</summary>
    Chunk,
}

/// <summary>How program text is read.</summary>
public enum ProgramDialect
{
    /// <summary>A real grammar with diagnostics (line, column, message); the default.</summary>
    Strict,

    /// <summary>Reproduces the published ProX executor exactly, quirks included.</summary>
    Reference,
}
