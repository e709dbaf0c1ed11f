@{
    Synopsis    = 'Shows the programs a backend would write for documents, without applying them.'
    Description = @'
For each document (from -Path, -Text, or piped objects with a Text property such as Get-ProxDocument output) writes the doc-level program and the chunk-level programs that the backend generates, one object per program: Id, Stage, ChunkIndex, FirstLine, LineCount and Program. Nothing is executed; pipe the programs to Test-ProxProgram to check them or to Invoke-ProxProgram to run them.
'@
    Parameters  = @{
        Path      = 'Corpus files, folders or wildcard patterns (* ? [ ]) to read documents from, relative to the current location. Files piped from Get-ChildItem bind to -LiteralPath and are read as corpus files.'
        LiteralPath = 'The same as -Path, but every character is taken literally (no wildcards): use it for names that contain [ ] * ?. Files piped from Get-ChildItem bind here (by their PSPath), so their names are never read as patterns. Relative paths are relative to the current PowerShell location.'
        Text      = 'A document text. Binds from piped objects with a Text property.'
        Id        = 'The document id. Binds from piped objects with an Id property; derived from the text when absent.'
        Generator       = 'The generator of both stages, as a spec: rules (the ProxRules preset), rules:<Preset> (ProxRules, Gopher, C4, FineWeb), rules:<Preset>?Option=value&... (RulesOptions overrides, e.g. rules:C4?C4MinLineWords=5), or a model folder. Default rules:ProxRules. Recorded in the summary and every unit marker.'
        DocGenerator    = 'The doc stage''s generator spec, when it differs from -Generator (ProX uses a doc model and a different chunk model).'
        ChunkGenerator  = 'The chunk stage''s generator spec, when it differs from -Generator.'
        Model           = 'A model folder whose LM writes the programs of both stages (shorthand for -Generator model:<folder>): model.onnx (+ model.onnx.data) of a LLaMA decoder with past key/values as ConvertTo-ProxOnnxModel writes it, or in Hugging Face naming (input_ids, attention_mask, position_ids, past_key_values.N.key|value -> logits, present.N.key|value). Layers, KV heads, head size and dtype are read from the graph. Relative to the current location. Generation is greedy, EOS stop, at most 2000 (doc) / 256 (chunk) new tokens, never past the context; chunk programs are grammar-constrained to valid Strict programs unless -Unconstrained.'
        DocModel        = 'The doc stage''s model folder (shorthand for -DocGenerator model:<folder>), e.g. an export of gair-prox/web-doc-refining-lm. The doc stage runs in one pass: one prefill scores keep_doc() against drop_doc(); the probability of drop is the doc stage''s Score in the outcome and metadata.prox.'
        ChunkModel      = 'The chunk stage''s model folder (shorthand for -ChunkGenerator model:<folder>), e.g. an export of gair-prox/web-chunk-refining-lm. Documents are split into the published chunks of at most 1500 LLaMA-2 tokens, one program per chunk.'
        ExecutionProvider = 'Where models run: Auto (default: CUDA when it loads, otherwise one warning saying why and the CPU), Cuda (a GPU or an error naming CUDA) or Cpu.'
        ModelTokenizer  = 'The LLaMA-2 SentencePiece tokenizer.model for model folders that have none (a folder''s own tokenizer.model is used otherwise). Relative to the current location.'
        DropThreshold   = 'A doc model drops a document when its probability of drop_doc() exceeds this (0 to 1, default 0.5, where decisions equal greedy decoding of the two doc programs). Higher keeps more documents.'
        Unconstrained   = 'Chunk models decode exactly as published: greedy, every token the model''s own choice. By default chunk decoding is grammar-constrained: at each step only tokens that keep the output a valid Strict-dialect chunk program are allowed (remove_lines with line numbers of the chunk only, normalize with a source that occurs in the chunk and a target no longer than it, keep_chunk, skip_chunk, untouch_doc; end of output only after a complete call), so every chunk program parses. Recorded in the summary (model.chunk_grammar).'
        BatchSize       = 'Sequences a model decodes together in one batch (0 = automatic: 16 on the CPU, 64 on CUDA). Prompts are sorted by length and left-padded; finished sequences leave the batch; the programs are those of decoding one by one. The KV cache of a batch is bounded by the spec option batch_tokens.'
        Preset    = 'Shorthand for -Generator rules:<Preset>. The rules preset: ProxRules (default), Gopher, C4 or FineWeb.'
        RulesOption     = 'Overrides of the rules generator''s thresholds and switches by name, on top of the preset: @{ MinWords = 40; C4Document = $true; MaxTopNGramCharFraction = 0.2, 0.18, 0.16 }. Names are RulesOptions properties (Get-ProxPreset shows them); an unknown name or a value of the wrong type is an error (Prox.InvalidRulesOption). The overrides become part of the generator spec (rules:ProxRules?MinWords=40), which the run summary records.'
        Stage     = 'Which stages to write programs for: Doc, Chunk or both (default).'
        TextField = 'With -Path: the field holding the text.'
        IdField   = 'With -Path: the field holding the id.'
        First     = 'Stop after this many documents.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'A document text (-Text).' }
        @{ Type = 'Prox.Corpus.CorpusDocument'; Description = 'Documents from Get-ProxDocument (bind -Text and -Id by property name).' }
        @{ Type = 'System.IO.FileInfo'; Description = 'Corpus files from Get-ChildItem (bind -LiteralPath by their PSPath): their documents are read.' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Refinement.GeneratedProgram'; Description = 'One per stage and chunk: Id, Stage, ChunkIndex, FirstLine, LineCount, Program and the document Text, so it pipes into Invoke-ProxProgram.' }
    )
    Examples    = @(
        @{
            Title   = 'The programs for one page'
            Code    = @'
Get-ProxProgram -Text "Home | About | Contact`nOur bakery opens at seven every morning and bakes sourdough, rye and spelt loaves by hand.`nFollow us on Facebook`nCopyright 2026 Example Bakery. All rights reserved."
'@
            Remarks = 'A keep_doc() program for the doc stage and a chunk program that removes the navigation, social and copyright lines.'
        }
        @{
            Title   = 'Check the programs of a corpus'
            Code    = @'
'{"id":"d1","text":"Menu\nA long enough paragraph of ordinary prose with well over ten words in it, kept by the rules."}' | Set-Content docs.jsonl
Get-ProxProgram -Path docs.jsonl -Stage Chunk | Test-ProxProgram | Select-Object IsValid, IsPortable
'@
            Remarks = 'Every generated program is valid Strict and portable to the published executor.'
        }
    )
    Links       = @('Invoke-ProxProgram', 'Test-ProxProgram', 'Invoke-ProxRefine', 'about_Prox')
}
