"""The stored first result of a change sent with an idempotency key."""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class KeyResult(BaseModel):
    """What the first request produced: the accounts it touched and the entries it wrote."""

    accounts: list[StoredId]
    entries: list[StoredId]


class IdempotencyDocument(Stored, Document):
    """The first result of a money mutation sent with an idempotency key, per user.

    Written in the same transaction as the mutation's effect, so a key is stored if and only
    if its effect is. Kept 30 days."""

    user_id: StoredId
    key: str
    operation: str
    request_hash: str
    result: KeyResult
    created_at: datetime
    expires_at: datetime

    class Settings:
        name = "idempotency_keys"
        indexes = [
            IndexModel([("user_id", ASCENDING), ("key", ASCENDING)], unique=True, name="key"),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
        ]
