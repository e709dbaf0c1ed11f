using System.Management.Automation;
using Prox.Text;

namespace Prox.PowerShell.Binding;

/// <summary>Turns a <c>-Tokenizer</c> argument into a spec for the core: a known name as is, anything else as a path
/// resolved against the current PowerShell location (not the process folder).</summary>
internal static class TokenizerNames
{
    /// <summary>The spec the core's <see cref="TokenCounter.Create"/> takes.</summary>
    public static string Resolve(PSCmdlet cmdlet, string tokenizer)
    {
        if (string.IsNullOrWhiteSpace(tokenizer)) return TokenCounter.DefaultSpec;
        foreach (var name in TokenCounter.KnownNames)
            if (string.Equals(name, tokenizer.Trim(), StringComparison.OrdinalIgnoreCase)) return name;
        return cmdlet.GetUnresolvedProviderPathFromPSPath(tokenizer);
    }
}
