@{
    Synopsis    = 'Draws a reproducible sample of a run''s documents (kept, dropped, or per drop reason) for review.'
    Description = @'
Reads a run's output folder back as document outcomes (refined files and dropped/ sidecars) and returns -Count of them, chosen by a seeded pseudo-random priority computed from each document's input file, id and record. The same -Seed over the same run gives the same sample on any machine and in any read order, and a larger -Count only adds documents; a different seed gives an independent sample.

-Reason limits the sample to documents with those outcomes: Kept, DropDoc, FewWordsLeft, FewWordsLeftFraction, NoWords. -PerReason draws -Count documents of each outcome instead (for example, 10 of every drop reason for a review sheet).

Each outcome carries the document's id, source file and record, whether it was kept, the stage and reason that dropped it, the doc and chunk programs with the removed lines, the refined text (the original text for a dropped document) and the counts in and out. Pipe the outcomes' source documents to Export-ProxDocument to hand the sample to reviewers.
'@
    Parameters  = @{
        Path      = 'The run''s output folder (relative to the current location). Binds OutputPath of piped run summaries.'
        Count     = 'How many documents (per outcome with -PerReason). Default 20.'
        Seed      = 'The seed of the sample. Default 0.'
        Reason    = 'Only documents with these outcomes: Kept, DropDoc, FewWordsLeft, FewWordsLeftFraction, NoWords. Default: every document.'
        PerReason = 'Draw -Count documents of each outcome instead of -Count in all.'
    }
    Inputs      = @(
        @{ Type = 'Prox.Refinement.RunSummary'; Description = 'Summaries from Invoke-ProxRefine or Get-ProxRunSummary bind -Path by their OutputPath.' }
        @{ Type = 'System.String'; Description = 'Objects with an OutputPath or PSPath property (folders from Get-Item).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Refinement.DocumentOutcome'; Description = 'The sampled documents'' outcomes, grouped by outcome, each group in sample order.' }
    )
    Examples    = @(
        @{
            Title   = 'Three dropped documents of each reason, reproducibly'
            Code    = @'
$lines = foreach ($i in 1..6) { '{"id":"d' + $i + '","text":"Lorem ipsum dolor sit amet, consectetur adipiscing elit number ' + $i + '."}' }
$lines += foreach ($i in 1..6) { '{"id":"s' + $i + '","text":"Subscribe\nLog in"}' }
$lines | Set-Content mixed.jsonl
Invoke-ProxRefine mixed.jsonl -OutputPath run -Tokenizer whitespace | Out-Null
Get-ProxSample run -Count 3 -Seed 42 -PerReason -Reason DropDoc, FewWordsLeft, FewWordsLeftFraction
'@
            Remarks = 'Running it again gives the same six documents.'
        }
        @{
            Title   = 'Hand a sample of kept documents to reviewers as a file'
            Code    = @'
$lines = foreach ($i in 1..30) { '{"id":"k' + $i + '","text":"The council met on day ' + $i + ' and approved a budget for the schools, the roads and public transport in the city."}' }
$lines | Set-Content kept.jsonl
Invoke-ProxRefine kept.jsonl -OutputPath run2 -Tokenizer whitespace | Get-ProxSample -Count 5 -Seed 7 -Reason Kept |
    ForEach-Object Source | Export-ProxDocument review.jsonl
'@
            Remarks = 'Each outcome''s Source is the refined record; Export-ProxDocument writes them with their metadata.prox.'
        }
    )
    Links       = @('Compare-ProxRun', 'Export-ProxDocument', 'Invoke-ProxRefine', 'about_Prox')
}
