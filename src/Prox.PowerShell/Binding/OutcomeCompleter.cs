using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Prox.Analysis;
using Prox.Programs;

namespace Prox.PowerShell.Binding;

/// <summary>Tab completion of document outcomes: <c>Kept</c> and the drop reasons.</summary>
internal sealed class OutcomeCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Enum.GetNames<DropReason>().Where(n => n != nameof(DropReason.None)).Prepend(OutcomeSampler.Kept)
            .Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
}
