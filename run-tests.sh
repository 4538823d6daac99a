#!/usr/bin/env bash
# Install what the tests need, then run lint, type checks, the layer contracts and the whole
# test suite against a real MongoDB replica set (testcontainers when a Docker engine answers,
# else a local mongod).
# Extra arguments go to pytest, e.g. ./run-tests.sh -k refresh
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh dev
echo "==> ruff"
.venv/bin/ruff check app tests bench
.venv/bin/ruff format --check app tests bench
echo "==> mypy"
.venv/bin/mypy
echo "==> import-linter (layer contracts in pyproject.toml)"
.venv/bin/lint-imports
echo "==> pytest"
.venv/bin/python -m pytest "$@"
