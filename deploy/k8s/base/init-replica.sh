#!/bin/sh
# Bootstrap of the rs0 replica set, run by the mongo-init one-shot service on every
# `docker compose up` (and by the mongo-init Job of deploy/k8s, with MONGO_MEMBERS set to
# its members' names: deploy/k8s/base/init-replica.sh is a copy of this file). Idempotent:
#   1. wait until the members (MONGO_MEMBERS, default mongo1 mongo2 mongo3; port 27017)
#      answer ping over the network;
#   2. as root on the first member (direct connection), rs.initiate() unless already initiated;
#   3. wait until some member reports PRIMARY;
#   4. create (or update) user envelopes@envelopes through the replica-set URI, so the
#      write goes to the primary.
# Each wait gives up after INIT_TIMEOUT seconds (default 120) with a non-zero exit.
set -eu

: "${MONGO_ROOT_PASSWORD:?MONGO_ROOT_PASSWORD is not set}"
: "${MONGO_APP_PASSWORD:?MONGO_APP_PASSWORD is not set}"   # read by the JS via process.env
TIMEOUT="${INIT_TIMEOUT:-120}"
MONGO_MEMBERS="${MONGO_MEMBERS:-mongo1 mongo2 mongo3}"
export MONGO_MEMBERS   # read by the JS too
FIRST="${MONGO_MEMBERS%% *}"
RS_HOSTS=$(printf '%s:27017,' $MONGO_MEMBERS)
RS_URI="mongodb://${RS_HOSTS%,}/admin?replicaSet=rs0&serverSelectionTimeoutMS=10000"

log() { echo "init-replica: $*"; }

# URI for one member on its own: works while it is uninitiated or a secondary.
direct_uri() { echo "mongodb://$1:27017/admin?directConnection=true&serverSelectionTimeoutMS=3000"; }

# mongosh as root (created in admin on mongo1 by the image entrypoint). The password is
# passed as an argument, not in the URI, so it needs no percent-encoding.
as_root() {
    uri=$1
    shift
    mongosh --quiet --norc "$uri" --username root --password "$MONGO_ROOT_PASSWORD" \
        --authenticationDatabase admin "$@"
}

# wait_for DESCRIPTION COMMAND...: retry COMMAND every 2 s until it succeeds or TIMEOUT.
wait_for() {
    what=$1
    shift
    deadline=$(($(date +%s) + TIMEOUT))
    while ! out=$("$@" 2>&1); do
        if [ "$(date +%s)" -ge "$deadline" ]; then
            log "timed out after ${TIMEOUT}s waiting for $what; last output:" >&2
            printf '%s\n' "$out" >&2
            exit 1
        fi
        sleep 2
    done
    [ -z "$out" ] || printf '%s\n' "$out"
    log "$what: ok"
}

# 1. Over the network, not localhost: on the first member's first boot the entrypoint's
#    temporary mongod (no replSet, 127.0.0.1 only) may have satisfied the healthcheck already.
for host in $MONGO_MEMBERS; do
    wait_for "$host reachable" mongosh --quiet --norc "$(direct_uri "$host")" \
        --eval "quit(db.adminCommand({ ping: 1 }).ok ? 0 : 1)"
done

# 2. Initiate on the first member, the only one holding data (the root user); the others
#    are empty and copy it by initial sync. rs.status() throws code 94 (NotYetInitialized)
#    before the first initiate; any other error is real and aborts.
INITIATE_JS='
const hosts = process.env.MONGO_MEMBERS.split(/\s+/).filter((h) => h !== "");
const config = {
  _id: "rs0",
  members: hosts.map((h, i) => ({ _id: i, host: h + ":27017" })),
};
let initiated = true;
try {
  rs.status();
} catch (e) {
  if (e.code !== 94) throw e;
  initiated = false;
}
if (initiated) {
  print("replica set rs0 already initiated");
} else {
  try {
    const res = rs.initiate(config);
    if (!res.ok) throw new Error("replSetInitiate failed: " + JSON.stringify(res));
    print("replica set rs0 initiated");
  } catch (e) {
    if (e.code !== 23) throw e; // 23 AlreadyInitialized: initiated concurrently, fine
    print("replica set rs0 already initiated");
  }
}
'
if ! as_root "$(direct_uri "$FIRST")" --eval "$INITIATE_JS"; then
    log "initiate step failed on $FIRST. 'Authentication failed' means its data was created" >&2
    log "with another MONGO_ROOT_PASSWORD: restore that password (.env or the Secret), or reset" >&2
    log "the data ('docker compose down -v'; on Kubernetes, delete the mongo PVCs)." >&2
    exit 1
fi

# 3. A fresh set elects the first member: the others cannot stand for election until
#    their initial sync is done.
wait_for "a PRIMARY in rs0" as_root "$(direct_uri "$FIRST")" \
    --eval 'quit(rs.status().members.some((m) => m.stateStr === "PRIMARY") ? 0 : 1)'

# 4. Application user. updateUser when it exists keeps the password in step with .env.
#    Retried: a just-elected primary can refuse writes for a moment, and w:majority
#    waits for one secondary to finish its initial sync.
APP_USER_JS='
const appDb = db.getSiblingDB("envelopes");
const pwd = process.env.MONGO_APP_PASSWORD;
const roles = [
  { role: "readWrite", db: "envelopes" },
  { role: "clusterMonitor", db: "admin" },
];
const wc = { w: "majority", wtimeout: 30000 };
if (appDb.getUser("envelopes") === null) {
  appDb.createUser({ user: "envelopes", pwd, roles }, wc);
  print("created user envelopes@envelopes");
} else {
  appDb.updateUser("envelopes", { pwd, roles }, wc);
  print("updated user envelopes@envelopes");
}
'
wait_for "application user envelopes" as_root "$RS_URI" --eval "$APP_USER_JS"

log "replica set rs0 ready"
