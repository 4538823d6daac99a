"""Live subscriptions of one API process, fed by its one change stream (`ChangeFeed`).

Every API process follows the same change stream, so a change made through any process
reaches the subscribers of every process. The hub fans each change out in memory to the
local subscribers of its key (an account, an import job, a user's alerts).

Rules the subscribers keep:
- An account subscriber sees the account's states in `version` order, each at most once
  (an older or repeated state is skipped), with the entries stamped since the state it saw
  last: a change is never missed or doubled, though changes that follow quickly may come as
  one. The entries of one state are read once for all subscribers at that point.
- Every event is checked against the event's own account document (its `member_ids`): a
  member removed gets NOT_FOUND at the next change and the subscription ends, with no read
  per subscriber.
- If the stream had to start afresh (changes may have been missed), every subscription ends
  with UNAVAILABLE; clients subscribe again and start from the current state.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.core.errors import AppError, NotFoundError, UnavailableError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.persistence.change_feed import Change, ChangeFeed
from app.persistence.documents.accounts import AccountDocument, AccountRecord
from app.persistence.documents.alerts import AlertDocument, AlertRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.imports import ImportJobDocument
from app.persistence.failures import DatabaseError, unavailable
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.entries import EntryRepository
from app.persistence.repositories.imports import ImportJobRepository

NO_ACCOUNT = "No such account."
NO_JOB = "No such import job."
LOST = "Live updates were interrupted; subscribe again."
FINISHED_IMPORTS = ("done", "cancelled")  # a failed import may be resumed
MAX_ENTRIES = 5000  # entries of one change handed to subscribers (an import batch ≤ 5000)
_READS_KEPT = 64  # entry reads shared by subscribers at the same point
_READ_RETRY_SECONDS = 0.5
_READ_ATTEMPTS = 120  # about a minute without a primary
MAX_WAITING_ALERTS = 1000  # a subscriber this far behind is ended (it resubscribes)

T = TypeVar("T")
Key = ObjectId
_END: Any = object()  # wakes a subscriber whose mailbox was ended


@dataclass(frozen=True)
class AccountUpdate:
    """An account's state, and the entries stamped since the subscriber's previous one
    (`since`: that state's version; None for the first state a subscriber gets)."""

    account: AccountRecord
    entries: tuple[TransactionRecord, ...]
    since: int | None


class _Latest(Generic[T]):
    """One subscriber's mailbox: the newest value offered, or the error that ends it."""

    def __init__(self) -> None:
        self.value: T | None = None
        self.error: AppError | None = None
        self._wake = asyncio.Event()

    def offer(self, value: T) -> None:
        self.value = value
        self._wake.set()

    def end(self, error: AppError) -> None:
        self.error = error
        self._wake.set()

    async def take(self) -> T:
        """The newest value since the last take (waiting for one); raises the ending error."""
        while True:
            if self.error is not None:
                raise self.error
            value, self.value = self.value, None
            if value is not None:
                return value
            self._wake.clear()
            await self._wake.wait()


class _AccountMailbox(_Latest[AccountRecord]):
    """Keeps only states the member may see, newest first; a state without them ends it."""

    def __init__(self, user_id: ObjectId) -> None:
        super().__init__()
        self.user_id = user_id

    def offer_state(self, account: AccountRecord | None) -> None:
        if account is None or self.user_id not in account.member_ids:
            self.end(NotFoundError(NO_ACCOUNT, field=["accountId"]))
        elif self.value is None or account.version > self.value.version:
            self.offer(account)


class _AlertMailbox:
    """A subscriber's alerts in the order they were raised, each once."""

    def __init__(self) -> None:
        self.waiting: asyncio.Queue[AlertRecord] = asyncio.Queue(MAX_WAITING_ALERTS)
        self.error: AppError | None = None
        self.seen: OrderedDict[ObjectId, None] = OrderedDict()

    def offer(self, alert: AlertRecord) -> None:
        if alert.id in self.seen:
            return
        self.seen[alert.id] = None
        if len(self.seen) > MAX_WAITING_ALERTS:
            self.seen.popitem(last=False)
        try:
            self.waiting.put_nowait(alert)
        except asyncio.QueueFull:
            self.end(UnavailableError(LOST))

    def end(self, error: AppError) -> None:
        self.error = error
        with contextlib.suppress(asyncio.QueueFull):
            self.waiting.put_nowait(_END)

    async def take(self) -> AlertRecord:
        alert = await self.waiting.get()
        if self.error is not None:
            raise self.error
        return alert


class LiveHub:
    """The subscriptions of this process. The change stream is opened with the first
    subscription (`start` runs it in the background work of the process) and followed until
    the process stops: a process nobody subscribes to holds no stream."""

    def __init__(
        self, feed: ChangeFeed, start: Callable[[Coroutine[Any, Any, None], str], None]
    ) -> None:
        self.feed = feed
        self._start = start
        self._running = False
        self.accounts = AccountRepository()
        self.entries = EntryRepository()
        self.jobs = ImportJobRepository()
        self._ready = asyncio.Event()
        self._by_account: dict[Key, set[_AccountMailbox]] = {}
        self._by_job: dict[Key, set[_Latest[ImportJobDocument]]] = {}
        self._by_user: dict[Key, set[_AlertMailbox]] = {}
        self._handlers: dict[str, Callable[[Change], None]] = {
            AccountDocument.Settings.name: self._account_changed,
            ImportJobDocument.Settings.name: self._job_changed,
            AlertDocument.Settings.name: self._alert_raised,
        }
        self._reads: OrderedDict[tuple[Key, int, int], asyncio.Task[Any]] = OrderedDict()

    @property
    def subscribers(self) -> int:
        groups: list[set[Any]] = [*self._by_account.values(), *self._by_job.values()]
        return sum(len(group) for group in [*groups, *self._by_user.values()])

    async def run(self) -> None:
        """Follow the change stream until cancelled (the services' background work)."""
        await self.feed.follow(self._dispatch, self._ready.set, self._lost)

    async def _following(self) -> None:
        """Once the change stream is open (opening it for the first subscriber)."""
        if not self._running:
            self._running = True
            self._start(self.run(), "live-change-stream")
        await self._ready.wait()

    # --- subscriptions --------------------------------------------------------------------

    async def account_changes(
        self, viewer: Viewer, account_id: ObjectId
    ) -> AsyncIterator[AccountUpdate]:
        """The account as it is now (no entries), then each later state with its entries."""
        mailbox = _AccountMailbox(viewer.user_id)
        await self._following()
        with _registered(self._by_account, account_id, mailbox):
            account = await self.accounts.for_member(account_id, viewer.user_id)
            if account is None:
                raise NotFoundError(NO_ACCOUNT, field=["accountId"])
            yield AccountUpdate(account, (), None)
            seen = account.version
            while True:
                state = await mailbox.take()
                if state.version <= seen:
                    continue
                entries = await self._entries_between(account_id, seen, state.version)
                yield AccountUpdate(state, entries, seen)
                seen = state.version

    async def import_progress(
        self, viewer: Viewer, job_id: ObjectId
    ) -> AsyncIterator[tuple[ImportJobDocument, AccountRecord]]:
        """The job as it is now, then each change of it, until it is done or cancelled."""
        jobs: _Latest[ImportJobDocument] = _Latest()
        members = _AccountMailbox(viewer.user_id)
        await self._following()
        with _registered(self._by_job, job_id, jobs):
            job = await self.jobs.get(job_id)
            if job is None:
                raise NotFoundError(NO_JOB, field=["jobId"])
            with _registered(self._by_account, job.account_id, members):
                account = await self.accounts.for_member(job.account_id, viewer.user_id)
                if account is None:
                    raise NotFoundError(NO_JOB, field=["jobId"])
                job = await self.jobs.get(job_id) or job  # any change before the account read
                async for update in _job_updates(job, account, jobs, members):
                    yield update

    async def alerts(self, viewer: Viewer) -> AsyncIterator[AlertRecord]:
        """The viewer's alerts as they are raised (from now on)."""
        mailbox = _AlertMailbox()
        await self._following()
        with _registered(self._by_user, viewer.user_id, mailbox):
            while True:
                yield await mailbox.take()

    # --- the change stream ----------------------------------------------------------------

    def _dispatch(self, change: Change) -> None:
        handler = self._handlers.get(change.collection)
        if handler is not None:
            handler(change)

    def _account_changed(self, change: Change) -> None:
        account = change.document
        assert account is None or isinstance(account, AccountRecord)  # noqa: S101
        for mailbox in self._by_account.get(change.key, ()):
            mailbox.offer_state(account)

    def _job_changed(self, change: Change) -> None:
        job = change.document
        if isinstance(job, ImportJobDocument):
            for mailbox in self._by_job.get(change.key, ()):
                mailbox.offer(job)

    def _alert_raised(self, change: Change) -> None:
        alert = change.document
        if change.operation == "insert" and isinstance(alert, AlertRecord):
            for mailbox in self._by_user.get(alert.user_id, ()):
                mailbox.offer(alert)

    def _lost(self) -> None:
        error = UnavailableError(LOST)
        mailboxes: list[_Latest[Any]] = [m for g in self._by_account.values() for m in g]
        mailboxes += [m for g in self._by_job.values() for m in g]
        for mailbox in mailboxes:
            mailbox.end(error)
        for group in self._by_user.values():
            for alerts in group:
                alerts.end(error)

    # --- shared reads ---------------------------------------------------------------------

    async def _entries_between(
        self, account_id: ObjectId, after: int, through: int
    ) -> tuple[TransactionRecord, ...]:
        """The account's entries stamped in (after, through]: one read for every subscriber
        asking the same (kept for the next few changes)."""
        key = (account_id, after, through)
        read = self._reads.get(key)
        if read is None:
            read = asyncio.ensure_future(self._read_entries(*key))
            self._reads[key] = read
            while len(self._reads) > _READS_KEPT:
                self._reads.popitem(last=False)
        found: tuple[TransactionRecord, ...] = await asyncio.shield(read)
        return found

    async def _read_entries(
        self, account_id: ObjectId, after: int, through: int
    ) -> tuple[TransactionRecord, ...]:
        for attempt in range(_READ_ATTEMPTS):
            try:
                rows = await self.entries.changed(account_id, after, None, through, MAX_ENTRIES)
                return tuple(rows)
            except DatabaseError as error:  # through an election: wait for the new primary
                if not unavailable(error) or attempt == _READ_ATTEMPTS - 1:
                    raise
                await asyncio.sleep(_READ_RETRY_SECONDS)
        raise AssertionError("unreachable")


async def _job_updates(
    job: ImportJobDocument,
    account: AccountRecord,
    jobs: _Latest[ImportJobDocument],
    members: _AccountMailbox,
) -> AsyncIterator[tuple[ImportJobDocument, AccountRecord]]:
    yield job, account
    shown = _progress(job)
    while job.status not in FINISHED_IMPORTS:
        account = members.value or account
        if members.error is not None:
            raise members.error
        waiting = asyncio.ensure_future(jobs.take())
        ended = asyncio.ensure_future(members.take())
        try:
            done, _ = await asyncio.wait({waiting, ended}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiting.cancel()
            ended.cancel()
        if ended in done:
            account = ended.result()  # raises NOT_FOUND once the member is removed
        if waiting in done and _progress(newer := waiting.result()) != shown:
            job, shown = newer, _progress(newer)
            yield job, account


def _progress(job: ImportJobDocument) -> tuple[object, ...]:
    return (job.status, job.cursor, job.updated_at, job.finished_at)


@contextmanager
def _registered(groups: dict[Key, set[T]], key: Key, member: T) -> Iterator[None]:
    groups.setdefault(key, set()).add(member)
    try:
        yield
    finally:
        group = groups.get(key)
        if group is not None:
            group.discard(member)
            if not group:
                del groups[key]
