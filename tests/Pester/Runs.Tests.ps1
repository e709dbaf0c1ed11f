# Issue 8: documents in → outcomes out (in memory), runs made of committed work units (kill -9 and resume),
# generator specs in summaries, and refined folders read back as exactly their documents.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:repo = (Resolve-Path "$PSScriptRoot/../..").Path
    function New-Page([int] $i, [int] $paragraphs = 3) {
        $body = foreach ($p in 1..$paragraphs) { "Paragraph $p of page $i explains the harbour, the ferry times and the new bridge over the river in plain words." }
        "Home | News | Sport | Contact`n" + ($body -join "`n") + "`nShare on Facebook`nCopyright 2026 Example Ltd. All rights reserved."
    }
    function New-CorpusFile([string] $path, [int] $from, [int] $count, [int] $paragraphs = 3) {
        $sb = [System.Text.StringBuilder]::new()
        foreach ($i in $from..($from + $count - 1)) {
            $text = New-Page $i $paragraphs
            if ($i % 7 -eq 0) { $text = 'buy now cheap' }
            [void] $sb.Append((@{ id = "d$i"; text = $text } | ConvertTo-Json -Compress)).Append("`n")
        }
        [System.IO.File]::WriteAllText($path, $sb.ToString())
    }
}

Describe 'Documents in, outcomes out' {
    It 'refines texts held in memory and returns outcome objects with counts and programs, touching no file' {
        $before = @(Get-ChildItem $TestDrive -Recurse).Count
        $o = Invoke-ProxRefine -Text (New-Page 1), 'spam spam' -Tokenizer whitespace
        @(Get-ChildItem $TestDrive -Recurse).Count | Should -Be $before
        $o.Count | Should -Be 2
        $o[0] | Should -BeOfType ([Prox.Refinement.DocumentOutcome])
        $o[0].Kept | Should -BeTrue
        $o[0].Chunk.Program | Should -Match 'remove_lines'
        $o[0].Chunk.RemovedRanges.Count | Should -BeGreaterThan 0
        $o[0].Chunk.RemovedRanges[0].Label | Should -Not -BeNullOrEmpty
        $o[0].TokensOut | Should -BeLessThan $o[0].TokensIn
        $o[0].LinesOut | Should -BeLessThan $o[0].LinesIn
        $o[0].Text | Should -Not -Match 'All rights reserved'
        $o[1].Kept | Should -BeFalse
        $o[1].DropReason | Should -Not -Be 'None'
    }

    It 'refines documents piped from Get-ProxDocument, in order, with their ids and source positions' {
        $f = Join-Path $TestDrive 'docs.jsonl'
        New-CorpusFile $f 1 9
        $o = Get-ProxDocument $f | Invoke-ProxRefine -Generator rules:C4 -Tokenizer whitespace
        $o.Id | Should -Be (1..9 | ForEach-Object { "d$_" })
        $o[2].SourceRecord | Should -Be 3
        $o[0].Chunk.Generator | Should -Be 'rules:C4'
    }

    It 'Measure-ProxQuality counts what the same pipeline decides' {
        $labelled = Join-Path $TestDrive 'labels.jsonl'
        $page = (New-Page 2) -split "`n"
        $labels = @(0) + @(1, 1, 1) + @(0, 0)
        @{ text = $page; labels = $labels } | ConvertTo-Json -Compress | Set-Content $labelled
        $q = Measure-ProxQuality -Path $labelled
        $o = Invoke-ProxRefine -Text ($page -join "`n") -Tokenizer whitespace
        $removed = @($o.Chunk.RemovedRanges | ForEach-Object { $_.StartLine..$_.EndLine })
        $keptGood = @(0..5 | Where-Object { $labels[$_] -eq 1 -and $removed -notcontains $_ }).Count
        $q.TrueKeep | Should -Be $keptGood
        $q.TrueRemove | Should -Be @(0..5 | Where-Object { $labels[$_] -eq 0 -and $removed -contains $_ }).Count
    }
}

Describe 'Runs made of work units' {
    It 'resumes after kill -9 in the third of five files: finished units skipped, output byte-identical' {
        $in = Join-Path $TestDrive 'in'; New-Item -ItemType Directory $in | Out-Null
        # Files large enough that refining one takes a while, so the kill lands inside the third.
        foreach ($k in 0..4) { New-CorpusFile (Join-Path $in "part-$k.jsonl") ($k * 3000) 3000 12 }
        $reference = Join-Path $TestDrive 'reference'
        $killed = Join-Path $TestDrive 'killed'
        Invoke-ProxRefine -Path $in -OutputPath $reference -Tokenizer whitespace -ThrottleLimit 1 | Out-Null

        $pidFile = Join-Path $TestDrive 'child.pid'
        $script = Join-Path $TestDrive 'child.ps1'
        @"
`$PID | Set-Content '$pidFile'
Import-Module '$repo/Prox.psd1'
Invoke-ProxRefine -Path '$in' -OutputPath '$killed' -Tokenizer whitespace -ThrottleLimit 1 | Out-Null
"@ | Set-Content $script
        $launcher = Start-Process dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-File', $script -WorkingDirectory $repo -PassThru
        $markers = Join-Path $killed '_units'
        $deadline = [DateTime]::UtcNow.AddSeconds(240)
        # Wait for the second marker AND the third unit's staged files: a kill between the two would find no unit in
        # flight, and the resume would have nothing to redo (the race that made this test flaky in CI).
        $thirdStaging = Join-Path $killed '_staging/unit-00002'
        while (-not ((Test-Path (Join-Path $markers 'unit-00001.json')) -and (Test-Path $thirdStaging))) {
            if ([DateTime]::UtcNow -gt $deadline -or $launcher.HasExited) { throw 'the child run never committed its second unit and started its third' }
            Start-Sleep -Milliseconds 10
        }
        $child = [int] (Get-Content $pidFile)
        & kill -9 $child
        & kill -9 $launcher.Id 2>$null
        Start-Sleep -Milliseconds 300
        # Killed while the third unit was in flight: two units committed, the third not.
        Test-Path (Join-Path $markers 'unit-00002.json') | Should -BeFalse
        @(Get-ChildItem $markers -Filter *.json).Count | Should -Be 2
        Join-Path $killed '_summary.json' | Should -Not -Exist

        $resumed = Invoke-ProxRefine -Path $in -OutputPath $killed -Tokenizer whitespace -ThrottleLimit 1 -Verbose 4>&1
        $summary = $resumed | Where-Object { $_ -is [Prox.Refinement.RunSummary] }
        $verbose = ($resumed | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n"
        $summary.UnitsSkipped | Should -Be 2
        $summary.UnitsDone | Should -Be 5
        $verbose | Should -Match 'unit-00002.*in flight'
        foreach ($k in 0..4) {
            $a = Get-FileHash (Join-Path $reference "part-$k.jsonl")
            $b = Get-FileHash (Join-Path $killed "part-$k.jsonl")
            $b.Hash | Should -Be $a.Hash
            (Get-FileHash (Join-Path $killed "dropped/part-$k.jsonl")).Hash | Should -Be (Get-FileHash (Join-Path $reference "dropped/part-$k.jsonl")).Hash
        }
        $ref = Get-ProxRunSummary $reference
        $summary.DocumentsIn | Should -Be $ref.DocumentsIn
        $summary.DocumentsIn | Should -Be ($summary.DocumentsOut + $summary.DocumentsDropped + $summary.DocumentsQuarantined)
        Join-Path $killed '_staging' | Should -Not -Exist
    }

    It 'records each stage''s generator spec and options in the summary and every marker' {
        $f = Join-Path $TestDrive 'one.jsonl'; New-CorpusFile $f 1 5
        $out = Join-Path $TestDrive 'specs'
        $s = Invoke-ProxRefine -Path $f -OutputPath $out -DocGenerator rules:Gopher -ChunkGenerator 'rules:ProxRules?RepeatedLineMaxWords=9' -Tokenizer whitespace
        $s.DocGenerator.Spec | Should -Be 'rules:Gopher'
        $s.ChunkGenerator.Spec | Should -Be 'rules:ProxRules?RepeatedLineMaxWords=9'
        $s.ChunkGenerator.Options['RepeatedLineMaxWords'] | Should -Be '9'
        $json = Get-Content (Join-Path $out '_summary.json') -Raw | ConvertFrom-Json
        $json.doc_generator.spec | Should -Be 'rules:Gopher'
        $json.doc_generator.options.MinWords | Should -Be '50'
        foreach ($m in Get-ChildItem (Join-Path $out '_units') -Filter *.json) {
            $mj = Get-Content $m -Raw | ConvertFrom-Json
            $mj.doc_generator.spec | Should -Be 'rules:Gopher'
            $mj.chunk_generator.spec | Should -Be 'rules:ProxRules?RepeatedLineMaxWords=9'
            $mj.chunk_generator.options.RepeatedLineMaxWords | Should -Be '9'
        }
    }

    It 'Get-ProxRunSummary refuses to add up runs with different presets unless -Force, and says why' {
        $f = Join-Path $TestDrive 'p.jsonl'; New-CorpusFile $f 1 5
        $a = Join-Path $TestDrive 'run-a'; $b = Join-Path $TestDrive 'run-b'
        Invoke-ProxRefine -Path $f -OutputPath $a -Preset ProxRules -Tokenizer whitespace | Out-Null
        Invoke-ProxRefine -Path $f -OutputPath $b -Preset C4 -Tokenizer whitespace | Out-Null
        { Get-ProxRunSummary $a, $b -ErrorAction Stop } | Should -Throw '*rules:ProxRules*rules:C4*-Force*'
        $err = $null
        try { Get-ProxRunSummary $a, $b -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.RunsDiffer*'
        $m = Get-ProxRunSummary $a, $b -Force
        $m.DocumentsIn | Should -Be 10
        $m.Runs | Should -Be 2
    }

    It 'Get-ProxDocument of a refined folder returns exactly DocumentsOut documents and no errors' {
        $in = Join-Path $TestDrive 'fold'; New-Item -ItemType Directory $in | Out-Null
        New-CorpusFile (Join-Path $in 'a.jsonl') 1 20
        New-CorpusFile (Join-Path $in 'b.jsonl') 100 15
        Add-Content (Join-Path $in 'b.jsonl') '{"id":"broken","text":'
        $out = Join-Path $TestDrive 'fold-out'
        $s = Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -WarningAction SilentlyContinue
        $docs = Get-ProxDocument $out -ErrorVariable errs
        $errs.Count | Should -Be 0
        $docs.Count | Should -Be $s.DocumentsOut
        # Refining the refined folder reads the same documents, never the run's own files.
        $s2 = Invoke-ProxRefine -Path $out -OutputPath (Join-Path $TestDrive 'fold-out2') -Tokenizer whitespace
        $s2.DocumentsIn | Should -Be $s.DocumentsOut
        $s2.DocumentsQuarantined | Should -Be 0
    }

    It 'never deletes or overwrites an input that lives in the output folder' {
        $out = Join-Path $TestDrive 'self'
        $dropped = Join-Path $out 'dropped'
        New-Item -ItemType Directory $dropped -Force | Out-Null
        $victim = Join-Path $dropped 'x.jsonl'
        New-CorpusFile $victim 1 5
        $hash = (Get-FileHash $victim).Hash
        { Invoke-ProxRefine -Path $victim -OutputPath $out -Tokenizer whitespace -ErrorAction Stop } | Should -Throw '*overwrite the input*'
        { Invoke-ProxRefine -Path $victim -OutputPath $out -Tokenizer whitespace -Force -ErrorAction Stop } | Should -Throw '*overwrite the input*'
        (Get-FileHash $victim).Hash | Should -Be $hash
    }
}

Describe 'Documents piped with -OutputPath' {
    It 'Get-ProxDocument | Invoke-ProxRefine -OutputPath writes the refined documents and returns the summary' {
        $f = Join-Path $TestDrive 'src.jsonl'; New-CorpusFile $f 1 8
        $out = Join-Path $TestDrive 'piped-out'
        $s = Get-ProxDocument $f -First 5 | Where-Object Id -ne 'd2' | Invoke-ProxRefine -OutputPath $out -Tokenizer whitespace
        $s | Should -BeOfType ([Prox.Refinement.RunSummary])
        $s.DocumentsIn | Should -Be 4
        $s.DocumentsIn | Should -Be ($s.DocumentsOut + $s.DocumentsDropped)
        $kept = Get-ProxDocument (Join-Path $out 'src.jsonl')
        $kept.Count | Should -Be $s.DocumentsOut
        $kept.Id | Should -Not -Contain 'd2'
        $kept[0].Metadata.prox.chunk.program | Should -Not -BeNullOrEmpty
        Join-Path $out '_summary.json' | Should -Exist
        { Get-ProxDocument $f -First 1 | Invoke-ProxRefine -OutputPath $out -Tokenizer whitespace -ErrorAction Stop } | Should -Throw '*-Force*'
    }
}

Describe 'Sharded runs (issue 10)' {
    It 'tasks given by -TaskIndex/-TaskCount or a Slurm array environment share one folder and match a run of one task' {
        $in = Join-Path $TestDrive 'shard-in'; New-Item -ItemType Directory $in | Out-Null
        foreach ($k in 0..4) { New-CorpusFile (Join-Path $in "s-$k.jsonl") ($k * 100) (10 + 7 * $k) }
        $one = Join-Path $TestDrive 'shard-one'; $out = Join-Path $TestDrive 'shard-out'
        Invoke-ProxRefine -Path $in -OutputPath $one -Tokenizer whitespace | Out-Null
        $t0 = Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -TaskIndex 0 -TaskCount 3
        Join-Path $out '_summary.json' | Should -Not -Exist
        Join-Path $out '_summary.task-0.json' | Should -Exist
        $partial = Get-ProxRunSummary $out
        $partial.Tasks.Count | Should -Be 3
        $partial.Tasks[0].UnitsDone | Should -Be $t0.UnitsDone
        ($partial.Tasks[1].UnitsPending + $partial.Tasks[2].UnitsPending) | Should -Be (5 - $t0.UnitsDone)
        # Task 1 from a Slurm array's environment (array 5-7: task id 6 is index 1).
        $env:SLURM_ARRAY_TASK_ID = '6'; $env:SLURM_ARRAY_TASK_MIN = '5'; $env:SLURM_ARRAY_TASK_COUNT = '3'
        try { Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace | Out-Null }
        finally { Remove-Item Env:SLURM_ARRAY_TASK_ID, Env:SLURM_ARRAY_TASK_MIN, Env:SLURM_ARRAY_TASK_COUNT }
        (Get-ProxRunSummary $out).Tasks[1].IsComplete | Should -BeTrue
        { Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -TaskIndex 2 -TaskCount 4 -ErrorAction Stop } | Should -Throw '*task count changed from 3 to 4*'
        { Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -TaskIndex 2 -ErrorAction Stop } | Should -Throw '*without a task count*'
        $last = Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -TaskIndex 2 -TaskCount 3
        $last.UnitsDone | Should -Be 5
        Join-Path $out '_summary.json' | Should -Exist
        @(Get-ChildItem $out -Filter '_summary.task-*').Count | Should -Be 0
        foreach ($k in 0..4) { (Get-FileHash (Join-Path $out "s-$k.jsonl")).Hash | Should -Be (Get-FileHash (Join-Path $one "s-$k.jsonl")).Hash }
        (Get-ProxRunSummary $out).DocumentsOut | Should -Be (Get-ProxRunSummary $one).DocumentsOut
    }
}

Describe 'Large files split into range units (issue 10)' {
    It 'a .jsonl split by -UnitSize refines to the documents of one unit, reads back once in order, and resumes after kill -9 inside a range' {
        $in = Join-Path $TestDrive 'range-in'; New-Item -ItemType Directory $in | Out-Null
        $f = Join-Path $in 'big.jsonl'
        New-CorpusFile $f 0 6000 12
        $size = (Get-Item $f).Length
        $unit = [long][Math]::Ceiling($size / 6)
        $one = Join-Path $TestDrive 'range-one'; $split = Join-Path $TestDrive 'range-split'
        Invoke-ProxRefine -Path $f -OutputPath $one -Tokenizer whitespace -ThrottleLimit 1 | Out-Null

        # The same run split into ranges, killed (kill -9) while its third range is in flight, then resumed.
        $pidFile = Join-Path $TestDrive 'range-child.pid'
        $script = Join-Path $TestDrive 'range-child.ps1'
        @"
`$PID | Set-Content '$pidFile'
Import-Module '$repo/Prox.psd1'
Invoke-ProxRefine -Path '$f' -OutputPath '$split' -Tokenizer whitespace -ThrottleLimit 1 -UnitSize $unit | Out-Null
"@ | Set-Content $script
        $launcher = Start-Process dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-File', $script -WorkingDirectory $repo -PassThru
        $deadline = [DateTime]::UtcNow.AddSeconds(240)
        while (-not ((Test-Path (Join-Path $split '_units/unit-00001.json')) -and (Test-Path (Join-Path $split '_staging/unit-00002')))) {
            if ([DateTime]::UtcNow -gt $deadline -or $launcher.HasExited) { throw 'the child run never committed its second range and started its third' }
            Start-Sleep -Milliseconds 10
        }
        & kill -9 ([int] (Get-Content $pidFile))
        & kill -9 $launcher.Id 2>$null
        Start-Sleep -Milliseconds 300
        Join-Path $split '_units/unit-00002.json' | Should -Not -Exist
        $resumed = Invoke-ProxRefine -Path $f -OutputPath $split -Tokenizer whitespace -ThrottleLimit 1 -UnitSize $unit -Verbose 4>&1
        $summary = $resumed | Where-Object { $_ -is [Prox.Refinement.RunSummary] }
        ($resumed | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) -join "`n" | Should -Match 'unit-00002.*in flight'
        $summary.UnitsDone | Should -Be 6
        $summary.UnitsSkipped | Should -BeGreaterOrEqual 2

        # Parts named after the input; together the same bytes as the one-unit output, part after part.
        $parts = @(Get-ChildItem $split -Filter 'big.part-*.jsonl' | Sort-Object Name)
        $parts.Count | Should -Be 6
        $joined = ($parts | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }) -join ''
        $joined | Should -BeExactly ([IO.File]::ReadAllText((Join-Path $one 'big.jsonl')))
        # Read back: every refined document once, in input order, with the file's own line numbers.
        $a = @(Get-ProxDocument $one); $b = @(Get-ProxDocument $split)
        $b.Count | Should -Be $a.Count
        $b.Id | Should -Be $a.Id
        ($b | Select-Object -First 1 -Skip ($b.Count - 1)).Text | Should -BeExactly ($a | Select-Object -Last 1).Text
        $ref = Get-ProxRunSummary $one
        $summary.DocumentsIn | Should -Be $ref.DocumentsIn
        $summary.DocumentsOut | Should -Be $ref.DocumentsOut
        $summary.InputBytes | Should -Be $size
        # New-ProxSlurmJob passes the unit size to every task.
        $job = New-ProxSlurmJob -Path $f -OutputPath (Join-Path $TestDrive 'range-slurm') -Tasks 3 -Tokenizer whitespace -UnitSize $unit
        (Get-Content $job.ScriptPath -Raw) | Should -Match "-UnitSize \W{1,4}$unit\W"
        @((Get-Content (Join-Path $TestDrive 'range-slurm/_plan.json') -Raw | ConvertFrom-Json).units).Count | Should -Be 6
    }
}
