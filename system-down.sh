#!/usr/bin/env bash
# Stop everything ./system-up.sh started. Data stays (.data/ or the Docker volumes).
set -euo pipefail
cd "$(dirname "$0")"

if [ "${ENVELOPES_USE_DOCKER:-auto}" != "no" ] && timeout 10 docker info >/dev/null 2>&1 \
   && [ -n "$(docker compose ps -q 2>/dev/null)" ]; then
  docker compose down
  echo "Envelopes stopped (Docker)."
  exit 0
fi

# The API's supervisor passes SIGTERM on to its workers and waits for them; whatever of its
# process group (it runs in its own session, see system-up.sh) is left after 10 s is killed.
stop_pid() {
  local pid=$1 waited=0 group
  group=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill -KILL "$pid" 2>/dev/null || true
  if [ "$group" = "$pid" ]; then kill -KILL -- "-$group" 2>/dev/null || true; fi
}

if [ -f .data/api.pid ]; then
  stop_pid "$(cat .data/api.pid)"
  rm -f .data/api.pid
fi
# Also any API serving from this checkout whose pid file was lost (app.serve, or uvicorn as
# started before it).
here=$(pwd -P)
for proc in /proc/[0-9]*; do
  [ "$(readlink "$proc/cwd" 2>/dev/null)" = "$here" ] || continue
  tr '\0' ' ' < "$proc/cmdline" 2>/dev/null | grep -Eq "uvicorn app.main|-m app.serve" && stop_pid "${proc#/proc/}"
done

if [ -x .venv/bin/python ] && [ -d .data/mongo ]; then
  .venv/bin/python -m app.devtools.localmongo stop --dir .data/mongo >/dev/null
fi
echo "Envelopes stopped. Data kept in .data/ (delete it to start afresh)."
