#!/usr/bin/env bash
# End-to-end refinement benchmark (issue 3). Builds a >= 200 MB corpus from the shared Common Crawl sample, then times
#   zcat in.jsonl.gz | gzip -1 > out      (the baseline: decompress + compress only)
#   Prox rules refinement jsonl.gz -> jsonl.gz and jsonl.zst -> jsonl.zst, on 1 core (taskset) and on all cores,
# with the default token counter (cl100k_base) and with the whitespace counter, and peak RSS for 50 MB and 200 MB inputs.
# Usage: bench/refine-bench.sh [MB]    (run from the repository root; needs ../shared or $PROX_SHARED)
set -euo pipefail
cd "$(dirname "$0")/.."
MB="${1:-200}"
dotnet build bench/Prox.Bench -c Release -v q --nologo > /dev/null
BENCH="dotnet bench/Prox.Bench/bin/Release/net10.0/Prox.Bench.dll"
[ -f "bench-data/cc-${MB}mb.jsonl.gz" ] || $BENCH refine-data --mb "$MB"
[ -f bench-data/cc-50mb.jsonl.gz ] || $BENCH refine-data --mb 50
read -r JSONL TEXT DOCS < "bench-data/cc-${MB}mb.size" || true
echo "input: $DOCS documents, $((JSONL / 1000000)) MB JSONL, $((TEXT / 1000000)) MB text; $(nproc) cores"
baseline() { # $1 label, $2 command; prints MB/s of JSONL on one core
  local start end; start=$(date +%s.%N)
  taskset -c 0 bash -c "$2"
  end=$(date +%s.%N)
  echo "baseline $1 (1 core): $(echo "$JSONL / 1000000 / ($end - $start)" | bc -l | xargs printf '%.1f') MB/s of JSONL"
}
baseline "zcat | gzip -1" "zcat bench-data/cc-${MB}mb.jsonl.gz | gzip -1 > bench-data/baseline.jsonl.gz"
baseline "zstd -dc | zstd -1" "zstd -q -dc bench-data/cc-${MB}mb.jsonl.zst | zstd -q -1 -T1 -f -o bench-data/baseline.jsonl.zst"
echo
echo "| input | threads | tokenizer | MB/s JSONL | MB/s text | docs/s | MB/s JSONL per CPU-second | peak RSS MB | kept |"
echo "|---|---:|---|---:|---:|---:|---:|---:|---:|"
for tok in cl100k_base whitespace; do
  for ext in jsonl.gz jsonl.zst; do
    taskset -c 0 $BENCH refine --input "bench-data/cc-${MB}mb.$ext" --output bench-data/out --threads 1 --tokenizer $tok
    $BENCH refine --input "bench-data/cc-${MB}mb.$ext" --output bench-data/out --threads "$(nproc)" --tokenizer $tok
  done
done
# Peak RSS against input size: the same run on a quarter of the input.
taskset -c 0 $BENCH refine --input bench-data/cc-50mb.jsonl.gz --output bench-data/out --threads 1 --tokenizer cl100k_base
