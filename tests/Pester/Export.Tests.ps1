# Get-ProxPreset and Export-ProxDocument.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:dir = Join-Path $TestDrive 'in'
    New-Item -ItemType Directory $dir | Out-Null
    $script:jsonl = Join-Path $dir 'docs.jsonl'
    @(
        '{"id":"a","text":"Home | News\nThe council approved the new budget on Monday after a long debate about schools and roads.\nThe mayor said the ring road will be reviewed.","metadata":{"url":"https://example.org/a","lang":"en"},"score":3,"ok":true}'
        '{"id":"b","text":"short","metadata":{"url":"https://example.org/b"},"score":2.5,"tags":["x","y"]}'
        '{"text":"no id and no metadata","score":1}'
    ) | Set-Content $jsonl
}

Describe 'Get-ProxPreset' {
    It 'lists every preset, the default first, with its families and options' {
        $all = Get-ProxPreset
        $all.Name | Should -Be @('ProxRules', 'Gopher', 'C4', 'FineWeb')
        $all[0].IsDefault | Should -BeTrue
        (Get-ProxPreset C4).Families | Should -Contain 'C4Lines'
        (Get-ProxPreset C4).Options.C4MinSentences | Should -Be 5
        (Get-ProxPreset Gopher).Options.MinWords | Should -Be 50
        (Get-ProxPreset Default).Name | Should -Be 'ProxRules'
        (Get-ProxPreset '*Web').Name | Should -Be 'FineWeb'
    }

    It 'reports an unknown preset as Prox.UnknownPreset with the name as target' {
        Get-ProxPreset bogus -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Prox.UnknownPreset*'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].TargetObject | Should -Be 'bogus'
        $e[0].Exception.Message | Should -Match 'C4'
    }

    It 'formats as a table with the families' {
        (Get-ProxPreset | Out-String) | Should -Match 'BoilerplateLines'
    }
}

Describe 'Unknown presets on the other cmdlets' {
    It 'Invoke-ProxRefine -Preset bogus is Prox.UnknownPreset, InvalidArgument, target the name' {
        $err = $null
        try { Invoke-ProxRefine $jsonl -OutputPath (Join-Path $TestDrive 'never') -Preset bogus -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.UnknownPreset*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be 'bogus'
        $err = $null
        try { 'text' | Get-ProxProgram -Preset bogus -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.UnknownPreset*'
    }
}

Describe 'Export-ProxDocument' {
    It 'writes JSON Lines documents as Parquet with a schema derived from the records, and reads back the same' {
        $out = Join-Path $TestDrive 'all.parquet'
        Get-ProxDocument $jsonl | Export-ProxDocument $out
        $back = Get-ProxDocument $out
        $orig = Get-ProxDocument $jsonl
        $back.Id | Should -Be $orig.Id
        $back.Text | Should -Be $orig.Text
        $back[0].Metadata.url | Should -Be 'https://example.org/a'
        $back[0].Metadata.lang | Should -Be 'en'
        $back[2].Metadata | Should -BeNullOrEmpty
        ($back[0].RecordJson | ConvertFrom-Json).score | Should -Be 3
        ($back[1].RecordJson | ConvertFrom-Json).score | Should -Be 2.5
        ($back[1].RecordJson | ConvertFrom-Json).tags | Should -Be '["x","y"]'
        ($back[0].RecordJson | ConvertFrom-Json).ok | Should -BeTrue
        $back[2].IdIsDerived | Should -BeFalse -Because 'the derived id is written into the id column'
        $back[2].Id | Should -Be $orig[2].Id
    }

    It 'writes filtered documents in the format of the extension, and only when complete' {
        $out = Join-Path $TestDrive 'long.jsonl.gz'
        $f = Get-ProxDocument $jsonl | Where-Object Chars -gt 10 | Export-ProxDocument $out -PassThru
        $f.FullName | Should -Be $out
        (Get-ProxDocument $out).Id.Count | Should -Be 2
        Get-ChildItem $TestDrive -Filter '*.tmp*' | Should -BeNullOrEmpty
    }

    It 'refuses to overwrite without -Force, does nothing under -WhatIf' {
        $out = Join-Path $TestDrive 'twice.jsonl'
        Get-ProxDocument $jsonl | Export-ProxDocument $out
        $err = $null
        try { Get-ProxDocument $jsonl | Export-ProxDocument $out -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.OutputExists*'
        Get-ProxDocument $jsonl -First 1 | Export-ProxDocument $out -Force
        (Get-ProxDocument $out).Count | Should -Be 1
        $w = Join-Path $TestDrive 'whatif.parquet'
        Get-ProxDocument $jsonl | Export-ProxDocument $w -WhatIf
        $w | Should -Not -Exist
    }

    It 'values of mixed kinds within the first row group become a JSON text column' {
        $mixed = Join-Path $TestDrive 'mixed.jsonl'
        '{"id":"a","text":"one","n":1}', '{"id":"b","text":"two","n":"two"}' | Set-Content $mixed
        $out = Join-Path $TestDrive 'mixed.parquet'
        $err = $null
        $docs = Get-ProxDocument $mixed
        try { $docs | Export-ProxDocument $out -ErrorAction Stop } catch { $err = $_ }
        # Both records are in the first row group, so 'n' becomes a JSON text column: nothing fails.
        $err | Should -BeNullOrEmpty
        (Get-ProxDocument $out).Count | Should -Be 2
    }
}

Describe 'Invoke-ProxRefine -OutputFormat Parquet from JSON Lines' {
    It 'refines JSON Lines into Parquet, the dropped sidecar too' {
        $out = Join-Path $TestDrive 'pq'
        $s = Invoke-ProxRefine $jsonl -OutputPath $out -OutputFormat Parquet -Tokenizer whitespace
        $s.DocumentsIn | Should -Be 3
        $refined = Get-ProxDocument (Join-Path $out 'docs.parquet')
        $refined.Count | Should -Be $s.DocumentsOut
        $refined[0].Metadata.prox.chunk.program | Should -Not -BeNullOrEmpty
        $refined[0].Metadata.url | Should -Be 'https://example.org/a'
        (Get-ProxDocument (Join-Path $out 'dropped/docs.parquet')).Count | Should -Be $s.DocumentsDropped
    }
}

Describe '-RulesOption' {
    It 'overrides a threshold, changes the programs, and is recorded in the run''s generator spec' {
        $text = "One two three four five six seven eight nine ten eleven twelve.`nA line."
        (Get-ProxProgram -Text $text -Preset Gopher -Stage Doc).Program | Should -Be 'drop_doc()'
        (Get-ProxProgram -Text $text -Preset Gopher -Stage Doc -RulesOption @{ MinWords = 5; MinStopWords = 0; MinMeanWordLength = 1 }).Program | Should -Be 'keep_doc()'
        $out = Join-Path $TestDrive 'ro'
        $s = Invoke-ProxRefine $jsonl -OutputPath $out -Preset Gopher -RulesOption @{ MinWords = 5; GopherRepetition = $false } -Tokenizer whitespace
        $s.DocGenerator.Spec | Should -Match 'MinWords=5'
        $s.DocGenerator.Spec | Should -Match 'GopherRepetition=false'
        (Get-Content (Join-Path $out '_summary.json') -Raw) | Should -Match 'MinWords=5'
    }

    It 'rejects an unknown option or a bad value as Prox.InvalidRulesOption naming it' {
        $err = $null
        try { 'text' | Get-ProxProgram -RulesOption @{ MinWordz = 3 } -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.InvalidRulesOption*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'MinWordz'
        $err.Exception.Message | Should -Match 'MinWords'
        $err = $null
        try { Invoke-ProxRefine $jsonl -OutputPath (Join-Path $TestDrive 'never2') -RulesOption @{ MinWords = 'many' } -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.InvalidRulesOption*'
        $err.Exception.Message | Should -Match 'integer'
    }
}
