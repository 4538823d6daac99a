"""`changes(since:)`: what changed in the caller's accounts since a cursor, and a new cursor.

Everything is read in one snapshot (one point in time), and everything a change writes about
an account is stamped with the account's `version` in that change, in its transaction
(`app.persistence.locked_account`). Per account, against the client's `Position`:

- the account, when its `version` moved past the one delivered: with its envelopes (deleted
  ones as tombstones: those deleted since), and its schedules, payment sources and their
  tombstones stamped since;
- its entries stamped since, in (rev, id) order, as many as the page has room for.

A page holds at most `first` objects (accounts, entries, schedules, payment sources,
tombstones), but for an account's own part, which is never split: one larger than `first`
comes on a page of its own. Entries fill the rest of a page. The new cursor advances only
as far as what the page returned, so a client walking the pages misses nothing and gets no
(entry, rev) twice; when `has_more` is False it holds each account as of the snapshot.
Accounts in the cursor that the caller no longer sees (or never saw: the same answer) come
back as tombstones (outside the count) and leave the cursor. Without a cursor, the first
pages are a full copy (no tombstones: the client has nothing to remove).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.payment_sources import PaymentSourceDocument
from app.persistence.documents.schedules import ScheduleRecord
from app.persistence.documents.tombstones import TombstoneDocument
from app.persistence.mongo import Database, Session
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.entries import EntryRepository
from app.persistence.repositories.payment_sources import PaymentSourceRepository
from app.persistence.repositories.schedules import ScheduleRepository
from app.persistence.repositories.tombstones import TombstoneRepository
from app.services.sync import cursor as codec
from app.services.sync.cursor import Cursor, Position

# The house's page size, which the request-cost estimate assumes when `first` is not given
# (`app.graphql.engine.cost`); the cost limit keeps rich selections well below MAX_FIRST.
DEFAULT_FIRST = 20
MAX_FIRST = 1000
_BEFORE_ALL = -1  # below every stamp (stamps start at 0)


@dataclass
class AccountChanges:
    """What changed in one account: its document (None when unchanged), its envelopes
    deleted since, its schedules and payment sources, their tombstones, and entries."""

    account: AccountRecord
    changed: bool
    removed_envelopes: list[ObjectId] = field(default_factory=list)
    schedules: list[ScheduleRecord] = field(default_factory=list)
    sources: list[PaymentSourceDocument] = field(default_factory=list)
    tombstones: list[TombstoneDocument] = field(default_factory=list)
    entries: list[TransactionRecord] = field(default_factory=list)

    def size(self) -> int:
        parts = (self.removed_envelopes, self.schedules, self.sources, self.tombstones)
        return int(self.changed) + sum(len(part) for part in parts) + len(self.entries)


@dataclass(frozen=True)
class ChangeSet:
    accounts: list[AccountChanges]  # those with something to deliver, by id
    removed_accounts: list[ObjectId]
    cursor: str
    has_more: bool


class _Reads:
    """The repositories of one snapshot."""

    def __init__(self, session: Session) -> None:
        self.accounts = AccountRepository(session)
        self.entries = EntryRepository(session)
        self.schedules = ScheduleRepository(session)
        self.sources = PaymentSourceRepository(session)
        self.tombstones = TombstoneRepository(session)


class SyncService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def changes(self, viewer: Viewer, since: str | None, first: int | None) -> ChangeSet:
        first = DEFAULT_FIRST if first is None else first
        if not 1 <= first <= MAX_FIRST:
            raise ValidationError(f"first is 1 to {MAX_FIRST}.", field=["first"])
        known = codec.decode(since)
        async with self.db.snapshot() as session:
            reads = _Reads(session)
            accounts = await reads.accounts.visible_to(viewer.user_id)
            page = _Page(reads, first)
            for account in accounts:
                await page.add(account, known.get(account.id))
        visible = {account.id for account in accounts}
        return ChangeSet(
            accounts=page.parts,
            removed_accounts=[i for i in sorted(known) if i not in visible],
            cursor=codec.encode(page.cursor),
            has_more=page.has_more,
        )


class _Page:
    def __init__(self, reads: _Reads, first: int) -> None:
        self.reads = reads
        self.room = first
        self.parts: list[AccountChanges] = []
        self.cursor: Cursor = {}
        self.has_more = False

    async def add(self, account: AccountRecord, position: Position | None) -> None:
        """What the page delivers of `account` (from `position`; None: nothing yet)."""
        version = account.version
        changed = position is None or version > position.version
        if self.room <= 0:
            self.has_more = self.has_more or changed or await self._entries_wait(account, position)
            self._keep(account.id, position)
            return
        part = AccountChanges(account, changed)
        if changed:
            await self._own_part(part, position)
            if self.parts and part.size() > self.room:  # on the next page, whole
                self.has_more = True
                self._keep(account.id, position)
                return
        self.room -= part.size()
        after = (_BEFORE_ALL, None) if position is None else (position.rev, position.entry_id)
        rev, entry_id = after
        if position is None or not position.entries_done(version):
            found = await self.reads.entries.changed(
                account.id, rev, entry_id, version, max(self.room, 0) + 1
            )
            if len(found) > max(self.room, 0):
                self.has_more = True
                found = found[: max(self.room, 0)]
                if found:
                    rev, entry_id = found[-1].rev, found[-1].id
            else:
                rev, entry_id = version, None
            part.entries = found
            self.room -= len(found)
        else:
            rev, entry_id = version, None
        if part.size():
            self.parts.append(part)
        self.cursor[account.id] = Position(version, rev, entry_id)

    async def _own_part(self, part: AccountChanges, position: Position | None) -> None:
        account, reads = part.account, self.reads
        after = _BEFORE_ALL if position is None else position.version
        part.schedules = await reads.schedules.changed(account.id, after, account.version)
        part.sources = await reads.sources.changed(account.id, after, account.version)
        if position is not None:  # a new copy has nothing to remove
            part.removed_envelopes = [
                e.id for e in account.envelopes if e.deleted and e.rev > after
            ]
            part.tombstones = await reads.tombstones.since(account.id, after, account.version)

    async def _entries_wait(self, account: AccountRecord, position: Position | None) -> bool:
        if position is None:
            return True
        if position.entries_done(account.version):
            return False
        found = await self.reads.entries.changed(
            account.id, position.rev, position.entry_id, account.version, 1
        )
        return bool(found)

    def _keep(self, account_id: ObjectId, position: Position | None) -> None:
        if position is not None:
            self.cursor[account_id] = position
