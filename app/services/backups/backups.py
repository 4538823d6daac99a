"""Back up a household: a short-lived download link, then the file, streamed.

A household is the accounts the caller owns (`createBackup` may name some of them; any other
account is NOT_FOUND, one they only share FORBIDDEN). The link (`BackupTokens`, 60 s) names
the caller, their login and the accounts; `open` takes it back like a history export's link.

The file (`file_format` says what it holds) is read in one MongoDB snapshot session: every
read of the household sees the same moment, so transfers between two of its accounts, an
account and its entries, a reconciliation and its entries all agree, while money keeps moving.
A snapshot lives for MongoDB's `minSnapshotHistoryWindowInSeconds` (5 minutes by default): a
download slower than that is cut off, and the restore refuses the truncated file. The file is
written as it is read, a batch of entries at a time: memory stays the same for ten entries or
a million.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.core.clock import today, utcnow
from app.core.errors import AppError, ForbiddenError, NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.members import Role
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.households import (
    ACCOUNT,
    PER_ACCOUNT,
    PER_OWNER,
    HouseholdStore,
    RecordType,
)
from app.persistence.transactions import Session
from app.services.auth import AuthService
from app.services.backups.file_format import FORMAT, VERSION, Writer
from app.services.tokens import BackupClaims, BackupTokens

LINK_SECONDS = 60
MAX_ACCOUNTS = 100


@dataclass(frozen=True)
class CreateBackup:
    account_ids: tuple[ObjectId, ...] | None  # None: every account the caller owns


@dataclass(frozen=True)
class BackupLink:
    token: str
    expires_at: datetime


def file_name(day: date) -> str:
    return f"household-{day.isoformat()}.envelopes.gz"


def app_version() -> str:
    try:
        return importlib.metadata.version("envelopes")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class HouseholdBackup:
    """One backup, ready to stream (see the module docstring)."""

    def __init__(self, db: Database, store: HouseholdStore, claims: BackupClaims) -> None:
        self.db, self.store, self.claims = db, store, claims
        self.file_name = file_name(today())

    async def chunks(self) -> AsyncIterator[bytes]:
        writer = Writer()
        async with self.db.snapshot() as session:
            owner = self.claims.user_id
            ids = None if self.claims.account_ids is None else list(self.claims.account_ids)
            accounts = await self.store.owned_accounts(owner, ids, session)
            users = await self.store.users_named(accounts, owner, session)
            writer.add(
                {"type": "header", "format": FORMAT, "version": VERSION,
                 "createdAt": utcnow().isoformat(), "appVersion": app_version()}
            )  # fmt: skip
            for user_id, profile in users.items():
                email = None if profile is None else profile.email
                writer.add({"type": "user", "data": {"id": str(user_id), "email": email}})
            counts: dict[str, int] = {"account": len(accounts)}
            summaries = []
            for account in accounts:
                account_id, summary = account["_id"], _summary(account)
                before = counts.get("entry", 0)
                writer.add({"type": ACCOUNT.name, "data": ACCOUNT.encode(account)})
                for kind in PER_ACCOUNT:
                    async for chunk in self._records(writer, kind, account_id, session, counts):
                        yield chunk
                summaries.append({**summary, "entries": counts.get("entry", 0) - before})
            for kind in PER_OWNER:
                async for chunk in self._records(writer, kind, owner, session, counts):
                    yield chunk
        writer.add({"type": "manifest", "counts": counts, "accounts": summaries})
        yield writer.finish()

    async def _records(
        self,
        writer: Writer,
        kind: RecordType,
        key: ObjectId,
        session: Session,
        counts: dict[str, int],
    ) -> AsyncIterator[bytes]:
        async for record in self.store.records(kind, key, session):
            writer.add({"type": kind.name, "data": record})
            counts[kind.name] = counts.get(kind.name, 0) + 1
            if writer.ready():
                yield writer.take()


def _summary(account: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(account["_id"]),
        "name": account["name"],
        "currency": account["currency"],
        "balance": account["balance"],
    }


class HouseholdBackups:
    """Backups: the link (a mutation, owners) and the file (the link's GET)."""

    def __init__(
        self, db: Database, auth: AuthService, store: HouseholdStore, tokens: BackupTokens
    ) -> None:
        self.db, self.auth, self.store, self.tokens = db, auth, store, tokens
        self.accounts = AccountRepository()

    async def link(self, viewer: Viewer, command: CreateBackup) -> BackupLink:
        """A download link of the caller's household (or of the accounts named, each one
        theirs to own)."""
        if command.account_ids is not None:
            await self._check_owned(viewer, command.account_ids)
        claims = BackupClaims(viewer.user_id, viewer.login_id, command.account_ids)
        token, expires_at = self.tokens.issue(claims, utcnow())
        return BackupLink(token, expires_at)

    async def _check_owned(self, viewer: Viewer, account_ids: tuple[ObjectId, ...]) -> None:
        if not 1 <= len(account_ids) <= MAX_ACCOUNTS:
            raise ValidationError(
                f"Name 1 to {MAX_ACCOUNTS} accounts, or none for all.", field=["accountIds"]
            )
        for i, account_id in enumerate(account_ids):
            account = await self.accounts.for_member(account_id, viewer.user_id)
            if account is None:
                raise NotFoundError("No such account.", field=["accountIds", str(i)])
            if account.role_of(viewer.user_id) is not Role.OWNER:
                raise ForbiddenError(
                    "Only the account's owner can back it up.", field=["accountIds", str(i)]
                )

    async def open(self, token: str) -> HouseholdBackup:
        """The backup a link names. `ExpiredLinkError` when its time is up; NOT_FOUND when it
        is not one of ours or its login has ended."""
        claims = self.tokens.decode(token)
        try:
            await self.auth.confirm(Viewer(claims.user_id, claims.login_id))
        except AppError as error:
            if error.code in ("UNAVAILABLE", "TIMEOUT"):
                raise
            raise NotFoundError("No such backup.") from None
        return HouseholdBackup(self.db, self.store, claims)
