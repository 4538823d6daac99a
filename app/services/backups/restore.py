"""Restore a household backup: a job that checks the whole file, then writes it account by
account, hidden, checks every invariant, and only then makes all the accounts visible at once.

`restoreBackup` takes the id of a file the caller uploaded (`POST /uploads?kind=backup`),
checks its first line (the format and its version: BACKUP_INVALID, BACKUP_VERSION at once),
and starts a job; `restoreJob(id)` reads how far it got. The job:

1. verifies the file as a whole (`file_format.verify`: gzip, SHA-256, manifest): a damaged,
   truncated or foreign file fails with BACKUP_INVALID before anything is written;
2. writes each account hidden (`HouseholdStore.insert_hidden`), with new ids: every id of the
   household is remapped (the first 4 bytes of an ObjectId, its time, are kept; the other 8
   are a keyed hash of the old id with a key of this restore), so restoring into the instance
   the backup came from, even twice, clashes with nothing, and references between records
   (transfers between the household's accounts, undo links, reconciliations) stay intact;
3. writes its entries in batches, checking as they come the sequence (1, 2, 3… gapless) and
   the running balance, and after them: the account's balance = the sum of its envelopes =
   the sum of its entries (counted again in the database), each envelope's balance = the sum
   of its lines, the cleared balance, the per-month figures (summed as the entries go by) and
   the manifest's figures; a record that is not what its type says, or any broken invariant,
   fails the job with BACKUP_INVALID;
4. publishes every account in one transaction (`HouseholdStore.publish`).

A failed job removes all it wrote (`discard`): nothing of a failed restore is ever visible.

Who is who: the caller becomes each account's owner. Every other member is re-linked by email
to the user with that address on this instance, with their role (the backup's owner, if it
is somebody else who is here, becomes an admin); members with no user here are listed in
`membersNotRestored`. Entries, reconciliations and schedules keep naming who made them, by
email; a person with no user here reads as a former member.

Schedules come back paused at the occurrence the backup had reached (see `households`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Any

from app.core.clock import utcnow
from app.core.ids import ObjectId, parse_object_id
from app.domain.identity import email_key
from app.domain.members import Role
from app.persistence.documents.restore_jobs import RestoreStatus
from app.persistence.repositories.households import (
    ACCOUNT,
    ENTRY,
    PER_OWNER,
    HouseholdStore,
    RestoreScope,
    record_types,
)
from app.persistence.repositories.restore_jobs import RestoreJobRepository
from app.services.backups.file_format import Contents, parse
from app.services.backups.invariants import RestoredAccount, invalid

log = logging.getLogger("envelopes.restore")

BATCH = 1000
IN_FLIGHT = 2  # batches being written while the next is read
YIELD_EVERY = 200  # lines
MAX_OWNED = 10_000  # records of one owner's type (held until published)
PROGRESS_EVERY = 20_000  # entries between two progress updates of the job


class Restore:
    """One run of a restore job over the lines of a verified file (see the module doc)."""

    def __init__(
        self,
        store: HouseholdStore,
        jobs: RestoreJobRepository,
        job_id: ObjectId,
        user_id: ObjectId,
        contents: Contents,
    ) -> None:
        self.store, self.jobs, self.job_id, self.me = store, jobs, job_id, user_id
        self.manifests = list(contents.manifest["accounts"])
        self.key = secrets.token_bytes(16)
        # Accounts' and envelopes' ids come again and again; each entry's own only once.
        self.new_id = lru_cache(maxsize=4096)(self._new_id)
        self.emails: dict[str, str | None] = {}  # old user id → email
        self.users: dict[str, ObjectId] = {}  # old user id → a user of this instance
        self.not_restored: list[str] = []
        self.account: RestoredAccount | None = None
        self.done: list[RestoredAccount] = []
        self.entries_done = 0
        self.scope: RestoreScope | None = None
        self.in_flight: list[asyncio.Future[None]] = []
        self.types = record_types()
        self.owners = {kind.name: kind for kind in PER_OWNER}
        self.owned: dict[str, list[dict[str, Any]]] = {}  # written when published

    def _new_id(self, old: str) -> ObjectId:
        if not isinstance(old, str) or parse_object_id(old) is None:
            raise ValueError(f"not an id: {old!r}")
        tail = hashlib.blake2b(old.encode(), key=self.key, digest_size=8).hexdigest()
        new = parse_object_id(old[:8] + tail)
        if new is None:
            raise ValueError(old)
        return new

    def _user(self, old: str) -> ObjectId:
        return self.users.get(old) or self.new_id(old)

    async def run(self, file_lines: AsyncIterator[bytes]) -> None:
        try:
            await self._run(file_lines)
        finally:  # a failure leaves no write running behind the clean-up
            await asyncio.gather(*self.in_flight, return_exceptions=True)

    async def _run(self, file_lines: AsyncIterator[bytes]) -> None:
        number = 0
        async for line in file_lines:
            number += 1
            if number % YIELD_EVERY == 0:
                await asyncio.sleep(0)  # let the process's requests in
            record = parse(line)
            kind = record["type"]
            if number == 1 or kind in ("manifest", "sha256"):
                continue  # checked by `verify`
            try:
                await self._record(kind, record["data"])
            except (ValueError, TypeError, KeyError, AttributeError):
                log.info("invalid record", exc_info=True)
                raise invalid(f"Line {number} of this backup is not a valid {kind}.") from None
        await self._finish_account()
        if len(self.done) != len(self.manifests):
            raise invalid("This backup's accounts disagree with its manifest.")
        await self.store.publish(
            self.job_id,
            {a.id: _visible(a.row) for a in self.done},
            {"status": RestoreStatus.DONE.value, "entries_done": self.entries_done,
             "account_ids": [a.id for a in self.done], "finished_at": utcnow(),
             "members_not_restored": self.not_restored, "heartbeat_at": utcnow()},
            self.owned,
        )  # fmt: skip

    async def _record(self, kind: str, data: dict[str, Any]) -> None:
        if kind == "user":
            if self.scope is not None:
                raise ValueError("a user after the accounts")
            self.emails[data["id"]] = data["email"]
            return
        if self.scope is None:
            await self._link_users()
        if kind == ACCOUNT.name:
            await self._finish_account()
            await self._start_account(data)
            return
        if kind in self.owners:
            await self._finish_account()
            self._add_owned(kind, data)
            return
        account = self.account
        if account is None or data.get("account_id") != account.old_id:
            raise ValueError("a record outside its account")
        row = self.types[kind].decode(data, self._scope())
        if kind == ENTRY.name:
            account.add_entry(row)
        pending = account.pending.setdefault(kind, [])
        pending.append(row)
        if len(pending) >= BATCH:
            await self._flush(account, kind)

    async def _link_users(self) -> None:
        keys = {old: email_key(email) for old, email in self.emails.items() if email}
        found = await self.store.emails(keys.values())
        self.users = {old: found[key] for old, key in keys.items() if key in found}
        accounts = frozenset(self.new_id(str(m.get("id"))) for m in self.manifests)
        self.scope = RestoreScope(self.new_id, self._user, accounts)

    def _scope(self) -> RestoreScope:
        if self.scope is None:
            raise ValueError("no users")
        return self.scope

    async def _start_account(self, data: dict[str, Any]) -> None:
        position = len(self.done)
        if position >= len(self.manifests) or self.manifests[position].get("id") != data["id"]:
            raise ValueError("an account the manifest does not list here")
        row = ACCOUNT.decode(data, self._scope())
        row["owner_id"] = self.me
        row["members"] = self._members(data, row)
        self.account = RestoredAccount(data["id"], row, self.manifests[position])
        await self.store.insert_hidden(row, self.job_id)

    def _add_owned(self, kind: str, data: dict[str, Any]) -> None:
        """A record of the owner's (a rule, a setting): the caller's, written when published."""
        rows = self.owned.setdefault(kind, [])
        if len(rows) >= MAX_OWNED:
            raise ValueError(f"more than {MAX_OWNED} records of this type")
        row = self.types[kind].decode(data, self._scope())
        row[self.owners[kind].key] = self.me
        rows.append(row)

    def _members(self, data: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
        """The caller in the owner's place; the others re-linked by email (module doc)."""
        members: list[dict[str, Any]] = []
        for stored, member in zip(data["members"], row["members"], strict=True):
            old, user, role = stored["user_id"], self.users.get(stored["user_id"]), member["role"]
            if old == data["owner_id"]:  # the caller takes the owner's place
                members.append({**member, "user_id": self.me, "role": Role.OWNER.value})
            if user == self.me:
                continue
            if user is None:
                self.not_restored.append(self.emails.get(old) or "(a former user)")
                continue
            if role == Role.OWNER.value:
                role = Role.ADMIN.value
            members.append({**member, "user_id": user, "role": role})
        if not any(m["user_id"] == self.me for m in members):
            raise ValueError("an account without its owner among its members")
        return members

    async def _flush(self, account: RestoredAccount, kind: str) -> None:
        """Write a batch; up to `IN_FLIGHT` at once, so reading the next one overlaps
        MongoDB's work on the last (`_settle` waits for them all)."""
        rows = account.pending.pop(kind, [])
        self.in_flight.append(asyncio.ensure_future(self.store.insert(self.types[kind], rows)))
        if len(self.in_flight) >= IN_FLIGHT:
            await self.in_flight.pop(0)
        if kind == ENTRY.name:
            before = self.entries_done
            self.entries_done += len(rows)
            if self.entries_done // PROGRESS_EVERY != before // PROGRESS_EVERY:
                await self.jobs.update(
                    self.job_id, {"entries_done": self.entries_done, "heartbeat_at": utcnow()}
                )

    async def _settle(self) -> None:
        in_flight, self.in_flight = self.in_flight, []
        results = await asyncio.gather(*in_flight, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _finish_account(self) -> None:
        account = self.account
        if account is None:
            return
        for kind in list(account.pending):
            await self._flush(account, kind)
        await self._settle()
        account.check()
        figures = await self.store.entry_figures(account.id)
        row, name = account.row, account.name
        expected = (row["seq"], row["balance"], 1 if row["seq"] else 0, row["seq"])
        found = (figures.count, figures.total, figures.first_seq, figures.last_seq)
        if found != expected or figures.count != account.manifest.get("entries"):
            raise invalid(f"{name}: its stored entries are not the backup's.")
        whole = sum(t for (envelope, *_), (t, _n) in account.totals.items() if envelope is None)
        if whole != row["balance"]:
            raise invalid(f"{name}: its month totals do not add up to its balance.")
        await self.store.write_totals(account.id, account.totals)
        self.done.append(account)
        self.account = None


def _visible(row: dict[str, Any]) -> dict[str, Any]:
    # What the backup's members wanted of alerts and webhooks is not theirs here: a restored
    # account watches for what every member wants by default until one saves settings.
    return {
        "alert_watch": None,
        "webhook_kinds": [],
        "member_ids": [m["user_id"] for m in row["members"]],
        "next_sweep": row.get("next_sweep"),
        "sweep_from": row.get("sweep_from"),
    }
