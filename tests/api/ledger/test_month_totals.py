"""Totals from per-month figures: the figures stay equal to what the entries say, totals of
any range agree with a sum over the entries, all-time totals read no entry, and accounts
written before the figures existed are filled in at start-up."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from bson import ObjectId

from app.graphql.relay import from_global_id
from tests.conftest import ApiFactory
from tests.ledger_client import Member

START = date(2024, 11, 3)
DAYS = 130  # into March 2025: four month ends and a year end
KINDS = ("opening", "income", "expense", "move", "transfer", "reversal")


def raw(global_id: str) -> ObjectId:
    decoded = from_global_id(global_id)
    assert decoded is not None, global_id
    return ObjectId(decoded[1])


def cents(amount: str) -> int:
    return int(Decimal(amount) * 100)


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def build_history(ana: Member, seed: int = 7) -> dict[str, Any]:
    """Two accounts with incomes, splits, moves, transfers and undos booked over five months,
    out of booking order."""
    rng = random.Random(seed)
    home = await ana.open_account(
        name="Home",
        openingBalance="100.00",
        envelopeNames=["Food", "Rent", "Fun"],
        allowOverdraft=True,
    )
    savings = await ana.open_account(name="Savings", type="SAVINGS", envelopeNames=["Trip"])
    ids = await ana.envelope_ids(home["id"])
    done: list[str] = []

    def day() -> str:
        return (START + timedelta(days=rng.randrange(DAYS))).isoformat()

    for i in range(40):
        choice = rng.randrange(6)
        if choice == 0:
            reply = await ana.do(
                "RecordIncome", accountId=home["id"], amount="300", bookingDate=day(),
                payee=f"Pay {i}",
                allocations=[
                    {"envelopeId": ids["Food"], "amount": "80"},
                    {"envelopeId": ids["Rent"], "amount": "150"},
                ],
            )  # fmt: skip
        elif choice == 1:
            reply = await ana.do(
                "RecordExpense", accountId=home["id"], amount=f"{rng.randrange(1, 40)}.25",
                envelopeId=ids["Available"], bookingDate=day(), payee="Shop",
            )  # fmt: skip
        elif choice == 2:
            reply = await ana.do(
                "RecordExpense", accountId=home["id"], amount="30", bookingDate=day(),
                splits=[
                    {"envelopeId": ids["Available"], "amount": "20"},
                    {"envelopeId": ids["Rent"], "amount": "10"},
                ],
            )  # fmt: skip
        elif choice == 3:
            reply = await ana.do(
                "MoveMoney", accountId=home["id"], fromEnvelopeId=ids["Available"],
                toEnvelopeId=ids["Fun"], amount="5", bookingDate=day(),
            )  # fmt: skip
        elif choice == 4:
            reply = await ana.do(
                "TransferMoney", fromAccountId=home["id"], toAccountId=savings["id"],
                amount="12.50", bookingDate=day(),
            )  # fmt: skip
        else:
            if not done:
                continue
            reply = await ana.do("UndoTransaction", id=done.pop(rng.randrange(len(done))))
            continue  # a reversal may be undone too, but once is enough here
        done.append((reply.get("transaction") or reply["outgoing"])["id"])
    return {"home": home["id"], "savings": savings["id"], "ids": ids}


def expected_figures(mongo: Any, account_id: ObjectId) -> dict[tuple[Any, ...], tuple[int, int]]:
    """The per-month figures as the test computes them from the stored entries."""
    figures: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for entry in mongo.transactions.find({"account_id": account_id}):
        booked = entry["booking_date"]
        month = datetime(booked.year, booked.month, 1, tzinfo=UTC)
        keys = [(None, entry["amount"])] + [
            (line["envelope_id"], line["amount"]) for line in entry["lines"]
        ]
        for envelope_id, amount in keys:
            figure = figures[(envelope_id, month, entry["kind"], entry["flow"])]
            figure[0] += amount
            figure[1] += 1
    return {key: (total, count) for key, (total, count) in figures.items()}


def stored_figures(mongo: Any, account_id: ObjectId) -> dict[tuple[Any, ...], tuple[int, int]]:
    return {
        (row["envelope_id"], row["month"], row["kind"], row["flow"]): (row["total"], row["entries"])
        for row in mongo.month_totals.find({"account_id": account_id})
    }


def expected_totals(
    mongo: Any,
    account_id: ObjectId,
    first: date | None = None,
    last: date | None = None,
    envelope_id: ObjectId | None = None,
    kinds: tuple[str, ...] = (),
) -> dict[str, int]:
    """Totals as the issue defines them, summed by the test over the stored entries."""
    by_flow: dict[str, int] = defaultdict(int)
    count = 0
    for entry in mongo.transactions.find({"account_id": account_id}):
        if first and entry["booking_date"] < midnight(first):
            continue
        if last and entry["booking_date"] > midnight(last):
            continue
        if kinds and entry["kind"] not in kinds:
            continue
        if envelope_id is None:
            by_flow[entry["flow"]] += entry["amount"]
            count += 1
            continue
        for line in entry["lines"]:
            if line["envelope_id"] == envelope_id:
                by_flow[entry["flow"]] += line["amount"]
                count += 1
    return {
        "income": by_flow["income"],
        "expense": -by_flow["expense"],
        "transfers": by_flow["transfer"],
        "net": sum(by_flow.values()),
        "count": count,
    }


async def api_totals(member: Member, account_id: str, **filter: Any) -> dict[str, int]:
    data = await member.query("Totals", id=account_id, filter=filter or None)
    found = data["account"]["totals"]
    return {k: v if k == "count" else cents(v["amount"]) for k, v in found.items()}


RANGES: list[tuple[date | None, date | None]] = [
    (None, None),
    (date(2024, 11, 1), date(2024, 11, 30)),
    (date(2024, 12, 1), date(2024, 12, 31)),
    (date(2025, 2, 1), date(2025, 2, 28)),
    (date(2024, 1, 1), date(2024, 12, 31)),
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2024, 11, 15), date(2025, 1, 10)),  # ragged at both ends, two whole months between
    (date(2024, 12, 20), date(2025, 1, 5)),  # no whole month at all
    (date(2024, 12, 24), date(2024, 12, 24)),
    (date(2025, 1, 17), None),
    (None, date(2024, 12, 9)),
    (date(2024, 12, 1), None),
    (None, date(2025, 1, 31)),
]


@pytest.fixture
async def history(ana: Member) -> dict[str, Any]:
    return await build_history(ana)


class TestFigures:
    async def test_the_figures_are_the_sums_of_the_entries(
        self, mongo: Any, history: dict[str, Any]
    ) -> None:
        for account in (history["home"], history["savings"]):
            account_id = raw(account)
            assert stored_figures(mongo, account_id) == expected_figures(mongo, account_id)
            assert mongo.accounts.find_one({"_id": account_id})["month_totals"] is True

    async def test_a_refused_change_leaves_the_figures_alone(
        self, ana: Member, mongo: Any, history: dict[str, Any]
    ) -> None:
        account_id = raw(history["savings"])  # no overdraft here
        trip = (await ana.envelope_ids(history["savings"]))["Trip"]
        before = stored_figures(mongo, account_id)
        refused = await ana.refused(
            "RecordExpense", accountId=history["savings"], amount="999999",
            envelopeId=trip, bookingDate="2025-01-02",
        )  # fmt: skip
        assert refused["code"] == "INSUFFICIENT_FUNDS"
        assert stored_figures(mongo, account_id) == before


class TestTotalsFromFigures:
    async def test_every_range_agrees_with_the_entries(
        self, ana: Member, mongo: Any, history: dict[str, Any]
    ) -> None:
        account_id = raw(history["home"])
        for first, last in RANGES:
            dates = {"dateFrom": first and first.isoformat(), "dateTo": last and last.isoformat()}
            dates = {k: v for k, v in dates.items() if v}
            assert await api_totals(ana, history["home"], **dates) == expected_totals(
                mongo, account_id, first, last
            ), (first, last)

    async def test_envelope_and_kind_filters_agree_with_the_entries(
        self, ana: Member, mongo: Any, history: dict[str, Any]
    ) -> None:
        account_id = raw(history["home"])
        cases = [
            ("Rent", ()),
            ("Available", ("expense",)),
            (None, ("income", "reversal")),
            ("Fun", ("move",)),
            (None, ("transfer",)),
        ]
        for first, last in (RANGES[0], RANGES[4], RANGES[6], RANGES[7]):
            for envelope, kinds in cases:
                envelope_id = history["ids"][envelope] if envelope else None
                filter: dict[str, Any] = {"kinds": [k.upper() for k in kinds]} if kinds else {}
                if envelope_id:
                    filter["envelopeId"] = envelope_id
                if first:
                    filter["dateFrom"] = first.isoformat()
                if last:
                    filter["dateTo"] = last.isoformat()
                expected = expected_totals(
                    mongo,
                    account_id,
                    first,
                    last,
                    raw(envelope_id) if envelope_id else None,
                    kinds,
                )
                assert await api_totals(ana, history["home"], **filter) == expected, filter

    async def test_all_time_and_whole_month_totals_read_no_entry(
        self, ana: Member, mongo: Any, history: dict[str, Any]
    ) -> None:
        """MongoDB's profiler records every command on the test database: the totals of all
        time, a month and a year touch `month_totals` and never `transactions`."""
        mongo.command("profile", 2)
        try:
            await api_totals(ana, history["home"])
            await api_totals(ana, history["home"], dateFrom="2024-12-01", dateTo="2024-12-31")
            await api_totals(ana, history["home"], dateFrom="2025-01-01", dateTo="2025-12-31")
            await api_totals(ana, history["home"], envelopeId=history["ids"]["Rent"])
        finally:
            mongo.command("profile", 0)
        profiled = list(mongo["system.profile"].find({}, {"ns": 1, "op": 1}))
        mongo["system.profile"].drop()
        collections = {row["ns"].split(".", 1)[1] for row in profiled}
        assert "month_totals" in collections
        assert "transactions" not in collections

    async def test_a_filter_on_payee_sums_the_entries(
        self, ana: Member, mongo: Any, history: dict[str, Any]
    ) -> None:
        found = await api_totals(ana, history["home"], payee="Shop")
        shop = [
            e
            for e in mongo.transactions.find({"account_id": raw(history["home"])})
            if e["payee"] == "Shop"
        ]
        assert found["count"] == len(shop)
        assert found["net"] == sum(e["amount"] for e in shop)


class TestFillingIn:
    async def test_an_account_without_figures_is_filled_in_at_start_up(
        self, ana: Member, mongo: Any, history: dict[str, Any], make_api: ApiFactory
    ) -> None:
        account_id = raw(history["home"])
        expected = expected_figures(mongo, account_id)
        mongo.month_totals.delete_many({"account_id": account_id})
        mongo.accounts.update_one({"_id": account_id}, {"$unset": {"month_totals": ""}})
        # Until filled in, totals are summed from the entries and still right.
        assert await api_totals(ana, history["home"]) == expected_totals(mongo, account_id)

        async with make_api():
            for _ in range(100):
                if mongo.accounts.find_one({"_id": account_id}).get("month_totals"):
                    break
                await asyncio.sleep(0.05)
        assert mongo.accounts.find_one({"_id": account_id})["month_totals"] is True
        assert stored_figures(mongo, account_id) == expected
        saving_id = raw(history["savings"])
        assert stored_figures(mongo, saving_id) == expected_figures(mongo, saving_id)
