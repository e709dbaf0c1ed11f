@{
    Synopsis    = 'Writes (and with -Submit submits) a Slurm sbatch array script that refines a run with one array task per run task; -Resubmit submits the unfinished tasks of a run again.'
    Description = @'
Plans the run first — the same plan (_plan.json) Invoke-ProxRefine makes, with the work units balanced by size over -Tasks tasks — and writes it into the output folder, so that every array task finds it and checks its own arguments against it. Then it writes <OutputPath>/_slurm/prox-refine.sbatch: an array job (#SBATCH --array=0-(n-1)) whose task i runs a fresh PowerShell (the one running this command, by absolute path: pwsh, or dotnet with pwsh.dll for `dotnet pwsh`) that imports this module by the absolute path of Prox.psd1 and runs Invoke-ProxRefine -LiteralPath <inputs> -OutputPath <OutputPath> -TaskIndex $SLURM_ARRAY_TASK_ID -TaskCount n with the refine parameters given here. The generators go into the script as the specs they resolve to (-Preset, -Generator and -RulesOption become -DocGenerator/-ChunkGenerator specs); the tokenizer and model tokenizer as absolute paths; the job runs in the current folder (--chdir), so relative model folders resolve as they do here.

The script does not rely on the environment a job starts with: it exports DOTNET_ROOT (and puts it first on PATH), HOME when it is missing, DOTNET_CLI_HOME, and PROX_SHARED / PROX_MANAGED_ZSTD when they are set here. Each array task writes its stdout and stderr (the Invoke-ProxRefine -Verbose messages: plan, units skipped, redone and committed, and the summary) to <OutputPath>/_slurm/task-<i>.job-<jobid>.log.

-Submit runs `sbatch --parsable` on the script and returns the job id; an error says so when sbatch is missing or fails (with its message). -Resubmit <run folder> reads the run's units (committed markers and failure records) and submits the same script again for only the tasks that have pending or failed units (sbatch --array=1,3 — the command line wins over the script's array); when every task is complete it warns that nothing is left and returns nothing. Resubmit once the earlier job has ended (squeue shows none of its tasks): a task that still runs holds its lock, and its resubmitted twin would stop with a lock error.
'@
    Parameters  = @{
        Path            = 'Corpus files (.jsonl, .jsonl.gz, .jsonl.zst, .parquet), folders or wildcard patterns to refine, relative to the current location. The tasks get them as absolute paths.'
        LiteralPath     = 'The same as -Path, but every character is taken literally (no wildcards). Files piped from Get-ChildItem bind here (by their PSPath).'
        OutputPath      = 'The run''s output folder, shared by every task (on a file system every node sees). It receives the plan, the refined files, dropped/, quarantine/, _units/, _summary.json, and _slurm/ with the script and the task logs.'
        Tasks           = 'How many tasks the run is sharded into: the array is 0-(Tasks-1), and each array task refines the units the plan assigns to its index.'
        Resubmit        = 'A run folder written by New-ProxSlurmJob: submits its script again for the tasks that have pending or failed units only. Nothing else may be given with it.'
        Partition       = 'The Slurm partition (#SBATCH --partition); default: the cluster''s default partition.'
        Gpus            = 'GPUs per array task (#SBATCH --gpus), for model generators; default: none requested.'
        TimeLimit       = 'The time limit of each array task as Slurm writes it (#SBATCH --time): minutes (90), H:M:S (4:00:00) or D-H:M:S (1-00:00:00). A task stopped at its limit loses only its unit in flight: resubmit it.'
        CpusPerTask     = 'CPUs per array task (#SBATCH --cpus-per-task); each task refines on that many threads (-ThrottleLimit) unless -ThrottleLimit is given.'
        JobName         = 'The job''s name (#SBATCH --job-name, shown by squeue); default prox-refine. No white space.'
        Submit          = 'Submit the script with sbatch --parsable and return the job id in JobId. Without it the script is only written (JobId is empty): submit it yourself with sbatch <ScriptPath>.'
        Generator       = 'The generator of both stages, as a spec: rules, rules:C4, rules:ProxRules?MinWords=40, model:<folder>. Default rules:ProxRules. As in Invoke-ProxRefine.'
        DocGenerator    = 'The doc stage''s generator spec (default: -Generator).'
        ChunkGenerator  = 'The chunk stage''s generator spec (default: -Generator).'
        Preset          = 'The rules preset of both stages (ProxRules, Gopher, C4, FineWeb): shorthand for -Generator rules:<Preset>.'
        RulesOption     = 'Overrides of rules thresholds by name (@{ MinWords = 40 }); they become part of the generator specs the tasks get.'
        Model           = 'A model folder that writes the programs of both stages (shorthand for -Generator model:<folder>).'
        DocModel        = 'The doc stage''s model folder.'
        ChunkModel      = 'The chunk stage''s model folder.'
        ExecutionProvider = 'Where models run in each task: Auto (CUDA when it loads, else the CPU with one warning), Cuda or Cpu.'
        ModelTokenizer  = 'The LLaMA-2 SentencePiece tokenizer.model for model folders that have none (passed to the tasks as an absolute path).'
        DropThreshold   = 'A doc model drops a document when p(drop) exceeds this (default 0.5).'
        Stage           = 'Stages to run: Doc, Chunk or both (default both).'
        Dialect         = 'The executor dialect: Strict (default) or Reference.'
        TextField       = 'The record field holding the text (default text).'
        IdField         = 'The record field holding the id (default id).'
        Tokenizer       = 'Token counter for the statistics (default cl100k_base; whitespace is the fastest); a path is passed as an absolute path.'
        OutputFormat    = 'Output format (Jsonl, JsonlGz, JsonlZst, Parquet); default: the same as each input.'
        ThrottleLimit   = 'Worker threads of each task; default: -CpusPerTask when given, else the node''s processor count.'
        UnitSize        = 'Plain JSON Lines files larger than this (bytes; 64MB works) are split into work units of this size, which the plan spreads over the tasks; default 256 MB. Passed to every task.'
        Recurse         = 'Read input folders recursively.'
        NoDroppedOutput = 'Do not write dropped documents to dropped/.'
    }
    Inputs      = @(
        @{ Type = 'System.IO.FileInfo'; Description = 'Corpus files from Get-ChildItem (bind -LiteralPath by their PSPath).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Cluster.SlurmSubmission'; Description = 'The run folder, the script path, the log folder, the job name, the task count, the array indices (Tasks, Array) and, when submitted, the Slurm job id (JobId).' }
    )
    Examples    = @(
        @{
            Title   = 'Write the script of a 4-task run without submitting it'
            Code    = @'
1..8 | ForEach-Object { @{ id = "d$_"; text = "Document $_ has a first sentence with enough words to be kept by the rules of the run." } | ConvertTo-Json -Compress } | Set-Content corpus.jsonl
$job = New-ProxSlurmJob -Path corpus.jsonl -OutputPath refined -Tasks 4 -Tokenizer whitespace -Partition debug -TimeLimit 1:00:00
Get-Content $job.ScriptPath
'@
            Remarks = 'The plan (refined/_plan.json) and the script (refined/_slurm/prox-refine.sbatch) are written; `sbatch refined/_slurm/prox-refine.sbatch` submits it.'
        }
        @{
            Title   = 'Run the tasks of the script without a cluster, then ask what is left to resubmit'
            Code    = @'
1..8 | ForEach-Object { @{ id = "d$_"; text = "Document $_ has a first sentence with enough words to be kept by the rules of the run." } | ConvertTo-Json -Compress } | Set-Content corpus.jsonl
$job = New-ProxSlurmJob -Path corpus.jsonl -OutputPath refined -Tasks 2 -Tokenizer whitespace
foreach ($i in 0, 1) { $env:SLURM_ARRAY_TASK_ID = $i; bash $job.ScriptPath | Out-Null }
Remove-Item Env:SLURM_ARRAY_TASK_ID
(Get-ProxRunSummary refined).Tasks | Format-Table Task, UnitsPlanned, UnitsDone, UnitsFailed, UnitsPending
New-ProxSlurmJob -Resubmit refined
'@
            Remarks = 'The script runs outside Slurm too when SLURM_ARRAY_TASK_ID names the task: each run refines its task''s units. With every task complete, -Resubmit warns that nothing is left and submits nothing. On a cluster: New-ProxSlurmJob … -Submit returns the job id; after the job, New-ProxSlurmJob -Resubmit <folder> submits only the tasks with pending or failed units (README, "On a cluster").'
        }
    )
    Links       = @('Invoke-ProxRefine', 'Get-ProxRunSummary', 'about_Prox')
}
