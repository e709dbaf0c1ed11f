# The module as a whole: it loads from the repository root, and every cmdlet has help whose examples run.
BeforeDiscovery {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:cmdlets = (Get-Module Prox).ExportedCmdlets.Keys | Sort-Object
}

BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
}

Describe 'The Prox module' {
    It 'exports the program cmdlets' {
        $names = (Get-Module Prox).ExportedCmdlets.Keys
        $names | Should -Contain 'Invoke-ProxProgram'
        $names | Should -Contain 'Test-ProxProgram'
    }

    It 'has about_Prox' {
        (Get-Help about_Prox | Out-String) | Should -Match 'remove_lines'
    }
}

Describe 'Help of <_>' -ForEach $cmdlets {
    BeforeAll {
        $name = $_
        $help = Get-Help $name -Full
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'describes every parameter' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($p in (Get-Command $name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $ph = $help.parameters.parameter | Where-Object name -eq $p
            ($ph.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p of $name needs a description"
        }
    }

    It 'has examples that run without error' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterThan 0
        foreach ($ex in $examples) {
            $dir = Join-Path ([IO.Path]::GetTempPath()) ("prox-help-" + [guid]::NewGuid())
            New-Item -ItemType Directory $dir | Out-Null
            Push-Location $dir
            try {
                $block = [scriptblock]::Create($ex.code)
                { & $block | Out-String | Out-Null } | Should -Not -Throw -Because "example '$($ex.title)' of $name must run"
            }
            finally {
                Pop-Location
                Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue
            }
        }
    }
}
