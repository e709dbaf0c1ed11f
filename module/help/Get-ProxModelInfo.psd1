@{
    Synopsis    = 'Describes a Prox model folder: architecture, parameter count, dtype, graph inputs and outputs, completeness.'
    Description = @'
Reads config.json (layers, hidden size, heads, KV heads, MLP size, vocabulary, context, and the parameter count they imply) and the graph of model.onnx (its inputs and outputs with element types and shapes, the dtype of the logits), checks that the external weight data is present and long enough, that the graph matches the config, and that a tokenizer (tokenizer.model, tokenizer.json or at least tokenizer_config.json) is there. IsComplete is true when nothing is missing; Problems lists what is.
'@
    Parameters  = @{
        Path    = 'The model folder. Accepts pipeline input (a path or a folder object).'
        Verify  = 'Also load the model in ONNX Runtime and run a 3-token prefill and a 1-token step with the past key/values; RunsInOnnxRuntime tells the outcome and Problems why it failed.'
        UseCuda = 'With -Verify: try the CUDA execution provider first; when it cannot load, run on CPU and warn.'
        Threads = 'With -Verify: ONNX Runtime intra-op threads (0, the default: one per core).'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'A model folder path.' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'A model folder from Get-ChildItem or Get-Item (binds -Path by its FullName).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Models.ModelInfo'; Description = 'The model folder described: architecture, parameter count, dtype, graph inputs and outputs, completeness and, with -Verify, whether ONNX Runtime runs it.' }
    )
    Examples    = @(
        @{
            Title   = 'Inspect a model folder'
            Code    = @'
New-ProxRandomModel -Preset tiny-gqa -OutputPath ./gqa | Out-Null
Get-ProxModelInfo ./gqa | Format-List
(Get-ProxModelInfo ./gqa).Inputs
'@
            Remarks = 'Shows the architecture and the decoder-with-past signature (input_ids, attention_mask, position_ids, past_key_values.N.key/value).'
        }
        @{
            Title   = 'Check that a model runs'
            Code    = @'
New-ProxRandomModel -Preset tiny -OutputPath ./tiny | Out-Null
Get-ProxModelInfo ./tiny -Verify -UseCuda | Select-Object IsComplete, RunsInOnnxRuntime
'@
            Remarks = 'Loads the model in ONNX Runtime (CUDA when available, else CPU with a warning) and runs a forward pass with past key/values.'
        }
    )
    Links       = @('ConvertTo-ProxOnnxModel', 'New-ProxRandomModel')
}
