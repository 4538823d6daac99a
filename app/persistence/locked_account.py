"""An account inside a change: its document, the envelope rules' state, the caller's role,
and the entries recorded so far, numbered from the account's sequence.

Delta sync: the lock bumps the account's `version` in the change's transaction, so each
committed change of an account has a `version` of its own, in commit order. `rev` is that
number, and every document the change writes about the account carries it as its own `rev`:

- new entries: stamped here (`record`) and again by `LedgerTransaction.commit`;
- changed entries, schedules, payment sources: pass `rev=account.rev` to the repository
  method (`EntryRepository.mark_reversed`, `set_cleared`, `ScheduleRepository.replace`,
  `PaymentSourceRepository.delete`…), which sets it in the same update; a new write path
  must do the same (e.g. `{"$set": {"needs_review": False, "rev": account.rev}}`);
- deleted schedules and payment sources: their repositories' `delete` leaves a tombstone
  stamped with it;
- envelopes: `settle` stamps every envelope record the change replaced.

`changes(since:)` (`app.services.sync`) then finds everything newer than a client's cursor
by `rev`, within one account, without reading the oplog. Work that changes such a document
without a member's change (the scheduler's bookkeeping) bumps the account with
`AccountRepository.bump` in its transaction and stamps what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bson import ObjectId

from app.domain import members
from app.domain.entries import (
    MAX_MEMO_LENGTH,
    MAX_PAYEE_LENGTH,
    EntryDetails,
    EntryKind,
    booking_datetime,
    clean_tags,
    clean_text,
)
from app.domain.envelopes import Ledger, Line
from app.domain.members import Permission, Role
from app.persistence.documents.accounts import AccountRecord, EnvelopeRecord, stored_id
from app.persistence.documents.entries import LineRecord, TransactionRecord

# What a change may alter of an account; `version` is bumped by the lock itself.
MUTABLE_VALUES = (
    "name", "institution", "on_budget", "allow_overdraft", "closed_at", "owner_id",
    "member_ids", "balance", "seq",
    "cleared_balance", "reconciled_balance", "reconciled_through", "reconciliation_id",
    "budget_cadence", "next_sweep", "sweep_from",
)  # fmt: skip
_ABSENT = object()


@dataclass
class LockedAccount:
    document: AccountRecord
    ledger: Ledger
    role: Role
    recorded_by: ObjectId
    recorded_at: datetime
    stored: Mapping[str, Any] | None  # the account as locked; None for a new account
    entries: list[TransactionRecord] = field(default_factory=list)
    # Every entry of the change, of this account and the others, in the order recorded.
    journal: list[TransactionRecord] = field(default_factory=list)
    # The stored form of each envelope record as locked, by the record's identity: a record
    # the change left alone is written back as it was read, without dumping it again.
    # (Holding the record keeps its identity from being reused by another object.)
    _as_read: dict[int, tuple[object, Any]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.stored is not None:
            rows = self.stored.get("envelopes", [])
            self._as_read = {
                id(record): (record, row)
                for record, row in zip(self.document.envelopes, rows, strict=False)
            }

    @property
    def id(self) -> ObjectId:
        return self.document.id

    @property
    def currency(self) -> str:
        return self.document.currency

    @property
    def rev(self) -> int:
        """The stamp of everything this change writes about the account (module docstring)."""
        return self.document.version

    def require(self, permission: Permission) -> None:
        members.require(self.role, permission)

    def record(
        self,
        kind: EntryKind,
        lines: Sequence[Line],
        *,
        size: int,
        details: EntryDetails | None = None,
        booking_date: datetime | None = None,
        flow: EntryKind | None = None,
        reverses: ObjectId | None = None,
        counterpart_account_id: ObjectId | None = None,
        payment_source_id: ObjectId | None = None,
    ) -> TransactionRecord:
        """Number and describe an entry for lines already applied to `ledger`. Booked on
        `booking_date`, else on the day the details give, else today."""
        details = details or EntryDetails()
        account = self.document
        amount = sum(line.amount for line in lines)
        account.seq += 1
        account.balance += amount
        envelope_ids = list(dict.fromkeys(stored_id(line.envelope_id) for line in lines))
        entry = TransactionRecord(
            account_id=account.id,
            seq=account.seq,
            kind=kind,
            flow=flow or kind,
            booking_date=booking_date
            or booking_datetime(details.booking_date, self.recorded_at.date()),
            amount=amount,
            size=size,
            currency=account.currency,
            lines=[
                LineRecord(envelope_id=stored_id(x.envelope_id), amount=x.amount) for x in lines
            ],
            envelope_ids=envelope_ids,
            payee=clean_text(details.payee, MAX_PAYEE_LENGTH, "payee"),
            memo=clean_text(details.memo, MAX_MEMO_LENGTH, "memo"),
            tags=clean_tags(details.tags),
            balance_after=account.balance,
            recorded_by=self.recorded_by,
            recorded_at=self.recorded_at,
            reverses=reverses,
            counterpart_account_id=counterpart_account_id,
            payment_source_id=payment_source_id,
            rev=account.version,
        )
        self.entries.append(entry)
        self.journal.append(entry)
        return entry

    def settle(self) -> None:
        """Bring the document up to date with the change: the ledger's envelopes (checking
        the central invariant, stamping the ones it replaced with `rev`), the member index."""
        self.document.keep(self.ledger)
        self.document.member_ids = [m.user_id for m in self.document.members]
        for record in self.document.envelopes:
            found = self._as_read.get(id(record))
            if (found is None or found[0] is not record) and record.rev != self.rev:
                record.rev = self.rev

    def _stored_envelope(self, record: EnvelopeRecord) -> Any:
        found = self._as_read.get(id(record))
        return found[1] if found is not None and found[0] is record else record.to_stored()

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the account as locked (after `settle`), as stored,
        with the new `updated_at` when any do; nothing when the change left the account as
        it was. (Read from the attributes: `model_dump` of an account costs ten times more.)"""
        account, stored = self.document, self.stored or {}
        current: dict[str, Any] = {name: getattr(account, name) for name in MUTABLE_VALUES}
        if account.budget_cadence is not None:
            current["budget_cadence"] = account.budget_cadence.model_dump()
        current["members"] = [dict(record.__dict__) for record in account.members]
        current["envelopes"] = [self._stored_envelope(record) for record in account.envelopes]
        changed = {k: v for k, v in current.items() if stored.get(k, _ABSENT) != v}
        if changed:
            account.updated_at = changed["updated_at"] = self.recorded_at
        return changed
