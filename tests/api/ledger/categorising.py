"""Helpers of the rules, recategorise and review queue tests: a budget, rules, entries, and
the invariants every change of envelopes must keep."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.ledger_client import Member

Row = dict[str, Any]


async def budget(
    member: Member,
    opening: str = "500.00",
    names: tuple[str, ...] = ("Food", "Fun", "Rent"),
    **input: Any,
) -> tuple[str, dict[str, str]]:
    account = await member.open_account(openingBalance=opening, envelopeNames=list(names), **input)
    return account["id"], await member.envelope_ids(account["id"])


async def fund(member: Member, account_id: str, ids: dict[str, str], **amounts: str) -> None:
    for name, amount in amounts.items():
        await member.do(
            "MoveMoney",
            accountId=account_id,
            fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids[name],
            amount=amount,
        )


def payee_rule(name: str, payee: str, envelope_id: str, **more: Any) -> dict[str, Any]:
    return {
        "name": name,
        "conditions": [{"type": "PAYEE", "operator": "CONTAINS", "value": payee}],
        "actions": [{"type": "SET_ENVELOPE", "envelopeId": envelope_id}],
        **more,
    }


async def create_rule(member: Member, **input: Any) -> Row:
    rule: Row = (await member.do("CreateRule", **input))["rule"]
    return rule


async def expense(member: Member, account_id: str, amount: str, **input: Any) -> Row:
    entry: Row = (await member.do("RecordExpense", accountId=account_id, amount=amount, **input))[
        "transaction"
    ]
    return entry


async def entries(member: Member, account_id: str) -> list[Row]:
    """The account's entries in recording order."""
    page = await member.query("Transactions", id=account_id, first=100)
    nodes = [edge["node"] for edge in page["account"]["transactions"]["edges"]]
    return sorted(nodes, key=lambda e: e["sequence"])


def allocation(entry: Row) -> dict[str, str]:
    return {line["envelope"]["name"]: line["amount"]["amount"] for line in entry["lines"]}


def dec(value: Row) -> Decimal:
    return Decimal(value["amount"])


async def totals(member: Member, account_id: str, envelope_id: str | None = None,
                 **filter: Any) -> Row:  # fmt: skip
    spec = {**filter, **({"envelopeId": envelope_id} if envelope_id else {})}
    found: Row = (await member.query("Totals", id=account_id, filter=spec))["account"]["totals"]
    return found


async def assert_invariants(member: Member, account_id: str) -> None:
    """balance = Σ envelopes = Σ entries, each envelope = Σ its lines, and every entry's
    running balance is the sum of the amounts up to it."""
    account = await member.account(account_id)
    found = await entries(member, account_id)
    balance = dec(account["balance"])
    assert balance == sum(dec(e["balance"]) for e in account["envelopes"])
    assert balance == sum(dec(e["amount"]) for e in found)
    running = Decimal(0)
    for entry in found:
        running += dec(entry["amount"])
        assert dec(entry["balanceAfter"]) == running, entry
    for envelope in account["envelopes"]:
        lines = [
            dec(line["amount"]) for e in found for line in e["lines"]
            if line["envelope"]["id"] == envelope["id"]
        ]  # fmt: skip
        assert dec(envelope["balance"]) == sum(lines), envelope["name"]
