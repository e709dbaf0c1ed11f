#!/usr/bin/env bash
# Issue 9's GPU numbers in one run, on a machine with an NVIDIA GPU and the CUDA + cuDNN libraries that ONNX
# Runtime 1.31 needs (CUDA 13: its CUDA provider loads libcublasLt.so.13), and no .NET: a self-contained publish of bench/Prox.Bench (linux-x64, with the natives of
# Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0) writes a random prox-0.35b fp16 model and measures doc scoring
# (prefill, prompt tokens/s, batches of 1..128 × 512 tokens, outputs on the device) and chunk generation
# (generated tokens/s, batches of 1..256, the KV cache on the device; then the same through the product's
# BatchDecoder, `decode` mode), printing the card, provider and numbers.
#
#   bench/gpu-bench.sh publish [DIR]    # here (needs the .NET 10 SDK): self-contained publish into DIR
#                                       # (default artifacts/gpu-bench), then a CPU smoke run of the published binary
#   DIR/gpu-bench.sh run [options]      # on the GPU machine: the copied folder runs itself (no .NET needed)
#   bench/gpu-bench.sh smoke [DIR]      # the published binary on the CPU with a tiny model (what publish runs)
#
# Options after `run` go to the bench (`model-gpu`): --device N, --batches 1,8,32,64,128, --gen-batches 1,16,64,128,256,
# --seq 512, --prompt 256, --new 64, --dir D (model folder; written on first use, 0.7 GB fp16).
# Copy the whole DIR (about 420 MB: ONNX Runtime's CUDA provider is 284 MB of it) to the GPU machine.
set -euo pipefail
mode="${1:-run}"; shift || true
here="$(cd "$(dirname "$0")" && pwd)"

case "$mode" in
  publish)
    repo="$(cd "$here/.." && pwd)"
    out="${1:-$repo/artifacts/gpu-bench}"
    rm -rf "$out"
    # Trimming is left off: ONNX Runtime's managed API and Prox's JSON config reading use reflection that the
    # trimmer cannot see; the self-contained runtime is ~70 MB, the CUDA natives dominate anyway.
    dotnet publish "$repo/bench/Prox.Bench/Prox.Bench.csproj" -c Release -r linux-x64 --self-contained true \
      -p:PublishSingleFile=false -p:DebugType=none -o "$out" --nologo -v quiet
    cp "$repo/bench/gpu-bench.sh" "$out/gpu-bench.sh"
    chmod +x "$out/gpu-bench.sh" "$out/Prox.Bench"
    for f in libonnxruntime.so libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do
      [ -f "$out/$f" ] || { echo "publish lacks $f (Microsoft.ML.OnnxRuntime.Gpu.Linux natives)" >&2; exit 1; }
    done
    echo "published to $out ($(du -sh "$out" | cut -f1))"
    "$out/gpu-bench.sh" smoke "$out"
    ;;
  smoke)
    dir="${1:-$here}"
    "$dir/Prox.Bench" model-gpu --smoke
    ;;
  run)
    bin="$here/Prox.Bench"
    [ -x "$bin" ] || { echo "no published bench beside this script: run 'bench/gpu-bench.sh publish' on a machine with .NET and copy the folder" >&2; exit 2; }
    echo "== $(date -u +%FT%TZ) $(hostname)"
    nvidia-smi --query-gpu=index,name,memory.total,driver_version --format=csv || echo "nvidia-smi not found"
    export LD_LIBRARY_PATH="$here${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    cd "$here"
    "$bin" model-gpu --provider Cuda --precision fp16 --dir "$here/bench-data/prox-0.35b-fp16" "$@"
    # The product's own path for chunk generation (BatchDecoder: sorted, left-padded batches, rows leaving the batch,
    # the cache in preallocated device buffers), on the fp16 folder written above.
    echo "== BatchDecoder (decode mode) on CUDA"
    "$bin" decode --provider Cuda --dir "$here/bench-data/prox-0.35b-fp16" --batches 1,16,64,256 --prompt 1024 --new 256 --repeat 1 \
      || echo "decode mode failed (exit $?)"
    ;;
  *) echo "usage: gpu-bench.sh publish [DIR] | run [options] | smoke [DIR]" >&2; exit 2 ;;
esac
