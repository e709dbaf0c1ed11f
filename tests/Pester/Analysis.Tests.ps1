# Compare-ProxRun and Get-ProxSample: runs read back as outcomes.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:in = Join-Path $TestDrive 'pages.jsonl'
    $lines = @(
        '{"id":"nav","text":"Home | News | Contact | About\nThe council approved the new budget on Monday after a long debate about schools and roads.\nShare this article\nThe mayor said the ring road will be reviewed in spring, with work starting next year."}'
        '{"id":"short","text":"The council approved the new budget on Monday after a long debate about schools and roads"}'
        '{"id":"lorem","text":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."}'
        '{"id":"menu","text":"Subscribe\nLog in"}'
    )
    $lines += foreach ($i in 1..12) { '{"id":"k' + $i + '","text":"The council met on day ' + $i + ' and approved a budget for the schools, the roads and public transport in the city."}' }
    $lines | Set-Content $in
    $script:a = Join-Path $TestDrive 'a'
    $script:b = Join-Path $TestDrive 'b'
    Invoke-ProxRefine $in -OutputPath $a -Tokenizer whitespace | Out-Null
    Invoke-ProxRefine $in -OutputPath $b -Preset C4 -Tokenizer whitespace | Out-Null
}

Describe 'Compare-ProxRun' {
    It 'lists the documents one run kept and the other dropped' {
        $d = Compare-ProxRun $a $b
        $d | Should -Not -BeNullOrEmpty
        ($d | Where-Object Id -eq 'short').Kind | Should -Be 'DroppedInB'
        ($d | Where-Object Id -eq 'short').DropReasonB | Should -Not -Be 'None'
        $d.Kind | Should -Not -Contain 'Same'
        $all = Compare-ProxRun $a $b -IncludeEqual
        $all.Count | Should -Be 16
        ($all | Where-Object Id -eq 'lorem').Kind | Should -Be 'DroppedInBoth'
    }

    It 'counts per drop reason and per file, consistently with the run summaries' {
        $sa = Get-ProxRunSummary $a; $sb = Get-ProxRunSummary $b
        $r = Compare-ProxRun $a $b -By Reasons
        ($r | Where-Object Reason -eq 'Kept').CountA | Should -Be $sa.DocumentsOut
        ($r | Where-Object Reason -eq 'Kept').CountB | Should -Be $sb.DocumentsOut
        ($r | Measure-Object CountB -Sum).Sum | Should -Be 16
        $f = Compare-ProxRun $a $b -By Files
        $f.File | Should -Be 'pages.jsonl'
        $f.KeptA | Should -Be $sa.DocumentsOut
        $f.DroppedB | Should -Be $sb.DocumentsDropped
        $f.TokensOutA | Should -Be $sa.TokensOut
    }

    It 'shows one document line by line, with the call that removed each line' {
        $lines = Compare-ProxRun $a $b -Id nav
        $lines.Count | Should -Be 4
        $lines[0].InA | Should -Be 'removed'
        $lines[0].CallA | Should -Match 'remove_lines'
        $lines[1].InA | Should -Be 'kept'
        $lines[1].TextA | Should -Match 'council approved'
        ($lines | Where-Object Line -eq 0).InB | Should -Be "dropped" -Because "C4 drops the short page"
        Compare-ProxRun $a $a -Id nav -DifferentOnly | Should -BeNullOrEmpty
        Compare-ProxRun $a $b -Id nosuch -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Prox.DocumentNotFound*'
    }

    It 'reports a folder that is not a run' {
        { Compare-ProxRun (Join-Path $TestDrive 'none') $b -ErrorAction Stop } | Should -Throw
    }
}

Describe 'Get-ProxSample' {
    It 'is reproducible: the same seed gives the same sample, a larger count only adds' {
        $s1 = Get-ProxSample $a -Count 5 -Seed 3
        $s2 = Get-ProxSample $a -Count 5 -Seed 3
        $s1.Count | Should -Be 5
        $s1.Id | Should -Be $s2.Id
        $s8 = Get-ProxSample $a -Count 8 -Seed 3
        foreach ($id in $s1.Id) { $s8.Id | Should -Contain $id }
        (Get-ProxSample $a -Count 5 -Seed 4).Id -join ',' | Should -Not -Be ($s1.Id -join ',')
    }

    It 'samples by reason, and per reason' {
        $dropped = Get-ProxSample $b -Count 50 -Reason DropDoc, FewWordsLeft, FewWordsLeftFraction
        $dropped.Kept | Should -Not -Contain $true
        $dropped.Count | Should -Be (Get-ProxRunSummary $b).DocumentsDropped
        $per = Get-ProxSample $a -Count 1 -PerReason
        ($per | Group-Object { if ($_.Kept) { 'Kept' } else { "$($_.DropReason)" } }).Count | Should -Be $per.Count
        (Get-ProxSample $a -Count 3 -Reason Kept).Kept | Should -Be @($true, $true, $true)
    }

    It 'rejects an unknown reason, naming the known ones' {
        $err = $null
        try { Get-ProxSample $a -Reason Bogus -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.UnknownOutcome*'
        $err.Exception.Message | Should -Match 'FewWordsLeft'
    }

    It 'takes a run summary from the pipeline, and its documents export' {
        $out = Join-Path $TestDrive 'review.jsonl'
        Get-ProxRunSummary $a | Get-ProxSample -Count 2 -Seed 1 -Reason Kept | ForEach-Object Source | Export-ProxDocument $out
        (Get-ProxDocument $out).Count | Should -Be 2
    }
}
