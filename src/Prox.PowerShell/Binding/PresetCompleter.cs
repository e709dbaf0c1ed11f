using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace Prox.PowerShell.Binding;

/// <summary>Tab completion of rules preset names.</summary>
internal sealed class PresetCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        Rules.RulesOptions.PresetNames
            .Where(n => n.StartsWith(wordToComplete.Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, $"rules preset {n}"));
}
