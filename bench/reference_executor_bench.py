#!/usr/bin/env python3
"""Times the authors' ProX executor (execute_meta_operations) on the shared workload, for a same-machine,
same-run comparison with `Prox.Bench executor`. The authors' code is NOT part of this repository: pass the folder
holding their utils/chunk_utils.py and utils/doc_utils.py (from a checkout of GAIR-NLP/ProX) with --prox-utils.

usage: python3 bench/reference_executor_bench.py --prox-utils <dir> [--seconds N]
"""
import argparse, gzip, json, os, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--prox-utils", required=True)
ap.add_argument("--seconds", type=float, default=5.0)
args = ap.parse_args()
sys.path.insert(0, args.prox_utils)
from chunk_utils import execute_meta_operations  # noqa: E402  (the authors' chunk-level executor)
import doc_utils  # noqa: E402                  (the authors' doc-level executor)

shared = os.environ.get("PROX_SHARED", os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
docs = [json.loads(l) for l in gzip.open(os.path.join(shared, "reference/executor-workload.jsonl.gz"), "rt")]
docs = [d for d in docs if not d.get("reference_error")]  # the original crashes on documents without words
mb = sum(len(d["text"].encode()) for d in docs) / 1e6


def measure(name, fn):
    for d in docs:  # warm-up
        fn(d)
    n, t0, c0 = 0, time.perf_counter(), time.thread_time()
    while time.perf_counter() - t0 < args.seconds:
        for d in docs:
            fn(d)
        n += 1
    dt, cpu = time.perf_counter() - t0, time.thread_time() - c0
    # documents per second of wall time and per second of this thread's CPU time (steadier on a shared machine)
    print(f"| {name} | {n * len(docs) / dt:,.0f} | {n * len(docs) / cpu:,.0f} | {n * mb / cpu:,.1f} |")


print(f"python {sys.version.split()[0]}, {len(docs)} documents, one thread")
print("| case | documents/s (wall) | documents/CPU-s | MB/CPU-s |")
print("|---|---:|---:|---:|")
measure("authors' chunk stage", lambda d: execute_meta_operations(d["text"], d["chunk_program"]))
measure("authors' doc stage", lambda d: doc_utils.execute_meta_operations(d["text"], d["doc_program"]))
