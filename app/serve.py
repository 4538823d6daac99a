"""Run the API: `python -m app.serve`, the one way every deployment starts it (system-up.sh,
the container image, Kubernetes).

uvicorn with `ENVELOPES_WORKERS` processes (default: one per core this process may use)
sharing one listening socket on `ENVELOPES_HOST:ENVELOPES_PORT`; the kernel hands each new
connection to one of them. Above one worker, uvicorn's supervisor (this process) starts the
workers, pings them, replaces one that dies or hangs, and stops them all on SIGTERM/SIGINT;
SIGTTIN/SIGTTOU add or remove one, SIGHUP replaces them one by one. Each worker is a whole
API (its own MongoDB client, scheduler, change streams); what must hold across them lives
in MongoDB (rate-limit counters, logins, the scheduler's lease, the change streams).

No permessage-deflate on the subscription sockets: a compressor per socket (~250 KB) would
more than double the memory of 1,000 subscribers, for small JSON messages. No access log:
the app logs what it needs (with request ids). The event loop and HTTP parser are uvicorn's
"auto": uvloop and httptools, which `uvicorn[standard]` installs.
"""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

import uvicorn

from app.core.settings import Settings

APP = "app.main:create_app_from_env"
CGROUP_CPU_MAX = Path("/sys/fs/cgroup/cpu.max")

log = logging.getLogger("envelopes.serve")


def usable_cores(cgroup_cpu_max: Path = CGROUP_CPU_MAX) -> int:
    """The cores this process may run on (its CPU affinity), capped by a cgroup v2 CPU quota
    rounded up (a container limited to 1.5 CPUs: 2), since a Kubernetes or Compose CPU
    limit leaves the affinity at every core of the node."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    try:
        quota, period = cgroup_cpu_max.read_text().split()
    except (OSError, ValueError):
        return cores
    if quota == "max":
        return cores
    return max(1, min(cores, math.ceil(int(quota) / int(period))))


def worker_count(settings: Settings) -> int:
    return settings.workers or usable_cores()


def serve(settings: Settings) -> None:
    workers = worker_count(settings)
    log.info(
        "serving on %s:%d with %d worker process%s",
        settings.host, settings.port, workers, "" if workers == 1 else "es",
    )  # fmt: skip
    uvicorn.run(
        APP,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        access_log=False,
        ws_per_message_deflate=False,
        log_level=settings.log_level.lower(),
    )


if __name__ == "__main__":
    settings = Settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(message)s")
    serve(settings)
