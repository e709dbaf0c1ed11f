# Model import and random models through the cmdlets: checkpoint -> ONNX conversion, model folders, ONNX Runtime.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    $script:work = Join-Path ([IO.Path]::GetTempPath()) ("prox-models-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    New-Item -ItemType Directory $work | Out-Null
}

AfterAll {
    Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'ConvertTo-ProxOnnxModel' {
    BeforeAll {
        $script:ckpt = Join-Path $work 'ckpt'
        New-ProxRandomModel -Preset tiny-gqa -Seed 9 -OutputPath $ckpt -AsCheckpoint | Out-Null
    }

    It 'converts a safetensors checkpoint into a complete model folder that runs with past key/values' {
        $out = Join-Path $work 'converted'
        $info = ConvertTo-ProxOnnxModel -Path $ckpt -OutputPath $out
        $info.IsComplete | Should -BeTrue
        $info.Layers | Should -Be 2
        $info.KvHeads | Should -Be 2
        $info.DType | Should -Be 'float32'
        Test-Path (Join-Path $out 'tokenizer_config.json') | Should -BeTrue
        (Get-ProxModelInfo $out -Verify).RunsInOnnxRuntime | Should -BeTrue
    }

    It 'writes the same weights as New-ProxRandomModel with the same seed' {
        $direct = Join-Path $work 'direct'
        New-ProxRandomModel -Preset tiny-gqa -Seed 9 -OutputPath $direct | Out-Null
        $converted = Join-Path $work 'converted2'
        ConvertTo-ProxOnnxModel $ckpt $converted | Out-Null
        (Get-FileHash (Join-Path $converted 'model.onnx.data')).Hash | Should -Be (Get-FileHash (Join-Path $direct 'model.onnx.data')).Hash
        (Get-FileHash (Join-Path $converted 'model.onnx')).Hash | Should -Be (Get-FileHash (Join-Path $direct 'model.onnx')).Hash
    }

    It 'writes float16 on request' {
        $out = Join-Path $work 'fp16'
        (ConvertTo-ProxOnnxModel $ckpt $out -Precision Fp16).DType | Should -Be 'float16'
        (Get-ProxModelInfo $out -Verify).RunsInOnnxRuntime | Should -BeTrue
    }

    It 'writes int8 weights on request: float32 cache and logits, and it runs' {
        $out = Join-Path $work 'int8'
        $info = ConvertTo-ProxOnnxModel $ckpt $out -Precision Int8
        $info.DType | Should -Be 'float32'
        $info.IsComplete | Should -BeTrue
        (Get-ProxModelInfo $out -Verify).RunsInOnnxRuntime | Should -BeTrue
    }

    It 'refuses an int8 checkpoint' {
        { New-ProxRandomModel -Preset tiny -OutputPath (Join-Path $work 'int8-ckpt') -AsCheckpoint -Precision Int8 -ErrorAction Stop } | Should -Throw '*Int8*Fp32 or Fp16*'
        Test-Path (Join-Path $work 'int8-ckpt') | Should -BeFalse
    }

    It 'refuses to overwrite without -Force, and overwrites with it' {
        $out = Join-Path $work 'converted'
        { ConvertTo-ProxOnnxModel $ckpt $out -ErrorAction Stop } | Should -Throw '*-Force*'
        (ConvertTo-ProxOnnxModel $ckpt $out -Force).IsComplete | Should -BeTrue
    }

    It 'writes nothing under -WhatIf' {
        $out = Join-Path $work 'whatif'
        ConvertTo-ProxOnnxModel $ckpt $out -WhatIf
        Test-Path $out | Should -BeFalse
    }

    It 'names the missing tensor' {
        $bad = Join-Path $work 'bad-layers'
        Copy-Item $ckpt $bad -Recurse
        $cfg = Get-Content (Join-Path $bad 'config.json') -Raw | ConvertFrom-Json
        $cfg.num_hidden_layers = 3
        $cfg | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $bad 'config.json')
        { ConvertTo-ProxOnnxModel $bad (Join-Path $work 'bad-out') -ErrorAction Stop } | Should -Throw "*missing tensor 'model.layers.2.input_layernorm.weight'*"
    }

    It 'refuses an unsupported architecture' {
        $bad = Join-Path $work 'bad-arch'
        Copy-Item $ckpt $bad -Recurse
        $cfg = Get-Content (Join-Path $bad 'config.json') -Raw | ConvertFrom-Json
        $cfg.architectures = @('GPT2LMHeadModel')
        $cfg.model_type = 'gpt2'
        $cfg | ConvertTo-Json -Depth 5 | Set-Content (Join-Path $bad 'config.json')
        { ConvertTo-ProxOnnxModel $bad (Join-Path $work 'bad-out2') -ErrorAction Stop } | Should -Throw "*unsupported architecture 'GPT2LMHeadModel'*"
    }
}

Describe 'New-ProxRandomModel' {
    It 'writes any shape from config JSON' {
        $out = Join-Path $work 'custom'
        $info = New-ProxRandomModel -Config '{"hidden_size":32,"intermediate_size":48,"num_hidden_layers":3,"num_attention_heads":4,"num_key_value_heads":1,"vocab_size":500}' -OutputPath $out
        $info.Layers | Should -Be 3
        $info.Parameters | Should -Be (500 * 32 * 2 + 3 * (32 * 32 + 2 * 32 * 8 + 32 * 32 + 3 * 32 * 48 + 2 * 32) + 32)
        $info.Inputs.Count | Should -Be 9
    }

    It 'copies a tokenizer only when given one' {
        $tok = Join-Path $work 'tokenizer.model'
        [IO.File]::WriteAllBytes($tok, [byte[]](1, 2, 3))
        $out = Join-Path $work 'with-tok'
        $info = New-ProxRandomModel -Preset tiny -OutputPath $out -TokenizerPath $tok
        $info.HasTokenizer | Should -BeTrue
        (Get-Content (Join-Path $out 'tokenizer_config.json') -Raw | ConvertFrom-Json).tokenizer_class | Should -Be 'LlamaTokenizer'
    }

    It 'rejects an invalid config' {
        { New-ProxRandomModel -Config '{"hidden_size":32}' -OutputPath (Join-Path $work 'x') -ErrorAction Stop } | Should -Throw "*the config lacks 'num_attention_heads'*"
    }

    It 'writes the prox-0.35b shape, which runs with past key/values on CPU and has 354,284,800 parameters' {
        $out = Join-Path $work 'prox-0.35b'
        try {
            New-ProxRandomModel -Preset prox-0.35b -OutputPath $out | Out-Null
            $info = Get-ProxModelInfo $out -Verify
            $info.Parameters | Should -Be 354284800
            $info.Layers | Should -Be 24
            $info.KvHeads | Should -Be 1
            $info.IsComplete | Should -BeTrue
            $info.RunsInOnnxRuntime | Should -BeTrue
        }
        finally { Remove-Item $out -Recurse -Force -ErrorAction SilentlyContinue }
    }
}

Describe 'Get-ProxModelInfo' {
    It 'reports an incomplete folder' {
        $out = Join-Path $work 'incomplete'
        New-ProxRandomModel -Preset tiny -OutputPath $out | Out-Null
        Remove-Item (Join-Path $out 'model.onnx.data')
        $info = Get-ProxModelInfo $out
        $info.IsComplete | Should -BeFalse
        $info.Problems -join ';' | Should -Match 'model.onnx.data'
    }

    It 'fails clearly for a missing folder' {
        { Get-ProxModelInfo (Join-Path $work 'nope') -ErrorAction Stop } | Should -Throw '*does not exist*'
    }
}
