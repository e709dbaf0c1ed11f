BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:page = (@('Home | News | Contact') + (0..7 | ForEach-Object { "Paragraph $_ has a sentence with quite a few ordinary words in it." }) + @('Copyright 2024 Example Inc. All rights reserved.')) -join "`n"
}

Describe 'Invoke-ProxProgram' {
    It 'removes lines and reports them' {
        $r = Invoke-ProxProgram -Text $page -Program 'remove_lines(line_start=0, line_end=0)'
        $r.Dropped | Should -BeFalse
        $r.Text | Should -Not -Match 'Home \|'
        @($r.RemovedLines) | Should -Be @(0)
        $r.ErrorCount | Should -Be 0
        $r.LineRemovals[0].ProgramLine | Should -Be 1
    }

    It 'normalizes and counts matches' {
        $r = Invoke-ProxProgram -Text $page -Program 'normalize(source_str="quite a few", target_str="many")'
        $r.Text | Should -Match 'with many ordinary'
        $r.Normalizations[0].Matches | Should -Be 8
    }

    It 'drops at doc level' {
        $r = Invoke-ProxProgram -Text $page -Program 'drop_doc()' -Stage Doc
        $r.Dropped | Should -BeTrue
        $r.DropReason | Should -Be 'DropDoc'
        $r.Text | Should -BeExactly ''
    }

    It 'drops a document left with at most 10 words' {
        $r = Invoke-ProxProgram -Text 'just a few words here' -Program 'keep_chunk()'
        $r.Dropped | Should -BeTrue
        $r.DropReason | Should -Be 'FewWordsLeft'
    }

    It 'follows the reference dialect when asked' {
        $strict = Invoke-ProxProgram -Text $page -Program 'remove_lines(0, 0)'
        $reference = Invoke-ProxProgram -Text $page -Program 'remove_lines(0, 0)' -Dialect Reference
        @($strict.RemovedLines) | Should -Be @(0)
        $reference.ErrorCount | Should -Be 1
        $reference.Text | Should -BeExactly $page
    }

    It 'ignores a program with two errors and keeps the original text' {
        $r = Invoke-ProxProgram -Text $page -Program "remove_lines(line_start=0, line_end=0)`nfoo()`nbar()"
        $r.Ignored | Should -BeTrue
        $r.Text | Should -BeExactly $page
        @($r.Diagnostics).Count | Should -Be 2
    }

    It 'binds Text, Program, Stage and Id from piped objects' {
        $rows = @(
            [pscustomobject]@{ Id = 'x'; Text = $page; Program = 'remove_lines(line_start=9, line_end=9)'; Stage = 'Chunk' }
            [pscustomobject]@{ Id = 'y'; Text = $page; Program = 'drop_doc()'; Stage = 'Doc' }
        )
        $out = $rows | Invoke-ProxProgram
        $out.Count | Should -Be 2
        $out[0].Id | Should -Be 'x'
        $out[0].Text | Should -Not -Match 'Copyright'
        $out[1].Id | Should -Be 'y'
        $out[1].Dropped | Should -BeTrue
    }

    It 'binds from Import-Csv' {
        $csv = Join-Path $TestDrive 'programs.csv'
        [pscustomobject]@{ Text = $page; Program = 'remove_lines(line_start=0, line_end=1)' } | Export-Csv $csv -NoTypeInformation
        $r = Import-Csv $csv | Invoke-ProxProgram
        @($r.RemovedLines) | Should -Be @(0, 1)
    }

    It 'formats results readably' {
        $s = Invoke-ProxProgram -Text $page -Program 'remove_lines(line_start=0, line_end=0)' | Format-List | Out-String
        $s | Should -Match 'Dropped'
        $s | Should -Match 'RemovedLines\s*:\s*0'
    }
}

Describe 'Test-ProxProgram' {
    It 'accepts a valid program' {
        $p = Test-ProxProgram -Program "remove_lines(line_start=0, line_end=2)`nnormalize(source_str='Share', target_str='')"
        $p.IsValid | Should -BeTrue
        @($p.Operations).Count | Should -Be 2
    }

    It 'reports problems with line and column' {
        $p = Test-ProxProgram -Program "remove_lines(line_start=0, line_end=12)`nremove_line(1, 2)`nnormalize(source_str=`"open" -LineCount 10
        $p.IsValid | Should -BeFalse
        $codes = $p.Diagnostics | ForEach-Object Code
        $codes | Should -Contain 'PX0007'
        $codes | Should -Contain 'PX0004'
        $codes | Should -Contain 'PX0006'
        ($p.Diagnostics | Where-Object Code -eq 'PX0004').Line | Should -Be 2
        ($p.Diagnostics | Where-Object Code -eq 'PX0006').Column | Should -Be 22
    }

    It 'takes programs from the pipeline and tells portability' {
        $r = 'remove_lines(0, 3)', 'remove_lines(line_start=0, line_end=3)' | Test-ProxProgram
        $r[0].IsValid | Should -BeTrue
        $r[0].IsPortable | Should -BeFalse
        $r[1].IsPortable | Should -BeTrue
    }
}
