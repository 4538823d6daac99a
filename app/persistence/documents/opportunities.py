"""Savings opportunities a member of an account dismissed ("I know, keep it").

One document per account and opportunity key: the key names the facts the opportunity stands
on (`app.domain.opportunities`), so a dismissed one stays away until those facts change and it
comes back under another key.
"""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class DismissedOpportunityDocument(Stored, Document):
    account_id: StoredId
    key: str
    dismissed_by: StoredId
    dismissed_at: datetime

    class Settings:
        name = "dismissed_opportunities"
        indexes = [
            IndexModel(
                [("account_id", ASCENDING), ("key", ASCENDING)], unique=True, name="account_key"
            ),
        ]
