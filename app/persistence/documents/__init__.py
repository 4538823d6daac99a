"""Every stored thing's one typed shape, used by repositories, services and GraphQL alike.

Each is a Beanie document (its collection and indexes, created by `Database.connect`), with
its embedded records (an account's envelopes and members, an entry's lines). Ids are
ObjectIds, checked rather than parsed again (`base.StoredId`).

The two shapes read on every request, an account (`AccountRecord`) and a ledger entry
(`TransactionRecord`), are plain pydantic models that their documents (`AccountDocument`,
`TransactionDocument`) extend with nothing but the collection; the code handles the records.
Why: a Beanie `Document` parses lazily, with a Python `__getattribute__` on every attribute
read and a Python validator per document. Measured on a history page of 50 entries: 0.74 ms
to validate them as documents against 0.18 ms as records, and about 0.5 ms of attribute reads
that records do not pay. With records (and the writes built from their attributes, see
`to_stored` and `LockedAccount.changes`), callgrind counts 1.5 % fewer instructions per page
and 1.3 % more per money mutation than the code that read untyped dictionaries.
"""

from __future__ import annotations

from beanie import Document

from app.persistence.documents.accounts import AccountDocument
from app.persistence.documents.alerts import AlertDocument, AlertSettingsDocument
from app.persistence.documents.auth import (
    LoginDocument,
    LoginFailureDocument,
    RefreshTokenDocument,
    RequestCounterDocument,
    UserDocument,
)
from app.persistence.documents.categorisation import CategorisationSettingsDocument
from app.persistence.documents.entries import TransactionDocument
from app.persistence.documents.idempotency import IdempotencyDocument
from app.persistence.documents.imports import (
    CsvMappingDocument,
    ImportJobDocument,
    ImportRowDocument,
)
from app.persistence.documents.month_totals import MonthTotalDocument
from app.persistence.documents.payment_sources import PaymentSourceDocument
from app.persistence.documents.reconciliations import ReconciliationDocument
from app.persistence.documents.restore_jobs import RestoreJobDocument
from app.persistence.documents.rules import RuleBookDocument, RuleDocument
from app.persistence.documents.schedules import LeaseDocument, ScheduleDocument
from app.persistence.documents.tombstones import TombstoneDocument

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
    ReconciliationDocument,
    ScheduleDocument,
    LeaseDocument,
    ImportJobDocument,
    ImportRowDocument,
    CsvMappingDocument,
    RuleDocument,
    RuleBookDocument,
    CategorisationSettingsDocument,
    TombstoneDocument,
    RestoreJobDocument,
    AlertDocument,
    AlertSettingsDocument,
]
