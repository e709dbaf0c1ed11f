@{
    Synopsis    = 'Reads run summaries (_summary.json) of refinement runs and merges them.'
    Description = @'
Reads the _summary.json of one or more output folders (or the files themselves) and returns one summary: counts add up across runs and shards (documents, characters, words and tokens in and out, per stage, drops by reason, quarantined records), files are listed together. -NoMerge returns each summary as read. A folder whose sharded run is not complete yet (no _summary.json) is summed from its committed units' markers. A summary's Tasks says where each task of the run stands: units planned, done, failed (with the messages of _units/<unit>.failed.json) and pending. Runs made with different generators, tokenizers, dialects or stages are refused unless -Force: their counts would not mean one thing.
'@
    Parameters  = @{
        Path    = 'Output folders or _summary.json files; wildcard patterns (* ? [ ]) are expanded, relative to the current location. Strings and the summaries Invoke-ProxRefine returns (by their OutputPath) bind here; folders from Get-ChildItem bind to -LiteralPath.'
        LiteralPath = 'The same as -Path, but every character is taken literally (no wildcards): use it for names that contain [ ] * ?. Files piped from Get-ChildItem bind here (by their PSPath), so their names are never read as patterns. Relative paths are relative to the current PowerShell location.'
        NoMerge = 'Return each summary separately.'
        Force   = 'Add up runs even when their generators (spec or options), tokenizers, dialects or stages differ; without it such runs are refused with an error that says what differs.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Output folders or _summary.json paths (-Path).' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'Output folders from Get-ChildItem (bind -LiteralPath by their PSPath).' }
        @{ Type = 'Prox.Refinement.RunSummary'; Description = 'Summaries from Invoke-ProxRefine (bind -Path by their OutputPath).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Refinement.RunSummary'; Description = 'One merged summary (or, with -NoMerge, one per run): documents, characters, words and tokens in and out, per-stage statistics, drops by reason, quarantined records, files.' }
    )
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
