# Refining with LM model folders through the cmdlets: the shared tiny LLaMA models (random weights) on the CPU.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:shared = if ($env:PROX_SHARED) { $env:PROX_SHARED } else { Join-Path $PSScriptRoot '../../../shared' }
    $script:fp32 = Join-Path $shared 'models/tiny-llama-fp32'
    $script:fp16 = Join-Path $shared 'models/tiny-llama-fp16'
    $script:tok = Join-Path $shared 'tokenizers/llama2/tokenizer.model'
    $script:sample = Join-Path $shared 'corpora/cc-2019-30-sample.jsonl.gz'
    $script:missing = -not ((Test-Path $fp32) -and (Test-Path $fp16) -and (Test-Path $tok) -and (Test-Path $sample))
    if ($missing -and $env:CI -eq 'true') { throw "CI=true and the shared tiny models, tokenizer or sample are missing under $shared" }
    $script:page = "Home | About | Contact`nOur bakery opens at seven every morning and bakes sourdough, rye and spelt loaves by hand.`nFollow us on Facebook`nCopyright 2026 Example Bakery. All rights reserved."
}

Describe 'Model folders as generators' {
    BeforeEach {
        if ($missing) { Set-ItResult -Skipped -Because "shared tiny models not found under $shared (set PROX_SHARED)" }
    }

    It 'Invoke-ProxRefine -DocModel -ChunkModel refines the Common Crawl sample and its counts add up' {
        $docs = @(Get-ProxDocument $sample -First 8)
        $outcomes = @($docs | Invoke-ProxRefine -DocModel $fp32 -ChunkModel $fp16 -ModelTokenizer $tok -ExecutionProvider Cpu)
        $outcomes.Count | Should -Be 8
        @($outcomes | Where-Object Kept).Count + @($outcomes | Where-Object { -not $_.Kept }).Count | Should -Be 8
        foreach ($o in $outcomes) {
            $o.Doc.Score | Should -Not -BeNullOrEmpty
            $o.Doc.Score | Should -BeGreaterOrEqual 0
            $o.Doc.Score | Should -BeLessOrEqual 1
            $o.Doc.Program | Should -BeIn @('keep_doc()', 'drop_doc()')
            $o.Doc.PromptTokens | Should -BeGreaterThan 0
            if ($o.DropStage -ne 'Doc') {
                # A random model writes garbage chunk programs: the executor survives them and counts them.
                $o.Chunk.Requests | Should -BeGreaterOrEqual 1
                $o.Chunk.GeneratedTokens | Should -BeGreaterOrEqual $o.Chunk.Requests
                $o.LinesOut | Should -BeLessOrEqual $o.LinesIn
            }
        }
    }

    It 'writes a refined corpus with a summary whose counts add up' {
        $in = Join-Path $TestDrive 'in'
        New-Item -ItemType Directory $in -Force | Out-Null
        $lines = Get-ProxDocument $sample -First 6 | ForEach-Object { [pscustomobject]@{ id = $_.Id; text = $_.Text } | ConvertTo-Json -Compress }
        Set-Content -Path (Join-Path $in 'part-0.jsonl') -Value $lines
        $out = Join-Path $TestDrive 'out'
        $s = Invoke-ProxRefine -Path $in -OutputPath $out -DocModel $fp32 -ChunkModel $fp32 -ModelTokenizer $tok -ExecutionProvider Cpu -Tokenizer whitespace
        $s.DocumentsIn | Should -Be 6
        $s.DocumentsIn | Should -Be ($s.DocumentsOut + $s.DocumentsDropped + $s.DocumentsQuarantined)
        Join-Path $out 'part-0.jsonl' | Should -Exist
    }

    It 'Get-ProxProgram -Model writes a doc program and chunk programs' {
        $programs = @(Get-ProxProgram -Model $fp32 -ModelTokenizer $tok -ExecutionProvider Cpu -Text $page)
        $doc = $programs | Where-Object Stage -eq 'Doc'
        $doc.Program | Should -BeIn @('keep_doc()', 'drop_doc()')
        @($programs | Where-Object Stage -eq 'Chunk').Count | Should -Be 1
    }

    It 'chunk programs are grammar-constrained by default and -Unconstrained decodes as published' {
        $docs = @(Get-ProxDocument $sample -First 6 | ForEach-Object { $_.Text.Substring(0, [Math]::Min(900, $_.Text.Length)) })
        $constrained = @($docs | Get-ProxProgram -Model $fp32 -ModelTokenizer $tok -ExecutionProvider Cpu -Stage Chunk)
        $constrained.Count | Should -BeGreaterOrEqual 6
        foreach ($p in $constrained) {
            # Every line number is the chunk's, so the program parses against the chunk's own lines.
            $t = Test-ProxProgram -Program $p.Program -LineCount ($p.FirstLine + $p.LineCount)
            $t.ErrorDiagnosticCount | Should -Be 0 -Because $p.Program
        }
        $unconstrained = @($docs | Get-ProxProgram -Model $fp32 -ModelTokenizer $tok -ExecutionProvider Cpu -Stage Chunk -Unconstrained)
        $unconstrained.Count | Should -Be $constrained.Count
        @($unconstrained | Where-Object { (Test-ProxProgram -Program $_.Program).ErrorDiagnosticCount -gt 0 }).Count | Should -BeGreaterThan 0 -Because 'a random model writes garbage when nothing constrains it'
        $s = Invoke-ProxRefine -Text $docs[0] -ChunkModel $fp32 -DocGenerator rules -ModelTokenizer $tok -ExecutionProvider Cpu -Unconstrained
        $s | Should -Not -BeNullOrEmpty
    }

    It '-ThrottleLimit 2 with one model for both stages loads it once and decodes chunks in batches of -BatchSize' {
        $in = Join-Path $TestDrive 'in-batch'
        New-Item -ItemType Directory $in -Force | Out-Null
        $lines = Get-ProxDocument $sample -First 10 | ForEach-Object { [pscustomobject]@{ id = $_.Id; text = $_.Text.Substring(0, [Math]::Min(700, $_.Text.Length)) } | ConvertTo-Json -Compress }
        Set-Content -Path (Join-Path $in 'part-0.jsonl') -Value $lines
        $sessions = [Prox.Models.LlamaProgramGenerator].Assembly.GetType('Prox.Models.SharedModelSession').GetProperty('Created')
        $before = $sessions.GetValue($null)
        # A threads count no other test uses here: a session of its own.
        $spec = "model:$($fp32)?threads=3"
        $s = Invoke-ProxRefine -Path $in -OutputPath (Join-Path $TestDrive 'out-batch') -DocGenerator "$spec&drop_threshold=1" -ChunkGenerator $spec -ModelTokenizer $tok -ExecutionProvider Cpu -ThrottleLimit 2 -BatchSize 4 -Tokenizer whitespace
        $sessions.GetValue($null) - $before | Should -Be 1 -Because 'the doc and chunk generators share one session of the model'
        $s.DocumentsIn | Should -Be 10
        $s.DocumentsDropped | Should -Be 0 -Because 'drop_threshold=1 keeps every document'
        $sizes = $s.Chunk.BatchSizes
        ($sizes.Values | Measure-Object -Sum).Sum | Should -Be $s.Chunk.ProgramRequests
        @($sizes.Keys | Where-Object { [int]$_ -gt 1 }).Count | Should -BeGreaterThan 0 -Because 'chunks were decoded together'
        @($sizes.Keys | Where-Object { [int]$_ -gt 4 }).Count | Should -Be 0 -Because '-BatchSize 4'
        ($s.Doc.BatchSizes.Values | Measure-Object -Sum).Sum | Should -Be 10
        $s.ChunkGenerator.Options['model.provider'] | Should -Be 'CPU'
        $s.Chunk.GeneratedTokens | Should -BeGreaterOrEqual $s.Chunk.ProgramRequests
    }

    It 'relative model and tokenizer paths resolve against the current location' {
        Push-Location (Join-Path $shared 'models')
        try {
            $programs = @(Get-ProxProgram -Model ./tiny-llama-fp16 -ModelTokenizer ../tokenizers/llama2/tokenizer.model -ExecutionProvider Cpu -Text $page -Stage Doc)
            $programs.Count | Should -Be 1
        }
        finally { Pop-Location }
    }

    It '-ExecutionProvider Cuda without a usable GPU fails with an error that names CUDA' {
        $failed = $null
        try { Get-ProxProgram -Model $fp32 -ModelTokenizer $tok -ExecutionProvider Cuda -Text $page -Stage Doc -ErrorAction Stop | Out-Null }
        catch { $failed = $_ }
        if (-not $failed) { Set-ItResult -Skipped -Because 'a usable GPU is present: CUDA loaded' ; return }
        $failed.Exception.Message | Should -Match 'CUDA'
        $failed.CategoryInfo.Category | Should -Be 'ResourceUnavailable'
    }

    It '-ExecutionProvider Auto warns once and runs on the CPU when CUDA does not load' {
        $programs = @(Get-ProxProgram -DocModel $fp32 -ChunkModel $fp16 -ModelTokenizer $tok -ExecutionProvider Auto -Text $page -WarningVariable w -WarningAction SilentlyContinue)
        $programs.Count | Should -Be 2
        if ($w.Count -eq 0) { Set-ItResult -Skipped -Because 'a usable GPU is present: CUDA loaded'; return }
        $w.Count | Should -Be 1
        "$($w[0])" | Should -Match 'CUDA'
        "$($w[0])" | Should -Match 'CPU'
    }

    It 'a model folder without a tokenizer names tokenizer.model and the parameter' {
        { Get-ProxProgram -Model $fp32 -ExecutionProvider Cpu -Text $page -ErrorAction Stop } | Should -Throw -ExpectedMessage '*tokenizer.model*-ModelTokenizer*'
    }

    It 'a stage named twice is an error' {
        { Get-ProxProgram -DocModel $fp32 -DocGenerator rules -ModelTokenizer $tok -Text $page -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-DocModel*-DocGenerator*'
    }
}
