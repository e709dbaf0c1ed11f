<#
.SYNOPSIS
    Makes the README's screenshot of the HTML report: refines the bundled sample with the ProxRules and C4 presets,
    writes their report with Export-ProxReport, and shoots it in headless Chromium.
.EXAMPLE
    dotnet pwsh ./build.ps1; dotnet pwsh ./tools/New-ProxReportScreenshot.ps1
#>
[CmdletBinding()]
param(
    [string] $OutputPath = (Join-Path $PSScriptRoot '../docs/images/report.png'),
    [int] $Width = 1200,
    [int] $Height = 1500
)
$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
Import-Module (Join-Path $root 'Prox.psd1') -Force
Import-Module (Join-Path $PSScriptRoot 'ProxChromium.psm1') -Force
$work = Join-Path $root 'artifacts/report-screenshot'
if (Test-Path $work) { Remove-Item $work -Recurse -Force }
New-Item -ItemType Directory $work | Out-Null
$sample = Join-Path $root 'samples/corpus/web-sample.jsonl'
Invoke-ProxRefine $sample (Join-Path $work 'prox-rules') -Preset ProxRules | Out-Null
Invoke-ProxRefine $sample (Join-Path $work 'c4') -Preset C4 | Out-Null
$report = Export-ProxReport (Join-Path $work 'prox-rules'), (Join-Path $work 'c4') -OutputPath (Join-Path $work 'report.html') -Title 'ProxRules vs C4 on the bundled sample'
New-Item -ItemType Directory -Force (Split-Path $OutputPath) | Out-Null
$r = Invoke-ProxChromium $report.FullName -Screenshot $OutputPath -Width $Width -Height $Height
if ($r.Console) { throw "the report logged to the console: $($r.Console -join '; ')" }
$stats = Get-ProxPngStats $OutputPath
"{0}: {1}x{2}, {3:N0} KB, {4:P0} non-white" -f (Resolve-Path $OutputPath), $stats.Width, $stats.Height, ((Get-Item $OutputPath).Length / 1KB), $stats.NonWhiteFraction
