# Issue 10: the refining process killed (kill -9) at random points and resumed; the dotnet pwsh launcher killed.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:repo = (Resolve-Path "$PSScriptRoot/../..").Path
    # The real pwsh (pwsh.dll run by dotnet), started directly: the process it returns is the one that refines.
    $script:dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source
    $script:pwshDll = Join-Path $PSHOME 'pwsh.dll'
    function New-Page([int] $i, [int] $paragraphs) {
        $body = foreach ($p in 1..$paragraphs) { "Paragraph $p of page $i explains the harbour, the ferry times and the new bridge over the river in plain words." }
        "Home | News | Sport | Contact`n" + ($body -join "`n") + "`nShare on Facebook`nCopyright 2026 Example Ltd. All rights reserved."
    }
    function New-CorpusFile([string] $path, [int] $from, [int] $count, [int] $paragraphs) {
        $sb = [System.Text.StringBuilder]::new()
        foreach ($i in $from..($from + $count - 1)) {
            $text = if ($i % 7 -eq 0) { 'buy now cheap' } else { New-Page $i $paragraphs }
            [void] $sb.Append((@{ id = "d$i"; text = $text } | ConvertTo-Json -Compress)).Append("`n")
        }
        [System.IO.File]::WriteAllText($path, $sb.ToString())
    }
    # A script that says when it is about to refine (so a kill lands inside the run, not in start-up), then refines.
    function New-ChildScript([string] $in, [string] $out, [string] $ready) {
        $script = Join-Path $TestDrive "child-$([guid]::NewGuid().ToString('N')).ps1"
        @"
Import-Module '$repo/Prox.psd1'
Set-Content '$ready' `$PID
Invoke-ProxRefine -Path '$in' -OutputPath '$out' -Tokenizer whitespace -ThrottleLimit 1 | Out-Null
"@ | Set-Content $script
        $script
    }
    function Wait-For([scriptblock] $condition, [string] $what, [int] $seconds = 60) {
        $deadline = [DateTime]::UtcNow.AddSeconds($seconds)
        while (-not (& $condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "timed out waiting for $what" }
            Start-Sleep -Milliseconds 10
        }
    }
}

Describe 'Kill and resume' {
    It 'kill -9 of the refining process at 10 random points, resumed each time: byte-identical output, nothing lost or duplicated' {
        $in = Join-Path $TestDrive 'in'; New-Item -ItemType Directory $in | Out-Null
        $units = 16
        foreach ($k in 0..($units - 1)) { New-CorpusFile (Join-Path $in ("part-{0:D2}.jsonl" -f $k)) ($k * 1000) 150 4 }
        Add-Content (Join-Path $in 'part-05.jsonl') '{"id":"broken","text":'   # one record for the quarantine
        $ready = Join-Path $TestDrive 'ready'
        # The uninterrupted reference, run the same way; it also times the child: start-up until its first unit is
        # staged, and the time per unit after that.
        $reference = Join-Path $TestDrive 'reference'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $child = Start-Process $dotnet -ArgumentList $pwshDll, '-NoProfile', '-NonInteractive', '-File', (New-ChildScript $in $reference $ready) -PassThru
        Wait-For { (Test-Path $ready) -or $child.HasExited } 'the reference run to start'
        $started = $clock.ElapsedMilliseconds
        Wait-For { (Test-Path (Join-Path $reference '_staging')) -or $child.HasExited } 'the reference run to stage a unit'
        $staged = $clock.ElapsedMilliseconds
        $child.WaitForExit()
        $child.ExitCode | Should -Be 0
        $unitMs = [Math]::Max(20, ($clock.ElapsedMilliseconds - $staged) / $units)

        $killed = Join-Path $TestDrive 'killed'
        $rng = [Random]::new(20261201)   # seeded: the same kill points every run of the test
        $kills = 0; $redone = 0; $attempts = 0; $delays = @()
        while ($kills -lt 10) {
            if (++$attempts -gt 30) { throw "only $kills kills in $attempts attempts" }
            Remove-Item $ready -ErrorAction SilentlyContinue
            $child = Start-Process $dotnet -ArgumentList $pwshDll, '-NoProfile', '-NonInteractive', '-File', (New-ChildScript $in $killed $ready) -PassThru
            Wait-For { (Test-Path $ready) -or $child.HasExited } 'the child to start'
            $readyAt = [DateTime]::UtcNow
            if ($rng.Next(2) -eq 0) {
                # A random point of the refine's start: plan, lock, markers read, the unit in flight cleared.
                $delay = $rng.Next(0, [int]($staged - $started) + 1)
            } else {
                # A random point inside a unit: once this attempt has staged one, up to 1.5 units later.
                $staging = Join-Path $killed '_staging'
                Wait-For { $child.HasExited -or ((Test-Path $staging) -and @(Get-ChildItem $staging -Directory | Where-Object LastWriteTimeUtc -ge $readyAt.AddMilliseconds(-50)).Count -gt 0) } 'the child to stage a unit'
                $delay = $rng.Next(0, [int](1.5 * $unitMs) + 1)
            }
            Start-Sleep -Milliseconds $delay
            if ($child.HasExited) { throw "the run finished before kill $($kills + 1) (delay $delay ms); make the units larger" }
            & kill -9 $child.Id
            $child.WaitForExit()
            if ($child.ExitCode -eq 0) { throw "the run finished before kill $($kills + 1) could land (delay $delay ms)" }
            $kills++; $delays += $delay
            $staging = Join-Path $killed '_staging'
            if (Test-Path $staging) { $redone += @(Get-ChildItem $staging -Directory).Count }   # units in flight: redone next time
        }
        $last = Start-Process $dotnet -ArgumentList $pwshDll, '-NoProfile', '-NonInteractive', '-File', (New-ChildScript $in $killed $ready) -PassThru -Wait
        $last.ExitCode | Should -Be 0

        $s = Get-ProxRunSummary $killed
        $s.UnitsDone | Should -Be $units
        foreach ($f in Get-ChildItem $reference -Recurse -File -Filter *.jsonl) {
            $twin = Join-Path $killed ([IO.Path]::GetRelativePath($reference, $f.FullName))
            (Get-FileHash $twin).Hash | Should -Be (Get-FileHash $f.FullName).Hash -Because $f.Name
        }
        $inputs = @(Get-ChildItem $in -Filter *.jsonl | ForEach-Object { Get-Content $_ }).Count
        $s.DocumentsIn | Should -Be $inputs
        $s.DocumentsIn | Should -Be ($s.DocumentsOut + $s.DocumentsDropped + $s.DocumentsQuarantined)
        $s.DocumentsQuarantined | Should -Be 1
        $ids = @(Get-ProxDocument $killed | ForEach-Object Id) + @(Get-ProxDocument (Join-Path $killed 'dropped') | ForEach-Object Id)
        $duplicated = $ids.Count - @($ids | Sort-Object -Unique).Count
        $lost = $inputs - $s.DocumentsQuarantined - @($ids | Sort-Object -Unique).Count
        $duplicated | Should -Be 0
        $lost | Should -Be 0
        @(Get-ChildItem $killed -Recurse -File | Where-Object Name -like '.*.tmp').Count | Should -Be 0
        Join-Path $killed '_staging' | Should -Not -Exist
        Write-Host ("kill-and-resume: {0} units, {1} documents; kills {2} (delays {3} ms after the refine started or a unit was staged), units redone {4}, records lost {5}, duplicated {6}; {7:N0} ms per unit, {8:N1} s in all" -f `
            $units, $inputs, $kills, ($delays -join ','), $redone, $lost, $duplicated, $unitMs, $clock.Elapsed.TotalSeconds)
    }
}

Describe 'The dotnet pwsh launcher killed' {
    It 'stops the pwsh it started, which commits nothing afterwards, and the run resumes' {
        $in = Join-Path $TestDrive 'l-in'; New-Item -ItemType Directory $in | Out-Null
        foreach ($k in 0..5) { New-CorpusFile (Join-Path $in "l-$k.jsonl") ($k * 10000) 2000 6 }
        $out = Join-Path $TestDrive 'l-out'; $ready = Join-Path $TestDrive 'l-ready'
        $script = New-ChildScript $in $out $ready
        # `dotnet pwsh` is the .NET tool's launcher; the pwsh that refines is its child.
        $launcher = Start-Process $dotnet -ArgumentList 'pwsh', '-NoProfile', '-NonInteractive', '-File', $script -WorkingDirectory $repo -PassThru
        # The file may be seen before its content is: wait for the whole PID.
        Wait-For { (Test-Path $ready) -and "$(Get-Content $ready -ErrorAction SilentlyContinue)" -match '^\d+$' } 'the child to start' 120
        $child = [int] (Get-Content $ready)
        # The launcher is the child's parent (`dotnet` itself may be a wrapper that started it).
        $shim = [int] ((Get-Content "/proc/$child/status" | Where-Object { $_ -like 'PPid:*' }) -replace '\D', '')
        (Get-Content "/proc/$shim/cmdline" -Raw) -replace "`0", ' ' | Should -Match 'GlobalTool.Shim'
        Wait-For { Test-Path (Join-Path $out '_staging') } 'the run to start its first unit'
        & kill -9 $shim
        $launcher.WaitForExit()
        $stopped = [DateTime]::UtcNow.AddSeconds(5)
        while ((Get-Process -Id $child -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $stopped) { Start-Sleep -Milliseconds 20 }
        $alive = [bool] (Get-Process -Id $child -ErrorAction SilentlyContinue)
        if ($alive) { & kill -9 $child }
        $alive | Should -BeFalse -Because 'the refining pwsh must stop when its launcher is killed'
        $committed = @(Get-ChildItem (Join-Path $out '_units') -Filter *.json -ErrorAction SilentlyContinue).Count
        Start-Sleep -Milliseconds 1500
        @(Get-ChildItem (Join-Path $out '_units') -Filter *.json -ErrorAction SilentlyContinue).Count | Should -Be $committed
        $committed | Should -BeLessOrEqual 1   # at most the unit that was committing when the launcher died
        $s = Invoke-ProxRefine -Path $in -OutputPath $out -Tokenizer whitespace -ThrottleLimit 1
        $s.UnitsDone | Should -Be 6
        $s.UnitsSkipped | Should -Be $committed
    }
}
