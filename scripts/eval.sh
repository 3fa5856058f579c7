#!/usr/bin/env bash
# Retrieval evaluation on ../shared/data (see bench/eval/locomo_eval.py).
set -euo pipefail
BUILD=${1:-build}
python3 "$(dirname "$0")/../bench/eval/locomo_eval.py" --build "$BUILD"
