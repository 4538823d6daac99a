"""The stored planning model of a household (see `app.domain.planning`).

A household is an owner and the accounts they own; its model is keyed by `owner_id`.
`PlanningModelDocument` (`_id`: the owner's user id) holds the model's currency and a counter
bumped first by every change of the model, in the change's transaction, so that two changes
of one model conflict and one runs again: two flows added at once that would together close a
cycle cannot both commit. Money is in minor units of the model's currency.
"""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class MetadataRecord(BaseModel):
    key: str
    value: str


class PlanningNodeDocument(Stored, Document):
    owner_id: StoredId
    kind: str  # app.domain.planning.PlanningKind
    label: str
    institution: str | None = None
    amount: int | None = None
    balance: int | None = None  # signed: a debt's balance may be negative
    apy: str | None = None  # a percentage as a decimal string
    metadata: list[MetadataRecord] = []
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "planning_nodes"
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("created_at", ASCENDING)], name="owner_order"),
        ]


class PlanningFlowDocument(Stored, Document):
    owner_id: StoredId
    source_id: StoredId
    target_id: StoredId
    amount: int  # > 0
    label: str | None = None
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "planning_flows"
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("created_at", ASCENDING)], name="owner_order"),
        ]


class PlanningModelDocument(Document):
    """A household's model: its currency (None while it holds no money) and its change
    counter (`_id` is the owner's user id)."""

    currency: str | None = None
    version: int = 0

    class Settings:
        name = "planning_models"
