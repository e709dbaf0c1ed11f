@{
    Synopsis    = 'Writes a LLaMA model of a named or given shape with seeded random weights, for tests and benchmarks.'
    Description = @'
Writes an ONNX model folder (model.onnx, model.onnx.data, config.json, and a tokenizer_config.json naming the LLaMA-2 SentencePiece tokenizer) whose weights are random but fully determined by -Seed: the same seed and shape give byte-identical files. With -AsCheckpoint it writes a Hugging Face checkpoint instead (config.json + model.safetensors), the input of ConvertTo-ProxOnnxModel.

Presets: prox-0.35b (the shape of the published refining models: 24 layers, hidden 1280, 16 heads / 1 KV head, MLP 2048, vocabulary 32000, context 2048, 354,284,800 parameters), prox-0.76b (24 layers, hidden 1536, 24 / 2 heads, MLP 4864), tiny (2 layers, hidden 64) and tiny-gqa (2 layers, hidden 64, 4 / 2 heads, tied embeddings, llama3 RoPE scaling). -Config takes any Hugging Face LLaMA config, as a path to a config.json or as JSON text. tokenizer.model is copied in only when -TokenizerPath is given.
'@
    Parameters  = @{
        Preset        = 'A named shape: prox-0.35b, prox-0.76b, tiny or tiny-gqa.'
        Config        = 'A Hugging Face LLaMA config: the path of a config.json, or its JSON text.'
        OutputPath    = 'The folder to write (created when missing).'
        Seed          = 'Seed of the random weights (default 0).'
        Precision     = 'Fp32 (default), Fp16 or Int8 (as ConvertTo-ProxOnnxModel -Precision). With -AsCheckpoint: the safetensors dtype (F32 or F16; Int8 is refused).'
        TokenizerPath = 'A SentencePiece tokenizer.model to copy into the folder.'
        AsCheckpoint  = 'Write a Hugging Face checkpoint (config.json + model.safetensors) instead of an ONNX model; outputs the folder.'
        UseContribOps = 'Use the fused RMSNorm operators of ONNX Runtime in the graph.'
        Force         = 'Overwrite the files of a non-empty output folder.'
    }
    Inputs      = @(
        @{ Type = 'None'; Description = 'This cmdlet takes no pipeline input.' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Models.ModelInfo'; Description = 'The written ONNX model folder.' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'With -AsCheckpoint: the written checkpoint folder.' }
    )
    Examples    = @(
        @{
            Title   = 'A tiny model for a test'
            Code    = @'
New-ProxRandomModel -Preset tiny -OutputPath ./tiny-model -Seed 7 | Format-List Layers, HiddenSize, Heads, KvHeads, Parameters, IsComplete
'@
            Remarks = 'About 16 MB; loads in ONNX Runtime like a converted checkpoint.'
        }
        @{
            Title   = 'Any shape from a config'
            Code    = @'
New-ProxRandomModel -Config '{"hidden_size":128,"intermediate_size":256,"num_hidden_layers":3,"num_attention_heads":8,"num_key_value_heads":2,"vocab_size":1000}' -OutputPath ./custom -Precision Fp16 |
    Select-Object Parameters, DType
'@
            Remarks = 'A 3-layer grouped-query model with a 1000-token vocabulary, in float16.'
        }
        @{
            Title   = 'The real refining-model shape, for a throughput benchmark'
            Code    = @'
New-ProxRandomModel -Preset prox-0.35b -OutputPath ./prox-0.35b -WhatIf
'@
            Remarks = 'Without -WhatIf this writes about 1.4 GB (354,284,800 float32 parameters).'
        }
    )
    Links       = @('ConvertTo-ProxOnnxModel', 'Get-ProxModelInfo')
}
