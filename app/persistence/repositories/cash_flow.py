"""The sums a cash-flow picture is drawn from: one aggregation over the entries of some
accounts booked in a period (the `history` index: account, booking date), grouped three ways
(income per account and payee, spending per account, envelope and payee, transfers per
account and counterpart account). Undone entries and their undos both count, and cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.domain.entries import EntryKind
from app.persistence.documents.entries import TransactionDocument


@dataclass(frozen=True)
class FlowSums:
    income: list[tuple[ObjectId, str | None, int]]  # account, payee, net amount
    spending: list[tuple[ObjectId, ObjectId, str | None, int]]  # account, envelope, payee, out
    transfers: list[tuple[ObjectId, ObjectId | None, int]]  # account, counterpart, net amount


def _by(*fields: tuple[str, str], amount: Any) -> dict[str, Any]:
    return {"$group": {"_id": dict(fields), "sum": {"$sum": amount}}}


class CashFlowSums:
    def __init__(self) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = (
            TransactionDocument.get_pymongo_collection()
        )

    async def of_period(
        self, account_ids: list[ObjectId], start: datetime, end: datetime
    ) -> FlowSums:
        """Sums of the entries booked in [start, end) of the accounts."""
        if not account_ids:
            return FlowSums([], [], [])
        match = {
            "account_id": {"$in": account_ids},
            "booking_date": {"$gte": start, "$lt": end},
            "flow": {"$in": [EntryKind.INCOME, EntryKind.EXPENSE, EntryKind.TRANSFER]},
        }
        account = ("a", "$account_id")
        pipeline: list[dict[str, Any]] = [
            {"$match": match},
            {"$facet": {
                "income": [
                    {"$match": {"flow": EntryKind.INCOME.value}},
                    _by(account, ("p", "$payee"), amount="$amount"),
                ],
                "spending": [
                    {"$match": {"flow": EntryKind.EXPENSE.value}},
                    {"$unwind": "$lines"},
                    _by(account, ("e", "$lines.envelope_id"), ("p", "$payee"),
                        amount={"$subtract": [0, "$lines.amount"]}),
                ],
                "transfers": [
                    {"$match": {"flow": EntryKind.TRANSFER.value}},
                    _by(account, ("c", "$counterpart_account_id"), amount="$amount"),
                ],
            }},
        ]  # fmt: skip
        cursor = await self.collection.aggregate(pipeline, hint="history")
        row = (await cursor.to_list(1))[0]
        return FlowSums(
            income=[(r["_id"]["a"], r["_id"].get("p"), r["sum"]) for r in row["income"]],
            spending=[
                (r["_id"]["a"], r["_id"]["e"], r["_id"].get("p"), r["sum"]) for r in row["spending"]
            ],
            transfers=[(r["_id"]["a"], r["_id"].get("c"), r["sum"]) for r in row["transfers"]],
        )
