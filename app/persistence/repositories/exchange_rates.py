"""A household's exchange rates and base currency (see `app.persistence.documents.exchange`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from app.core.errors import ConflictError
from app.persistence.documents.exchange import BaseCurrencyDocument, ExchangeRateDocument

MAX_RATES = 10_000  # per household: decades of monthly rates of a dozen currencies


class ExchangeRateRepository:
    def __init__(self) -> None:
        self.rates: AsyncCollection[dict[str, Any]] = ExchangeRateDocument.get_pymongo_collection()
        self.bases: AsyncCollection[dict[str, Any]] = BaseCurrencyDocument.get_pymongo_collection()

    async def of_owner(self, owner_id: ObjectId) -> list[ExchangeRateDocument]:
        """The owner's rates by pair, then day."""
        cursor = self.rates.find({"owner_id": owner_id}).sort(
            [("source", 1), ("target", 1), ("day", 1)]
        )
        return [ExchangeRateDocument.model_validate(r) for r in await cursor.to_list(MAX_RATES)]

    async def count(self, owner_id: ObjectId) -> int:
        return await self.rates.count_documents({"owner_id": owner_id})

    async def get(self, owner_id: ObjectId, rate_id: ObjectId) -> ExchangeRateDocument | None:
        row = await self.rates.find_one({"_id": rate_id, "owner_id": owner_id})
        return None if row is None else ExchangeRateDocument.model_validate(row)

    async def put(
        self, owner_id: ObjectId, pair: tuple[str, str], day: datetime, rate: str, at: datetime
    ) -> ExchangeRateDocument:
        """The owner's rate of `pair` on `day`, recorded or replaced (one per pair and day)."""
        source, target = pair
        row = await self.rates.find_one_and_update(
            {"owner_id": owner_id, "source": source, "target": target, "day": day},
            {
                "$set": {"rate": rate, "updated_by": owner_id, "updated_at": at},
                "$setOnInsert": {"_id": ObjectId()},
            },
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        return ExchangeRateDocument.model_validate(row)

    async def replace(
        self, owner_id: ObjectId, rate_id: ObjectId, day: datetime, rate: str, at: datetime
    ) -> ExchangeRateDocument | None:
        """Change one of the owner's rates (its day and value); None if it is not theirs.
        CONFLICT when the pair has a rate on the new day already."""
        try:
            row = await self.rates.find_one_and_update(
                {"_id": rate_id, "owner_id": owner_id},
                {"$set": {"day": day, "rate": rate, "updated_by": owner_id, "updated_at": at}},
                return_document=ReturnDocument.AFTER,
            )
        except DuplicateKeyError:
            raise ConflictError(
                "This pair has a rate on that day already.", field=["date"]
            ) from None
        return None if row is None else ExchangeRateDocument.model_validate(row)

    async def delete(self, owner_id: ObjectId, rate_id: ObjectId) -> bool:
        found = await self.rates.delete_one({"_id": rate_id, "owner_id": owner_id})
        return found.deleted_count == 1

    async def base_currency(self, owner_id: ObjectId) -> str | None:
        row = await self.bases.find_one({"owner_id": owner_id}, {"currency": 1})
        return None if row is None else str(row["currency"])

    async def set_base_currency(self, owner_id: ObjectId, currency: str, at: datetime) -> None:
        await self.bases.update_one(
            {"owner_id": owner_id},
            {"$set": {"currency": currency, "updated_at": at}, "$setOnInsert": {"_id": ObjectId()}},
            upsert=True,
        )
