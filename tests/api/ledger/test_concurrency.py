"""Money is never created, lost or double-counted under concurrency.

Sixteen clients (four members of one household, four clients each) send 1,024 random incomes,
expenses, moves, transfers and undos through the GraphQL API at once, on four shared accounts.
Afterwards the stored state is checked directly in MongoDB for every account:

- balance = Σ live envelope balances = Σ entry amounts, and each envelope's balance = Σ its lines;
- sequence numbers are 1..n, unique and gapless;
- no envelope is below zero where the account does not allow it;
- the entries written are exactly those of the mutations that reported success.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member

CLIENTS = 16
OPERATIONS_PER_CLIENT = 64
ENTRIES_PER_SUCCESS = {"RecordIncome": 1, "RecordExpense": 1, "MoveMoney": 1, "TransferMoney": 2}


@dataclass
class Household:
    members: list[Member]
    accounts: list[dict[str, Any]]  # id, envelope ids, overdraft flag
    entry_ids: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    entries_expected: int = 0


async def _setup(gql: GraphQLClient) -> Household:
    owner = await Member.register(gql, "owner@example.com", "Owner")
    others = [await Member.register(gql, f"m{i}@example.com", f"M{i}") for i in range(3)]
    accounts = []
    for i, (kind, opening) in enumerate(
        [("CHECKING", "500.00"), ("CHECKING", "500.00"), ("SAVINGS", "500.00"),
         ("CREDIT_CARD", "-100.00")]
    ):  # fmt: skip
        account = await owner.open_account(
            name=f"Account {i}", type=kind, openingBalance=opening,
            envelopeNames=["Food", "Rent", "Fun"],
        )  # fmt: skip
        for member in others:
            await owner.do(
                "ShareAccount", accountId=account["id"], email=member.user["email"], role="EDITOR"
            )
        accounts.append(
            {
                "id": account["id"],
                "envelopes": [e["id"] for e in account["envelopes"]],
                "overdraft": account["allowOverdraft"],
            }
        )
    return Household([owner, *others], accounts)


def _amount(rng: random.Random) -> str:
    return f"{rng.randint(1, 4000) / 100:.2f}"


def _random_operation(rng: random.Random, home: Household) -> tuple[str, dict[str, Any]]:
    account = rng.choice(home.accounts)
    envelopes = account["envelopes"]
    roll = rng.random()
    if roll < 0.25:
        allocations = [{"envelopeId": rng.choice(envelopes[1:]), "amount": "1.00"}]
        return "RecordIncome", {
            "accountId": account["id"], "amount": _amount(rng),
            "allocations": allocations if rng.random() < 0.5 else None,
        }  # fmt: skip
    if roll < 0.5:
        return "RecordExpense", {
            "accountId": account["id"], "amount": _amount(rng),
            "envelopeId": rng.choice(envelopes), "payee": "Shop",
        }  # fmt: skip
    if roll < 0.7:
        source, target = rng.sample(envelopes, 2)
        return "MoveMoney", {
            "accountId": account["id"], "fromEnvelopeId": source, "toEnvelopeId": target,
            "amount": _amount(rng),
        }  # fmt: skip
    if roll < 0.88 or not home.entry_ids:
        other = rng.choice([a for a in home.accounts if a is not account])
        return "TransferMoney", {
            "fromAccountId": account["id"], "toAccountId": other["id"], "amount": _amount(rng),
        }  # fmt: skip
    return "UndoTransaction", {"id": rng.choice(home.entry_ids)}


def _account_outcome(name: str, payload: dict[str, Any]) -> list[str]:
    """Ids of the entries a successful mutation reports."""
    if name == "TransferMoney":
        return [payload["outgoing"]["id"], payload["incoming"]["id"]]
    if name == "UndoTransaction":
        return [r["id"] for r in payload["reversals"]]
    return [payload["transaction"]["id"]]


async def _client(seed: int, member: Member, home: Household) -> None:
    rng = random.Random(seed)
    for _ in range(OPERATIONS_PER_CLIENT):
        name, variables = _random_operation(rng, home)
        payload = await member.attempt(name, **variables)
        if payload["userErrors"]:
            home.outcomes[f"{name}:{payload['userErrors'][0]['code']}"] += 1
            continue
        written = _account_outcome(name, payload)
        assert len(written) == ENTRIES_PER_SUCCESS.get(name, len(written))
        home.outcomes[f"{name}:ok"] += 1
        home.entries_expected += len(written)
        home.entry_ids.extend(written)


def _check_account(mongo: Any, row: dict[str, Any]) -> int:
    entries = list(mongo.transactions.find({"account_id": row["_id"]}).sort("seq", 1))
    live = [e for e in row["envelopes"] if not e["deleted"]]
    assert row["balance"] == sum(e["balance"] for e in live) == sum(e["amount"] for e in entries)
    for envelope in row["envelopes"]:
        lines = sum(
            line["amount"]
            for entry in entries
            for line in entry["lines"]
            if line["envelope_id"] == envelope["id"]
        )
        assert envelope["balance"] == lines, envelope["name"]
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert row["seq"] == len(entries)
    if not row["allow_overdraft"]:
        assert all(e["balance"] >= 0 for e in live), row["envelopes"]
    return len(entries) - 1  # the opening entry is not one of the random mutations


async def test_concurrent_clients_never_create_lose_or_double_count_money(
    gql: GraphQLClient, mongo: Any
) -> None:
    home = await _setup(gql)
    started = time.perf_counter()
    await asyncio.gather(*(_client(seed, home.members[seed % 4], home) for seed in range(CLIENTS)))
    elapsed = time.perf_counter() - started

    written = 0
    for row in mongo.accounts.find({}):
        written += _check_account(mongo, row)
    successes = sum(n for key, n in home.outcomes.items() if key.endswith(":ok"))
    assert sum(home.outcomes.values()) == CLIENTS * OPERATIONS_PER_CLIENT >= 1000
    assert successes > 500  # mostly successes, not a test of refusals
    assert written == home.entries_expected
    total = sum(row["balance"] for row in mongo.accounts.find({}))
    flows = Counter[str]()
    for entry in mongo.transactions.find({}):
        flows[entry["flow"]] += entry["amount"]
    assert flows["transfer"] == 0  # one currency: every transfer nets to zero
    assert flows["move"] == 0
    assert total == flows["opening"] + flows["income"] + flows["expense"]
    print(  # the figures quoted in the closing note (pytest -s)
        json.dumps(
            {
                "clients": CLIENTS,
                "mutations": CLIENTS * OPERATIONS_PER_CLIENT,
                "seconds": round(elapsed, 2),
                "entries_written": written,
                "outcomes": dict(sorted(home.outcomes.items())),
            }
        )
    )
