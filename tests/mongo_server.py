"""One MongoDB replica set for the whole test session, from wherever one can be had:

1. ENVELOPES_TEST_MONGODB_URI, when set (an existing replica set);
2. testcontainers, when a Docker engine answers (a single-member `--replSet` container);
3. otherwise a local `mongod` replica set started by `app.devtools.localmongo` in a
   temporary folder — the path CI takes on machines without Docker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

from app.devtools.localmongo import start_replica_set


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@contextlib.contextmanager
def _container_replica_set() -> Iterator[str]:
    from testcontainers.core.container import DockerContainer

    container = DockerContainer("mongo:6.0.5").with_command("--replSet rs0 --bind_ip_all")
    container.with_exposed_ports(27017)
    with container:
        port = container.get_exposed_port(27017)
        uri = f"mongodb://{container.get_container_host_ip()}:{port}/?directConnection=true"
        client: MongoClient[dict[str, object]] = MongoClient(uri, serverSelectionTimeoutMS=2000)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.admin.command(
                    "replSetInitiate",
                    {"_id": "rs0", "members": [{"_id": 0, "host": "localhost:27017"}]},
                )
                break
            except OperationFailure as exc:
                if exc.code == 23:  # already initiated
                    break
                raise
            except PyMongoError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        while not client.admin.command("hello").get("isWritablePrimary"):
            time.sleep(0.2)
        client.close()
        yield uri


@contextlib.contextmanager
def replica_set(folder: Path) -> Iterator[str]:
    configured = os.environ.get("ENVELOPES_TEST_MONGODB_URI")
    if configured:
        yield configured
    elif docker_answers():
        with _container_replica_set() as uri:
            yield uri
    else:
        rs = start_replica_set(folder, members=1)
        try:
            yield rs.uri
        finally:
            rs.stop()
