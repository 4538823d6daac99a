"""Every stored thing's one typed shape, used by repositories, services and GraphQL alike.

Each is a Beanie document (its collection and indexes, created by `Database.connect`), with
its embedded records (an account's envelopes and members, an entry's lines). Ids are
ObjectIds, checked rather than parsed again (`base.StoredId`).

The two shapes read on every request, an account (`AccountRecord`) and a ledger entry
(`TransactionRecord`), are declared as plain pydantic models that their documents
(`AccountDocument`, `TransactionDocument`) extend with nothing but the collection, and the
code handles the records. Why: a Beanie `Document` parses lazily, with a Python
`__getattribute__` on every attribute read and a Python validator per document. Measured
(`callgrind`, instructions per request, test client included, against the code before
documents were used at all): a history page of 50 entries read as documents cost 0.74 ms
more to validate than as records (0.18 ms), plus about 0.5 ms of attribute reads; handled
as records, a page costs 3.7 % and a money mutation 3.9 % more instructions than the
untyped dictionaries did, within the 10 % the structure change allowed itself.
"""

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
