"""A real API process for tests that need one (uvicorn, as in production): started on a free
port, ready once /readyz answers, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.devtools.localmongo import free_port
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def process_environment(mongo_uri: str, database: str, **settings: str) -> dict[str, str]:
    """The environment of a test API process: cheap password hashing, no rate limits, quiet
    logs, then `settings` (ENVELOPES_* names without the prefix, e.g. SCHEDULER_ENABLED)."""
    return (
        os.environ
        | {
            "ENVELOPES_MONGODB_URI": mongo_uri,
            "ENVELOPES_MONGODB_DATABASE": database,
            "ENVELOPES_JWT_SECRET": TEST_SECRET,
            "ENVELOPES_LOG_LEVEL": "WARNING",
            "ENVELOPES_LOG_FORMAT": "text",
            "ENVELOPES_RATE_LIMIT_ENABLED": "false",
            "ENVELOPES_PASSWORD_HASH_TIME_COST": "1",
            "ENVELOPES_PASSWORD_HASH_MEMORY_KIB": "1024",
            "ENVELOPES_PASSWORD_HASH_PARALLELISM": "1",
        }
        | {f"ENVELOPES_{name}": value for name, value in settings.items()}
    )


@dataclass
class ApiProcess:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def start_api(
    env: dict[str, str], log: Path, timeout: float = 60, workers: int | None = None
) -> ApiProcess:
    """One uvicorn process; with `workers`, `python -m app.serve` as deployed: a supervisor
    and that many worker processes on one port (their pids: `worker_pids`)."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "app.main:create_app_from_env", "--factory",
        "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    if workers is not None:
        command = [sys.executable, "-m", "app.serve"]
        env = env | {"ENVELOPES_HOST": HOST, "ENVELOPES_PORT": str(port),
                     "ENVELOPES_WORKERS": str(workers)}  # fmt: skip
    with log.open("ab") as sink:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    began = time.monotonic()
    while True:
        try:
            if httpx.get(f"http://{HOST}:{port}/readyz", timeout=2).status_code == 200:
                return ApiProcess(process, port)
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() - began > timeout:
            process.kill()
            raise RuntimeError(f"the API did not start; see {log}")
        time.sleep(0.05)


def worker_pids(api: ApiProcess) -> set[int]:
    """The processes serving `api` now: its workers (children of the supervisor), or the
    process itself when it has none."""
    children = Path(f"/proc/{api.process.pid}/task/{api.process.pid}/children")
    pids = {int(pid) for pid in children.read_text().split()}
    # multiprocessing's resource tracker is a child too; the workers answer on the port.
    workers = {pid for pid in pids if "multiprocessing-fork" in _cmdline(pid)}
    return workers or {api.process.pid}


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def stop(api: ApiProcess) -> None:
    """SIGTERM (a supervisor passes it on to its workers and waits for them), then SIGKILL to
    the whole process group (the API and any worker) if it does not end in time."""
    if api.process.poll() is None:
        api.process.send_signal(signal.SIGTERM)
        try:
            api.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(api.process.pid, signal.SIGKILL)
            api.process.wait()


def end_orphaned_transactions(client: Any) -> None:
    """End the transactions a SIGKILLed API process left open (MongoDB would abort them after
    a minute). Call it once every API process of the test has stopped, before dropping the
    test's database: a drop queued behind such a transaction's locks can stall the reaper that
    would abort it. Only idle transactions of API processes are ended."""
    idle = client.admin.command("currentOp", {"$all": True, "active": False})["inprog"]
    orphans = [
        op["lsid"]
        for op in idle
        if op.get("transaction") and op.get("lsid") and op.get("appName") == "envelopes-api"
    ]
    if orphans:
        client.admin.command("killSessions", orphans)
