"""Delta sync's reads by stamp (`rev`, see `app.persistence.locked_account`)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.transactions import Session

OLDEST_FIRST = [("created_at", 1), ("_id", 1)]


def stamped(account_id: ObjectId, after: int, through: int) -> dict[str, Any]:
    """The filter of an account's documents stamped in (after, through]; `after` -1: all
    of them (those written before stamps existed too, which have none)."""
    query: dict[str, Any] = {"account_id": account_id}
    if after >= 0:
        query["rev"] = {"$gt": after, "$lte": through}
    return query


async def stamped_rows(
    collection: AsyncCollection[dict[str, Any]],
    session: Session | None,
    account_id: ObjectId,
    after: int,
    through: int,
    order: list[tuple[str, int]] = OLDEST_FIRST,
) -> list[dict[str, Any]]:
    """The rows of `stamped`, in `order` (few: an account's schedules or templates)."""
    cursor = collection.find(stamped(account_id, after, through), session=session)
    return await cursor.sort(order).to_list(None)
