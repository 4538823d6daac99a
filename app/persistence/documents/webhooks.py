"""Webhooks of an account, and their deliveries (the outbox and the delivery log in one).

A webhook's `events` are the event kinds it wants; the account document carries the union
of the enabled webhooks' kinds (`AccountRecord.webhook_kinds`), written in the same
transaction, so a change with nothing a webhook wants reads nothing more.

A delivery is written in the transaction of the change that raised its event (one per
webhook and event: the unique `(webhook_id, event_id)` key keeps a retried transaction from
writing two). The delivery worker claims a due one by moving its `next_attempt_at` past its
lease with a fresh `claim` token (one atomic write), so two processes never send it at once;
it then records the attempt only if it still holds the claim.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from beanie import Document
from pydantic import BaseModel
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class WebhookDocument(Stored, Document):
    account_id: StoredId
    url: str
    events: list[str]  # EventKind values
    description: str | None = None
    secret: str  # the HMAC key; shown once, at creation and rotation
    enabled: bool = True
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    # Attempts failed since the last delivered one (any delivery of this webhook).
    consecutive_failures: int = 0
    last_success_at: datetime | None = None
    created_by: StoredId
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "webhooks"
        indexes = [IndexModel([("account_id", ASCENDING), ("created_at", ASCENDING)])]


LOG_DAYS = 30  # how long the delivery log keeps a finished delivery


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # to be attempted (again) at `next_attempt_at`
    DELIVERED = "DELIVERED"  # a 2xx answer
    FAILED = "FAILED"  # given up: out of attempts, or the webhook was disabled or deleted


class AttemptRecord(BaseModel):
    at: datetime
    status_code: int | None = None  # the receiver's HTTP status, when it answered
    error: str | None = None  # why it failed without (or despite) an answer
    duration_ms: int


class DeliveryDocument(Stored, Document):
    """One event for one webhook, and every attempt to deliver it."""

    webhook_id: StoredId
    account_id: StoredId
    event_id: str
    event_type: str
    body: str  # exactly the bytes sent (UTF-8), so a retry is signed over the same body
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: list[AttemptRecord] = []
    retry_from: int = 0  # attempts before a redelivery, not counted against its budget
    next_attempt_at: datetime | None
    claim: str | None = None
    created_at: datetime
    delivered_at: datetime | None = None
    # Set when it ends (delivered or given up): the log keeps it `LOG_DAYS`, then MongoDB
    # removes it (a TTL index); pending ones never expire.
    expires_at: datetime | None = None

    class Settings:
        name = "webhook_deliveries"
        indexes = [
            IndexModel(
                [("webhook_id", ASCENDING), ("event_id", ASCENDING)], name="event", unique=True
            ),
            # The delivery log of a webhook, newest first (keyset on created_at, _id).
            IndexModel(
                [("webhook_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="log",
            ),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
            # Due work: pending ones by their next attempt.
            IndexModel(
                [("next_attempt_at", ASCENDING)],
                name="due",
                partialFilterExpression={"status": DeliveryStatus.PENDING.value},
            ),
        ]


def failures(delivery: DeliveryDocument) -> int:
    """The failed attempts counted against the delivery's budget."""
    return len(delivery.attempts) - delivery.retry_from
