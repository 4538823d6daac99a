"""The load generator: a minimal HTTP/1.1 keep-alive client and closed-loop runners.

On a 2-core machine the generator competes with the API and MongoDB for CPU, so it does as
little as possible per request: request bytes are encoded once up front, a response is read
by its Content-Length and judged by a byte search, and one connection per worker is reused.
A worker sends its next request as soon as the previous answer arrived (closed loop), so
concurrency N means N requests in flight.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench.stats import Sample

Operation = Callable[[], Awaitable[bool]]  # one request; True when it succeeded
Probe = Callable[[], dict[str, float]]  # CPU seconds used so far, per process


def cpu_per_op(before: dict[str, float], after: dict[str, float], ops: int) -> dict[str, float]:
    return {name: (after[name] - before[name]) * 1000 / ops for name in before} if ops else {}


def graphql_request(
    host: str, port: int, token: str | None, document: str, variables: Any
) -> bytes:
    """A complete POST /graphql request, ready to write to a socket."""
    body = json.dumps({"query": document, "variables": variables}).encode()
    head = [
        "POST /graphql HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        "Accept: application/json",
        f"Content-Length: {len(body)}",
    ]
    if token:
        head.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def failed(status: int, body: bytes) -> bool:
    """A GraphQL answer that is not a success: not 200, or any error code in it (userErrors
    and top-level errors both carry `code`; the benchmarked selections have no other)."""
    return status != 200 or b'"code"' in body


class Connection:
    """One keep-alive HTTP/1.1 connection; requests go one at a time. The server closes a
    connection left idle for a few seconds (uvicorn: 5 s); it is then opened again."""

    def __init__(
        self, address: tuple[str, int], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.address = address
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        return cls((host, port), reader, writer)

    async def send(self, request: bytes) -> tuple[int, bytes]:
        if self.reader.at_eof():
            self.writer.close()
            self.reader, self.writer = await asyncio.open_connection(*self.address)
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        start = head.lower().find(b"content-length:")
        if start < 0:
            raise RuntimeError(f"response without Content-Length: {head!r}")
        end = head.index(b"\r\n", start)
        body = await self.reader.readexactly(int(head[start + 15 : end]))
        return status, body

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


def http_operation(connection: Connection, requests: Sequence[bytes]) -> Operation:
    """Send `requests` in turn, round and round, on one connection."""
    cycle = itertools.cycle(requests)

    async def run() -> bool:
        status, body = await connection.send(next(cycle))
        return not failed(status, body)

    return run


async def closed_loop(
    operations: Sequence[Operation], warmup: float, duration: float, probe: Probe
) -> Sample:
    """Run every operation in its own loop: `warmup` seconds unrecorded, then `duration`
    seconds recorded. Only requests started inside the window count; the rate divides
    them by the time from the window's start to the last of them finishing."""
    clock = time.perf_counter
    start = clock()
    window = start + warmup
    stop = window + duration
    latencies: list[float] = []
    failures = 0
    last_end = window
    slowest = 0.0

    async def worker(operation: Operation) -> None:
        nonlocal failures, last_end, slowest
        while (began := clock()) < stop:
            ok = await operation()
            ended = clock()
            slowest = max(slowest, ended - began)
            if began >= window:
                latencies.append((ended - began) * 1000)
                failures += not ok
                last_end = max(last_end, ended)

    before: dict[str, float] = {}

    async def mark() -> None:
        await asyncio.sleep(max(0.0, window - clock()))
        before.update(probe())

    await asyncio.gather(mark(), *(worker(op) for op in operations))
    cpu = cpu_per_op(before, probe(), len(latencies))
    seconds = last_end - window
    return Sample(len(latencies), failures, seconds, latencies, cpu, slowest * 1000)


async def sequential(operation: Operation, warmup: int, count: int, probe: Probe) -> Sample:
    """`warmup` unrecorded calls, then `count` recorded ones, one at a time."""
    for _ in range(warmup):
        await operation()
    clock = time.perf_counter
    latencies: list[float] = []
    failures = 0
    before = probe()
    start = clock()
    for _ in range(count):
        began = clock()
        ok = await operation()
        latencies.append((clock() - began) * 1000)
        failures += not ok
    seconds = clock() - start
    return Sample(count, failures, seconds, latencies, cpu_per_op(before, probe(), count))


async def budgeted(
    operation: Operation, count: int, seconds: float, at_least: int, probe: Probe
) -> Sample:
    """Like `sequential` (one warm-up call), but stops after `seconds` once `at_least` calls
    are done: for slow baselines such as an aggregate over a million entries."""
    await operation()
    clock = time.perf_counter
    latencies: list[float] = []
    failures = 0
    before = probe()
    start = clock()
    while len(latencies) < count and (len(latencies) < at_least or clock() - start < seconds):
        began = clock()
        ok = await operation()
        latencies.append((clock() - began) * 1000)
        failures += not ok
    seconds, ops = clock() - start, len(latencies)
    return Sample(ops, failures, seconds, latencies, cpu_per_op(before, probe(), ops))
