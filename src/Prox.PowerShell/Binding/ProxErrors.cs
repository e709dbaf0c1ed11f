using System.Management.Automation;

namespace Prox.PowerShell.Binding;

/// <summary>
/// Builds the module's error records: every FullyQualifiedErrorId starts with <c>Prox.</c> (PowerShell appends the
/// cmdlet's type name), the category follows from what went wrong, and the target is the thing that was wrong.
/// </summary>
internal static class ProxErrors
{
    /// <summary>An error record with id <c>Prox.<paramref name="id"/></c>.</summary>
    public static ErrorRecord Create(Exception exception, string id, ErrorCategory category, object? target) =>
        new(exception, "Prox." + id, category, target);

    /// <summary>An error record whose category is derived from the exception type.</summary>
    public static ErrorRecord FromException(Exception exception, string id, object? target) =>
        Create(exception, id, CategoryOf(exception), target);

    /// <summary>An unknown rules preset.</summary>
    public static ErrorRecord UnknownPreset(ArgumentException e, string preset) =>
        Create(e, "UnknownPreset", ErrorCategory.InvalidArgument, preset);

    /// <summary>The error category that fits an exception.</summary>
    public static ErrorCategory CategoryOf(Exception e) => e switch
    {
        ItemNotFoundException or FileNotFoundException or DirectoryNotFoundException => ErrorCategory.ObjectNotFound,
        UnauthorizedAccessException => ErrorCategory.PermissionDenied,
        NotSupportedException => ErrorCategory.NotImplemented,
        InvalidDataException or FormatException => ErrorCategory.InvalidData,
        ArgumentException => ErrorCategory.InvalidArgument,
        OperationCanceledException => ErrorCategory.OperationStopped,
        InvalidOperationException => ErrorCategory.InvalidOperation,
        IOException => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };
}
