@{
    Synopsis    = 'Measures how well a program backend''s line decisions agree with human line labels.'
    Description = @'
Reads line-labelled files (a JSON array, or JSONL, of records holding the lines in 'text' or 'lines' and one label per line in 'labels': 1 = keep/clean, 0 = remove/noise, null = not scored; numbers, numeric strings or booleans). For every document the backend writes a doc-stage and a chunk-stage ProX program; the executor runs them, and each line's outcome (kept, or removed by remove_lines, or removed because the document was dropped) is compared with its label. Normalizations never remove a line.

Both shared label formats read: the Turku sets ([{text, labels}]) and the readability pages (JSONL of {id, url, lines, labels, gold}, null labels on blank lines).

Emits one result per file: Documents, DroppedDocuments, Lines (scored), KeepPrecision/KeepRecall/KeepF1, RemovePrecision/RemoveRecall/RemoveF1 pooled over every scored line, F1 (= KeepF1), PageAveragedKeepF1/PageAveragedKeepPrecision/PageAveragedKeepRecall (each document's keep-class score averaged over the AveragedDocuments that have a line labelled keep: every page weighs the same), Accuracy, KeptFraction, and BaselineF1, the keep-class F1 of keeping every line, so that a number can be read against the trivial baseline.
'@
    Parameters  = @{
        Path    = 'Labelled file(s): .json (array) or .jsonl; wildcard patterns (* ? [ ]) are expanded, relative to the current location. Strings from the pipeline bind here; files from Get-ChildItem bind to -LiteralPath.'
        LiteralPath = 'The same as -Path, but every character is taken literally (no wildcards): use it for names that contain [ ] * ?. Files piped from Get-ChildItem bind here (by their PSPath), so their names are never read as patterns. Relative paths are relative to the current PowerShell location.'
        Generator = 'The generator of both stages, as a spec: rules (the ProxRules preset), rules:<Preset> (ProxRules, Gopher, C4, FineWeb), rules:<Preset>?Option=value&... (RulesOptions overrides, e.g. rules:C4?C4MinLineWords=5), or a model folder. Default rules:ProxRules. '
        Preset  = 'The rules preset: ProxRules (default; alias Default, tuned on the Turku train splits), Gopher, C4 or FineWeb (the published rule sets).'
        RulesOption     = 'Overrides of the rules generator''s thresholds and switches by name, on top of the preset: @{ MinWords = 40; C4Document = $true; MaxTopNGramCharFraction = 0.2, 0.18, 0.16 }. Names are RulesOptions properties (Get-ProxPreset shows them); an unknown name or a value of the wrong type is an error (Prox.InvalidRulesOption). The overrides become part of the generator spec (rules:ProxRules?MinWords=40), which the run summary records.'
        Stage   = 'Which stages run: Doc, Chunk, or both (default). With Chunk alone, doc-level rules are not applied.'
        Dialect = 'The dialect the executor reads the programs in: Strict (default) or Reference.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Labelled files or wildcard patterns (-Path).' }
        @{ Type = 'System.IO.FileInfo'; Description = 'Labelled files from Get-ChildItem (bind -LiteralPath by their PSPath).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Quality.QualityReport'; Description = 'One per file: documents, lines, precision, recall and F1 of the keep and remove classes, accuracy, kept fraction, BaselineF1.' }
    )
    Examples    = @(
        @{
            Title   = 'Score a small labelled file'
            Code    = @'
$doc = @{ text = @('Home | News | Sports | Contact', 'The council met on Tuesday to discuss the new bridge over the river.', '||'); labels = @('0', '1', '0') }
ConvertTo-Json @($doc) -Depth 3 | Set-Content labels.json
Measure-ProxQuality -Path labels.json
'@
            Remarks = 'The navigation bar and the symbol-only line are removed, the sentence is kept: F1 1.000, Accuracy 1.000.'
        }
        @{
            Title   = 'Compare presets on a JSONL file'
            Code    = @'
1..3 | ForEach-Object {
    @{ text = @('Home | News | Sports | Contact', "Story $_ from the town council is about the new bridge over the river.", '||'); labels = @(0, 1, 0) } |
        ConvertTo-Json -Compress -Depth 3
} | Set-Content labels.jsonl
'ProxRules', 'C4', 'FineWeb' | ForEach-Object { Measure-ProxQuality -Path labels.jsonl -Preset $_ }
'@
            Remarks = 'One row per preset, with the keep-all BaselineF1 next to F1. On the shared Turku labels: Get-ChildItem ../shared/quality/turku-*/dev.json | Measure-ProxQuality.'
        }
        @{
            Title   = 'Whole web pages, pooled and page-averaged'
            Code    = @'
$story = 'The council met on Tuesday to discuss the new bridge over the river and what it will cost the town.'
@(
    @{ id = 'a'; url = 'https://example.org/a'; lines = @('Home | News | Sports | Weather', '', $story); labels = @(0, $null, 1); gold = $story }
    @{ id = 'b'; url = ''; lines = @($story, 'Read more'); labels = @(1, 0); gold = $story }
) | ForEach-Object { ConvertTo-Json $_ -Compress -Depth 3 } | Set-Content pages.jsonl
Measure-ProxQuality -Path pages.jsonl | Format-List F1, KeepPrecision, KeepRecall, PageAveraged*
'@
            Remarks = 'The readability-pages format (one page per line: id, url, lines, labels with null for blank lines, gold). The pooled scores weigh every line the same (long pages count most), the page-averaged ones every page. On the shared set: Measure-ProxQuality -Path ../shared/quality/readability-pages/pages.jsonl.'
        }
    )
    Links       = @('Invoke-ProxProgram', 'Test-ProxProgram')
}
