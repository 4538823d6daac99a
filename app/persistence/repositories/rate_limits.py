"""Request counters of the rate limiter: one small document per key, one round trip per hit
(a hit may count several requests: a lease, see `app.services.rate_limit`).

Each document holds the key's count in the current window and in the one before it, so
the limiter can weigh the previous window into a sliding estimate. A hit is one
`findAndModify` with an update pipeline: roll the windows forward when a new one started,
decide whether one more request fits, and count it only then. Concurrent hits on one key
are serialised by MongoDB's document-level atomicity, across every API process.

Counters are written with w=1 (acknowledged by the primary, not yet by a majority): they
are not money, and a failover that loses a few increments only lets a few more requests
through. Documents expire through the TTL index on `expires_at`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo import ReturnDocument, WriteConcern
from pymongo.errors import DuplicateKeyError

from app.persistence.documents.auth import RequestCounterDocument
from app.persistence.mongo import Database

_PROJECTION = {"_id": 0, "p": 1, "n": 1, "ok": 1, "g": 1}


@dataclass(frozen=True)
class WindowCounts:
    previous: int
    current: int
    admitted: bool
    granted: int = 1  # requests counted by this hit: this one, and a lease of more


def _hit_pipeline(
    window: int, previous_weight: float, limit: int, expires_at: datetime, want: int
) -> list[dict[str, Any]]:
    same_window = {"$eq": ["$w", window]}
    room = {"$floor": {"$subtract": [limit, "$used"]}}
    return [
        {
            "$set": {
                "p": {
                    "$switch": {
                        "branches": [
                            {"case": same_window, "then": "$p"},
                            {"case": {"$eq": ["$w", window - 1]}, "then": "$n"},
                        ],
                        "default": 0,
                    }
                },
                "n": {"$cond": [same_window, "$n", 0]},
                "w": window,
                "expires_at": expires_at,
            }
        },
        {"$set": {"used": {"$add": [{"$multiply": ["$p", previous_weight]}, "$n"]}}},
        {"$set": {"ok": {"$lte": [{"$add": ["$used", 1]}, limit]}}},
        # When one request fits (ok), count up to `want` of them, as many as fit.
        {"$set": {"g": {"$cond": ["$ok", {"$max": [1, {"$min": [want, room]}]}, 0]}}},
        {"$set": {"n": {"$add": ["$n", "$g"]}}},
        {"$unset": "used"},
    ]


class RequestCounters:
    def __init__(self, db: Database) -> None:
        self._collection = db.db.get_collection(
            RequestCounterDocument.Settings.name, write_concern=WriteConcern(w=1)
        )

    async def hit(
        self,
        key: str,
        window: int,
        previous_weight: float,
        limit: int,
        expires_at: datetime,
        want: int = 1,
    ) -> WindowCounts:
        """Count one request for `key` in window number `window`, unless
        previous * previous_weight + current + 1 would exceed `limit` (then nothing is
        counted and `admitted` is False). With `want` > 1, count up to `want` requests at
        once, as many as fit: the caller admits the others itself (a lease)."""
        pipeline = _hit_pipeline(window, previous_weight, limit, expires_at, want)
        try:
            row = await self._update(key, pipeline)
        except DuplicateKeyError:  # two first hits raced to insert the key; the other won
            row = await self._update(key, pipeline)
        return WindowCounts(
            previous=row["p"], current=row["n"], admitted=row["ok"], granted=int(row["g"])
        )

    async def _update(self, key: str, pipeline: list[dict[str, Any]]) -> dict[str, Any]:
        row = await self._collection.find_one_and_update(
            {"_id": key},
            pipeline,
            projection=_PROJECTION,
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
        assert row is not None  # noqa: S101 (an upsert returning the new document)
        return row
