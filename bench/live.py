"""Live subscriptions: 1,000 `accountChanged` subscribers on one API process.

Each subscriber is its own WebSocket (`graphql-transport-ws`, as Apollo's GraphQLWsLink
opens it, permessage-deflate included) held by the benchmark process, subscribed with the
shipped `live/AccountChanged` document (balances, envelopes, the new entries). One user owns
100 accounts; two layouts are measured:
- "100 accounts": 10 subscribers per account; each round records one income (through the
  API, 8 at a time) on every account, so every subscriber gets one event per round;
- "one account": all 1,000 on one account (the worst case: one change, 1,000 payloads);
  each round records one income.
Latency of a receipt, "after the commit": from the moment the mutation's answer reached the
benchmark (the commit is a few milliseconds before it) until the subscriber has read the
event whose entries hold that income; an event read before the answer counts as 0. Also
reported, as an upper bound, the same from just before the mutation was sent (it includes
the mutation's own time under the load of the round). Reported: p50/p99 over all receipts,
events missing or doubled (none expected), the API's resident set with the subscribers
connected (sampled every 50 ms). Judged: p99 after the commit ≤ 250 ms and RSS ≤ 300 MB in
each layout.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bench.gql import Api, Household, gather_limited, open_household, operation
from bench.infra import ApiProcess, RssSampler, cpu_seconds, read_status_kib
from bench.phases import Plan
from bench.report import Target, target
from bench.stats import percentile

Row = dict[str, Any]
P99_GOAL_MS = 250
RSS_GOAL_MB = 300
ACCOUNTS = 100
WAIT_SECONDS = 60  # for every expected event of a round to arrive (a bound, not a target)


@dataclass
class Receipts:
    """When each income was sent, and every subscriber's receipts of it."""

    sent: dict[str, float] = field(default_factory=dict)  # payee → perf_counter at send
    answered: dict[str, float] = field(default_factory=dict)  # payee → at the answer
    reads: list[tuple[str, float]] = field(default_factory=list)  # (payee, read at)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0

    def note(self, payee: str) -> None:
        if payee not in self.sent:
            return
        self.reads.append((payee, time.perf_counter()))
        if len(self.reads) >= self.expected:
            self.arrived.set()

    def after_commit_ms(self) -> list[float]:
        return [max(at - self.answered[p], 0.0) * 1000 for p, at in self.reads]

    def after_send_ms(self) -> list[float]:
        return [(at - self.sent[p]) * 1000 for p, at in self.reads]


async def _subscriber(url: str, token: str, account_gid: str, receipts: Receipts) -> Any:
    """An acknowledged socket with its first state read; then it notes every entry."""
    connection = await connect(url, subprotocols=["graphql-transport-ws"], max_queue=None)  # type: ignore[list-item]
    init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
    await connection.send(json.dumps(init))
    ack = json.loads(await connection.recv())
    if ack["type"] != "connection_ack":
        raise RuntimeError(f"socket refused: {ack}")
    payload = {"query": operation("live/AccountChanged"), "variables": {"accountId": account_gid}}
    await connection.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
    first = json.loads(await connection.recv())
    if first["type"] != "next" or "errors" in first["payload"]:
        raise RuntimeError(f"subscription refused: {first}")
    reader = asyncio.create_task(_read(connection, receipts))
    return connection, reader


async def _read(connection: ClientConnection, receipts: Receipts) -> None:
    async for raw in connection:
        message = json.loads(raw)
        if message.get("type") == "next":
            for entry in message["payload"]["data"]["accountChanged"]["entries"]:
                receipts.note(entry["payee"])


async def _income(api: Api, house: Household, account_gid: str, payee: str, r: Receipts) -> None:
    r.sent[payee] = time.perf_counter()
    await api.call(
        "ledger/RecordIncome",
        {"input": {"accountId": account_gid, "amount": "1.00", "payee": payee}},
        house.token,
    )
    r.answered[payee] = time.perf_counter()


async def _layout(
    api: Api, api_process: ApiProcess, house: Household, accounts: list[str], subscribers: int,
    rounds: int,
) -> Row:  # fmt: skip
    url = api.http.base_url.copy_with(scheme="ws", path="/graphql")
    receipts = Receipts()
    opened = await gather_limited(
        50, [_subscriber(str(url), house.token, accounts[i % len(accounts)], receipts)
             for i in range(subscribers)],
    )  # fmt: skip
    rss_connected = (read_status_kib(api_process.pid, "VmRSS") or 0) / 1024
    sampler = RssSampler(api_process.pid, every=0.05)
    sampler.start()
    per_account = subscribers // len(accounts)
    api_cpu, bench_cpu = cpu_seconds(api_process.pid), time.process_time()
    try:
        for r in range(rounds):
            receipts.arrived.clear()
            receipts.expected = len(receipts.reads) + subscribers
            jobs = [
                _income(api, house, gid, f"r{r}-{i}", receipts) for i, gid in enumerate(accounts)
            ]
            await gather_limited(8, jobs)
            try:
                await asyncio.wait_for(receipts.arrived.wait(), WAIT_SECONDS)
            except TimeoutError:
                break
    finally:
        api_cpu, bench_cpu = cpu_seconds(api_process.pid) - api_cpu, time.process_time() - bench_cpu
        sampler.stop()
        for connection, reader in opened:
            reader.cancel()
            await connection.close()
    await asyncio.sleep(0)  # (a doubled event would have been read by now)
    latencies, upper = receipts.after_commit_ms(), receipts.after_send_ms()
    return {
        "subscribers": subscribers, "accounts": len(accounts),
        "subscribers_per_account": per_account, "rounds": rounds,
        "events_expected": rounds * subscribers, "events_received": len(receipts.reads),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
        "from_send_p50_ms": round(percentile(upper, 50), 1),
        "from_send_p99_ms": round(percentile(upper, 99), 1),
        "api_cpu_us_per_event": round(api_cpu / max(len(receipts.reads), 1) * 1e6),
        "bench_cpu_us_per_event": round(bench_cpu / max(len(receipts.reads), 1) * 1e6),
        "rss_connected_mb": round(rss_connected, 1),
        "rss_peak_mb": round(max(sampler.samples_kib, default=0) / 1024, 1),
    }  # fmt: skip


async def live(
    plan: Plan, api: Api, api_process: ApiProcess, run_id: str, created: list[Household]
) -> tuple[Row, list[Target], Row]:
    subscribers = 100 if plan.quick else 1000
    house = await open_household(api, f"live-{run_id}@bench.example", ["Food"])
    created.append(house)
    more = [
        open_household(api, "x@bench.example", [], token_and_user=(house.token, house.user_id))
        for _ in range(ACCOUNTS - 1)
    ]
    others = await gather_limited(8, more)
    created += others
    gids = [house.account_gid, *(h.account_gid for h in others)]
    runs: dict[str, list[Row]] = {"100 accounts": [], "one account": []}
    for _ in range(plan.repeat):
        for name, accounts, rounds in (
            ("100 accounts", gids, 3 if plan.quick else 5),
            ("one account", gids[:1], 5 if plan.quick else 20),
        ):
            run = await _layout(api, api_process, house, accounts, subscribers, rounds)
            runs[name].append(run)
            print(
                f"  live, {subscribers} subscribers on {name}: after the commit p50 "
                f"{run['p50_ms']} ms, p99 {run['p99_ms']} ms (from the send: p50 "
                f"{run['from_send_p50_ms']}, p99 {run['from_send_p99_ms']} ms), "
                f"{run['events_received']}/{run['events_expected']} "
                f"events; API RSS {run['rss_connected_mb']} MB connected, peak "
                f"{run['rss_peak_mb']} MB; CPU per event: API {run['api_cpu_us_per_event']} µs, "
                f"benchmark {run['bench_cpu_us_per_event']} µs",
                flush=True,
            )
    targets = []
    for name, found in runs.items():
        targets += [
            target(f"live ({name}): commit → subscriber p99", [r["p99_ms"] for r in found],
                   P99_GOAL_MS, "<=", " ms"),
            target(f"live ({name}): API RSS with {subscribers} subscribers",
                   [r["rss_peak_mb"] for r in found], RSS_GOAL_MB, "<=", " MB"),
        ]  # fmt: skip
    every_event = all(
        r["events_received"] == r["events_expected"] for f in runs.values() for r in f
    )
    return {"layouts": runs}, targets, {"live_every_event_received_once": every_event}
