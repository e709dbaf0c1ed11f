# The published package: build.ps1 -Task Package (and -Task Test) lays out only the module and publishes it to a
# local file repository. Here a fresh pwsh, outside the repository and with its own empty user folders, registers
# that repository, installs Prox with Install-PSResource, imports it by name and refines the bundled sample.
Describe 'The Prox package' {
    BeforeAll {
        $script:repository = (Resolve-Path (Join-Path $PSScriptRoot '../../artifacts/package/repository') -ErrorAction SilentlyContinue)?.Path
        $script:manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../../Prox.psd1')
        $script:nupkg = if ($repository) { Get-ChildItem $repository -Filter "Prox.$($manifest.ModuleVersion).nupkg" | Select-Object -First 1 }
        if (-not $nupkg -and $env:CI -eq 'true') { throw 'CI=true: the package is missing (build.ps1 -Task Test lays it out before Pester)' }
        $script:skipBecause = 'no package under artifacts/package/repository: run ./build.ps1 -Task Package'
    }

    It 'is at most 80 MB and holds only the module' {
        if (-not $nupkg) { Set-ItResult -Skipped -Because $skipBecause; return }
        $nupkg.Length | Should -BeLessOrEqual 80MB
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($nupkg.FullName)
        try { $entries = @($zip.Entries.FullName) } finally { $zip.Dispose() }
        $entries | Should -Contain 'Prox.psd1'
        $entries | Should -Contain 'module/bin/Prox.PowerShell.dll'
        $entries | Should -Contain 'en-US/about_Prox.help.txt'
        $entries | Should -Contain 'en-US/Prox.PowerShell.dll-Help.xml'
        $entries | Where-Object { $_ -match '^(src|tests|bench|samples|docs|\.git|artifacts)/' } | Should -BeNullOrEmpty
        $entries | Where-Object { $_ -match 'providers_cuda|\.pdb$' } | Should -BeNullOrEmpty
    }

    It 'installs with Install-PSResource and refines the sample from a fresh pwsh outside the repository' {
        if (-not $nupkg) { Set-ItResult -Skipped -Because $skipBecause; return }
        $work = Join-Path $TestDrive 'user'
        New-Item -ItemType Directory $work | Out-Null
        Copy-Item (Join-Path $PSScriptRoot '../../samples/corpus/web-sample.jsonl') $work
        $script = @'
$ErrorActionPreference = 'Stop'
Set-Location $env:PROX_TEST_WORK
Register-PSResourceRepository -Name ProxLocal -Uri $env:PROX_TEST_REPOSITORY -Trusted
Install-PSResource -Name Prox -Repository ProxLocal -Scope CurrentUser -TrustRepository
Import-Module Prox
$m = Get-Module Prox
$store = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet'
$s = Invoke-ProxRefine -Path web-sample.jsonl -OutputPath refined -Tokenizer whitespace
[pscustomobject]@{
    ModuleBase   = $m.ModuleBase
    Version      = "$($m.Version)"
    DocumentsIn  = $s.DocumentsIn
    DocumentsOut = $s.DocumentsOut
    Refined      = @(Get-ProxDocument refined/web-sample.jsonl).Count
    HasSrc       = Test-Path (Join-Path $m.ModuleBase 'src')
    Store        = $store
    Help         = [bool]((Get-Help Invoke-ProxRefine -Full | Out-String) -match 'OUTPUTS')
} | ConvertTo-Json -Compress
'@
        # .NET answers an empty LocalApplicationData for a folder that does not exist, and PSResourceGet would then
        # keep its repository list relative to the process folder: make the user folders first.
        foreach ($d in "$work/.local/share", "$work/.config", "$work/.cache") { New-Item -ItemType Directory -Force $d | Out-Null }
        $pwsh = Join-Path $PSHOME 'pwsh'
        $saved = @{}
        $vars = @{
            HOME = $work; XDG_DATA_HOME = "$work/.local/share"; XDG_CONFIG_HOME = "$work/.config"; XDG_CACHE_HOME = "$work/.cache"
            PSModulePath = $null; PROX_TEST_WORK = $work; PROX_TEST_REPOSITORY = $repository
        }
        foreach ($k in $vars.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $vars[$k]) }
        try { $out = & $pwsh -NoProfile -NonInteractive -Command $script 2>&1 }
        finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
        $LASTEXITCODE | Should -Be 0 -Because ($out | Out-String)
        $r = ($out | Select-Object -Last 1) | ConvertFrom-Json
        $r.ModuleBase | Should -BeLike "$work*"
        $r.Version | Should -Be $manifest.ModuleVersion
        $r.DocumentsIn | Should -Be 24
        $r.Refined | Should -Be $r.DocumentsOut
        $r.DocumentsOut | Should -BeGreaterThan 0
        $r.HasSrc | Should -BeFalse
        $r.Store | Should -BeLike "$work*" -Because 'the repository list must stay in the test''s own user folders'
        $r.Help | Should -BeTrue
    }
}
