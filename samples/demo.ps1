# Demo: runs Invoke-ProxProgram on a bundled example (replaced by the corpus refinement demo when it lands).
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Prox.psd1') -Force
$text = Get-Content (Join-Path $PSScriptRoot 'example-page.txt') -Raw
$program = Get-Content (Join-Path $PSScriptRoot 'example-program.txt') -Raw
$result = Invoke-ProxProgram -Text $text -Program $program
$result | Format-List
"--- refined text ---"
$result.Text
