# Views: every output type has one, what a view shows is a real property, documents list each field once, ids do not wrap.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:types = @(
        'Prox.Corpus.CorpusDocument', 'Prox.Corpus.QuarantineRecord', 'Prox.Refinement.GeneratedProgram',
        'Prox.Programs.ExecutionResult', 'Prox.Programs.ProxProgram', 'Prox.Programs.ProgramDiagnostic',
        'Prox.Programs.ProgramOperation', 'Prox.Programs.LineRemoval', 'Prox.Programs.NormalizationMatch',
        'Prox.Refinement.RunSummary', 'Prox.Refinement.FileSummary', 'Prox.Refinement.StageStatistics',
        'Prox.Quality.QualityReport', 'Prox.Models.ModelInfo', 'Prox.Rules.RulesPreset',
        'Prox.Refinement.DocumentOutcome', 'Prox.Analysis.DocumentDifference', 'Prox.Analysis.ReasonDifference',
        'Prox.Analysis.FileDifference', 'Prox.Analysis.LineComparison', 'Prox.Cluster.SlurmSubmission'
    )
    $script:f = Join-Path $TestDrive 'v.jsonl'
    '{"text":"Home | News | Contact | About\nA sentence of real prose that people wrote with care, long enough to keep.\nAnother sentence that carries more than ten plain words for the reader.","metadata":{"url":"https://example.org/v","lang":"en"}}' | Set-Content $f
}

Describe 'Format views' {
    It 'exist for every output type' {
        foreach ($t in $types) {
            Get-FormatData -TypeName $t | Should -Not -BeNullOrEmpty -Because "$t needs a view"
        }
    }

    It 'show real properties only (column and item labels are property names of the type)' {
        foreach ($t in $types) {
            $type = [AppDomain]::CurrentDomain.GetAssemblies().ForEach({ $_.GetType($t) }) | Where-Object { $_ } | Select-Object -First 1
            $props = $type.GetProperties().Name
            foreach ($view in (Get-FormatData -TypeName $t).FormatViewDefinition) {
                $labels = switch ($view.Control) {
                    { $_ -is [System.Management.Automation.TableControl] } {
                        for ($i = 0; $i -lt $_.Headers.Count; $i++) {
                            if ($_.Headers[$i].Label) { $_.Headers[$i].Label } else { $_.Rows[0].Columns[$i].DisplayEntry.Value }
                        }
                    }
                    { $_ -is [System.Management.Automation.ListControl] } {
                        foreach ($item in $_.Entries[0].Items) { if ($item.Label) { $item.Label } else { $item.DisplayEntry.Value } }
                    }
                }
                foreach ($l in $labels) { $props | Should -Contain $l -Because "view '$($view.Name)' shows '$l'" }
            }
        }
    }

    It 'list a document''s fields once: metadata once, the text once' {
        $doc = Get-ProxDocument $f
        $list = $doc | Format-List | Out-String -Width 400
        ([regex]::Matches($list, [regex]::Escape('A sentence of real prose'))).Count | Should -Be 1
        ([regex]::Matches($list, [regex]::Escape('https://example.org/v'))).Count | Should -Be 1
        $list | Should -Not -Match 'RecordJson'
        $list | Should -Not -Match 'MetadataElement'
    }

    It 'do not wrap a 64-character id over several lines' {
        $programs = Get-ProxDocument $f | Get-ProxProgram -Stage Doc
        $programs.Id.Length | Should -Be 64
        $lines = ($programs | Format-Table | Out-String -Width 100) -split "`n" | Where-Object { $_.Trim() }
        $lines.Count | Should -Be 3 -Because 'a header, a rule and one row'
        $docLines = (Get-ProxDocument $f | Format-Table | Out-String -Width 120) -split "`n" | Where-Object { $_.Trim() }
        $docLines.Count | Should -Be 3
    }

    It 'show run summaries as a table of counts' {
        $out = Join-Path $TestDrive 'o'
        $s = Invoke-ProxRefine $f -OutputPath $out -Tokenizer whitespace
        $table = $s | Format-Table | Out-String -Width 200
        $table | Should -Match 'DocumentsIn'
        $table | Should -Match 'TokenRetention'
        $table | Should -Not -Match 'SchemaVersion|Started'
        ($s.Doc | Format-Table | Out-String) | Should -Match 'LinesRemoved'
    }
}

Describe 'Tab completion' {
    It 'completes -Tokenizer names' {
        $line = 'Invoke-ProxRefine -Path x.jsonl -OutputPath o -Tokenizer '
        $names = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        foreach ($n in 'cl100k_base', 'o200k_base', 'gpt2', 'whitespace') { $names | Should -Contain $n }
        $line = 'Invoke-ProxRefine -Path x.jsonl -OutputPath o -Tokenizer o2'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'o200k_base'
    }

    It 'completes -Tokenizer files (a SentencePiece tokenizer.model)' {
        $dir = Join-Path $TestDrive 'tok'
        New-Item -ItemType Directory $dir | Out-Null
        New-Item -ItemType File (Join-Path $dir 'tokenizer.model') | Out-Null
        Push-Location $dir
        try {
            $line = 'Invoke-ProxRefine -Path x.jsonl -OutputPath o -Tokenizer ./tok'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Match 'tokenizer\.model'
        }
        finally { Pop-Location }
    }

    It 'completes -Preset names' {
        $line = 'Get-ProxPreset F'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'FineWeb'
    }
}
