BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:shared = if ($env:PROX_SHARED) { $env:PROX_SHARED } else { Join-Path $PSScriptRoot '../../../shared' }
    function New-Corpus([string] $path, [int] $count = 5) {
        $lines = foreach ($i in 1..$count) {
            $text = "Home | News | Contact`nParagraph $i of a page with an honest sentence that carries more than ten plain words.`nA second sentence of page $i tells a little more about the topic at hand.`nCopyright 2026 Example. All rights reserved."
            [pscustomobject]@{ id = "doc-$i"; text = $text; metadata = @{ url = "https://example.org/$i" } } | ConvertTo-Json -Compress -Depth 5
        }
        $lines += '{"id":"bad","text":'          # one unreadable record
        $lines += '{"id":"spam","text":"cheap cheap"}'
        Set-Content -Path $path -Value $lines
    }
}

Describe 'Invoke-ProxRefine' {
    BeforeEach {
        $in = Join-Path $TestDrive 'in'
        New-Item -ItemType Directory $in -Force | Out-Null
        New-Corpus (Join-Path $in 'part-0.jsonl')
        $out = Join-Path $TestDrive ("out-" + [guid]::NewGuid())
    }

    It 'refines files piped from Get-ChildItem and returns a summary whose counts add up' {
        $s = Get-ChildItem $in -Filter *.jsonl | Invoke-ProxRefine -OutputPath $out -Tokenizer whitespace -WarningAction SilentlyContinue
        $s.DocumentsIn | Should -Be 7
        $s.DocumentsQuarantined | Should -Be 1
        $s.DocumentsIn | Should -Be ($s.DocumentsOut + $s.DocumentsDropped + $s.DocumentsQuarantined)
        $s.DocumentsOut | Should -Be 5
        $s.TokensOut | Should -BeLessThan $s.TokensIn
        Join-Path $out 'part-0.jsonl' | Should -Exist
        Join-Path $out 'dropped/part-0.jsonl' | Should -Exist
        Join-Path $out 'quarantine/part-0.jsonl.jsonl' | Should -Exist
        Join-Path $out '_summary.json' | Should -Exist
        $docs = Get-ProxDocument (Join-Path $out 'part-0.jsonl')
        $docs[0].Id | Should -Be 'doc-1'
        $docs[0].Text | Should -Not -Match 'All rights reserved'
        $docs[0].Metadata.url | Should -Be 'https://example.org/1'
        $docs[0].Metadata.prox.chunk.program | Should -Match 'remove_lines'
    }

    It 'warns about quarantined records' {
        Invoke-ProxRefine -Path (Join-Path $in '*.jsonl') -OutputPath $out -Tokenizer whitespace -WarningVariable w -WarningAction SilentlyContinue | Out-Null
        "$w" | Should -Match 'unreadable'
    }

    It 'does nothing under -WhatIf' {
        Invoke-ProxRefine -Path $in -OutputPath $out -WhatIf
        $out | Should -Not -Exist
    }

    It 'resumes the same command, refuses a changed one without -Force and starts over with it' {
        Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -WarningAction SilentlyContinue | Out-Null
        $same = Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -WarningAction SilentlyContinue
        $same.UnitsSkipped | Should -Be 1
        $same.DocumentsOut | Should -Be 5
        { Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -Preset C4 -ErrorAction Stop -WarningAction SilentlyContinue } | Should -Throw '*rules:C4*-Force*'
        $again = Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -Preset C4 -Force -WarningAction SilentlyContinue
        $again.UnitsSkipped | Should -Be 0
        $again.ChunkGenerator.Spec | Should -Be 'rules:C4'
    }

    It 'skips the dropped sidecar with -NoDroppedOutput and lists files with -PassThru' {
        $r = Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -NoDroppedOutput -PassThru -WarningAction SilentlyContinue
        Join-Path $out 'dropped' | Should -Not -Exist
        ($r | Where-Object { $_ -is [IO.FileInfo] }).Name | Should -Contain '_summary.json'
    }

    It 'names a missing input in a non-terminating error' {
        Invoke-ProxRefine -Path (Join-Path $TestDrive 'nothing.jsonl') -OutputPath $out -ErrorVariable e -ErrorAction SilentlyContinue
        "$e" | Should -Match 'nothing.jsonl'
    }

    It 'runs the rules backend on the shared Common Crawl sample' {
        $sample = Join-Path $shared 'corpora/cc-2019-30-sample.jsonl.gz'
        if (-not (Test-Path $sample)) {
            if ($env:CI -eq 'true') { throw "CI=true and the shared sample is missing: $sample" }
            Set-ItResult -Skipped -Because "shared sample not found at $sample (set PROX_SHARED)"
            return
        }
        $s = Invoke-ProxRefine -Path $sample -OutputPath $out
        $s.DocumentsIn | Should -Be 697
        $s.DocumentsIn | Should -Be ($s.DocumentsOut + $s.DocumentsDropped + $s.DocumentsQuarantined)
        $s.Tokenizer | Should -Be 'cl100k_base'
        Join-Path $out 'cc-2019-30-sample.jsonl.gz' | Should -Exist
    }
}

Describe 'Get-ProxProgram' {
    It 'writes doc and chunk programs for piped documents' {
        $p = [pscustomobject]@{ Id = 'x'; Text = "Home | About`nA real paragraph with more than ten words that the rules keep as it is.`nShare on Facebook" } | Get-ProxProgram
        $p.Count | Should -Be 2
        $p[0].Stage | Should -Be 'Doc'
        $p[1].Stage | Should -Be 'Chunk'
        $p[1].Id | Should -Be 'x'
        $p[1].Program | Should -Match 'remove_lines'
    }

    It 'reads documents from files and stops at -First' {
        $f = Join-Path $TestDrive 'p.jsonl'
        New-Corpus $f 4
        $p = Get-ProxProgram -Path $f -Stage Chunk -First 2 -ErrorAction SilentlyContinue
        $p.Count | Should -Be 2
        ($p | Test-ProxProgram).IsValid | Should -Not -Contain $false
    }
}

Describe 'Get-ProxRunSummary' {
    It 'merges the summaries of several runs' {
        $a = Join-Path $TestDrive 'a'; $b = Join-Path $TestDrive 'b'
        New-Item -ItemType Directory (Join-Path $TestDrive 'src') -Force | Out-Null
        New-Corpus (Join-Path $TestDrive 'src/x.jsonl') 3
        Invoke-ProxRefine (Join-Path $TestDrive 'src/x.jsonl') $a -Tokenizer whitespace -WarningAction SilentlyContinue | Out-Null
        Invoke-ProxRefine (Join-Path $TestDrive 'src/x.jsonl') $b -Tokenizer whitespace -WarningAction SilentlyContinue | Out-Null
        $m = Get-ProxRunSummary $a, $b
        $m.Runs | Should -Be 2
        $m.DocumentsIn | Should -Be 10
        (Get-ProxRunSummary $a, $b -NoMerge).Count | Should -Be 2
        ($m | Format-List | Out-String) | Should -Match 'Tokens'
    }

    It 'reports a folder without a summary' {
        Get-ProxRunSummary $TestDrive -ErrorVariable e -ErrorAction SilentlyContinue
        "$e" | Should -Match '_summary.json'
    }
}
