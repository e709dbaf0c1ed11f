@{
    Synopsis    = 'Writes the HTML report of one or more run folders: one self-contained file with summary tables, charts and before/after examples.'
    Description = @'
Reads each run folder through its own records (the unit markers and the committed refined and dropped files, the same reader as Get-ProxDocument) and writes one HTML page: the runs, their stages, files, drop reasons, operations and removed lines as tables; charts of tokens and characters per document before and after, the retention funnel of documents and tokens by stage, retention by source file, operations by function, drop reasons, lines removed by rule and the most often removed lines, and (for several runs) the runs side by side; then a few documents per drop reason, and kept documents with removed lines, before and after with every removed line struck through and labelled with its rule. The inputs a run names are read again where they are still there, so removed lines can be shown as text.

The file is self-contained: plotly.js is embedded (about 3.6 MB), so it opens with no network, e.g. as a mail attachment or from an archive. It is written under a temporary name and renamed when complete. Runs are named after their folders, so two folders of the same name are refused.
'@
    Parameters  = @{
        Path        = 'Run folders (the -OutputPath of Invoke-ProxRefine); wildcard patterns (* ? [ ]) are expanded, relative to the current location. Strings from the pipeline bind here.'
        LiteralPath = 'The same as -Path, but every character is taken literally (no wildcards). Folders piped from Get-ChildItem bind here (by their PSPath).'
        OutputPath  = 'The HTML file to write, relative to the current PowerShell location. An existing file is not overwritten without -Force.'
        Title       = 'The page title. Default: "Prox run report: " and the run names.'
        Force       = 'Overwrite an existing -OutputPath.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Run folders (-Path).' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'Run folders from Get-ChildItem (bind -LiteralPath by their PSPath).' }
    )
    Outputs     = @(
        @{ Type = 'System.IO.FileInfo'; Description = 'The report written.' }
    )
    Examples    = @(
        @{
            Title   = 'Report a run of the bundled sample'
            Code    = @'
@(
    '{"id":"a","text":"Home | News | Contact\nThe council approved the new budget on Monday after a long debate about schools.\nCopyright 2026 Example. All rights reserved."}'
    '{"id":"b","text":"Buy now"}'
) | Set-Content pages.jsonl
Invoke-ProxRefine pages.jsonl out -Tokenizer whitespace | Out-Null
Export-ProxReport out report.html
'@
            Remarks = 'The copyright line of page a is removed and page b (two words) is dropped; report.html opens in any browser, with no network, and shows both before and after.'
        }
        @{
            Title   = 'Two presets side by side'
            Code    = @'
@(
    '{"id":"a","text":"Home | News | Contact\nThe council approved the new budget on Monday after a long debate about schools.\nCopyright 2026 Example. All rights reserved."}'
    '{"id":"b","text":"The ferry leaves at nine. It is late on Sundays. Tickets are sold on board. Bikes travel free. Dogs are welcome."}'
) | Set-Content pages.jsonl
Invoke-ProxRefine pages.jsonl prox-rules -Preset ProxRules | Out-Null
Invoke-ProxRefine pages.jsonl c4 -Preset C4 | Out-Null
Export-ProxReport prox-rules, c4 -OutputPath compare.html -Title 'ProxRules vs C4'
'@
            Remarks = 'Every table and chart shows both runs; a chart compares their retention after each stage.'
        }
    )
    Links       = @('Invoke-ProxRefine', 'Get-ProxRunSummary', 'Get-ProxDocument', 'about_Prox')
}
