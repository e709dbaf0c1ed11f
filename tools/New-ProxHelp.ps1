<#
.SYNOPSIS
    Builds the module's MAML help (module/bin/en-US/Prox.PowerShell.dll-Help.xml) from module/help/<Cmdlet>.psd1.
.DESCRIPTION
    Binary cmdlets take their help from a MAML file next to the DLL. Writing MAML by hand is error-prone, so each
    cmdlet's help lives in a small data file (Synopsis, Description, Parameters, Inputs, Outputs, Examples, Links,
    and Defaults where a default is not a constant) and this script joins it with the cmdlet's real metadata from the
    built module: parameter types, positions, pipeline binding, wildcard support ([SupportsWildcards]), default values
    (read from a new instance of the cmdlet class), -WhatIf/-Confirm when the cmdlet supports ShouldProcess, and the
    [OutputType] types. (PlatyPS, the usual tool, is not restorable from the package sources this project uses.)
    Run by build.ps1 in a separate process after the module is laid out. Fails when a cmdlet has no help file, no
    example, no INPUTS or OUTPUTS, an OUTPUTS type that is not one of its [OutputType]s, or when a help file names a
    parameter the cmdlet lacks or leaves one undescribed.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $HelpSource,
    [Parameter(Mandatory)] [string] $OutputFile
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModuleManifest -Force
$module = Get-Module Prox
$commonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
$shouldProcessHelp = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. Nothing is written.'
    Confirm = 'Prompts for confirmation before each change.'
}

# The default of every parameter, read from a fresh instance of the cmdlet class (what an unbound parameter holds).
function DefaultValue($cmd, $p, $help) {
    if ($help.ContainsKey('Defaults') -and $help.Defaults.ContainsKey($p.Name)) { return [string]$help.Defaults[$p.Name] }
    if ($p.Name -in $shouldProcessHelp.Keys) { return 'False' }
    $instance = [Activator]::CreateInstance($cmd.ImplementingType)
    $prop = $cmd.ImplementingType.GetProperty($p.Name)
    if (-not $prop) { return 'None' }
    $v = $prop.GetValue($instance)
    if ($null -eq $v) { return 'None' }
    if ($v -is [System.Management.Automation.SwitchParameter]) { return $v.IsPresent.ToString() }
    if ($v -is [string]) { if ($v -eq '') { return 'None' } else { return $v } }
    if ($v -is [System.Collections.IEnumerable]) { $items = @($v | ForEach-Object { "$_" }); if ($items.Count) { return $items -join ', ' } else { return 'None' } }
    if ($v -is [long] -and $v -eq [long]::MaxValue) { return 'no limit' }
    "$v"
}
function SupportsWildcards($p) { [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }) }
function TypeList($entries, [string] $element) {
    foreach ($e in @($entries)) {
        "<command:$element><dev:type><maml:name>$(Esc $e.Type)</maml:name></dev:type><maml:description>$(Paras $e.Description)</maml:description></command:$element>"
    }
}

function TypeName([type] $t) {
    $u = [Nullable]::GetUnderlyingType($t)
    if ($u) { $t = $u }
    if ($t -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $t.Name
}
function Esc([string] $s) { [System.Security.SecurityElement]::Escape($s) }
function Paras([string] $text) {
    ($text -split "\r?\n\s*\r?\n" | Where-Object { $_.Trim() } | ForEach-Object { "<maml:para>$(Esc ($_.Trim() -replace '\s*\r?\n\s*', ' '))</maml:para>" }) -join ''
}

$problems = [System.Collections.Generic.List[string]]::new()
$sb = [System.Text.StringBuilder]::new()
[void]$sb.AppendLine('<?xml version="1.0" encoding="utf-8"?>')
[void]$sb.AppendLine('<helpItems schema="maml" xmlns="http://msh">')
foreach ($cmd in $module.ExportedCmdlets.Values | Sort-Object Name) {
    $file = Join-Path $HelpSource "$($cmd.Name).psd1"
    if (-not (Test-Path $file)) { $problems.Add("$($cmd.Name): no help file $file"); continue }
    $help = Import-PowerShellDataFile $file
    if (-not $help.Examples -or @($help.Examples).Count -eq 0) { $problems.Add("$($cmd.Name): no example in $file") }
    $paramHelp = if ($help.ContainsKey('Parameters')) { $help.Parameters } else { @{} }
    foreach ($name in $paramHelp.Keys) {
        if (-not $cmd.Parameters.ContainsKey($name)) { $problems.Add("$($cmd.Name): $file describes unknown parameter -$name") }
    }
    $supportsShouldProcess = $cmd.Parameters.ContainsKey('WhatIf')
    $hidden = if ($supportsShouldProcess) { $commonParameters | Where-Object { $_ -notin $shouldProcessHelp.Keys } } else { $commonParameters }
    foreach ($section in 'Inputs', 'Outputs') {
        if (-not $help.ContainsKey($section) -or @($help[$section]).Count -eq 0) { $problems.Add("$($cmd.Name): no $section in $file") }
        foreach ($e in @($help[$section])) {
            if (-not $e.Type -or -not $e.Description) { $problems.Add("$($cmd.Name): every entry of $section in $file needs Type and Description") }
        }
    }
    $declared = @($cmd.OutputType | ForEach-Object { $_.Name })
    foreach ($e in @($help['Outputs'])) {
        if ($e.Type -ne 'None' -and $e.Type -notin $declared) { $problems.Add("$($cmd.Name): OUTPUTS type $($e.Type) is not an [OutputType] of the cmdlet ($($declared -join ', '))") }
    }
    $verb, $noun = $cmd.Name -split '-', 2
    [void]$sb.AppendLine('<command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10">')
    [void]$sb.AppendLine("<command:details><command:name>$($cmd.Name)</command:name><command:verb>$verb</command:verb><command:noun>$noun</command:noun><maml:description>$(Paras $help.Synopsis)</maml:description></command:details>")
    [void]$sb.AppendLine("<maml:description>$(Paras $help.Description)</maml:description>")

    [void]$sb.AppendLine('<command:syntax>')
    foreach ($set in $cmd.ParameterSets) {
        [void]$sb.Append("<command:syntaxItem><maml:name>$($cmd.Name)</maml:name>")
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $hidden }) {
            $pos = if ($p.Position -ge 0) { $p.Position } else { 'named' }
            $isSwitch = $p.ParameterType -eq [switch]
            [void]$sb.Append("<command:parameter required=`"$($p.IsMandatory.ToString().ToLower())`" globbing=`"$((SupportsWildcards $p).ToString().ToLower())`" position=`"$pos`"><maml:name>$($p.Name)</maml:name>")
            if (-not $isSwitch) { [void]$sb.Append("<command:parameterValue required=`"true`">$(Esc (TypeName $p.ParameterType))</command:parameterValue>") }
            [void]$sb.Append('</command:parameter>')
        }
        [void]$sb.AppendLine('</command:syntaxItem>')
    }
    [void]$sb.AppendLine('</command:syntax>')

    [void]$sb.AppendLine('<command:parameters>')
    foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $hidden } | Sort-Object Name) {
        $attrs = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $mandatory = [bool]($attrs | Where-Object Mandatory)
        $byValue = [bool]($attrs | Where-Object ValueFromPipeline)
        $byName = [bool]($attrs | Where-Object ValueFromPipelineByPropertyName)
        $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
        $position = ($attrs | Where-Object { $_.Position -ge 0 } | Select-Object -First 1)
        $pos = if ($position) { $position.Position } else { 'named' }
        $desc = if ($paramHelp.ContainsKey($p.Name)) { $paramHelp[$p.Name] } elseif ($shouldProcessHelp.ContainsKey($p.Name)) { $shouldProcessHelp[$p.Name] } else { $problems.Add("$($cmd.Name): parameter -$($p.Name) is not described in $file"); '' }
        $aliases = @($p.Aliases)
        $enumType = if ([Nullable]::GetUnderlyingType($p.ParameterType)) { [Nullable]::GetUnderlyingType($p.ParameterType) } else { $p.ParameterType }
        $values = if ($enumType.IsEnum) { ' Values: ' + ([enum]::GetNames($enumType) -join ', ') + '.' } else { '' }
        $aliasText = if ($aliases.Count) { $aliases -join ', ' } else { 'None' }
        [void]$sb.Append("<command:parameter required=`"$($mandatory.ToString().ToLower())`" globbing=`"$((SupportsWildcards $p).ToString().ToLower())`" pipelineInput=`"$pipeline`" position=`"$pos`" aliases=`"$(Esc $aliasText)`">")
        [void]$sb.Append("<maml:name>$($p.Name)</maml:name><maml:description>$(Paras ($desc + $values))</maml:description>")
        [void]$sb.Append("<command:parameterValue required=`"true`">$(Esc (TypeName $p.ParameterType))</command:parameterValue><dev:type><maml:name>$(Esc (TypeName $p.ParameterType))</maml:name></dev:type><dev:defaultValue>$(Esc (DefaultValue $cmd $p $help))</dev:defaultValue>")
        [void]$sb.AppendLine('</command:parameter>')
    }
    [void]$sb.AppendLine('</command:parameters>')
    [void]$sb.AppendLine("<command:inputTypes>$((TypeList $help['Inputs'] 'inputType') -join '')</command:inputTypes>")
    [void]$sb.AppendLine("<command:returnValues>$((TypeList $help['Outputs'] 'returnValue') -join '')</command:returnValues>")

    [void]$sb.AppendLine('<command:examples>')
    $i = 0
    foreach ($ex in @($help.Examples)) {
        $i++
        [void]$sb.AppendLine("<command:example><maml:title>-------------------------- Example ${i}: $(Esc $ex.Title) --------------------------</maml:title><dev:code>$(Esc $ex.Code.Trim())</dev:code><dev:remarks>$(Paras $ex.Remarks)</dev:remarks></command:example>")
    }
    [void]$sb.AppendLine('</command:examples>')
    if ($help.ContainsKey('Links')) {
        [void]$sb.Append('<command:relatedLinks>')
        foreach ($l in $help.Links) { [void]$sb.Append("<maml:navigationLink><maml:linkText>$(Esc $l)</maml:linkText></maml:navigationLink>") }
        [void]$sb.AppendLine('</command:relatedLinks>')
    }
    [void]$sb.AppendLine('</command:command>')
}
[void]$sb.AppendLine('</helpItems>')
if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }
New-Item -ItemType Directory -Force (Split-Path $OutputFile) | Out-Null
$tmp = "$OutputFile.tmp"
[System.IO.File]::WriteAllText($tmp, $sb.ToString())
Move-Item $tmp $OutputFile -Force
