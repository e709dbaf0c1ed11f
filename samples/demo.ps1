# The main job on the bundled sample corpus: refine samples/corpus/*.jsonl with the built-in rules backend
# (doc stage, then chunk stage), then show the run summary, what happened to a few documents, and why others vanished.
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../Prox.psd1') -Force

$out = Join-Path $PSScriptRoot '../artifacts/demo'
$summary = Get-ChildItem (Join-Path $PSScriptRoot 'corpus') -Filter *.jsonl |
    Invoke-ProxRefine -OutputPath $out -Force

'=== Run summary ==='
$summary | Format-List

'=== Per stage ==='
@(
    [pscustomobject]@{ Stage = 'Doc';   In = $summary.Doc.DocumentsIn;   Out = $summary.Doc.DocumentsOut;   Dropped = $summary.Doc.DocumentsDropped;   LinesRemoved = $summary.Doc.LinesRemoved; TokensOut = $summary.Doc.TokensOut }
    [pscustomobject]@{ Stage = 'Chunk'; In = $summary.Chunk.DocumentsIn; Out = $summary.Chunk.DocumentsOut; Dropped = $summary.Chunk.DocumentsDropped; LinesRemoved = $summary.Chunk.LinesRemoved; TokensOut = $summary.Chunk.TokensOut }
) | Format-Table -AutoSize

'=== One refined document, with the program that refined it ==='
$doc = Get-ProxDocument (Join-Path $out 'web-sample.jsonl') -First 1
"id: $($doc.Id)"
"chunk program:`n$($doc.Metadata.prox.chunk.program)"
"--- text ---"
$doc.Text

'=== Why documents were dropped ==='
Get-ProxDocument (Join-Path $out 'dropped/web-sample.jsonl') |
    ForEach-Object { [pscustomobject]@{ Id = $_.Id; By = $_.Metadata.prox.dropped_by; Reason = $_.Metadata.prox.drop_reason; Text = ($_.Text -replace "`n", ' / ').Substring(0, [Math]::Min(60, $_.Text.Length)) } } |
    Format-Table -AutoSize
