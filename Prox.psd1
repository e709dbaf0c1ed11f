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
    )
    CmdletsToExport      = '*'
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('LLM', 'pretraining', 'data-cleaning', 'ProX')
            ProjectUri = 'https://example.invalid/prox'
        }
    }
}
