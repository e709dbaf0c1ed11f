using System.Management.Automation;
using Prox.PowerShell.Binding;
using Prox.Rules;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the rules presets with the rule families they switch on and every threshold.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxPreset")]
[OutputType(typeof(RulesPreset))]
public sealed class GetProxPresetCommand : PSCmdlet
{
    /// <summary>Preset names or wildcard patterns; all presets when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(PresetCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = ["*"];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        foreach (var name in Name)
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name))
            {
                try
                {
                    WriteObject(RulesPreset.Get(name));
                }
                catch (ArgumentException e)
                {
                    WriteError(ProxErrors.UnknownPreset(e, name));
                }
                continue;
            }
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var any = false;
            foreach (var preset in RulesPreset.All)
            {
                if (!pattern.IsMatch(preset.Name)) continue;
                any = true;
                WriteObject(preset);
            }
            if (!any)
                WriteError(ProxErrors.Create(new ItemNotFoundException($"No rules preset matches '{name}'. Presets: {string.Join(", ", RulesPreset.All.Select(p => p.Name))}."),
                    "UnknownPreset", ErrorCategory.ObjectNotFound, name));
        }
    }
}
