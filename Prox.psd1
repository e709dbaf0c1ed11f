@{
    RootModule           = 'module/bin/Prox.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0b8a52-3f1e-4c55-9a40-0d3f2a1c7e11'
    Author               = 'Prox engineers'
    CompanyName          = 'Prox'
    Copyright            = '(c) Prox engineers. MIT License.'
    Description          = 'ProX ("Programming Every Example") corpus refinement for LLM pre-training data: programs per document, an exact executor, rules and LM program generators.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @(
        'module/formats/Programs.format.ps1xml'
        'module/formats/Models.format.ps1xml'
        'module/formats/Corpus.format.ps1xml'
        'module/formats/Quality.format.ps1xml'
        'module/formats/Refinement.format.ps1xml'
        'module/formats/Rules.format.ps1xml'
        'module/formats/Analysis.format.ps1xml'
    )
    CmdletsToExport      = @(
        'Compare-ProxRun'
        'ConvertTo-ProxOnnxModel'
        'Export-ProxDocument'
        'Export-ProxReport'
        'Get-ProxDocument'
        'Get-ProxModelInfo'
        'Get-ProxPreset'
        'Get-ProxProgram'
        'Get-ProxRunSummary'
        'Get-ProxSample'
        'Invoke-ProxProgram'
        'Invoke-ProxRefine'
        'Measure-ProxQuality'
        'New-ProxRandomModel'
        'New-ProxSlurmJob'
        'Test-ProxProgram'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            # ProjectUri, LicenseUri and IconUri are left out on purpose: the project has no public address yet, and
            # an invented host would be a broken link. The package carries its documentation (about_Prox, README).
            Tags         = @('LLM', 'pretraining', 'data-cleaning', 'ProX', 'Linux')
            ReleaseNotes = @'
0.1.0
- Cmdlets: Invoke-ProxRefine, Get-ProxDocument, Get-ProxProgram, Invoke-ProxProgram, Test-ProxProgram,
  Get-ProxRunSummary, Measure-ProxQuality, Get-ProxModelInfo, ConvertTo-ProxOnnxModel, New-ProxRandomModel,
  and for data engineers Get-ProxPreset, Export-ProxDocument, Compare-ProxRun, Get-ProxSample.
- -Path (wildcards) and -LiteralPath (piped files) on every cmdlet that reads files; errors have Prox.* ids.
- The package holds the CPU runtime of ONNX Runtime (linux-x64); the CUDA provider is a separate step (README).
'@
        }
    }
}
