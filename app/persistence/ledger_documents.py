"""Stored documents of the ledger. Money fields are integers in minor units.

An account embeds its envelopes and members (a household reads them together, and every money
movement changes the account document in the same transaction as it inserts its entries).
Entries live in their own collection: an account collects millions of them over decades.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document, PydanticObjectId
from pydantic import BaseModel
from pymongo import ASCENDING, DESCENDING, IndexModel


class EnvelopeRecord(BaseModel):
    id: PydanticObjectId
    name: str
    balance: int = 0
    archived: bool = False
    builtin: bool = False
    deleted: bool = False


class MemberRecord(BaseModel):
    user_id: PydanticObjectId
    role: str
    added_at: datetime


class AccountDocument(Document):
    """Invariant: `balance` = Σ balances of the live envelopes = Σ `amount` of the entries;
    `seq` is the sequence number of the latest entry (entries are numbered 1, 2, 3… gapless).
    `member_ids` mirrors `members` for an indexed "accounts I may see" lookup. Every change
    bumps `version` first, which makes concurrent changes of one account conflict (and retry)
    at their first write instead of after their work."""

    name: str
    type: str
    institution: str | None = None
    currency: str
    on_budget: bool = True
    allow_overdraft: bool = False
    closed_at: datetime | None = None
    owner_id: PydanticObjectId
    members: list[MemberRecord]
    member_ids: list[PydanticObjectId]
    envelopes: list[EnvelopeRecord]
    balance: int
    seq: int
    version: int = 0
    # True once `month_totals` holds every entry of the account (new accounts start so;
    # older ones are filled in by `MonthTotals.backfill` at start-up).
    month_totals: bool = False
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "accounts"
        indexes = [
            IndexModel([("member_ids", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("envelopes.id", ASCENDING)], name="envelope_id"),
        ]


class LineRecord(BaseModel):
    envelope_id: PydanticObjectId
    amount: int


class TransactionDocument(Document):
    """One immutable ledger entry; only `reversed_by` is set later, once, by an undo.

    `amount` is the signed change of the account balance, `lines` the signed changes of its
    envelopes (a move has amount 0 and two lines). `size` is the amount as the user entered
    it (positive), for amount-range filters. `flow` is the kind that counts in totals: a
    reversal carries the flow of the entry it undoes, so totals net out."""

    account_id: PydanticObjectId
    seq: int
    kind: str
    flow: str
    booking_date: datetime
    amount: int
    size: int
    currency: str
    lines: list[LineRecord]
    envelope_ids: list[PydanticObjectId]
    payee: str | None = None
    memo: str | None = None
    tags: list[str] = []
    balance_after: int
    recorded_by: PydanticObjectId
    recorded_at: datetime
    reverses: PydanticObjectId | None = None
    reversed_by: PydanticObjectId | None = None
    counterpart_id: PydanticObjectId | None = None
    counterpart_account_id: PydanticObjectId | None = None
    payment_source_id: PydanticObjectId | None = None
    idempotency_key: str | None = None

    class Settings:
        name = "transactions"
        indexes = [
            IndexModel([("account_id", ASCENDING), ("seq", ASCENDING)], unique=True, name="seq"),
            IndexModel(
                [("account_id", ASCENDING), ("booking_date", DESCENDING), ("seq", DESCENDING)],
                name="history",
            ),
            IndexModel(
                [
                    ("account_id", ASCENDING),
                    ("envelope_ids", ASCENDING),
                    ("booking_date", DESCENDING),
                    ("seq", DESCENDING),
                ],
                name="history_by_envelope",
            ),
            IndexModel(
                [
                    ("account_id", ASCENDING),
                    ("kind", ASCENDING),
                    ("booking_date", DESCENDING),
                    ("seq", DESCENDING),
                ],
                name="history_by_kind",
            ),
        ]


class MonthTotalDocument(Document):
    """Running figures of one account per booking month, entry kind and flow: the whole
    account (`envelope_id` None) and each envelope (the sum of its lines), with a count.

    Updated by `$inc` in the same transaction as the entries they count, so totals over
    whole months never read the history."""

    account_id: PydanticObjectId
    envelope_id: PydanticObjectId | None
    month: datetime
    kind: str
    flow: str
    total: int
    entries: int

    class Settings:
        name = "month_totals"
        indexes = [
            IndexModel(
                [
                    ("account_id", ASCENDING),
                    ("envelope_id", ASCENDING),
                    ("month", ASCENDING),
                    ("kind", ASCENDING),
                    ("flow", ASCENDING),
                ],
                unique=True,
                name="bucket",
            ),
        ]


class AllocationRecord(BaseModel):
    envelope_id: PydanticObjectId
    amount: int


class PaymentSourceDocument(Document):
    """A payday template: who pays, how much is expected, and the fixed amounts per envelope
    (in order: a short pay fills them in this order)."""

    account_id: PydanticObjectId
    name: str
    payer: str | None = None
    expected_amount: int
    allocations: list[AllocationRecord]
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "payment_sources"
        indexes = [IndexModel([("account_id", ASCENDING), ("created_at", ASCENDING)])]


class IdempotencyDocument(Document):
    """The first result of a money mutation sent with an idempotency key, per user.

    Written in the same transaction as the mutation's effect, so a key is stored if and only
    if its effect is. Kept 30 days."""

    user_id: PydanticObjectId
    key: str
    operation: str
    request_hash: str
    result: dict[str, Any]
    created_at: datetime
    expires_at: datetime

    class Settings:
        name = "idempotency_keys"
        indexes = [
            IndexModel([("user_id", ASCENDING), ("key", ASCENDING)], unique=True, name="key"),
            IndexModel([("expires_at", ASCENDING)], expireAfterSeconds=0, name="expiry_ttl"),
        ]


LEDGER_MODELS: list[type[Document]] = [
    AccountDocument,
    TransactionDocument,
    PaymentSourceDocument,
    IdempotencyDocument,
    MonthTotalDocument,
]
