# Issue 10, Slurm: New-ProxSlurmJob writes the plan and an sbatch array script; its tasks (run by the script itself in an
# empty environment, or by a real one-node Slurm cluster that .ci/start-slurm.sh starts) match a local run byte for
# byte; -Submit and -Resubmit go through sbatch (a stand-in sbatch where its arguments and errors are checked).
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:shared = if ($env:PROX_SHARED) { $env:PROX_SHARED } else { Join-Path $PSScriptRoot '../../../shared' }
    $script:sample = Join-Path $shared 'corpora/cc-2019-30-sample.jsonl.gz'
    $script:hasSample = Test-Path $sample
    if (-not $hasSample -and $env:CI -eq 'true') { throw "CI=true and the shared Common Crawl sample is missing: $sample" }
    $script:hasSlurm = [bool](Get-Command sbatch -CommandType Application -ErrorAction SilentlyContinue) -and
                       [bool](Get-Command sinfo -CommandType Application -ErrorAction SilentlyContinue)
    $script:slurmReason = $null
    if (-not $hasSlurm) { $slurmReason = 'no Slurm here (sbatch/sinfo not on PATH; .ci/start-slurm.sh starts a one-node cluster as root)' }
    else {
        $state = (& sinfo -h -o '%t' 2>&1 | Out-String).Trim()
        if ($LASTEXITCODE -ne 0 -or $state -notmatch 'idle|mix|alloc') { $slurmReason = "Slurm is installed but no node takes jobs (sinfo: '$state'); run .ci/start-slurm.sh" }
    }

    # The Common Crawl sample split into five JSONL files of 140 documents (the last 137), so that four tasks have work.
    function New-SampleInputs([string] $folder) {
        New-Item -ItemType Directory -Force $folder | Out-Null
        $lines = [System.Collections.Generic.List[string]]::new()
        $gz = [System.IO.Compression.GZipStream]::new([System.IO.File]::OpenRead($sample), [System.IO.Compression.CompressionMode]::Decompress)
        $reader = [System.IO.StreamReader]::new($gz)
        try { while ($null -ne ($l = $reader.ReadLine())) { $lines.Add($l) } } finally { $reader.Dispose() }
        for ($k = 0; $k -lt 5; $k++) {
            $part = $lines.GetRange($k * 140, [Math]::Min(140, $lines.Count - $k * 140))
            [System.IO.File]::WriteAllText((Join-Path $folder "cc-$k.jsonl"), (($part -join "`n") + "`n"))
        }
    }

    # Every file a run publishes (refined and dropped), as relative path → hash.
    function Get-OutputHashes([string] $run) {
        $h = @{}
        foreach ($f in Get-ChildItem $run -Recurse -File -Include *.jsonl | Where-Object { $_.FullName -notmatch '[\\/]_' }) {
            $h[[IO.Path]::GetRelativePath($run, $f.FullName)] = (Get-FileHash $f.FullName).Hash
        }
        $h
    }

    function Assert-SameOutputs([string] $run, [string] $reference) {
        $a = Get-OutputHashes $reference; $b = Get-OutputHashes $run
        @($b.Keys | Sort-Object) | Should -Be @($a.Keys | Sort-Object)
        foreach ($k in $a.Keys) { $b[$k] | Should -Be $a[$k] -Because "$k must be byte-identical to the local run's" }
        $s = Get-ProxRunSummary $run; $r = Get-ProxRunSummary $reference
        foreach ($p in 'DocumentsIn', 'DocumentsOut', 'DocumentsDropped', 'DocumentsQuarantined', 'TokensIn', 'TokensOut', 'CharactersIn', 'CharactersOut') {
            $s.$p | Should -Be $r.$p -Because "$p of the summary"
        }
        $s.DocumentsIn | Should -Be ($s.DocumentsOut + $s.DocumentsDropped + $s.DocumentsQuarantined)
    }

    # Waits until every array task of the job has ended; fails with squeue's view and the task logs on timeout.
    function Wait-SlurmJob([string] $jobId, [string] $logs, [int] $seconds = 300) {
        $deadline = [DateTime]::UtcNow.AddSeconds($seconds)
        while ($true) {
            $states = @(& squeue -h -t all -j $jobId -o '%i %T' 2>&1)
            $active = @($states | Where-Object { $_ -match '\s(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|RESIZING|SUSPENDED|STAGE_OUT)\s*$' })
            if ($states.Count -gt 0 -and $active.Count -eq 0) { return $states }
            if ([DateTime]::UtcNow -gt $deadline) {
                $tail = Get-ChildItem $logs -Filter *.log -ErrorAction SilentlyContinue | ForEach-Object { "--- $($_.Name)`n" + ((Get-Content $_.FullName -Tail 15) -join "`n") }
                throw "job $jobId did not end within $seconds s. squeue -t all:`n$(& squeue -t all 2>&1 | Out-String)`nlogs:`n$($tail -join "`n")"
            }
            Start-Sleep -Milliseconds 500
        }
    }

    function Assert-Completed($states, [string] $logs) {
        $bad = @($states | Where-Object { $_ -notmatch '\sCOMPLETED\s*$' })
        if ($bad.Count -gt 0) {
            $tail = Get-ChildItem $logs -Filter *.log | ForEach-Object { "--- $($_.Name)`n" + ((Get-Content $_.FullName -Tail 20) -join "`n") }
            throw "array tasks did not complete: $($bad -join '; ')`n$($tail -join "`n")"
        }
    }

    # A stand-in sbatch (first on PATH) that records its arguments and prints a job id, or fails like sbatch does.
    function Use-FakeSbatch([string] $folder, [switch] $Fail) {
        New-Item -ItemType Directory -Force $folder | Out-Null
        $fake = Join-Path $folder 'sbatch'
        $body = if ($Fail) { "echo 'sbatch: error: invalid partition specified: nosuch' >&2`nexit 1" } else { "printf '%s\n' `"`$@`" > '$folder/args'`necho '4242;prox-ci'" }
        [IO.File]::WriteAllText($fake, "#!/bin/bash`n$body`n")
        & chmod +x $fake
        $env:PATH = "$folder$([IO.Path]::PathSeparator)$env:PATH"
    }
}

Describe 'New-ProxSlurmJob' {
    BeforeEach { $script:savedPath = $env:PATH }
    AfterEach { $env:PATH = $script:savedPath }

    It 'writes the plan and an array script whose tasks, run by the script in an empty environment, match a local run' {
        if (-not $hasSample) { Set-ItResult -Skipped -Because "shared sample not found at $sample (set PROX_SHARED)"; return }
        $in = Join-Path $TestDrive 'env-in'; New-SampleInputs $in
        $local = Join-Path $TestDrive 'env-local'; $out = Join-Path $TestDrive 'env-out'
        Invoke-ProxRefine -Path $in -OutputPath $local -Preset C4 -Tokenizer whitespace | Out-Null
        $job = New-ProxSlurmJob -Path $in -OutputPath $out -Tasks 4 -Preset C4 -Tokenizer whitespace -JobName prox-env-test
        $job.Submitted | Should -BeFalse
        $job.Array | Should -Be '0-3'
        Join-Path $out '_plan.json' | Should -Exist
        (Get-Content (Join-Path $out '_plan.json') -Raw | ConvertFrom-Json).task_count | Should -Be 4
        $text = Get-Content $job.ScriptPath -Raw
        $text | Should -Match '#SBATCH --array=0-3'
        $text | Should -Match '#SBATCH --job-name=prox-env-test'
        $text | Should -Match 'Import-Module -Name'
        $text | Should -Match ([regex]::Escape((Resolve-Path "$PSScriptRoot/../../Prox.psd1").Path))
        # Each task as a job step that starts with nothing but its task id: no HOME, PATH or DOTNET_ROOT.
        foreach ($i in 0..3) {
            $log = & env -i "SLURM_ARRAY_TASK_ID=$i" /bin/bash $job.ScriptPath 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "task $i in an empty environment: $($log -join "`n")"
            ($log -join "`n") | Should -Match "task $i of 4"
        }
        Join-Path $out '_summary.json' | Should -Exist
        Assert-SameOutputs $out $local
        (Get-ProxRunSummary $out).Tasks | ForEach-Object { $_.IsComplete | Should -BeTrue }
    }

    It 'refuses a folder that holds a different plan, and a script that needs an sbatch that is missing or fails says so' {
        $f = Join-Path $TestDrive 'small.jsonl'
        1..6 | ForEach-Object { @{ id = "d$_"; text = "Document $_ has a first sentence with enough words to be kept by the rules of the run." } | ConvertTo-Json -Compress } | Set-Content $f
        $out = Join-Path $TestDrive 'small-out'
        New-ProxSlurmJob -Path $f -OutputPath $out -Tasks 2 -Tokenizer whitespace | Out-Null
        # The same command again is fine (the plan is the same); another task count is not.
        New-ProxSlurmJob -Path $f -OutputPath $out -Tasks 2 -Tokenizer whitespace | Out-Null
        { New-ProxSlurmJob -Path $f -OutputPath $out -Tasks 3 -Tokenizer whitespace -ErrorAction Stop } | Should -Throw '*different plan*task count changed from 2 to 3*'
        $env:PATH = Join-Path $TestDrive 'no-such-folder'
        $err = $null
        try { New-ProxSlurmJob -Path $f -OutputPath $out -Tasks 2 -Tokenizer whitespace -Submit -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'Prox.SlurmSubmitFailed*'
        $err.Exception.Message | Should -Match "'sbatch' could not be run.*slurm"
        $env:PATH = $script:savedPath
        Use-FakeSbatch (Join-Path $TestDrive 'failing-sbatch') -Fail
        { New-ProxSlurmJob -Path $f -OutputPath $out -Tasks 2 -Tokenizer whitespace -Submit -ErrorAction Stop } | Should -Throw '*sbatch failed (exit 1)*invalid partition specified: nosuch*'
    }

    It '-Submit returns the job id sbatch prints; -Resubmit submits only the tasks with pending or failed units, or says nothing is left' {
        $in = Join-Path $TestDrive 'resub-in'; New-Item -ItemType Directory $in | Out-Null
        foreach ($k in 0..3) {
            1..(5 + $k) | ForEach-Object { @{ id = "f$k-$_"; text = "Document $_ of file $k has a first sentence with enough words to be kept by the rules." } | ConvertTo-Json -Compress } | Set-Content (Join-Path $in "f-$k.jsonl")
        }
        $out = Join-Path $TestDrive 'resub-out'
        $fake = Join-Path $TestDrive 'fake-sbatch'
        Use-FakeSbatch $fake
        $job = New-ProxSlurmJob -Path $in -OutputPath $out -Tasks 4 -Tokenizer whitespace -Submit
        $job.JobId | Should -Be '4242'
        $job.Submitted | Should -BeTrue
        @(Get-Content (Join-Path $fake 'args')) | Should -Be @('--parsable', $job.ScriptPath)
        # Tasks 0 and 2 run; 1 and 3 have not: only those two are submitted again, as one array.
        foreach ($i in 0, 2) { Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -TaskIndex $i -TaskCount 4 | Out-Null }
        $again = New-ProxSlurmJob -Resubmit $out
        $again.Array | Should -Be '1,3'
        $again.Tasks | Should -Be @(1, 3)
        $again.JobId | Should -Be '4242'
        @(Get-Content (Join-Path $fake 'args')) | Should -Be @('--parsable', '--array=1,3', $job.ScriptPath)
        foreach ($i in 1, 3) { Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -TaskIndex $i -TaskCount 4 | Out-Null }
        Remove-Item (Join-Path $fake 'args')
        $nothing = New-ProxSlurmJob -Resubmit $out -WarningVariable w -WarningAction SilentlyContinue
        $nothing | Should -BeNullOrEmpty
        ($w -join ' ') | Should -Match 'nothing left'
        Join-Path $fake 'args' | Should -Not -Exist
        { New-ProxSlurmJob -Resubmit $in -ErrorAction Stop } | Should -Throw '*no run plan*'
    }
}

Describe 'New-ProxSlurmJob on a one-node Slurm cluster' {
    BeforeAll {
        if (-not $slurmReason -and $hasSample) {
            $script:clusterIn = Join-Path $TestDrive 'cluster-in'; New-SampleInputs $clusterIn
            $script:clusterLocal = Join-Path $TestDrive 'cluster-local'
            Invoke-ProxRefine -Path $clusterIn -OutputPath $clusterLocal -Generator rules -Tokenizer whitespace | Out-Null
        }
    }

    It 'a 4-task array job over the Common Crawl sample, submitted with -Submit, produces the local run''s output' {
        if ($slurmReason) {
            if ($env:CI -eq 'true') { throw "CI=true: $slurmReason" }
            Set-ItResult -Skipped -Because $slurmReason; return
        }
        if (-not $hasSample) { Set-ItResult -Skipped -Because "shared sample not found at $sample (set PROX_SHARED)"; return }
        $out = Join-Path $TestDrive 'cluster-out'
        $job = New-ProxSlurmJob -Path $clusterIn -OutputPath $out -Tasks 4 -Generator rules -Tokenizer whitespace -CpusPerTask 1 -TimeLimit 10 -JobName prox-ci-array -Submit
        $job.JobId | Should -Match '^\d+$'
        $states = Wait-SlurmJob $job.JobId $job.LogFolder
        Assert-Completed $states $job.LogFolder
        @($states).Count | Should -Be 4
        Assert-SameOutputs $out $clusterLocal
        Join-Path $out '_summary.json' | Should -Exist
        # One log per task, with what the task did.
        foreach ($i in 0..3) {
            $log = Get-ChildItem $job.LogFolder -Filter "task-$i.job-$($job.JobId).log"
            $log | Should -Not -BeNullOrEmpty
            (Get-Content $log.FullName -Raw) | Should -Match "task $i of 4"
        }
    }

    It '-Resubmit after a task''s units were lost submits only that task, and the run completes' {
        if ($slurmReason) {
            if ($env:CI -eq 'true') { throw "CI=true: $slurmReason" }
            Set-ItResult -Skipped -Because $slurmReason; return
        }
        if (-not $hasSample) { Set-ItResult -Skipped -Because "shared sample not found at $sample (set PROX_SHARED)"; return }
        $out = Join-Path $TestDrive 'cluster-resub'
        $job = New-ProxSlurmJob -Path $clusterIn -OutputPath $out -Tasks 4 -Generator rules -Tokenizer whitespace -CpusPerTask 1 -JobName prox-ci-resub -Submit
        Assert-Completed (Wait-SlurmJob $job.JobId $job.LogFolder) $job.LogFolder
        # Task 2's work is lost (its markers and outputs removed, as after a crash that took the node's disk with it).
        $plan = Get-Content (Join-Path $out '_plan.json') -Raw | ConvertFrom-Json
        $lost = @($plan.units | Where-Object task -eq 2)
        $lost.Count | Should -BeGreaterThan 0
        foreach ($u in $lost) {
            Remove-Item (Join-Path $out "_units/$($u.id).json")
            Remove-Item $u.output
            if (Test-Path $u.dropped) { Remove-Item $u.dropped }
        }
        Remove-Item (Join-Path $out '_summary.json')
        (Get-ProxRunSummary $out).Tasks[2].UnitsPending | Should -Be $lost.Count
        $again = New-ProxSlurmJob -Resubmit $out
        $again.Array | Should -Be '2'
        $states = Wait-SlurmJob $again.JobId $job.LogFolder
        Assert-Completed $states $job.LogFolder
        @($states).Count | Should -Be 1
        ($states -join ' ') | Should -Match "^$($again.JobId)_2\s"
        Assert-SameOutputs $out $clusterLocal
        (Get-ProxRunSummary $out).Tasks | ForEach-Object { $_.IsComplete | Should -BeTrue }
        New-ProxSlurmJob -Resubmit $out -WarningAction SilentlyContinue | Should -BeNullOrEmpty
    }
}
