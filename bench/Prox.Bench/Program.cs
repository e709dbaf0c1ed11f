// Prox benchmarks. Usage: dotnet run -c Release --project bench/Prox.Bench -- <mode> [options]
// Modes: executor, chunking, rules, corpus, refine-data, refine, model, model-cpu, model-gpu, grammar, decode, quality, ranges
return args.Length > 0 ? args[0] switch
{
    "executor" => Prox.Bench.ExecutorBench.Run(args[1..]),
    "chunking" => Prox.Bench.ChunkingBench.Run(args[1..]),
    "rules" => Prox.Bench.RulesBench.Run(args[1..]),
    "corpus" => Prox.Bench.CorpusBench.Run(args[1..]),
    "refine-data" => Prox.Bench.RefineBench.Data(args[1..]),
    "refine" => Prox.Bench.RefineBench.Run(args[1..]),
    "model" => Prox.Bench.ModelBench.Run(args[1..]),
    "model-cpu" => Prox.Bench.ModelCpuBench.Run(args[1..]),
    "model-gpu" => Prox.Bench.ModelGpuBench.Run(args[1..]),
    "grammar" => Prox.Bench.GrammarBench.Run(args[1..]),
    "decode" => Prox.Bench.DecodeBench.Run(args[1..]),
    "quality" => Prox.Bench.QualityBench.Run(args[1..]),
    "ranges" => Prox.Bench.RangeBench.Run(args[1..]),
    _ => Usage(),
} : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: Prox.Bench <mode> [options]\n  executor [--seconds N]   ProX executor over the shared 697-document workload\n" +
                            "  chunking [--seconds N]   token counting, ProX chunking and prompts over the shared CC sample\n" +
                            "  rules [--seconds N] [--preset P] [--parts]   rules refiner throughput per preset and stage\n" +
                            "  corpus [--make-input --mb N] [--input F] [--read-only] [--passes N]   raw corpus read/write throughput\n" +
                            "  refine-data [--mb N] [--dir D]   build a large .jsonl.gz/.jsonl.zst corpus from the shared CC sample\n" +
                            "  refine --input F --output D [--threads N] [--tokenizer T]   one end-to-end refinement run\n" +
                            "  model [--preset prox-0.35b] [--threads 1,2] [--seq 512]   LLaMA prefill tokens/s against the matmul ceiling\n" +
                            "  model-cpu [--preset prox-0.35b] [--threads 1,2] [--docs 20] [--agree-docs 697]   issue 9 on the CPU: fp32/int8 doc-scoring prefill vs the model's MatMul ceiling, one pass vs generating, int8 decision agreement\n" +
                            "  model-gpu [--provider Cuda|Cpu] [--batches 1,8,32,64,128] [--gen-batches 1,16,64,128,256] [--smoke]   fp16 doc-scoring prefill and chunk generation tokens/s with IOBinding (bench/gpu-bench.sh)\n" +
                            "  grammar [--chunks N]   per-step cost of the chunk-program grammar's mask over the LLaMA-2 vocabulary\n" +
                            "  decode [--preset prox-0.35b] [--batches 1,4,16,64] [--prompt 128] [--new 16] [--threads 2] [--baseline]   batched chunk generation, generated tokens/s per batch size\n" +
                            "  ranges [--mb N] [--unit-mb M] [--refine whole|split]   range units of a large .jsonl: the line count before the last unit; one run as one unit or as units, with peak RSS\n" +
                            "  quality [--fit | --corpus]   line F1 of every preset and two word-count baselines on the shared labelled sets; --fit: grid search of the page rule on the fit half; --corpus: the corpus line rule on the CC sample");
    return 2;
}
