"""Several API processes (the `workers` part): money mutations and history pages at
concurrency 8 against the API run as deployed, `python -m app.serve`, with 1 and with 2
worker processes, in one run.

Both APIs run side by side on the same database (the idle one costs next to nothing) and
take turns, the order alternating by repeat. The kernel gives each new connection to one
worker; 8 connections spread at random can land 6 and 2, which would measure the split,
not the workers. So connections are opened until each worker holds an equal share (its pid
from /healthz on the connection), then kept for the measurement.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import history as hist
from bench import mutations as mut
from bench.gql import Household, operation
from bench.infra import HOST, ApiProcess, cpu_probe
from bench.loadgen import Connection, Probe, closed_loop, graphql_request, http_operation
from bench.phases import Plan, Rig, consistent, figure
from bench.report import Target
from bench.seed import History
from bench.stats import Sample

COUNTS = (1, 2)
LEVEL = 8
Row = dict[str, Any]


async def workers(
    plan: Plan, rig: Rig, env: dict[str, str], logs: Path, mongod_pid: int | None,
    run_id: str, created: list[Household], seeded: History | None,
) -> tuple[Row, list[Target], Row]:  # fmt: skip
    houses = await mut.households(rig.api, LEVEL, f"{run_id}-w")
    created += houses
    page = None
    if seeded is not None:  # page 100, or the last full one of a smaller history
        number = min(100, max(1, seeded.entries // hist.PAGE_SIZE))
        page = await hist.page_target(rig.db["transactions"], seeded.checking, number)
    kinds = ("move", "expense", "page") if page else ("move", "expense")
    apis: dict[int, ApiProcess] = {}
    samples: dict[tuple[int, str], list[Sample]] = {}
    rss: dict[int, float] = {}
    try:
        for n in COUNTS:
            apis[n] = ApiProcess.start(env, logs / f"api-{n}-workers.log", workers=n)
        for repeat in range(plan.repeat):
            for count in COUNTS if repeat % 2 == 0 else COUNTS[::-1]:
                api = apis[count]
                for kind in kinds:
                    requests = [_requests(api.port, kind, h, seeded, page) for h in houses]
                    sample = await _run(plan, api, count, requests, cpu_probe(api.pid, mongod_pid))
                    samples.setdefault((count, kind), []).append(sample)
                    print(f"  {count} worker(s) {kind:7} c={LEVEL}: {_brief(sample)}", flush=True)
                rss[count] = max(rss.get(count, 0.0), api.rss_kib() / 1024)
    finally:
        for api in apis.values():
            api.stop()
    runs: Row = {
        str(count): {kind: figure(samples[(count, kind)]) for kind in kinds}
        | {"rss_mb": round(rss.get(count, 0.0), 1)}
        for count in COUNTS
    }
    checks = {"workers_accounts_consistent": await consistent(rig.db, houses)}
    return {"concurrency": LEVEL, "page": page.number if page else None, "runs": runs}, [], checks


async def _run(
    plan: Plan, api: ApiProcess, count: int, requests: list[list[bytes]], probe: Probe
) -> Sample:
    connections = await balanced(api, count)
    try:
        operations = [http_operation(c, r) for c, r in zip(connections, requests, strict=True)]
        return await closed_loop(operations, plan.warmup, plan.duration, probe)
    finally:
        for connection in connections:
            await connection.close()


async def balanced(api: ApiProcess, count: int) -> list[Connection]:
    """LEVEL connections, LEVEL / count held by each worker."""
    health = f"GET /healthz HTTP/1.1\r\nHost: {HOST}:{api.port}\r\n\r\n".encode()
    held: dict[int, list[Connection]] = {}
    for _ in range(50 * LEVEL):
        connection = await Connection.open(HOST, api.port)
        _, body = await connection.send(health)
        mine = held.setdefault(json.loads(body)["pid"], [])
        if len(mine) < LEVEL // count:
            mine.append(connection)
        else:
            await connection.close()
        if sum(map(len, held.values())) == LEVEL:
            return [c for group in held.values() for c in group]
    raise RuntimeError(f"could not spread {LEVEL} connections evenly over {count} workers")


def _requests(
    port: int, kind: str, house: Household, seeded: History | None, page: hist.PageTarget | None
) -> list[bytes]:
    """One connection's requests: a move or an expense in its own account, or the page of
    the seeded history (the same page for every connection)."""
    if kind == "move":
        return mut._move_requests(port, house)
    if kind == "expense":
        return mut._expense_requests(port, house)
    if seeded is None or page is None:
        raise ValueError("history pages need the seeded history")
    variables = hist._transactions_variables(seeded.checking, page.cursor)
    document = operation("ledger/Transactions")
    return [graphql_request(HOST, port, seeded.checking.token, document, variables)]


def _brief(sample: Sample) -> str:
    s = sample.summary()
    text = f"{s['rate_per_s']:>7.1f}/s p50 {s['p50_ms']:.2f} ms p99 {s['p99_ms']:.2f} ms"
    text += f" (API CPU {s['cpu_ms_per_op'].get('api', float('nan')):.2f} ms/op)"
    return text + (f" FAILURES {s['failures']}" if s["failures"] else "")
