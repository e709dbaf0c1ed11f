#!/usr/bin/env bash
# Side-by-side pipeline benchmark: this tree against another commit (default: the commit before the issue-8 pipeline,
# 6b6909a), in the same run, alternating, on one core. Reports MB of JSONL per CPU-second (steadier than wall time on
# a shared machine) and peak RSS, for the cl100k_base and whitespace token counters.
# Usage: bench/compare-refine.sh [BASE_COMMIT] [MB] [ROUNDS] [NEW_GENERATOR_SPEC]
#   (from the repository root; needs ../shared or $PROX_SHARED). NEW_GENERATOR_SPEC runs this tree with another generator,
#   e.g. 'rules:ProxRules?PageContext=false' to compare the pipeline alone when the rules changed in between.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-6b6909a}"; MB="${2:-50}"; ROUNDS="${3:-3}"; SPEC="${4:-}"
WT="$(mktemp -d)/base"
git worktree add --detach "$WT" "$BASE" > /dev/null
trap 'git worktree remove --force "$WT"' EXIT
dotnet build bench/Prox.Bench -c Release -v q --nologo > /dev/null
(cd "$WT" && dotnet build bench/Prox.Bench -c Release -v q --nologo > /dev/null)
NEW="dotnet bench/Prox.Bench/bin/Release/net10.0/Prox.Bench.dll"
OLD="dotnet $WT/bench/Prox.Bench/bin/Release/net10.0/Prox.Bench.dll"
[ -f "bench-data/cc-${MB}mb.jsonl.gz" ] || $NEW refine-data --mb "$MB"
echo "| build | tokenizer | MB/s JSONL | MB/s text | docs/s | MB/s JSONL per CPU-second | peak RSS MB | kept |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for r in $(seq "$ROUNDS"); do
  for tok in cl100k_base whitespace; do
    for b in old new; do
      rm -rf bench-data/out-$b
      EXTRA=()
      if [ $b = old ]; then BIN="$OLD"; else BIN="$NEW"; [ -n "$SPEC" ] && EXTRA=(--generator "$SPEC"); fi
      printf "| %s " "$b@$( [ $b = old ] && echo "$BASE" || git rev-parse --short HEAD)"
      taskset -c 0 $BIN refine --input "bench-data/cc-${MB}mb.jsonl.gz" --output bench-data/out-$b --threads 1 --tokenizer $tok "${EXTRA[@]}" | sed 's/^| [^|]* | [^|]* //'
    done
  done
done
