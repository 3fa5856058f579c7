#!/usr/bin/env bash
# Runs every benchmark of bench/ against the build in $1 (default: build) and prints the figures.
set -euo pipefail
BUILD=${1:-build}
echo "== bench/ingest (durability on) =="
"$BUILD/bench/ingest_bench" --clients 8 --seconds 10 --batch 100 --sync full
for b in chunks_bench; do
  if [[ -x "$BUILD/bench/$b" ]]; then
    echo "== bench/$b =="
    "$BUILD/bench/$b"
  fi
done
