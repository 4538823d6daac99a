"""What the benchmark runs against: a local MongoDB replica set and one uvicorn process.

The API runs exactly as in production (`uvicorn app.main:create_app_from_env --factory`,
uvloop and httptools when installed), with cheap password hashing so that setting up users
is quick, and an access-token lifetime long enough for the whole run. The `workers` part
starts it as deployed with several processes (`python -m app.serve`, ENVELOPES_WORKERS).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.devtools.localmongo import free_port

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def api_environment(mongo_uri: str, database: str) -> dict[str, str]:
    return os.environ | {
        "ENVELOPES_MONGODB_URI": mongo_uri,
        "ENVELOPES_MONGODB_DATABASE": database,
        "ENVELOPES_JWT_SECRET": secrets.token_urlsafe(48),
        "ENVELOPES_LOG_LEVEL": "WARNING",
        "ENVELOPES_RATE_LIMIT_ENABLED": "false",
        "ENVELOPES_PASSWORD_HASH_TIME_COST": "1",
        "ENVELOPES_PASSWORD_HASH_MEMORY_KIB": "1024",
        "ENVELOPES_PASSWORD_HASH_PARALLELISM": "1",
        "ENVELOPES_ACCESS_TOKEN_TTL_SECONDS": "86400",
        # The scheduler runs only in the catch-up part's own process (bench/catchup.py).
        "ENVELOPES_SCHEDULER_ENABLED": "false",
    }


def ready_status(port: int, timeout: float = 2.0) -> int | None:
    """The status of GET /readyz, or None when nothing answers yet."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", "/readyz")
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def read_status_kib(pid: int, name: str) -> int | None:
    """A `Vm*` line of /proc/<pid>/status (in KiB), None once the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children now alive (a supervisor and its workers).
    A worker that died in the window takes its CPU time with it: none die in a run."""
    return cpu_seconds(pid) + sum(cpu_seconds(child) for child in children(pid))


def cpu_probe(api_pid: int, mongod_pid: int | None) -> Callable[[], dict[str, float]]:
    """CPU seconds so far of the API (with its workers, if any), mongod and this process
    (the load generator or the raw driver), for CPU time per operation: steadier than
    rates on a shared machine."""
    me = os.getpid()

    def probe() -> dict[str, float]:
        return {
            "api": tree_cpu_seconds(api_pid),
            "mongod": cpu_seconds(mongod_pid) if mongod_pid else 0.0,
            "bench": cpu_seconds(me),
        }

    return probe


@dataclass
class ApiProcess:
    """One uvicorn process serving the app; `startup_seconds` is spawn → /readyz 200."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    startup_seconds: float = float("nan")
    env: dict[str, str] = field(default_factory=dict, repr=False)  # what it was started with

    @classmethod
    def start(
        cls, env: dict[str, str], log: Path, timeout: float = 60, workers: int | None = None
    ) -> ApiProcess:
        """One process; with `workers`, `python -m app.serve`: a supervisor and that many
        worker processes (ready once one of them answers /readyz)."""
        port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", "app.main:create_app_from_env", "--factory",
            "--host", HOST, "--port", str(port), "--no-access-log", "--log-level", "warning",
            "--ws-per-message-deflate", "false",  # as deployed (containers/api/Dockerfile)
        ]  # fmt: skip
        if workers is not None:
            command = [sys.executable, "-m", "app.serve"]
            env = env | {"ENVELOPES_HOST": HOST, "ENVELOPES_PORT": str(port),
                         "ENVELOPES_WORKERS": str(workers)}  # fmt: skip
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as sink:
            began = time.perf_counter()
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        api = cls(process, port, log, env=env)
        while ready_status(port) != 200:
            if process.poll() is not None:
                raise RuntimeError(f"the API exited with {process.returncode}; see {log}")
            if time.perf_counter() - began > timeout:
                api.stop()
                raise RuntimeError(f"the API was not ready within {timeout} s; see {log}")
            time.sleep(0.01)
        api.startup_seconds = time.perf_counter() - began
        return api

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def peak_rss_kib(self) -> int | None:
        return read_status_kib(self.pid, "VmHWM")

    def rss_kib(self) -> int:
        """The resident set of the process and of its workers, if any."""
        pids = [self.pid, *children(self.pid)]
        return sum(read_status_kib(pid, "VmRSS") or 0 for pid in pids)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)  # with its workers (its own session)
                self.process.wait()


@dataclass
class RssSampler:
    """Samples a process's resident set size (VmRSS) in a thread while it runs."""

    pid: int
    every: float = 0.25
    samples_kib: list[int] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            value = read_status_kib(self.pid, "VmRSS")
            if value is not None:
                self.samples_kib.append(value)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def mongod_version(mongod: str) -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(  # noqa: S603 (the mongod the launcher chose)
            [mongod, "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
        first = out.splitlines()[0] if out else ""
        return first.replace("db version ", "").strip()
    return "unknown"
