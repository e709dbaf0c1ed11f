@{
    Synopsis    = 'Reads run summaries (_summary.json) of refinement runs and merges them.'
    Description = @'
Reads the _summary.json of one or more output folders (or the files themselves) and returns one summary: counts add up across runs and shards (documents, characters, words and tokens in and out, per stage, drops by reason, quarantined records), files are listed together. -NoMerge returns each summary as read.
'@
    Parameters  = @{
        Path    = 'Output folders or _summary.json files; wildcards allowed. Accepts Get-ChildItem output and objects with an OutputPath property (such as the summary Invoke-ProxRefine returns).'
        LiteralPath = 'The same as -Path, but every character is taken literally (no wildcards): use it for names that contain [ ] * ?. Files piped from Get-ChildItem bind here (by their PSPath), so their names are never read as patterns. Relative paths are relative to the current PowerShell location.'
        NoMerge = 'Return each summary separately.'
    }
    Examples    = @(
        @{
            Title   = 'Merge the summaries of two shards'
            Code    = @'
'{"id":"a","text":"A first document with a sentence that has more than ten words in it, so it stays."}' | Set-Content shard-0.jsonl
'{"id":"b","text":"A second document, also with a sentence of more than ten words, kept by the rules."}' | Set-Content shard-1.jsonl
Invoke-ProxRefine shard-0.jsonl out-0 -Tokenizer whitespace | Out-Null
Invoke-ProxRefine shard-1.jsonl out-1 -Tokenizer whitespace | Out-Null
Get-ProxRunSummary out-* | Select-Object Runs, DocumentsIn, DocumentsOut, TokensIn, TokensOut
'@
            Remarks = 'One summary covering both runs: Runs is 2 and every count is the sum.'
        }
    )
    Links       = @('Invoke-ProxRefine', 'about_Prox')
}
