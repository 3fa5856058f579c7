#!/usr/bin/env bash
# Runs every benchmark of bench/ against the build in $1 (default: build) and prints the figures.
set -euo pipefail
BUILD=${1:-build}
echo "== bench/ingest (durability on) =="
"$BUILD/bench/ingest_bench" --clients 8 --seconds 10 --batch 100 --sync full
echo "== bench/chunks (float32 vectors) =="
"$BUILD/bench/chunks_bench" --seconds 10
echo "== bench/chunks (int8 vectors) =="
"$BUILD/bench/chunks_bench" --seconds 10 --vector-storage int8
echo "== bench/extract =="
"$BUILD/bench/extract_bench"
echo "== bench/profile =="
"$BUILD/bench/profile_bench"
