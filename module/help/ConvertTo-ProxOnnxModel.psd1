@{
    Synopsis    = 'Converts a Hugging Face LLaMA checkpoint (safetensors) into an ONNX model folder, without Python.'
    Description = @'
Reads config.json and model.safetensors (or the shards listed in model.safetensors.index.json; F32, F16 or BF16), checks that every tensor the config needs is present with the right shape, and writes an ONNX decoder-with-past graph (standard opset-17 operators, runs on the CPU and CUDA providers of ONNX Runtime): model.onnx plus its weights in model.onnx.data. Inputs and outputs use Hugging Face naming: input_ids, attention_mask, position_ids, past_key_values.N.key/value -> logits, present.N.key/value, with dynamic batch and sequence axes. config.json and the tokenizer files of the checkpoint (tokenizer.model, tokenizer.json, tokenizer_config.json, special_tokens_map.json, generation_config.json) are copied next to the model. Each file appears only when complete.

Only the LLaMA architecture (LlamaForCausalLM: RMSNorm, RoPE with rope_theta and linear or llama3 scaling, SwiGLU MLP, grouped/multi-query attention, tied or untied embeddings) is supported; other architectures, a missing tensor or a tensor of the wrong shape stop the conversion with a message naming the file and the tensor. A non-empty output folder is left alone unless -Force is given. Supports -WhatIf.

To convert a published refining model: download the folder (for example huggingface-cli download gair-prox/web-chunk-refining-lm --local-dir ./web-chunk-refining-lm), then ConvertTo-ProxOnnxModel ./web-chunk-refining-lm ./web-chunk-refining-lm-onnx.
'@
    Parameters  = @{
        Path          = 'The checkpoint folder: config.json plus model.safetensors or model.safetensors.index.json with its shards. Accepts pipeline input (a path or a folder object).'
        OutputPath    = 'The model folder to write (created when missing).'
        Precision     = 'Fp32 (default; exact), Fp16 (half the size, for the GPU; RMSNorm and softmax still in float32; past key/values and logits are float16) or Int8 (for the CPU: the attention, MLP and output-head weights in int8 with one scale per output channel, run by ONNX Runtime''s DynamicQuantizeMatMul; embeddings, norms, cache and logits stay float32; about a third of the fp32 size for the published shape; speed and decision agreement with fp32: docs/benchmarks.md).'
        UseContribOps = 'Use the fused RMSNorm operators of ONNX Runtime (SimplifiedLayerNormalization, SkipSimplifiedLayerNormalization) instead of standard operators; the model then runs only under ONNX Runtime.'
        Force         = 'Overwrite the files of a non-empty output folder.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'A checkpoint folder path (-Path).' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'A checkpoint folder from Get-ChildItem or Get-Item (binds -Path by its FullName).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Models.ModelInfo'; Description = 'The written model folder: architecture, parameter count, dtype and graph signature.' }
    )
    Examples    = @(
        @{
            Title   = 'Convert a checkpoint'
            Code    = @'
New-ProxRandomModel -Preset tiny -OutputPath ./tiny-checkpoint -AsCheckpoint | Out-Null
ConvertTo-ProxOnnxModel -Path ./tiny-checkpoint -OutputPath ./tiny-onnx | Format-List Layers, HiddenSize, Parameters, DType, IsComplete
'@
            Remarks = 'Writes a small random safetensors checkpoint, then converts it; the result describes the written model folder.'
        }
        @{
            Title   = 'Preview a float16 conversion'
            Code    = @'
New-ProxRandomModel -Preset tiny-gqa -OutputPath ./gqa-checkpoint -AsCheckpoint | Out-Null
ConvertTo-ProxOnnxModel ./gqa-checkpoint ./gqa-onnx-fp16 -Precision Fp16 -WhatIf
'@
            Remarks = 'Shows what would be written without writing it.'
        }
    )
    Links       = @('New-ProxRandomModel', 'Get-ProxModelInfo')
}
