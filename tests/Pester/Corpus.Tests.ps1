# Get-ProxDocument: streaming corpus files into the pipeline.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:dir = Join-Path $TestDrive 'corpus'
    New-Item -ItemType Directory $dir | Out-Null
    @(
        '{"id":"a","text":"Hello\nworld","metadata":{"url":"https://example.org/a","lang":"en"},"source":"cc"}'
        '{"text":"no id here"}'
        '{"id":"c","text":12}'
        '{"id":"d","text":"last one"}'
    ) | Set-Content (Join-Path $dir 'part-0.jsonl')
    '{"id":"z","text":"second file"}' | Set-Content (Join-Path $dir 'part-1.jsonl')
    'not a corpus' | Set-Content (Join-Path $dir 'README.md')
}

Describe 'Get-ProxDocument' {
    It 'streams the documents of a file with id, text, metadata and source line' {
        $docs = Get-ProxDocument (Join-Path $dir 'part-0.jsonl') -ErrorAction SilentlyContinue
        $docs.Count | Should -Be 3
        $docs[0].Id | Should -Be 'a'
        $docs[0].Text | Should -Be "Hello`nworld"
        $docs[0].Metadata.url | Should -Be 'https://example.org/a'
        $docs[0].SourceLine | Should -Be 1
        $docs[0].SourceFile | Should -Be (Join-Path $dir 'part-0.jsonl')
        $docs[1].IdIsDerived | Should -BeTrue
        $docs[1].Id | Should -Be ([Prox.Corpus.CorpusDocument]::ComputeContentId('no id here'))
        $docs[2].SourceLine | Should -Be 4
    }

    It 'reports a bad record as a non-terminating error with file, line and reason, and goes on' {
        $docs = Get-ProxDocument (Join-Path $dir 'part-0.jsonl') -ErrorVariable bad -ErrorAction SilentlyContinue
        $docs.Count | Should -Be 3
        $bad.Count | Should -Be 1
        $bad[0].Exception.Message | Should -BeLike '*part-0.jsonl:3: text field ''text'' is a number, expected a string'
        $bad[0].TargetObject.Kind | Should -Be 'TextNotString'
        $bad[0].TargetObject.RawText | Should -Be '{"id":"c","text":12}'
    }

    It 'reads a quarantine file with -IncludeQuarantine, NUL bytes kept exactly as base64 (issue 10)' {
        $in = Join-Path $TestDrive 'nul.jsonl'
        $nul = [byte[]]::new(5000)
        [IO.File]::WriteAllBytes($in, $nul + [Text.Encoding]::UTF8.GetBytes("`n{`"id`":`"ok`",`"text`":`"fine`"}`n"))
        $qpath = Join-Path $TestDrive 'q/nul.jsonl'
        $w = [Prox.Corpus.QuarantineWriter]::new($qpath)
        Get-ProxDocument $in -IncludeQuarantine | Where-Object { $_ -is [Prox.Corpus.QuarantineRecord] } | ForEach-Object { $w.Write($_) }
        $w.Complete(); $w.Dispose()
        (Get-Item $qpath).Length | Should -BeLessThan 7000   # was 6 bytes per NUL
        $q = Get-ProxDocument $qpath -IncludeQuarantine -ErrorVariable bad
        $bad.Count | Should -Be 0
        $record = $q[0].RawText | ConvertFrom-Json
        $record.kind | Should -Be 'InvalidJson'
        [Convert]::FromBase64String($record.raw_base64) | Should -Be $nul
    }

    It 'reports a damaged gzip file as an error naming it, and reads the next file (issue 10)' {
        $gz = Join-Path $TestDrive 'damaged.jsonl.gz'
        $lines = 1..3000 | ForEach-Object { '{"id":"d' + $_ + '","text":"document ' + $_ + ' ' + ('x' * ($_ % 50)) + '"}' }
        $ms = [IO.MemoryStream]::new()
        $z = [IO.Compression.GZipStream]::new($ms, [IO.Compression.CompressionLevel]::Fastest, $true)
        $bytes = [Text.Encoding]::UTF8.GetBytes(($lines -join "`n") + "`n"); $z.Write($bytes, 0, $bytes.Length); $z.Dispose()
        $packed = $ms.ToArray(); $packed[[int]($packed.Length / 2)] = $packed[[int]($packed.Length / 2)] -bxor 0x10
        [IO.File]::WriteAllBytes($gz, $packed)
        $docs = Get-ProxDocument $gz, (Join-Path $dir 'part-1.jsonl') -ErrorVariable bad -ErrorAction SilentlyContinue
        $bad.Count | Should -Be 1
        $bad[0].Exception | Should -BeOfType ([Prox.Corpus.CorpusReadException])
        $bad[0].Exception.Message | Should -BeLike "$gz*integrity check*"
        $docs[-1].Id | Should -Be 'z'
    }

    It 'emits quarantine records as objects with -IncludeQuarantine' {
        $all = Get-ProxDocument (Join-Path $dir 'part-0.jsonl') -IncludeQuarantine -ErrorVariable bad
        $bad.Count | Should -Be 0
        $q = $all | Where-Object { $_ -is [Prox.Corpus.QuarantineRecord] }
        $q.Line | Should -Be 3
    }

    It 'takes Get-ChildItem output from the pipeline' {
        $docs = Get-ChildItem $dir -Filter *.jsonl | Get-ProxDocument -ErrorAction SilentlyContinue
        $docs.Id | Should -Be @('a', [Prox.Corpus.CorpusDocument]::ComputeContentId('no id here'), 'd', 'z')
    }

    It 'expands wildcards and folders, and stops after -First' {
        (Get-ProxDocument (Join-Path $dir 'part-*.jsonl') -ErrorAction SilentlyContinue).Count | Should -Be 4
        (Get-ProxDocument $dir -ErrorAction SilentlyContinue).Count | Should -Be 4
        (Get-ProxDocument $dir -First 2 -ErrorAction SilentlyContinue).Id | Should -Be @('a', [Prox.Corpus.CorpusDocument]::ComputeContentId('no id here'))
    }

    It 'reads a custom text field' {
        $p = Join-Path $TestDrive 'rp.jsonl'
        '{"raw_content":"red pajama","doc_id":"r1"}' | Set-Content $p
        $d = Get-ProxDocument $p -TextField raw_content -IdField doc_id
        $d.Text | Should -Be 'red pajama'
        $d.Id | Should -Be 'r1'
    }

    It 'reads gzip files written by .NET' {
        $p = Join-Path $TestDrive 'g.jsonl.gz'
        $fs = [IO.File]::Create($p)
        $gz = [IO.Compression.GZipStream]::new($fs, [IO.Compression.CompressionLevel]::Fastest)
        $bytes = [Text.Encoding]::UTF8.GetBytes("{`"text`":`"zipped`"}`n")
        $gz.Write($bytes, 0, $bytes.Length)
        $gz.Dispose(); $fs.Dispose()
        (Get-ProxDocument $p).Text | Should -Be 'zipped'
    }

    It 'gives a clear error for an unsupported extension or a missing file' {
        Get-ProxDocument (Join-Path $dir 'README.md') -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].Exception.Message | Should -BeLike "*README.md*unsupported corpus file extension*"
        Get-ProxDocument (Join-Path $dir 'missing.jsonl') -ErrorVariable e2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e2.Count | Should -Be 1
    }

    It 'formats documents as a table with a short text and file:line' {
        $out = Get-ProxDocument (Join-Path $dir 'part-1.jsonl') | Out-String
        $out | Should -Match 'second file'
        $out | Should -Match 'part-1\.jsonl:1'
    }
}
