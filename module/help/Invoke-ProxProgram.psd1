@{
    Synopsis    = 'Runs a ProX program on a text and returns what happened.'
    Description = @'
Parses the program (Strict dialect by default, or the Reference dialect that reproduces the published ProX executor exactly) and runs it on the text. A chunk program applies every normalize() over the whole text in program order, then removes the marked lines, then decides: at most 5% of the words left (with fewer than 2 errors) or at most 10 words left drops the document; 2 or more error operations make the program ignored (the original text is kept).

The result says what happened: Text (the refined text, empty when dropped), Dropped, DropReason, ErrorCount, Ignored, RemovedLines (0-based), LineRemovals (which call removed which lines), Normalizations (matches per call), Operations and Diagnostics.

Text, Program, Stage and Id bind from the pipeline by property name, so Import-Csv output and objects from other Prox cmdlets can be piped in.
'@
    Parameters  = @{
        Text    = 'The document text. Lines are split on "\n" only; line numbers are 0-based.'
        Program = 'The program: one call per line, e.g. remove_lines(line_start=0, line_end=2) or normalize(source_str="Click here", target_str=""). For a document split into chunks, the chunk programs joined with newlines.'
        Stage   = 'Doc runs a keep_doc()/drop_doc() program; Chunk (default) runs line removals and normalizations.'
        Dialect = 'Strict (default): a real grammar with diagnostics. Reference: the published ProX executor, quirks included.'
        Id      = 'An identifier copied onto the result, so piped records keep their identity.'
    }
    Inputs      = @(
        @{ Type = 'Prox.Refinement.GeneratedProgram'; Description = 'Programs from Get-ProxProgram (bind -Text, -Program, -Stage and -Id by property name).' }
        @{ Type = 'System.Management.Automation.PSObject'; Description = 'Any object with Text and Program properties (and optionally Stage and Id).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Programs.ExecutionResult'; Description = 'What happened: the refined Text, Dropped and DropReason, ErrorCount, Ignored, RemovedLines, LineRemovals, Normalizations, Diagnostics; with an Id note property when -Id was given.' }
    )
    Examples    = @(
        @{
            Title   = 'Remove a navigation line and a footer phrase'
            Code    = @'
$text = "Home | News | Contact`nThe council approved the new budget on Monday after a long debate about schools and roads.`nIt takes effect in January. Click here to subscribe."
Invoke-ProxProgram -Text $text -Program "remove_lines(line_start=0, line_end=0)`nnormalize(source_str=`" Click here to subscribe.`", target_str=`"`")"
'@
            Remarks = 'Removes line 0 and deletes the phrase; the result shows the refined Text, RemovedLines (0) and the normalization match count.'
        }
        @{
            Title   = 'A doc-level decision'
            Code    = @'
Invoke-ProxProgram -Text 'Buy cheap watches now!!!' -Program 'drop_doc()' -Stage Doc | Select-Object Dropped, DropReason
'@
            Remarks = 'The document is dropped with DropReason DropDoc.'
        }
        @{
            Title   = 'Programs from a CSV, in the published dialect'
            Code    = @'
$csv = Join-Path ([IO.Path]::GetTempPath()) 'prox-example.csv'
@(
    [pscustomobject]@{ Id = 'a'; Text = "menu`nA long enough paragraph that has well over ten words in it, so it stays."; Program = 'remove_lines(line_start=0, line_end=0)' }
    [pscustomobject]@{ Id = 'b'; Text = "one`ntwo words"; Program = 'keep_chunk()' }
) | Export-Csv $csv -NoTypeInformation
Import-Csv $csv | Invoke-ProxProgram -Dialect Reference | Select-Object Id, Dropped, DropReason, Text
Remove-Item $csv
'@
            Remarks = 'Each CSV row binds Id, Text and Program by property name. Row b has at most 10 words and is dropped.'
        }
    )
    Links       = @('Test-ProxProgram', 'about_Prox')
}
