@{
    Synopsis    = 'Lists the rules presets with the rule families they switch on and every threshold.'
    Description = @'
Returns one object per rules preset: Name, IsDefault, Families (the rule families switched on: GopherQuality, GopherRepetition, C4Document, C4Lines, FineWebQuality, BoilerplateLines, DropLoremIpsum, NormalizeInlineMarkers, RemoveUrlLines), Description and Options, the preset's RulesOptions with every threshold and switch (MinWords, MaxDuplicateLineFraction, C4MinSentences, ShortRunMinLines, ...). The defaults of the thresholds are the published values; docs/rules.md explains each one.

Use it to see what -Preset means before a run, and to compare presets: (Get-ProxPreset C4).Options | Format-List shows every option.
'@
    Parameters  = @{
        Name = 'Preset names or wildcard patterns (ProxRules, Gopher, C4, FineWeb; Default is ProxRules). All presets when omitted. A name that is not a preset is an error (Prox.UnknownPreset).'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Preset names or patterns.' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Rules.RulesPreset'; Description = 'Name, IsDefault, Families, Description and Options (the RulesOptions) of each preset.' }
    )
    Examples    = @(
        @{
            Title   = 'List the presets'
            Code    = 'Get-ProxPreset'
            Remarks = 'One row per preset with the rule families it switches on.'
        }
        @{
            Title   = 'Every threshold of one preset, and one threshold across all presets'
            Code    = @'
(Get-ProxPreset C4).Options | Format-List C4MinSentences, C4MinLineWords, C4RequireTerminalPunctuation
Get-ProxPreset | Select-Object Name, @{ n = 'MinWords'; e = { $_.Options.MinWords } }, @{ n = 'GopherQuality'; e = { $_.Options.GopherQuality } }
'@
            Remarks = 'Options is the preset''s RulesOptions: every property is a threshold or a switch.'
        }
    )
    Links       = @('Invoke-ProxRefine', 'Get-ProxProgram', 'about_Prox')
}
