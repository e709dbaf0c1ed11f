@{
    Synopsis    = 'Refines corpus files with ProX programs and writes the refined corpus, dropped and quarantine sidecars and a run summary.'
    Description = @'
Streams every input file (JSON Lines, .jsonl.gz, .jsonl.zst or Parquet, chosen by extension), runs the document stage (keep_doc()/drop_doc()) and then the chunk stage (remove_lines, normalize) with a program generator, and writes each refined record to a file of the same name in -OutputPath. Ids, every other field and metadata are carried through; each record gets metadata.prox with the doc program, the chunk program, the dialect and which lines were removed by which call.

Dropped documents go to dropped/<name> with their programs and reasons (unless -NoDroppedOutput); records that cannot be read (invalid JSON or UTF-8, a missing or non-string text field, a truncated compressed stream) go to quarantine/<name>.jsonl with file, line and reason, and never stop the run. Every output appears only when complete. The run's counts (documents, characters, words and tokens in and out per stage, drops by reason, removed lines, normalizations, operations, ignored programs, parse errors, quarantined records, elapsed time) are written to _summary.json and returned as an object. Existing outputs are not overwritten without -Force.
'@
    Parameters  = @{
        Path            = 'Corpus files, folders or wildcard patterns (* ? [ ]), relative to the current location. Strings from the pipeline bind here; files from Get-ChildItem bind to -LiteralPath.'
        LiteralPath = 'The same as -Path, but every character is taken literally (no wildcards): use it for names that contain [ ] * ?. Files piped from Get-ChildItem bind here (by their PSPath), so their names are never read as patterns. Relative paths are relative to the current PowerShell location.'
        OutputPath      = 'The folder for the refined files, dropped/, quarantine/ and _summary.json. With documents piped in (Get-ProxDocument), they are refined and written there too (one refined file per source file, dropped/, _summary.json) and the summary is returned; without it piped documents give one DocumentOutcome each.'
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
        Document        = 'Documents held in memory (Get-ProxDocument output, from the pipeline): refined without touching files; one DocumentOutcome each, in order.'
        Text            = 'Texts held in memory: refined without touching files; one DocumentOutcome each (ids are SHA-256 hashes of the text).'
        Preset          = 'Shorthand for -Generator rules:<Preset>. The rules preset: ProxRules (default, tuned on human line labels), Gopher, C4 or FineWeb.'
        RulesOption     = 'Overrides of the rules generator''s thresholds and switches by name, on top of the preset: @{ MinWords = 40; C4Document = $true; MaxTopNGramCharFraction = 0.2, 0.18, 0.16 }. Names are RulesOptions properties (Get-ProxPreset shows them); an unknown name or a value of the wrong type is an error (Prox.InvalidRulesOption). The overrides become part of the generator spec (rules:ProxRules?MinWords=40), which the run summary records.'
        Stage           = 'Which stages run: Doc, Chunk or both (default, Doc first).'
        Dialect         = 'The executor dialect: Strict (default) or Reference (the published ProX executor).'
        TextField       = 'The field holding the text (default text; RedPajama: raw_content).'
        IdField         = 'The field holding the id (default id). When a record has none, a stable id is derived from a hash of its text.'
        Tokenizer       = 'The tokenizer that counts tokens for the statistics: cl100k_base (default), o200k_base, gpt2, whitespace, or a path to a SentencePiece tokenizer.model.'
        OutputFormat    = 'Write this format instead of the input''s own.'
        ThrottleLimit   = 'Worker threads for generating and running programs (default: the processor count).'
        UnitSize        = 'Plain JSON Lines files larger than this many bytes (64MB works) are split into byte-range work units of this size: each unit starts at the first line that begins in its range and ends with the line that crosses its end, so every line is read by exactly one unit; its outputs are parts, name.part-00000.jsonl, name.part-00001.jsonl, … (also in dropped/ and quarantine/), and line numbers stay the file''s own. The plan spreads the units over tasks and resumes them one by one. A larger Parquet file of several row groups is split into runs of row groups of at least this many compressed bytes (parts name.part-00000.parquet, …, rows numbered as in the file). Default 256 MB; smaller files, .jsonl.gz and .jsonl.zst are one unit each.'
        Recurse         = 'Include corpus files in subfolders of the folders given.'
        NoDroppedOutput = 'Do not write dropped documents to dropped/.'
        TaskIndex       = 'The task of a sharded run this process is, 0 to TaskCount-1. The plan (_plan.json) assigns every file to one task, balanced by size; tasks of one run write into the same folder at once. Default: inside a Slurm array SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, in a Kubernetes indexed Job JOB_COMPLETION_INDEX, else 0.'
        TaskCount       = 'How many tasks the run is sharded into; every task must give the same. Default: SLURM_ARRAY_TASK_COUNT inside a Slurm array, else 1; in a Kubernetes indexed Job give the Job''s completions. The run''s _summary.json appears when every unit of every task is committed; until then each task writes _summary.task-<i>.json.'
        Force           = 'Overwrite the outputs of an earlier run.'
        PassThru        = 'After the summary, also emit the files written.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Paths, folders or wildcard patterns (-Path).' }
        @{ Type = 'System.IO.FileInfo'; Description = 'Corpus files from Get-ChildItem (bind -LiteralPath by their PSPath).' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'Folders from Get-ChildItem: every corpus file in them.' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Refinement.RunSummary'; Description = 'The run summary (also written to _summary.json).' }
        @{ Type = 'System.IO.FileInfo'; Description = 'With -PassThru: every file written (refined, dropped, quarantine, _summary.json).' }
    )
    Defaults    = @{ ThrottleLimit = 'the number of processors' }
    Examples    = @(
        @{
            Title   = 'Refine a small corpus file'
            Code    = @'
$in = Join-Path $PWD 'pages.jsonl'
@(
    @{ id = 'p1'; text = "Home | News | Contact`nThe council approved the new budget on Monday after a long debate about schools, roads and public transport in the city.`nThe mayor said repairs to the ring road will be reviewed in spring.`nCopyright 2026 Example News. All rights reserved." }
    @{ id = 'p2'; text = "Buy cheap watches`ncheap`ncheap" }
) | ForEach-Object { $_ | ConvertTo-Json -Compress } | Set-Content $in
Invoke-ProxRefine -Path $in -OutputPath (Join-Path $PWD 'refined')
'@
            Remarks = 'Writes refined/pages.jsonl (p1 without its navigation and copyright lines), refined/dropped/pages.jsonl (p2, with the program and the reason) and refined/_summary.json, and returns the summary.'
        }
        @{
            Title   = 'Refine every file of a folder, chunk stage only, in the published dialect'
            Code    = @'
New-Item -ItemType Directory corpus | Out-Null
'{"id":"a","text":"Menu\nA paragraph of real prose that is long enough to keep, with a dozen words or more in it.\nShare this page"}' | Set-Content corpus/part-0.jsonl
Get-ChildItem corpus -Filter *.jsonl | Invoke-ProxRefine -OutputPath out -Stage Chunk -Dialect Reference -Tokenizer whitespace |
    Select-Object DocumentsIn, DocumentsOut, DocumentsDropped, TokensIn, TokensOut
'@
            Remarks = 'Get-ChildItem output binds to -Path. Tokens are counted as whitespace-separated words here.'
        }
    )
    Links       = @('Get-ProxRunSummary', 'Get-ProxProgram', 'Get-ProxDocument', 'about_Prox')
}
