"""Clients that keep moving money while the replica set fails over, as a careful client would.

Every money mutation carries a fresh idempotency key. An answer is *definite* when it is a
payload (a success, or userErrors: nothing was changed); a retryable top-level error
(UNAVAILABLE, TIMEOUT) is retried with the SAME request and the SAME key until the answer is
definite.
The `TrafficLog` keeps what the clients were told, for the checks made afterwards in MongoDB.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.graphql_client import Response
from tests.ledger_client import Member

# UNAVAILABLE: no primary right now; TIMEOUT: the request ran out of its time budget
# (app/graphql/engine/timeout.py). Both say "retry, with the same idempotency key".
# A concurrent request with the same key (a retry overtaking its own first attempt, still
# running in the server) gets CONFLICT on idempotencyKey: "in use; retry".
KEY_IN_USE = "CONFLICT:idempotencyKey"
RETRYABLE = {"UNAVAILABLE", "TIMEOUT", KEY_IN_USE}
ENTRIES_PER_SUCCESS = {"RecordIncome": 1, "RecordExpense": 1, "MoveMoney": 1, "TransferMoney": 2}
RETRY_PAUSE = 0.2  # seconds before a retry, plus jitter
GIVE_UP_AFTER = 30.0  # a request still undecided after this long is a failure of the test


@dataclass(frozen=True)
class Acknowledged:
    """A mutation the API reported as done: its key, its entry ids, its effect on the total."""

    operation: str
    key: str
    entry_ids: tuple[str, ...]
    net_amount: int  # minor units added to the household's total (income +, expense -)


@dataclass
class TrafficLog:
    acknowledged: list[Acknowledged] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # key → userErrors code
    undecided: list[str] = field(default_factory=list)  # keys without a definite answer
    codes: Counter[str] = field(default_factory=Counter)  # answers that were not a success
    retries: int = 0
    retried_keys: set[str] = field(default_factory=set)
    successes: list[tuple[float, float]] = field(default_factory=list)  # (sent, answered)
    longest_request: float = 0.0

    def first_success_sent_after(self, moment: float) -> float | None:
        """When the first success of a request sent after `moment` was answered."""
        answered = [done for sent, done in self.successes if sent >= moment]
        return min(answered, default=None)


@dataclass(frozen=True)
class Account:
    id: str
    envelopes: tuple[str, ...]  # Available first


def _cents(rng: random.Random, most: int) -> tuple[int, str]:
    cents = rng.randint(1, most)
    return cents, f"{cents // 100}.{cents % 100:02d}"


def random_operation(
    rng: random.Random, accounts: list[Account]
) -> tuple[str, dict[str, Any], int]:
    """(operation, input, effect on the total in minor units): mostly moves and transfers."""
    account = rng.choice(accounts)
    roll = rng.random()
    if roll < 0.4:
        source, target = rng.sample(account.envelopes, 2)
        _, amount = _cents(rng, 3000)
        move = {"accountId": account.id, "fromEnvelopeId": source, "toEnvelopeId": target}
        return "MoveMoney", {**move, "amount": amount}, 0
    if roll < 0.8:
        other = rng.choice([a for a in accounts if a is not account])
        _, amount = _cents(rng, 3000)
        return "TransferMoney", {"fromAccountId": account.id, "toAccountId": other.id,
                                 "amount": amount}, 0  # fmt: skip
    cents, amount = _cents(rng, 2000)
    if roll < 0.9:
        return "RecordIncome", {"accountId": account.id, "amount": amount}, cents
    envelope = rng.choice(account.envelopes)
    expense = {"accountId": account.id, "envelopeId": envelope, "payee": "Shop"}
    return "RecordExpense", {**expense, "amount": amount}, -cents


def _entry_ids(operation: str, payload: dict[str, Any]) -> tuple[str, ...]:
    if operation == "TransferMoney":
        return (payload["outgoing"]["id"], payload["incoming"]["id"])
    return (payload["transaction"]["id"],)


def _codes(reply: Response) -> set[str]:
    """The codes of an answer that is not a success (none for a success)."""
    if reply.status != 200:
        return {f"HTTP {reply.status}"}
    if reply.errors:
        return {str(code) for code in reply.error_codes()}
    [payload] = reply.body["data"].values()
    if not payload["userErrors"]:
        return set()
    error = payload["userErrors"][0]
    if error["code"] == "CONFLICT" and error["field"] == ["idempotencyKey"]:
        return {KEY_IN_USE}
    return {error["code"]}


async def settle(
    member: Member, operation: str, input: dict[str, Any], net: int, log: TrafficLog
) -> None:
    """Send one mutation until its answer is definite, retrying with the same key."""
    key = input["idempotencyKey"]
    deadline = time.monotonic() + GIVE_UP_AFTER
    while True:
        sent = time.monotonic()
        reply = await member.send(operation, {"input": input})
        answered = time.monotonic()
        log.longest_request = max(log.longest_request, answered - sent)
        codes = _codes(reply)
        log.codes.update(codes)
        if not codes:
            [payload] = reply.body["data"].values()
            log.successes.append((sent, answered))
            ids = _entry_ids(operation, payload)
            log.acknowledged.append(Acknowledged(operation, key, ids, net))
            return
        if codes <= RETRYABLE and answered < deadline:
            log.retries += 1
            log.retried_keys.add(key)
            await asyncio.sleep(RETRY_PAUSE * (1 + random.random()))
            continue
        if reply.status == 200 and not reply.errors:  # userErrors: refused, nothing changed
            log.refused[key] = codes.pop()
        else:
            log.undecided.append(key)
        return


async def client(
    seed: int, member: Member, accounts: list[Account], log: TrafficLog, stop: asyncio.Event
) -> None:
    """Random money mutations, one at a time, until `stop` is set."""
    rng = random.Random(seed)
    while not stop.is_set():
        operation, input, net = random_operation(rng, accounts)
        input["idempotencyKey"] = f"failover-{seed}-{uuid.uuid4()}"
        await settle(member, operation, input, net, log)
