using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Prox.Text;

namespace Prox.PowerShell.Binding;

/// <summary>Tab completion of <c>-Tokenizer</c>: the built-in encoding names, then files (a SentencePiece tokenizer.model).</summary>
internal sealed class TokenizerCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = wordToComplete.Trim('\'', '"');
        foreach (var name in TokenCounter.KnownNames)
            if (name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                yield return new CompletionResult(name, name, CompletionResultType.ParameterValue, $"built-in tokenizer {name}");
        foreach (var file in CompletionCompleters.CompleteFilename(wordToComplete))
            yield return file;
    }
}
