#!/usr/bin/env bash
# Run the benchmarks: installs what they need into .venv (scripts/bootstrap.sh dev), starts its
# own MongoDB replica set and API process, measures, prints a table and writes
# bench/results/<UTC time>.json and .md. Options: see bench/README.md, e.g.
#   ./bench/run.sh --quick          # smoke run, under a minute
#   ./bench/run.sh --only pages,totals --repeat 5
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh dev >&2
exec .venv/bin/python -m bench "$@"
