"""What the learned categorisation reads and keeps: the accounts of a household, the entries
it learns from, and the household's threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.accounts import AccountDocument, AccountRecord
from app.persistence.documents.categorisation import CategorisationSettingsDocument
from app.persistence.documents.entries import TransactionDocument

_FIELDS = {
    "_id": 1, "account_id": 1, "kind": 1, "payee": 1, "memo": 1, "amount": 1, "lines": 1,
    "booking_date": 1, "reversed_by": 1, "corrects": 1, "needs_review": 1,
}  # fmt: skip
_LEARNED_KINDS = ("income", "expense")


@dataclass(frozen=True)
class PastEntry:
    """An entry as the model learns from it: `lines` are (envelope id, signed amount)."""

    id: ObjectId
    account_id: ObjectId
    kind: str
    payee: str | None
    memo: str | None
    amount: int
    lines: tuple[tuple[ObjectId, int], ...]
    booking_date: datetime
    reversed: bool
    corrects: ObjectId | None
    needs_review: bool


class LearningRepository:
    def __init__(self) -> None:
        self.accounts: AsyncCollection[dict[str, Any]] = AccountDocument.get_pymongo_collection()
        self.entries: AsyncCollection[dict[str, Any]] = TransactionDocument.get_pymongo_collection()
        self.settings: AsyncCollection[dict[str, Any]] = (
            CategorisationSettingsDocument.get_pymongo_collection()
        )

    async def household(self, owner_id: ObjectId) -> list[AccountRecord]:
        """The accounts the user owns, closed ones too (their history still teaches)."""
        rows = await self.accounts.find({"member_ids": owner_id, "owner_id": owner_id}).to_list(
            None
        )
        return [AccountRecord.model_validate(row) for row in rows]

    async def recent_entries(self, account_id: ObjectId, limit: int) -> list[PastEntry]:
        """The account's latest `limit` income and expense entries and corrections (entries
        naming an entry they correct), newest first."""
        query = {
            "account_id": account_id,
            "$or": [{"kind": {"$in": _LEARNED_KINDS}}, {"corrects": {"$type": "objectId"}}],
        }
        cursor = self.entries.find(query, _FIELDS).sort([("booking_date", -1), ("seq", -1)])
        return [_past(row) for row in await cursor.limit(limit).to_list(None)]

    async def threshold(self, owner_id: ObjectId) -> int | None:
        row = await self.settings.find_one({"owner_id": owner_id}, {"threshold": 1})
        return None if row is None else row.get("threshold")

    async def set_threshold(
        self, owner_id: ObjectId, threshold: int | None, user_id: ObjectId, at: datetime
    ) -> None:
        await self.settings.update_one(
            {"owner_id": owner_id},
            {
                "$set": {"threshold": threshold, "updated_by": user_id, "updated_at": at},
                "$setOnInsert": {"_id": ObjectId()},
            },
            upsert=True,
        )


def _past(row: dict[str, Any]) -> PastEntry:
    return PastEntry(
        id=row["_id"],
        account_id=row["account_id"],
        kind=row["kind"],
        payee=row.get("payee"),
        memo=row.get("memo"),
        amount=row["amount"],
        lines=tuple((line["envelope_id"], line["amount"]) for line in row["lines"]),
        booking_date=row["booking_date"],
        reversed=row.get("reversed_by") is not None,
        corrects=row.get("corrects"),
        needs_review=bool(row.get("needs_review")),
    )
