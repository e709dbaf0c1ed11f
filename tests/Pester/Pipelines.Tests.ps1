# Issue 12, "wrong results without an error": every case here once gave a wrong result and no error.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:page = "Home | News | Contact`nThe council approved the new budget on Monday after a long debate about schools, roads and public transport.`nThe mayor said repairs to the ring road will be reviewed in spring, with work starting next year.`nCopyright 2026 Example News. All rights reserved."
    function New-Corpus([string] $path) {
        $lines = @(
            [pscustomobject]@{ id = 'p1'; text = $page; metadata = @{ url = 'https://example.org/1' } } | ConvertTo-Json -Compress -Depth 5
            [pscustomobject]@{ id = 'p2'; text = $page.Replace('budget', 'plan'); metadata = @{ url = 'https://example.org/2' } } | ConvertTo-Json -Compress -Depth 5
            '{"id":"spam","text":"cheap cheap"}'
            '{"id":"lorem","text":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco."}'
        )
        Set-Content -LiteralPath $path -Value $lines
    }
    function New-GzipFile([string] $path, [string] $content) {
        $fs = [IO.File]::Create($path)
        $gz = [IO.Compression.GZipStream]::new($fs, [IO.Compression.CompressionLevel]::Fastest)
        $bytes = [Text.Encoding]::UTF8.GetBytes($content)
        $gz.Write($bytes, 0, $bytes.Length)
        $gz.Dispose(); $fs.Dispose()
    }
}

Describe '1. files piped into Get-ProxProgram are read as corpus files' {
    It 'reads the documents of a piped .jsonl.gz file, not its path as text' {
        $f = Join-Path $TestDrive 'x.jsonl.gz'
        New-GzipFile $f ('{"id":"g1","text":' + ($page | ConvertTo-Json) + "}`n")
        $programs = Get-ChildItem -LiteralPath $f | Get-ProxProgram
        $programs.Id | Select-Object -Unique | Should -Be 'g1'
        ($programs | Where-Object Stage -eq 'Chunk').Program | Should -Match 'remove_lines'
    }

    It 'still writes programs for a piped string (the document text)' {
        $p = $page | Get-ProxProgram -Stage Chunk
        $p.Program | Should -Match 'remove_lines'
    }
}

Describe '2. paths with [ ] and paths relative to the PowerShell location' {
    BeforeAll {
        $script:dir = Join-Path $TestDrive 'shard[1]'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $script:file = Join-Path $dir 'part[0].jsonl'
        New-Corpus $file
    }

    It 'Get-ProxDocument reads a file with [ ] piped from Get-ChildItem' {
        (Get-ChildItem -LiteralPath $dir -File | Get-ProxDocument).Id | Should -Be @('p1', 'p2', 'spam', 'lorem')
    }

    It 'Get-ProxDocument -LiteralPath reads the file; -Path that matches nothing is an error, not silence' {
        (Get-ProxDocument -LiteralPath $file).Count | Should -Be 4
        Get-ProxDocument -Path $file -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Prox.PathNotFound*'
        $e[0].Exception.Message | Should -Match 'LiteralPath'
    }

    It 'Invoke-ProxRefine refines a piped file with [ ] in its folder and name' {
        $out = Join-Path $TestDrive 'out1'
        $s = Get-ChildItem -LiteralPath $dir -File | Invoke-ProxRefine -OutputPath $out -Tokenizer whitespace
        $s.DocumentsIn | Should -Be 4
        Join-Path $out 'part[0].jsonl' | Test-Path -LiteralPath { $_ } | Should -BeTrue
    }

    It 'Get-ProxRunSummary and Measure-ProxQuality take -LiteralPath and piped files' {
        $out = Join-Path $TestDrive 'run[2]'
        Invoke-ProxRefine -LiteralPath $file -OutputPath $out -Tokenizer whitespace | Out-Null
        (Get-ProxRunSummary -LiteralPath $out).DocumentsIn | Should -Be 4
        (Get-Item -LiteralPath $out | Get-ProxRunSummary).DocumentsIn | Should -Be 4
        $labels = Join-Path $dir 'labels[en].json'
        '[{"text":["Home | News","A sentence of real prose that people wrote with care and at length."],"labels":[0,1]}]' | Set-Content -LiteralPath $labels
        (Get-Item -LiteralPath $labels | Measure-ProxQuality).Documents | Should -Be 1
    }

    It 'resolves relative paths and -Tokenizer files against the current location, not the process folder' {
        $work = Join-Path $TestDrive 'cwd'
        New-Item -ItemType Directory $work | Out-Null
        New-Corpus (Join-Path $work 'c.jsonl')
        Push-Location $work
        try {
            [Environment]::CurrentDirectory | Should -Not -Be $work
            $s = Invoke-ProxRefine -Path c.jsonl -OutputPath o -Tokenizer whitespace
            $s.DocumentsIn | Should -Be 4
            Join-Path $work 'o/c.jsonl' | Should -Exist
            { Invoke-ProxRefine -Path c.jsonl -OutputPath o2 -Tokenizer ./no-such-tokenizer.model -ErrorAction Stop } |
                Should -Throw "*$([regex]::Escape($work))*no-such-tokenizer.model*"
        }
        finally { Pop-Location }
    }
}

Describe '3. outputs of one cmdlet flow into the next' {
    It 'Get-ProxDocument | Get-ProxProgram -Stage Chunk | Invoke-ProxProgram runs each program on its document' {
        $f = Join-Path $TestDrive 'flow.jsonl'
        New-Corpus $f
        $results = Get-ProxDocument $f -First 2 | Get-ProxProgram -Stage Chunk | Invoke-ProxProgram -ErrorAction Stop
        $results.Count | Should -Be 2
        $results[0].Id | Should -Be 'p1'
        $results[0].Text | Should -Not -Match 'All rights reserved'
        $results[0].Text | Should -Match 'council approved'
    }

    It 'Get-ProxProgram -Stage Doc | Invoke-ProxProgram runs the doc program at the doc stage' {
        $r = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.' | Get-ProxProgram -Stage Doc | Invoke-ProxProgram
        $r.Dropped | Should -BeTrue
    }
}

Describe '4. what a view shows is a real property' {
    BeforeAll {
        $f = Join-Path $TestDrive 'drops.jsonl'
        New-Corpus $f
        $script:out = Join-Path $TestDrive 'drops-out'
        Invoke-ProxRefine $f -OutputPath $out -Tokenizer whitespace | Out-Null
        $script:dropped = Get-ProxDocument (Join-Path $out 'dropped/drops.jsonl')
    }

    It 'dropped documents group by DropReason and DropStage' {
        $dropped.Count | Should -Be 2
        $groups = $dropped | Group-Object DropReason
        $groups.Count | Should -Be 2
        $groups.Name | Should -Not -Contain ''
        ($dropped | Where-Object Id -eq 'lorem').DropStage | Should -Be 'doc'
        ($dropped | Where-Object Id -eq 'spam').DropStage | Should -Be 'chunk'
    }

    It 'documents sort by Chars' {
        $docs = Get-ProxDocument (Join-Path $out 'drops.jsonl'), (Join-Path $out 'dropped/drops.jsonl')
        $sorted = $docs | Sort-Object Chars
        $sorted[0].Id | Should -Be 'spam'
        $sorted.Chars | Should -Be ($docs | ForEach-Object { $_.Text.Length } | Sort-Object)
    }

    It 'a refined (kept) document has no drop reason' {
        (Get-ProxDocument (Join-Path $out 'drops.jsonl'))[0].DropReason | Should -BeNullOrEmpty
    }
}

Describe '5. nothing fails silently' {
    It 'a gzip file cut short in its header is a quarantined record, not zero documents' {
        $bad = Join-Path $TestDrive 'bad.jsonl.gz'
        [IO.File]::WriteAllBytes($bad, [byte[]](0x1f, 0x8b, 0x08, 0x00) + [Text.Encoding]::ASCII.GetBytes('garbage'))
        $all = Get-ProxDocument $bad -IncludeQuarantine
        @($all).Count | Should -Be 1
        $all.Kind | Should -Be 'CorruptStream'
        $all.Reason | Should -Match 'cut short'
        Get-ProxDocument $bad -ErrorVariable e -ErrorAction SilentlyContinue | Out-Null
        $e.Count | Should -Be 1
    }

    It 'a refine run in which every record failed is an error naming the file and the reason' {
        $f = Join-Path $TestDrive 'nofield.jsonl'
        New-Corpus $f
        $out = Join-Path $TestDrive 'nofield-out'
        $s = Invoke-ProxRefine $f -OutputPath $out -TextField nope -Tokenizer whitespace -ErrorVariable e -ErrorAction SilentlyContinue
        $s.DocumentsQuarantined | Should -Be 4
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Prox.AllRecordsQuarantined*'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $e[0].TargetObject | Should -Be $f
        $e[0].Exception.Message | Should -Match 'MissingText'
        { Invoke-ProxRefine $f -OutputPath $out -TextField nope -Tokenizer whitespace -Force -ErrorAction Stop } | Should -Throw '*nofield.jsonl*'
    }

    It 'Test-ProxProgram counts an out-of-range line as an error' {
        $p = Test-ProxProgram 'remove_lines(line_start=0, line_end=12)' -LineCount 10
        $p.IsValid | Should -BeFalse
        $p.ErrorDiagnosticCount | Should -Be 1
        ($p | Format-List | Out-String) | Should -Match 'ErrorDiagnosticCount\s*:\s*1'
    }
}
