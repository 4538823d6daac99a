"""One change of the ledger = one unit of work = one transaction.

    @transactional
    async def move(self, viewer, command, key=None) -> Outcome:
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            lines = account.ledger.move(...)            # the pure rules; may refuse
            account.record(EntryKind.MOVE, lines, ...)  # a numbered entry
            return await tx.commit()

`tx.lock` reads an account for the caller and locks it (NOT_FOUND unless they are a member,
FORBIDDEN if their role may not); `tx.open` adds a new one. The use case applies the rules of
`app.domain` to the locked accounts and records entries on them; its other reads and writes go
through the transaction's repositories (`tx.entries`, `tx.sources`, `tx.profiles`,
`tx.reconciliations`, `tx.budget`). Only
`tx.commit()` writes the accounts (just the fields that changed), their new entries, the
per-month figures and the idempotency key, then commits; leaving the block without it writes
nothing (see `app.persistence.transactions`, which also runs the use case again on a write
conflict).

With an idempotency key the change happens at most once per user and key: the key is stored
in the same transaction as the effect (a unique index). A repeat with the same request ends
the block before it starts, and the use case answers with the first outcome (the accounts as
they are now); a repeat with another request is a CONFLICT. Of concurrent repeats one
commits; the others conflict on the key, run again, find it and replay.

A key is new almost always (a client repeats a request only when an answer was lost), so the
first run of a use case does not look it up: it does the work and stores the key at commit.
For a repeat that store fails on the unique index, which aborts the whole attempt, and the
use case runs again, looking the key up first (`running_again`). A first run refused with an
expected error (an `AppError`) runs again the same way before the refusal is answered: the
repeat of an expense that emptied its envelope replays the expense rather than being refused
for want of funds. So a new key costs no round trip, a repeat one attempt more.

Commit observers (`UnitOfWork.observe`, e.g. the alerts' `ChangeWatcher`) see every change
after its accounts, entries and figures are written and before it commits, with its session:
what they write commits or aborts with the change. An observer must decide from what the
change holds (`Committing`: the accounts as locked and as left, the new entries) before it
reads anything, so that a change with nothing to report costs no round trip more.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, ClassVar, Protocol

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.core.clock import utcnow
from app.core.errors import AppError, ConflictError, NotFoundError, ValidationError
from app.core.viewer import Viewer
from app.domain.envelopes import Ledger
from app.domain.members import Permission, Role
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.idempotency import IdempotencyDocument
from app.persistence.locked_account import LockedAccount
from app.persistence.mongo import Database
from app.persistence.outcome import Outcome
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.budget_figures import BudgetFigures
from app.persistence.repositories.entries import EntryRepository
from app.persistence.repositories.idempotency import IdempotencyRepository
from app.persistence.repositories.month_totals import MonthTotals
from app.persistence.repositories.payment_sources import PaymentSourceRepository
from app.persistence.repositories.profiles import ProfileRepository
from app.persistence.repositories.reconciliations import ReconciliationRepository
from app.persistence.transactions import (
    AlreadyDone,
    Session,
    Transaction,
    TryAgain,
    running_again,
)

MAX_KEY_LENGTH = 200
KEY_LIFETIME = timedelta(days=30)


class IdempotentCommand(Protocol):
    """A change that may carry an idempotency key."""

    OPERATION: ClassVar[str]  # the name its keys are stored under

    def fingerprint(self) -> object:
        """What makes two requests the same request (JSON-encodable, ids as strings)."""
        ...


@dataclass(frozen=True)
class _Request:
    key: str
    operation: str
    digest: str

    @classmethod
    def of(cls, command: IdempotentCommand, key: str) -> _Request:
        if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
            raise ValidationError(
                f"An idempotency key is 1 to {MAX_KEY_LENGTH} printable characters.",
                field=["idempotencyKey"],
            )
        body = json.dumps([command.OPERATION, command.fingerprint()], sort_keys=True, default=str)
        return cls(key, command.OPERATION, hashlib.sha256(body.encode()).hexdigest())


@dataclass(frozen=True)
class Committing:
    """A change about to commit: who made it, when, the accounts it locked or opened (each
    with its row as locked, `stored`, and its document as left, `document`) and its entries
    in the order recorded."""

    viewer: Viewer
    at: datetime
    accounts: Sequence[LockedAccount]
    entries: Sequence[TransactionRecord]


class CommitObserver(Protocol):
    async def committing(self, session: Session, change: Committing) -> None:
        """Called inside the change's transaction, just before it commits."""
        ...


class UnitOfWork:
    """Begins the transactions of ledger changes; shared by every ledger service."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.observers: list[CommitObserver] = []

    def observe(self, observer: CommitObserver) -> None:
        """Call `observer` with every change, inside its transaction, before it commits."""
        self.observers.append(observer)

    def begin(
        self, viewer: Viewer, command: IdempotentCommand | None = None, key: str | None = None
    ) -> LedgerScope:
        """A transaction of a change by `viewer` (`async with`); with `key`, of `command` at
        most once."""
        request = None
        if key is not None:
            if command is None:
                raise TypeError("an idempotency key needs the command it names")
            request = _Request.of(command, key)
        return LedgerScope(self, viewer, request)

    async def replay(
        self, viewer: Viewer, record: IdempotencyDocument, request: _Request
    ) -> Outcome:
        if record.operation != request.operation or record.request_hash != request.digest:
            raise ConflictError(
                "This idempotency key was used with a different request.",
                field=["idempotencyKey"],
            )
        accounts = AccountRepository()
        found = [await accounts.for_member(i, viewer.user_id) for i in record.result.accounts]
        visible = [account for account in found if account is not None]
        visible_ids = {account.id for account in visible}
        by_id = await EntryRepository().by_ids(record.result.entries)
        entries = [by_id[i] for i in record.result.entries if by_id[i].account_id in visible_ids]
        return Outcome(accounts=visible, entries=entries)


class LedgerScope:
    """`async with uow.begin(...) as tx`: one attempt of a change (see the module docstring)."""

    def __init__(self, uow: UnitOfWork, viewer: Viewer, request: _Request | None) -> None:
        self._uow, self._viewer, self._request = uow, viewer, request
        self._attempt = uow.db.transaction()
        # A first run does not look its key up: see the module docstring.
        self._unchecked = request is not None and not running_again()

    async def __aenter__(self) -> LedgerTransaction:
        attempt, request = await self._attempt.__aenter__(), self._request
        try:
            found = None
            if request is not None and not self._unchecked:
                keys = IdempotencyRepository(attempt.session)
                found = await keys.find(self._viewer.user_id, request.key)
        except BaseException as error:
            await attempt.__aexit__(type(error), error, error.__traceback__)
            raise
        if request is None or found is None:
            return LedgerTransaction(attempt, self._viewer, request, self._uow.observers)
        # The key was used before: this attempt writes nothing; answer as the first one did.
        await attempt.__aexit__(None, None, None)
        raise AlreadyDone(await self._uow.replay(self._viewer, found, request))

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: object
    ) -> None:
        await self._attempt.__aexit__(kind, error, trace)
        if self._unchecked and isinstance(error, AppError):
            # Refused without knowing the key: a repeat of a change that took effect must
            # answer as the first time, not with a refusal of doing it again. Look it up.
            raise TryAgain(error) from None


class LedgerTransaction:
    """One attempt of a change (see the module docstring)."""

    def __init__(
        self,
        attempt: Transaction,
        viewer: Viewer,
        request: _Request | None,
        observers: Sequence[CommitObserver] = (),
    ) -> None:
        session = attempt.session
        self.session = session  # for repositories of other features (schedules)
        self.viewer = viewer
        self.recorded_at = utcnow()
        self.accounts = AccountRepository(session)
        self.entries = EntryRepository(session)
        self._figures = MonthTotals(session)
        self._attempt = attempt
        self._request = request
        self._observers = observers
        self._locked: dict[ObjectId, LockedAccount] = {}
        self._journal: list[TransactionRecord] = []  # the entries, in the order recorded

    # The repositories few changes use are made when first used (every change pays for
    # the ones made here).
    @cached_property
    def sources(self) -> PaymentSourceRepository:
        return PaymentSourceRepository(self.session)

    @cached_property
    def profiles(self) -> ProfileRepository:
        return ProfileRepository(self.session)

    @cached_property
    def budget(self) -> BudgetFigures:
        return BudgetFigures(self.session)

    @cached_property
    def reconciliations(self) -> ReconciliationRepository:
        return ReconciliationRepository(self.session)

    async def lock(
        self,
        account_id: ObjectId,
        permission: Permission,
        field: str = "accountId",
        missing: str = "No such account.",
    ) -> LockedAccount:
        """The account locked for this change; NOT_FOUND unless the caller is a member (the
        same answer as for an account that does not exist), FORBIDDEN if their role may not.
        Lock several accounts in a fixed order (e.g. by id), so that two changes locking the
        same ones cannot keep making each other run again."""
        locked = self._locked.get(account_id)
        if locked is None:
            found = await self.accounts.lock(account_id, self.viewer.user_id)
            if found is None:
                raise NotFoundError(missing, field=[field])
            document, stored = found
            role = document.role_of(self.viewer.user_id)
            locked = self._add(document, document.ledger(), role, stored)
        locked.require(permission)
        return locked

    def open(self, document: AccountRecord, ledger: Ledger) -> LockedAccount:
        """A new account of the caller's, written by `commit`."""
        return self._add(document, ledger, Role.OWNER, stored=None)

    def _add(
        self,
        document: AccountRecord,
        ledger: Ledger,
        role: Role,
        stored: Mapping[str, Any] | None,
    ) -> LockedAccount:
        user_id, at = self.viewer.user_id, self.recorded_at
        locked = LockedAccount(document, ledger, role, user_id, at, stored, journal=self._journal)
        self._locked[document.id] = locked
        return locked

    async def commit(self) -> Outcome:
        accounts = list(self._locked.values())
        for account in accounts:
            account.settle()
            if account.stored is None:
                await self.accounts.insert(account.document)
            elif changes := account.changes():
                await self.accounts.update(account.id, changes)
            for entry in account.entries:
                entry.idempotency_key = self._request.key if self._request else None
                entry.rev = account.rev  # delta sync (see `app.persistence.locked_account`)
            await self.entries.insert(account.entries)
        outcome = Outcome(accounts=self._in_recording_order(accounts), entries=list(self._journal))
        await self._figures.add(outcome.entries)
        if self._request is not None:
            await self._store_key(self._request, outcome)
        if self._observers:
            change = Committing(self.viewer, self.recorded_at, accounts, outcome.entries)
            for observer in self._observers:
                await observer.committing(self.session, change)
        await self._attempt.commit()
        return outcome

    def _in_recording_order(self, accounts: list[LockedAccount]) -> list[AccountRecord]:
        """The accounts whose entries were recorded first come first (the sending account
        of a transfer), then the others in the order they were locked."""
        first_entry = {entry.account_id: i for i, entry in reversed(list(enumerate(self._journal)))}
        ordered = sorted(accounts, key=lambda a: first_entry.get(a.id, len(self._journal)))
        return [account.document for account in ordered]

    async def _store_key(self, request: _Request, outcome: Outcome) -> None:
        now = utcnow()
        record = IdempotencyDocument(
            user_id=self.viewer.user_id,
            key=request.key,
            operation=request.operation,
            request_hash=request.digest,
            result=outcome.reference(),
            created_at=now,
            expires_at=now + KEY_LIFETIME,
        )
        try:
            await IdempotencyRepository(self.session).insert(record)
        except DuplicateKeyError:  # a concurrent request with this key committed first
            raise TryAgain(
                ConflictError("This idempotency key is in use; retry.", field=["idempotencyKey"])
            ) from None
