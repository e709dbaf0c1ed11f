<#
.SYNOPSIS
    Builds, tests and demonstrates Prox.
.DESCRIPTION
    -Task Build : Release build; lays out the module so that `Import-Module ./Prox.psd1` from the repository root loads it.
    -Task Test  : Build, then every xunit and Pester test and every notebook (notebooks/*.ipynb, run headless by
                  dotnet-repl in the pinned .NET Interactive kernel, one test each); ends with one line
                  `N passed, N failed`; non-zero exit on failure.
    -Task Notebooks : Build, then only the notebooks.
    -Task Demo  : Build, then refine the bundled sample corpus and print the run summary.
    -Task Package : Build, then lay out only the module (manifest, module/bin without the CUDA provider, formats,
                  help, README) under artifacts/package/Prox and publish it as Prox.<version>.nupkg to a local
                  file repository (artifacts/package/repository). Prints the package and installed sizes.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Notebooks')]
    [string] $Task = 'Build',
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$moduleBin = Join-Path $root 'module/bin'

function Invoke-Native([string] $what, [scriptblock] $block) {
    & $block
    if ($LASTEXITCODE -ne 0) { throw "$what failed (exit $LASTEXITCODE)" }
}

function Invoke-Build {
    Write-Host "==> Building Prox ($Configuration)" -ForegroundColor Cyan
    Invoke-Native 'dotnet build' { dotnet build (Join-Path $root 'Prox.sln') -c $Configuration --nologo -v quiet }
    # The module folder is produced fresh each time: a stale DLL must never be imported.
    $staging = "$moduleBin.tmp"
    if (Test-Path $staging) { Remove-Item $staging -Recurse -Force }
    Invoke-Native 'dotnet publish' {
        dotnet publish (Join-Path $root 'src/Prox.PowerShell/Prox.PowerShell.csproj') -c $Configuration --use-current-runtime --self-contained false -o $staging --nologo -v quiet
    }
    if (Test-Path $moduleBin) { Remove-Item $moduleBin -Recurse -Force }
    Move-Item $staging $moduleBin
    # MAML help for the binary cmdlets (generated from module/help/<Cmdlet>.psd1 and the real parameters) goes
    # to en-US/ beside Prox.psd1, where PowerShell looks for it (the module base).
    Invoke-Pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tools/New-ProxHelp.ps1') -ModuleManifest (Join-Path $root 'Prox.psd1') `
        -HelpSource (Join-Path $root 'module/help') -OutputFile (Join-Path $root 'en-US/Prox.PowerShell.dll-Help.xml')
    if ($LASTEXITCODE -ne 0) { throw 'building the help failed' }
}

# A fresh pwsh from the repository's tool manifest (the current process may be `dotnet`, not `pwsh`).
function Invoke-Pwsh {
    Push-Location $root
    try { dotnet pwsh @args } finally { Pop-Location }
}

function Get-PesterModulePath {
    $proj = Join-Path $root 'tests/Pester/Pester.proj'
    Invoke-Native 'restore Pester' { dotnet restore $proj --nologo -v quiet }
    $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $psd1 = Get-ChildItem (Join-Path $packages.Trim() 'pester') -Recurse -Filter Pester.psd1 -ErrorAction SilentlyContinue |
        Sort-Object FullName -Descending | Select-Object -First 1
    if (-not $psd1) { throw "Pester was not restored under $packages" }
    $psd1.FullName
}

function Invoke-Tests {
    Invoke-Build
    New-ModulePackage   # tests/Pester/Package.Tests.ps1 installs it
    $passed = 0; $failed = 0
    $results = Join-Path $root 'artifacts/test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    New-Item -ItemType Directory -Force $results | Out-Null

    Write-Host '==> xunit' -ForegroundColor Cyan
    foreach ($proj in Get-ChildItem (Join-Path $root 'tests') -Recurse -Filter '*.Tests.csproj') {
        $trx = "$($proj.BaseName).trx"
        dotnet test $proj.FullName -c $Configuration --no-build --nologo --logger "trx;LogFileName=$trx" --results-directory $results
        $file = Join-Path $results $trx
        if (-not (Test-Path $file)) { $failed++; Write-Warning "no results from $($proj.Name)"; continue }
        [xml] $x = Get-Content $file -Raw
        $c = $x.TestRun.ResultSummary.Counters
        $passed += [int]$c.passed
        $failed += [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
    }

    Write-Host '==> Pester' -ForegroundColor Cyan
    $pester = Get-PesterModulePath
    $code = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $root 'tests/Pester')'
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$r = Invoke-Pester -Configuration `$c
"PESTER-COUNTS `$(`$r.PassedCount) `$(`$r.FailedCount + `$r.FailedBlocksCount + `$r.FailedContainersCount)"
"@
    # A separate process: the module's DLLs stay loaded for the life of a PowerShell session.
    $out = Invoke-Pwsh -NoProfile -NonInteractive -Command $code
    $out | Where-Object { $_ -notmatch '^PESTER-COUNTS' } | ForEach-Object { Write-Host $_ }
    $line = $out | Where-Object { $_ -match '^PESTER-COUNTS (\d+) (\d+)' } | Select-Object -Last 1
    if ($line -and $line -match '^PESTER-COUNTS (\d+) (\d+)') { $passed += [int]$Matches[1]; $failed += [int]$Matches[2] }
    else { $failed++; Write-Warning 'Pester did not report results' }

    $nb = Invoke-NotebookTests
    $passed += $nb.Passed; $failed += $nb.Failed

    Write-Host "$passed passed, $failed failed"
    if ($failed -gt 0) { exit 1 }
}

# Every notebook runs headless in the kernel the tool manifest pins (dotnet-repl hosts .NET Interactive): exit 0 when
# every cell ran, 2 when one failed. The executed copies (with outputs) go to artifacts/notebooks/. The kernel starts
# in the notebook's folder, as it does in VS Code and Jupyter, so the notebooks' relative #r paths hold.
function Invoke-NotebookTests {
    Write-Host '==> notebooks' -ForegroundColor Cyan
    $out = Join-Path $root 'artifacts/notebooks'
    if (Test-Path $out) { Remove-Item $out -Recurse -Force }
    New-Item -ItemType Directory -Force $out | Out-Null
    $passed = 0; $failed = 0
    foreach ($nb in Get-ChildItem (Join-Path $root 'notebooks') -Filter '*.ipynb' | Sort-Object Name) {
        $executed = Join-Path $out $nb.Name
        $log = Join-Path $out "$($nb.BaseName).log"
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Push-Location $nb.DirectoryName
        try { dotnet tool run dotnet-repl --run $nb.FullName --output-path $executed --exit-after-run *> $log }
        finally { Pop-Location }
        $code = $LASTEXITCODE
        $errors = @()
        if (Test-Path $executed) {
            $book = Get-Content $executed -Raw | ConvertFrom-Json -Depth 64
            $i = 0
            foreach ($cell in $book.cells) {
                $i++
                if (-not $cell.PSObject.Properties['outputs']) { continue }   # markdown cells have none
                foreach ($o in @($cell.outputs)) {
                    if ($o -and $o.output_type -eq 'error') { $errors += "cell $i`: $($o.evalue)" }
                }
            }
        }
        else { $errors += "no executed notebook was written (see $log)" }
        if ($code -eq 0 -and $errors.Count -eq 0) {
            $passed++
            Write-Host ("  [+] {0} ({1:N0} s)" -f $nb.Name, $watch.Elapsed.TotalSeconds) -ForegroundColor Green
        }
        else {
            $failed++
            Write-Host ("  [-] {0}: exit {1}" -f $nb.Name, $code) -ForegroundColor Red
            $errors | ForEach-Object { Write-Host "      $_" -ForegroundColor Red }
            if (Test-Path $log) { Get-Content $log -Tail 20 | ForEach-Object { Write-Host "      $_" } }
        }
    }
    [pscustomobject]@{ Passed = $passed; Failed = $failed }
}

function Invoke-Notebooks {
    Invoke-Build
    $nb = Invoke-NotebookTests
    Write-Host "$($nb.Passed) passed, $($nb.Failed) failed"
    if ($nb.Failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    $demo = Join-Path $root 'samples/demo.ps1'
    Invoke-Pwsh -NoProfile -NonInteractive -File $demo
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

# What a user installs: the manifest and what it loads, nothing of the repository around it. The CUDA and TensorRT
# execution providers of ONNX Runtime (about 270 MB, linux-x64 only) stay out: the model code falls back to CPU with a
# warning, and the README says how to add the CUDA provider for a GPU.
$script:PackageExcludes = @('libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_tensorrt.so', '*.pdb')
$script:PackageLimitBytes = 80MB

function Invoke-Package {
    Invoke-Build
    New-ModulePackage
}

function New-ModulePackage {
    $packageRoot = Join-Path $root 'artifacts/package'
    $layout = Join-Path $packageRoot 'Prox'
    $repository = Join-Path $packageRoot 'repository'
    foreach ($d in $layout, $repository) { if (Test-Path $d) { Remove-Item $d -Recurse -Force } }
    New-Item -ItemType Directory -Force $layout, $repository | Out-Null

    Copy-Item (Join-Path $root 'Prox.psd1') $layout
    Copy-Item (Join-Path $root 'README.md') $layout
    New-Item -ItemType Directory (Join-Path $layout 'module') | Out-Null
    Copy-Item (Join-Path $root 'module/formats') (Join-Path $layout 'module/formats') -Recurse
    $bin = Join-Path $layout 'module/bin'
    New-Item -ItemType Directory $bin | Out-Null
    Get-ChildItem $moduleBin -Recurse -File | Where-Object {
        $name = $_.Name
        -not ($script:PackageExcludes | Where-Object { $name -like $_ })
    } | ForEach-Object {
        $relative = [IO.Path]::GetRelativePath($moduleBin, $_.FullName)
        $target = Join-Path $bin $relative
        New-Item -ItemType Directory -Force (Split-Path $target) | Out-Null
        Copy-Item $_.FullName $target
    }
    New-Item -ItemType Directory (Join-Path $layout 'en-US') | Out-Null
    Copy-Item (Join-Path $root 'en-US/*.txt'), (Join-Path $root 'en-US/*.xml') (Join-Path $layout 'en-US')

    $installed = (Get-ChildItem $layout -Recurse -File | Measure-Object Length -Sum).Sum
    $manifest = Import-PowerShellDataFile (Join-Path $layout 'Prox.psd1')
    # Publish in a fresh process (Publish-PSResource loads the manifest, and this one may have the module loaded) with
    # user folders of its own, so that the repository it registers is in no one else's list: builds that run at the
    # same time, and the user's own PSResourceGet settings, do not see each other.
    $publishHome = Join-Path $packageRoot 'publish-home'
    if (Test-Path $publishHome) { Remove-Item $publishHome -Recurse -Force }
    $vars = @{ XDG_DATA_HOME = "$publishHome/.local/share"; XDG_CONFIG_HOME = "$publishHome/.config"; XDG_CACHE_HOME = "$publishHome/.cache" }
    foreach ($d in $vars.Values) { New-Item -ItemType Directory -Force $d | Out-Null }
    $publish = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name ProxPackageBuild -Uri '$repository' -Trusted
Publish-PSResource -Path '$layout' -Repository ProxPackageBuild
"@
    $saved = @{}
    foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
    try { Invoke-Pwsh -NoProfile -NonInteractive -Command $publish }
    finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
    if ($LASTEXITCODE -ne 0) { throw 'Publish-PSResource failed' }
    Remove-Item $publishHome -Recurse -Force
    $nupkg = Get-ChildItem $repository -Filter "Prox.$($manifest.ModuleVersion).nupkg" | Select-Object -First 1
    if (-not $nupkg) { throw "no Prox.$($manifest.ModuleVersion).nupkg in $repository" }
    Write-Host ("==> {0}: {1:N1} MB (installed: {2:N1} MB)" -f $nupkg.FullName, ($nupkg.Length / 1MB), ($installed / 1MB)) -ForegroundColor Cyan
    if ($nupkg.Length -gt $script:PackageLimitBytes) { throw "the package is $([math]::Round($nupkg.Length / 1MB, 1)) MB, over the limit of 80 MB" }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test'  { Invoke-Tests }
    'Demo'  { Invoke-Demo }
    'Package' { Invoke-Package }
    'Notebooks' { Invoke-Notebooks }
}
