#!/usr/bin/env bash
# Run Envelopes: a MongoDB replica set and the API (serving the web app), then print the URLs.
# With a Docker engine: the compose stack (3-member replica set). Without: a local mongod
# replica set in .data/mongo and the API (`python -m app.serve`: a supervisor and
# ENVELOPES_WORKERS worker processes, default one per core), both stopped by ./system-down.sh.
# Set ENVELOPES_USE_DOCKER=no to force the local path.
set -euo pipefail
cd "$(dirname "$0")"
port=${ENVELOPES_PORT:-8000}
url="http://127.0.0.1:$port/graphql"

random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

wait_ready() {
  local deadline=$((SECONDS + ${1:-90}))
  until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.3
  done
}

if [ "${ENVELOPES_USE_DOCKER:-auto}" != "no" ] && timeout 10 docker info >/dev/null 2>&1; then
  if [ ! -f .env ]; then
    umask 077
    {
      echo "MONGO_ROOT_PASSWORD=$(random_secret)"
      echo "MONGO_APP_PASSWORD=$(random_secret)"
      echo "ENVELOPES_JWT_SECRET=$(random_secret)"
      echo "ENVELOPES_PORT=$port"
    } > .env
  fi
  docker compose up -d --build --wait
  echo "API worker processes: ${ENVELOPES_WORKERS:-0} (0: one per core of the container)"
  echo "Envelopes is running (Docker). Web app: http://127.0.0.1:$port/  Playground: $url"
  exit 0
fi

scripts/bootstrap.sh run
mkdir -p .data
if [ ! -s .data/jwt-secret ]; then
  (umask 077; random_secret > .data/jwt-secret)
fi

if [ -f .data/api.pid ] && kill -0 "$(cat .data/api.pid)" 2>/dev/null; then
  echo "Envelopes is already running. Web app: http://127.0.0.1:$port/  Playground: $url"
  exit 0
fi

echo "==> starting MongoDB (local replica set in .data/mongo)"
mongo_uri=$(.venv/bin/python -m app.devtools.localmongo start --dir .data/mongo \
  --port "${ENVELOPES_MONGO_PORT:-27017}")

export ENVELOPES_MONGODB_URI="$mongo_uri" ENVELOPES_JWT_SECRET="$(cat .data/jwt-secret)"
export ENVELOPES_HOST=127.0.0.1 ENVELOPES_PORT="$port"
# ENVELOPES_WORKERS sets the number of API processes (default: one per usable core).
workers=$(.venv/bin/python -c 'from app.core.settings import Settings; from app.serve import worker_count; print(worker_count(Settings()))')
echo "==> starting the API on 127.0.0.1:$port ($workers worker processes)"
# Its own session and process group: ./system-down.sh stops the supervisor and its workers.
setsid nohup .venv/bin/python -m app.serve >> .data/api.log 2>&1 < /dev/null &
echo $! > .data/api.pid

if ! wait_ready 60; then
  echo "The API did not become ready; last lines of .data/api.log:" >&2
  tail -n 30 .data/api.log >&2
  ./system-down.sh >&2
  exit 1
fi
echo "Envelopes is running. Web app: http://127.0.0.1:$port/  Playground: $url  (logs: .data/api.log; stop: ./system-down.sh)"
