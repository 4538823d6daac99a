"""A household's categorisation settings: the threshold at which the learned model's
suggestion is applied by itself. A household is an owner and the accounts they own, so the
settings are keyed by the owner; no document means the defaults (no automatic applying)."""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class CategorisationSettingsDocument(Stored, Document):
    owner_id: StoredId
    # Hundredths of a percent (9000: 90 %); None: suggestions are shown, never applied.
    threshold: int | None = None
    updated_by: StoredId
    updated_at: datetime

    class Settings:
        name = "categorisation_settings"
        indexes = [IndexModel([("owner_id", ASCENDING)], unique=True, name="owner")]
