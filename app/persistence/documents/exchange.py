"""A household's exchange rates and base currency.

A household is an owner and the accounts they own (as for rules and categorisation
settings), so both are keyed by the user who records them: each user's dashboard converts
with their own rates into their own base currency, whoever owns the accounts it shows.
"""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class ExchangeRateDocument(Stored, Document):
    """One unit of `source` is `rate` units of `target` from `day` on (until a later rate).
    `rate` is the canonical decimal string (`app.domain.exchange.format_rate`)."""

    owner_id: StoredId
    source: str
    target: str
    day: datetime  # UTC midnight
    rate: str
    updated_by: StoredId
    updated_at: datetime

    class Settings:
        name = "exchange_rates"
        indexes = [
            IndexModel(
                [("owner_id", ASCENDING), ("source", ASCENDING), ("target", ASCENDING),
                 ("day", ASCENDING)],
                unique=True,
                name="owner_pair_day",
            ),
        ]  # fmt: skip


class BaseCurrencyDocument(Stored, Document):
    """The currency a user's dashboard shows totals in (no document: the default)."""

    owner_id: StoredId
    currency: str
    updated_at: datetime

    class Settings:
        name = "base_currencies"
        indexes = [IndexModel([("owner_id", ASCENDING)], unique=True, name="owner")]
