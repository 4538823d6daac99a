"""The stored shapes of alerts: an alert (one per recipient and event) and a user's alert
settings. An account carries what its members' settings ask of a change
(`AlertWatchRecord`, on `AccountRecord.alert_watch`), so that a commit with nothing to report
reads no settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document
from bson import ObjectId
from pydantic import BaseModel, ConfigDict, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class AlertRecord(BaseModel):
    """One alert for one user (`user_id`, the recipient) about one event.

    `key` names the event (its kind, account and subject: the entry, envelope, job,
    occurrence…); (user_id, key) is unique, and alerts are written with an upsert on it, so
    an event raised again (a resumed job, a repeated delivery) never makes a second alert.
    feat-live watches inserts into this collection by `user_id`: keep these names."""

    model_config = ConfigDict(populate_by_name=True)

    id: StoredId = Field(default_factory=ObjectId, alias="_id")
    user_id: StoredId
    account_id: StoredId | None = None
    kind: str  # an `EventKind` value ("envelope.overspent", …)
    key: str
    message: str
    data: dict[str, Any] = Field(default_factory=dict)  # JSON-able (money as decimal strings)
    entry_ids: list[StoredId] = Field(default_factory=list)
    created_at: datetime
    read_at: datetime | None = None


class AlertDocument(AlertRecord, Document):
    """The `alerts` collection."""

    class Settings:
        name = "alerts"
        indexes = [
            IndexModel([("user_id", ASCENDING), ("key", ASCENDING)], unique=True, name="event"),
            # The viewer's alerts, newest first (keyset on created_at, _id).
            IndexModel(
                [("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="newest",
            ),
            IndexModel(
                [("user_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="unread",
                partialFilterExpression={"read_at": None},
            ),
        ]


class ThresholdRecord(BaseModel):
    """A user's thresholds on one account, in its minor units (None: off)."""

    account_id: StoredId
    balance_below: int | None = None
    transaction_above: int | None = None


class AlertSettingsDocument(Stored, Document):
    """A user's alert settings; a user without one has the defaults (every kind on, the plan
    share of `app.domain.alerts.DEFAULT_PLAN_SHARE`, no thresholds)."""

    user_id: StoredId
    kinds_off: list[str] = Field(default_factory=list)  # kinds the user does not want
    plan_share: int  # percent of a period's plan spent that raises plan.exceeded
    thresholds: list[ThresholdRecord] = Field(default_factory=list)
    updated_at: datetime

    class Settings:
        name = "alert_settings"
        indexes = [IndexModel([("user_id", ASCENDING)], unique=True, name="user")]


class AlertWatchRecord(BaseModel):
    """What the members' alert settings ask of a change of an account, kept on the account
    (`AccountRecord.alert_watch`; None: every member has the defaults): the kinds at least
    one member wants, the highest balance-below threshold, the lowest transaction-above
    threshold and the lowest plan share of the members who want plan.exceeded."""

    kinds: list[str]
    balance_below: int | None = None
    transaction_above: int | None = None
    plan_share: int | None = None
