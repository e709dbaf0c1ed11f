// Prox benchmarks. Usage: dotnet run -c Release --project bench/Prox.Bench -- <mode> [options]
// Modes: executor, chunking, corpus
return args.Length > 0 ? args[0] switch
{
    "executor" => Prox.Bench.ExecutorBench.Run(args[1..]),
    "chunking" => Prox.Bench.ChunkingBench.Run(args[1..]),
    "corpus" => Prox.Bench.CorpusBench.Run(args[1..]),
    _ => Usage(),
} : Usage();

static int Usage()
{
    Console.Error.WriteLine("usage: Prox.Bench <mode> [options]\n  executor [--seconds N]   ProX executor over the shared 697-document workload\n" +
                            "  chunking [--seconds N]   token counting, ProX chunking and prompts over the shared CC sample\n" +
                            "  corpus --make-input [--mb N] | --input FILE [--read-only|--unchanged] [--passes N]   corpus read/write throughput");
    return 2;
}
