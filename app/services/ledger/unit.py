"""One change of the ledger = one transaction: lock the accounts, apply the pure rules,
write the accounts and their new entries together, remember the idempotency key.

`LockedAccount` is an account inside such a transaction: its `Ledger` (the pure envelope
rules), the caller's role, and the entries recorded so far, numbered from the account's
sequence. `save` writes it back. An exception anywhere aborts the whole transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field, is_dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.core.errors import ConflictError, NotFoundError, ValidationError
from app.domain import members
from app.domain.envelopes import Envelope, Ledger, Line
from app.domain.members import Permission, Role
from app.persistence.ledger_repository import LedgerRepository, Row
from app.persistence.mongo import Database, Session
from app.persistence.month_totals import MonthTotals
from app.services.auth import Viewer
from app.services.ledger.commands import EntryDetails
from app.services.ledger.entry_fields import (
    MAX_MEMO_LENGTH,
    MAX_PAYEE_LENGTH,
    clean_tags,
    clean_text,
)

MAX_KEY_LENGTH = 200
KEY_LIFETIME = timedelta(days=30)
# The idempotency key of the change being run, stamped on the entries it writes.
_current_key: ContextVar[str | None] = ContextVar("idempotency_key", default=None)


def utcnow() -> datetime:
    """Now, at the millisecond precision MongoDB stores, so an answer matches later reads."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def role_of(account: Row, user_id: ObjectId) -> Role:
    return next(Role(m["role"]) for m in account["members"] if m["user_id"] == user_id)


def ledger_of(account: Row) -> Ledger:
    return Ledger(
        currency=account["currency"],
        envelopes=[
            Envelope(
                id=e["id"],
                name=e["name"],
                balance=e["balance"],
                archived=e.get("archived", False),
                builtin=e.get("builtin", False),
                deleted=e.get("deleted", False),
            )
            for e in account["envelopes"]
        ],
        allow_overdraft=account["allow_overdraft"],
        closed=account.get("closed_at") is not None,
    )


def envelope_rows(ledger: Ledger) -> list[Row]:
    return [
        {
            "id": e.id,
            "name": e.name,
            "balance": e.balance,
            "archived": e.archived,
            "builtin": e.builtin,
            "deleted": e.deleted,
        }
        for e in ledger.envelopes
    ]


@dataclass
class LockedAccount:
    row: Row
    ledger: Ledger
    role: Role
    recorded_at: datetime
    entries: list[Row] = field(default_factory=list)

    @property
    def id(self) -> ObjectId:
        account_id: ObjectId = self.row["_id"]
        return account_id

    @property
    def currency(self) -> str:
        currency: str = self.row["currency"]
        return currency

    def require(self, permission: Permission) -> None:
        members.require(self.role, permission)

    def record(
        self,
        kind: str,
        lines: Sequence[Line],
        *,
        recorded_by: ObjectId,
        booking_date: datetime,
        size: int,
        details: EntryDetails | None = None,
        flow: str | None = None,
        **links: Any,
    ) -> Row:
        """Number and describe an entry for lines already applied to `ledger`."""
        details = details or EntryDetails()
        amount = sum(line.amount for line in lines)
        self.row["seq"] += 1
        self.row["balance"] += amount
        envelope_ids = list(dict.fromkeys(line.envelope_id for line in lines))
        entry: Row = {
            "_id": ObjectId(),
            "account_id": self.id,
            "seq": self.row["seq"],
            "kind": kind,
            "flow": flow or kind,
            "booking_date": booking_date,
            "amount": amount,
            "size": size,
            "currency": self.currency,
            "lines": [{"envelope_id": x.envelope_id, "amount": x.amount} for x in lines],
            "envelope_ids": envelope_ids,
            "payee": clean_text(details.payee, MAX_PAYEE_LENGTH, "payee"),
            "memo": clean_text(details.memo, MAX_MEMO_LENGTH, "memo"),
            "tags": clean_tags(details.tags),
            "balance_after": self.row["balance"],
            "recorded_by": recorded_by,
            "recorded_at": self.recorded_at,
            "reverses": None,
            "reversed_by": None,
            "counterpart_id": None,
            "counterpart_account_id": None,
            "payment_source_id": None,
            "idempotency_key": None,
            **links,
        }
        self.entries.append(entry)
        return entry

    def refresh_row(self) -> None:
        """Copy the ledger's state into the row, checking the central invariant."""
        if self.ledger.balance != self.row["balance"]:
            raise AssertionError("envelope sum and ledger balance disagree")  # a bug, masked
        self.row["envelopes"] = envelope_rows(self.ledger)
        self.row["updated_at"] = self.recorded_at


@dataclass(frozen=True)
class Outcome:
    """What a change produced: the accounts it touched and the entries it wrote."""

    accounts: list[Row]
    entries: list[Row]

    def reference(self) -> dict[str, Any]:
        return {
            "accounts": [a["_id"] for a in self.accounts],
            "entries": [e["_id"] for e in self.entries],
        }


class LedgerUnit:
    """Runs ledger changes in transactions; shared by every ledger service."""

    def __init__(self, db: Database, repo: LedgerRepository, month_totals: MonthTotals) -> None:
        self.db = db
        self.repo = repo
        self.month_totals = month_totals

    async def lock(
        self,
        session: Session,
        viewer: Viewer,
        account_id: ObjectId,
        permission: Permission,
        field: str = "accountId",
        missing: str = "No such account.",
    ) -> LockedAccount:
        """The account locked for this change; NOT_FOUND unless the caller is a member (the
        same answer as for an account that does not exist), FORBIDDEN if their role may not."""
        row = await self.repo.lock_account(account_id, viewer.user_id, session)
        if row is None:
            raise NotFoundError(missing, field=[field])
        locked = LockedAccount(row, ledger_of(row), role_of(row, viewer.user_id), utcnow())
        locked.require(permission)
        return locked

    async def save(self, session: Session, *accounts: LockedAccount) -> Outcome:
        for account in accounts:
            account.refresh_row()
            fields = {k: account.row[k] for k in ("envelopes", "balance", "seq", "updated_at")}
            await self.repo.update_account(account.id, fields, session)
            for entry in account.entries:
                entry["idempotency_key"] = _current_key.get()
            await self.repo.insert_entries(account.entries, session)
        entries = [e for a in accounts for e in a.entries]
        await self.month_totals.add(entries, session)
        return Outcome(accounts=[a.row for a in accounts], entries=entries)

    async def run(
        self,
        viewer: Viewer,
        operation: str,
        command: object,
        key: str | None,
        change: Callable[[Session], Awaitable[Outcome]],
    ) -> Outcome:
        """Run `change` in one transaction; with an idempotency key, at most once.

        The key is stored in the same transaction as the effect. A repeat with the same
        input gets the first outcome (accounts as they are now); with a different input,
        CONFLICT. Of concurrent repeats one commits; the others conflict on the key and,
        retried, find it and replay.
        """
        if key is None:
            return await self.db.transaction(change)
        key = _check_key(key)
        digest = _request_hash(operation, command)

        async def once(session: Session) -> Outcome | Row:
            found = await self.repo.idempotency_record(viewer.user_id, key, session)
            if found is not None:
                return found
            token = _current_key.set(key)
            try:
                outcome = await change(session)
            finally:
                _current_key.reset(token)
            record = _key_record(viewer, key, operation, digest, outcome)
            await self.repo.insert_idempotency_record(record, session)
            return outcome

        for _ in range(3):
            try:
                result = await self.db.transaction(once)
            except DuplicateKeyError as error:
                if "idempotency_keys" not in str(error):
                    raise
                continue  # a concurrent request with this key committed first: replay it
            if isinstance(result, Outcome):
                return result
            return await self._replay(viewer, result, operation, digest)
        raise ConflictError("This idempotency key is in use; retry.", field=["idempotencyKey"])

    async def _replay(self, viewer: Viewer, record: Row, operation: str, digest: str) -> Outcome:
        if record["operation"] != operation or record["request_hash"] != digest:
            raise ConflictError(
                "This idempotency key was used with a different request.",
                field=["idempotencyKey"],
            )
        reference = record["result"]
        accounts = [
            row
            for account_id in reference["accounts"]
            if (row := await self.repo.account_for(account_id, viewer.user_id)) is not None
        ]
        visible = {a["_id"] for a in accounts}
        by_id = await self.repo.entries_by_ids(reference["entries"])
        entries = [by_id[i] for i in reference["entries"] if by_id[i]["account_id"] in visible]
        return Outcome(accounts=accounts, entries=entries)


def _check_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            f"An idempotency key is 1 to {MAX_KEY_LENGTH} printable characters.",
            field=["idempotencyKey"],
        )
    return key


def _request_hash(operation: str, command: object) -> str:
    body = asdict(command) if is_dataclass(command) and not isinstance(command, type) else command
    text = json.dumps([operation, body], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _key_record(viewer: Viewer, key: str, operation: str, digest: str, outcome: Outcome) -> Row:
    now = utcnow()
    return {
        "user_id": viewer.user_id,
        "key": key,
        "operation": operation,
        "request_hash": digest,
        "result": outcome.reference(),
        "created_at": now,
        "expires_at": now + KEY_LIFETIME,
    }
