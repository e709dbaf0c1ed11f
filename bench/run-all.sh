#!/usr/bin/env bash
# Every benchmark whose numbers are in docs/benchmarks.md, one after the other, pinned to one core where the number is
# "per core". Run from the repository root on an otherwise idle machine; needs ../shared (or $PROX_SHARED).
#   bench/run-all.sh [--prox-utils DIR] [--skip-model]
# --prox-utils: a folder with the authors' utils/chunk_utils.py and utils/doc_utils.py (GAIR-NLP/ProX), to time their
# executor in the same run. The model benchmark writes a 1.4 GB random prox-0.35b model to bench-data/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
PROX_UTILS=""
SKIP_MODEL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prox-utils) PROX_UTILS="$2"; shift 2 ;;
    --skip-model) SKIP_MODEL=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export PROX_SHARED="${PROX_SHARED:-../shared}"
dotnet build bench/Prox.Bench -c Release -v q --nologo > /dev/null
BENCH="dotnet bench/Prox.Bench/bin/Release/net10.0/Prox.Bench.dll"
# The single-thread micro-benchmarks report the measuring thread's CPU time and are not pinned: pinned to one core,
# tiered compilation's background JIT shares that core and the first cases are timed on code not yet optimized.
echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

echo; echo "## executor"
[ -n "$PROX_UTILS" ] && taskset -c 1 python3 bench/reference_executor_bench.py --prox-utils "$PROX_UTILS" --seconds 4
$BENCH executor --seconds 4
[ -n "$PROX_UTILS" ] && taskset -c 1 python3 bench/reference_executor_bench.py --prox-utils "$PROX_UTILS" --seconds 4

echo; echo "## token counting and chunking"
$BENCH chunking --count --seconds 3

echo; echo "## corpus I/O"
[ -f bench-data/corpus-50.jsonl ] || $BENCH corpus --make-input --mb 50
for mode in --read-only ""; do
  for f in corpus-50.jsonl corpus-50.jsonl.gz corpus-50.jsonl.zst corpus-50.parquet; do
    taskset -c 0 $BENCH corpus --input "bench-data/$f" --passes 2 $mode | tail -1
  done
done

echo; echo "## rules"
$BENCH rules --seconds 3 --only "CC sample"

echo; echo "## end-to-end refinement"
bash bench/refine-bench.sh 200

if [ "$SKIP_MODEL" = 0 ]; then
  echo; echo "## model prefill"
  $BENCH model --preset prox-0.35b --threads 1,2 --seq 512 --repeat 3
fi
