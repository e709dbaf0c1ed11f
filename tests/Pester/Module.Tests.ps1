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

    It 'has about_Prox covering the language, the output folder, the summary schema, presets and paths' {
        $about = Get-Help about_Prox | Out-String
        $about | Should -Match 'remove_lines'
        foreach ($section in 'THE OUTPUT FOLDER', 'THE RUN SUMMARY', 'GENERATORS AND PRESETS', 'THE LANGUAGE', 'PATHS', 'ERRORS') {
            $about | Should -Match $section -Because "about_Prox needs a '$section' section"
        }
        $about | Should -Match 'documents_in = documents_out \+ documents_dropped \+ documents_quarantined'
    }

    It 'lists its cmdlets explicitly in the manifest, with a version the assembly shares' {
        $manifest = Import-PowerShellDataFile "$PSScriptRoot/../../Prox.psd1"
        $manifest.CmdletsToExport | Should -Not -Contain '*'
        @($manifest.CmdletsToExport) | Sort-Object | Should -Be ((Get-Module Prox).ExportedCmdlets.Keys | Sort-Object)
        $assembly = (Get-Module Prox).ImplementingAssembly.GetName().Version
        '{0}.{1}.{2}' -f $assembly.Major, $assembly.Minor, $assembly.Build | Should -Be $manifest.ModuleVersion
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

    It 'has INPUTS and OUTPUTS' {
        @($help.inputTypes.inputType).Count | Should -BeGreaterThan 0 -Because "$name needs INPUTS"
        @($help.returnValues.returnValue).Count | Should -BeGreaterThan 0 -Because "$name needs OUTPUTS"
        foreach ($t in $help.returnValues.returnValue) { ($t.description | Out-String).Trim() | Should -Not -BeNullOrEmpty }
        $full = Get-Help $name -Full | Out-String
        $full | Should -Match 'INPUTS'
        $full | Should -Match 'OUTPUTS'
    }

    It 'shows -WhatIf and -Confirm in its syntax when it supports them, and wildcard support as declared' {
        $cmd = Get-Command $name
        $syntax = $help.syntax | Out-String
        if ($cmd.Parameters.ContainsKey('WhatIf')) {
            $syntax | Should -Match '\[-WhatIf\]'
            $syntax | Should -Match '\[-Confirm\]'
        }
        foreach ($p in $cmd.Parameters.Values) {
            $ph = $help.parameters.parameter | Where-Object name -eq $p.Name
            if (-not $ph) { continue }
            $wild = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            $ph.globbing | Should -Be $wild.ToString().ToLower() -Because "-$($p.Name) of $name"
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
