@{
    Synopsis    = 'Compares two refinement runs: which documents one kept and the other dropped, counts per drop reason and per file, and line by line for one document.'
    Description = @'
Reads both runs' output folders back as document outcomes (the refined files and the dropped/ sidecars, through metadata.prox) and matches the documents by input file name and id. Run A (-ReferencePath) is the reference, run B (-DifferencePath) the one compared with it.

-By Documents (the default) writes one object per document whose outcome or text differs: Kind is DroppedInB (A kept it, B dropped it), KeptInB, TextChanged (both kept it, with different lines removed or normalized), ReasonChanged, OnlyInA or OnlyInB; with -IncludeEqual also Same and DroppedInBoth. -By Reasons counts the documents per outcome (Kept and each drop reason) in each run with the difference; -By Files gives kept and dropped documents and tokens per input file.

-Id names one document: then every input line of it comes out with what each run did (kept, removed with the call that removed it, dropped with the whole document, absent) and the line as each run wrote it. -DifferentOnly keeps the lines the runs treat differently.

Only a few numbers per document are held in memory, not the texts.
'@
    Parameters  = @{
        ReferencePath  = 'The output folder of the reference run (run A), relative to the current location.'
        DifferencePath = 'The output folder of the run to compare with it (run B).'
        By             = 'What to report: Documents (default), Reasons or Files.'
        IncludeEqual   = 'With -By Documents: also the documents both runs treated the same (Same, DroppedInBoth).'
        Id             = 'One document''s id: report its lines. Binds from piped objects with an Id (a difference, a document).'
        DifferentOnly  = 'With -Id: only the lines the two runs treat differently.'
    }
    Inputs      = @(
        @{ Type = 'Prox.Analysis.DocumentDifference'; Description = 'Differences (or any object with an Id) bind -Id, to look at one document line by line.' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Analysis.DocumentDifference'; Description = 'With -By Documents: Id, File, Record, Kind, KeptInA/B, DropReasonA/B, CharactersOutA/B, TokensOutA/B, CharactersDelta.' }
        @{ Type = 'Prox.Analysis.ReasonDifference'; Description = 'With -By Reasons: Reason, CountA, CountB, Delta.' }
        @{ Type = 'Prox.Analysis.FileDifference'; Description = 'With -By Files: File, KeptA/B, DroppedA/B, TokensOutA/B, Changed, KeptDelta, TokensDelta.' }
        @{ Type = 'Prox.Analysis.LineComparison'; Description = 'With -Id: Line, InA, InB, CallA, CallB, TextA, TextB, Differs.' }
    )
    Examples    = @(
        @{
            Title   = 'What the C4 preset drops that the default keeps'
            Code    = @'
@(
    '{"id":"a","text":"Home | News | Contact\nThe council approved the new budget on Monday after a long debate about schools and roads.\nThe mayor said the ring road will be reviewed in spring"}'
    '{"id":"b","text":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."}'
) | Set-Content pages.jsonl
Invoke-ProxRefine pages.jsonl -OutputPath default -Tokenizer whitespace | Out-Null
Invoke-ProxRefine pages.jsonl -OutputPath c4 -Preset C4 -Tokenizer whitespace | Out-Null
Compare-ProxRun default c4
Compare-ProxRun default c4 -By Reasons
'@
            Remarks = 'Document a is kept by the default preset and dropped by C4 (too few sentences): Kind DroppedInB.'
        }
        @{
            Title   = 'One document line by line'
            Code    = @'
'{"id":"a","text":"Home | News | Contact | About\nThe council approved the new budget on Monday after a long debate about schools and roads.\nShare this article\nThe mayor said the ring road will be reviewed in spring, with work starting next year."}' | Set-Content one.jsonl
Invoke-ProxRefine one.jsonl -OutputPath rules -Tokenizer whitespace | Out-Null
Invoke-ProxRefine one.jsonl -OutputPath chunkonly -Stage Doc -Tokenizer whitespace | Out-Null
Compare-ProxRun rules chunkonly -Id a | Format-Table Line, InA, InB, CallA, TextB
'@
            Remarks = 'The first run removes the navigation and share lines (CallA names the call); the doc-stage-only run keeps every line.'
        }
    )
    Links       = @('Get-ProxSample', 'Invoke-ProxRefine', 'Get-ProxRunSummary', 'about_Prox')
}
