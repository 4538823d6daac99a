#!/usr/bin/env bash
# Install what the tests need, then run lint, type checks, the layer contracts, the web app's
# checks and unit tests, and the whole test suite against a real MongoDB replica set
# (testcontainers when a Docker engine answers, else a local mongod) — including the browser
# story in a real headless Chromium (Debian's package, installed here when missing and root).
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
echo "==> web: generated operations up to date, TypeScript, unit tests"
(cd web && npm run --silent codegen:check && npx tsc -b && npx vitest run --reporter=dot)
if [ -z "${ENVELOPES_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing Debian's chromium for the browser tests"
    (apt-get install -y -qq chromium >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }) || true
  fi
  command -v chromium >/dev/null 2>&1 ||
    echo "==> no Chromium could be installed here: the browser tests are skipped, the rest runs"
fi
echo "==> pytest"
.venv/bin/python -m pytest "$@"
