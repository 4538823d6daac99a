"""Every stored thing's one typed shape: Beanie documents (with their embedded records),
used by repositories, services and GraphQL alike. Ids are ObjectIds (`base.StoredId`)."""

from __future__ import annotations

from beanie import Document

from app.persistence.documents.accounts import AccountDocument
from app.persistence.documents.auth import (
    LoginDocument,
    LoginFailureDocument,
    RefreshTokenDocument,
    RequestCounterDocument,
    UserDocument,
)
from app.persistence.documents.entries import TransactionDocument
from app.persistence.documents.idempotency import IdempotencyDocument
from app.persistence.documents.month_totals import MonthTotalDocument
from app.persistence.documents.payment_sources import PaymentSourceDocument

# Bound to the database (and their indexes created) by `Database.connect`.
DOCUMENT_MODELS: list[type[Document]] = [
    UserDocument,
    LoginDocument,
    RefreshTokenDocument,
    LoginFailureDocument,
    RequestCounterDocument,
    AccountDocument,
    TransactionDocument,
    PaymentSourceDocument,
    IdempotencyDocument,
    MonthTotalDocument,
]
