"""Running import jobs in the background, in whichever API process holds the job's lease.

A job's work has two phases, each a loop over the file's batches:
- the dry run (`analysing`): each batch judged against the ledger (nothing booked), the
  counts and the first rows kept for the preview; then `preview`, or `queued` when the
  commit was asked for already. A dry run that is interrupted starts again from the top.
- the commit (`queued` → `running` → `done`): each batch is ONE transaction that locks the
  account, books the batch's rows, and moves the job's cursor past them, on condition that
  this process still holds the job's lease at that cursor. So a batch is booked exactly once:
  a process killed mid-batch booked nothing of it; a resumed job starts at the cursor.

The lease (`lease_until`) is renewed with every batch. A job whose lease ran out (its process
died) is taken over by the scheduler of any API process (`OrphanedImports`, a `DueWork`) or
on request (`resumeImport`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.core import clock
from app.core.errors import AppError, NotFoundError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain import members
from app.domain.members import Permission
from app.persistence.documents.imports import (
    ImportCounts,
    ImportJobDocument,
)
from app.persistence.failures import DatabaseError, timed_out, unavailable
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.imports import (
    ImportEntries,
    ImportJobRepository,
    ImportRowRepository,
)
from app.persistence.transactions import Session, transactional
from app.persistence.unit_of_work import UnitOfWork
from app.services.alerts.events import AccountEvent, EventHub, EventKind
from app.services.categorisation.proposals import Categoriser
from app.services.imports.booking import BatchResult, book, judge, preview_rows
from app.services.imports.formats import CsvMapping
from app.services.imports.reading import Item, batches, mapping_from_stored
from app.services.uploads import StoredFile, Uploads

log = logging.getLogger("envelopes.imports")


class LeaseLost(Exception):
    """Another process took the job over, or it was cancelled: stop without writing."""


@dataclass(frozen=True)
class ImportSettings:
    batch_size: int = 1000
    lease_seconds: float = 30.0


def csv_mapping_of(job: ImportJobDocument) -> CsvMapping | None:
    return None if job.csv_mapping is None else mapping_from_stored(job.csv_mapping)


def commit_fields(job: ImportJobDocument) -> dict[str, Any]:
    """The change that queues a previewed job's commit: its counts start again."""
    return {
        "status": "queued",
        "commit_requested": True,
        "preview": job.counts.model_dump(),
        "counts": ImportCounts().model_dump(),
        "errors": [],
        "cursor": 0,
    }


class ImportRunner:
    def __init__(
        self,
        uow: UnitOfWork,
        uploads: Uploads,
        categoriser: Callable[[Session | None], Categoriser],
        settings: ImportSettings,
        spawn: Callable[[Coroutine[Any, Any, None], str], None],
        hub: EventHub | None = None,
    ) -> None:
        """`categoriser(session)`: the account's rules (read in `session`) then the learned
        model; `spawn(work, name)` runs work in the background of this process."""
        self.uow, self.uploads, self.categoriser = uow, uploads, categoriser
        self.settings, self.spawn = settings, spawn
        self.hub = hub  # import.finished / import.failed, with the job's last change
        self.jobs, self.rows = ImportJobRepository(), ImportRowRepository()
        self.accounts = AccountRepository()
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.working: dict[ObjectId, asyncio.Future[None]] = {}

    def lease_until(self) -> datetime:
        return clock.utcnow() + timedelta(seconds=self.settings.lease_seconds)

    async def take(self, job_id: ObjectId) -> bool:
        """Claim the job (when nobody holds it) and work on it in the background."""
        if job_id in self.working:
            return True
        now, seconds = clock.utcnow(), self.settings.lease_seconds
        found = await self.jobs.get(job_id)
        if found is not None and (found.lease_until is None or found.lease_until < now):
            # Its holder died, maybe mid-batch: end that batch's transaction first, or
            # every write of the job waits for MongoDB to end it (60 s).
            await self.jobs.end_session(found, self.holder)
        job = await self.jobs.claim(job_id, self.holder, now, seconds)
        if job is None:
            return False
        self.start(job)
        return True

    def start(self, job: ImportJobDocument) -> asyncio.Future[None]:
        """Work on a job this process holds, in a task of its own: outside the request's
        context (its time budget), so the work outlives the request that started it."""
        if job.id not in self.working:
            done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.working[job.id] = done
            self.spawn(self._work(job, done), f"import-{job.id}")
        return self.working[job.id]

    async def _work(self, job: ImportJobDocument, done: asyncio.Future[None]) -> None:
        try:
            await self.run(job)
        finally:
            self.working.pop(job.id, None)
            if not done.done():
                done.set_result(None)

    async def run(self, job: ImportJobDocument) -> None:
        """Work on the job until it waits for the user, ends, or is taken from us. A failure
        of the job's own (a refused file, an account gone) or a bug fails it; an outage of
        the database leaves it to be resumed."""
        try:
            await self._phases(job)
        except Exception:
            log.exception("import failed", extra={"job": str(job.id)})
            with contextlib.suppress(DatabaseError):  # else its lease runs out: resumed
                await self._fail(job.id, "Unexpected error; resume the import to try again.")

    async def _phases(self, job: ImportJobDocument) -> None:
        current: ImportJobDocument | None = job
        try:
            while current is not None:
                if current.status == "analysing":
                    current = await self._analyse(current)
                elif current.status == "queued":
                    current = await self._to(current, "queued", {"status": "running"})
                elif current.status == "running":
                    current = await self._commit(current)
                else:
                    return
        except LeaseLost:
            return
        except AppError as error:
            await self._fail(job.id, error.message)
        except DatabaseError as error:
            if not (unavailable(error) or timed_out(error)):
                raise
            # An outage: the lease runs out and the job resumes later (here or elsewhere).
            log.warning("import interrupted by the database", extra={"job": str(job.id)})

    async def _to(
        self, job: ImportJobDocument, status: str, fields: dict[str, Any]
    ) -> ImportJobDocument:
        changed = await self.jobs.change(
            job.id,
            {"status": status, "holder": self.holder},
            {**fields, "updated_at": clock.utcnow(), "lease_until": self.lease_until()},
        )
        if changed is None:
            raise LeaseLost
        return changed

    async def _fail(self, job_id: ObjectId, reason: str) -> None:
        now = clock.utcnow()
        await self._end(
            job_id,
            {"holder": self.holder, "status": {"$in": ["analysing", "queued", "running"]}},
            {"status": "failed", "failure": reason, "finished_at": now, "updated_at": now,
             "holder": None, "lease_until": None},
            EventKind.IMPORT_FAILED,
        )  # fmt: skip

    @transactional
    async def _end(
        self, job_id: ObjectId, when: dict[str, Any], fields: dict[str, Any], kind: EventKind
    ) -> ImportJobDocument | None:
        """The job's last change (done or failed), and its event in the same transaction:
        raised once, by whichever process ends the job."""
        async with self.uow.db.transaction() as tx:
            changed = await ImportJobRepository(tx.session).change(job_id, when, fields)
            if changed is not None and self.hub is not None:
                await self.hub.publish(tx.session, [_ended(changed, kind)])
            await tx.commit()
        return changed

    def _read(self, job: ImportJobDocument, file: StoredFile) -> AsyncIterator[list[Item]]:
        return batches(
            self.uploads,
            file,
            job.import_key or str(job.account_id),
            job.currency,
            csv_mapping_of(job),
            self.settings.batch_size,
            clock.today(),
        )

    # --- the dry run ---------------------------------------------------------------------

    async def _analyse(self, job: ImportJobDocument) -> ImportJobDocument:
        await self.rows.clear(job.id)
        job = await self._to(
            job, "analysing", {"cursor": 0, "counts": ImportCounts().model_dump(), "errors": []}
        )
        file = await self.uploads.find(Viewer(job.user_id, job.login_id), job.file_id)
        taken: set[ObjectId] = set()
        async for items in self._read(job, file):
            account = await self.accounts.for_member(job.account_id, job.user_id)
            if account is None:
                raise NotFoundError("The account is no longer yours to import into.")
            members.require(account.role_of(job.user_id), Permission.RECORD)
            result = await judge(items, account, ImportEntries(), self.categoriser(None), taken)
            await self.rows.insert(preview_rows(job.id, result))
            await self._advance(self.jobs, job, "analysing", items, result)
            job.cursor += len(items)
        return await self._analysed(job)

    async def _advance(
        self, jobs: ImportJobRepository, job: ImportJobDocument, status: str, items: list[Item],
        result: BatchResult,
    ) -> None:  # fmt: skip
        if not await jobs.advance(
            job.id, self.holder, status, job.cursor, len(items), result.counts(), result.errors,
            self.lease_until(),
        ):  # fmt: skip
            raise LeaseLost

    async def _analysed(self, job: ImportJobDocument) -> ImportJobDocument:
        """Leave the dry run: to the preview, or to the commit when it was asked for
        meanwhile (`commitImport` sets `commit_requested` while the job is analysing)."""
        while True:
            fresh = await self.jobs.get(job.id)
            if fresh is None or fresh.status != "analysing" or fresh.holder != self.holder:
                raise LeaseLost
            fields = (
                commit_fields(fresh)
                if fresh.commit_requested
                else {"status": "preview", "holder": None, "lease_until": None}
            )
            changed = await self.jobs.change(
                job.id,
                {"status": "analysing", "holder": self.holder,
                 "commit_requested": fresh.commit_requested},
                {**fields, "total": job.cursor, "updated_at": clock.utcnow()},
            )  # fmt: skip
            if changed is not None:
                return changed

    # --- the commit ----------------------------------------------------------------------

    async def _commit(self, job: ImportJobDocument) -> ImportJobDocument:
        file = await self.uploads.find(Viewer(job.user_id, job.login_id), job.file_id)
        async for items in self._read(job, file):
            waiting = [item for item in items if item.index >= job.cursor]
            if waiting:
                await self._commit_batch(job, waiting)
                job.cursor += len(waiting)
        now = clock.utcnow()
        done = await self._end(
            job.id,
            {"status": "running", "holder": self.holder},
            {"status": "done", "finished_at": now, "holder": None, "updated_at": now,
             "lease_until": self.lease_until()},
            EventKind.IMPORT_FINISHED,
        )  # fmt: skip
        if done is None:
            raise LeaseLost
        return done

    @transactional
    async def _commit_batch(self, job: ImportJobDocument, items: list[Item]) -> None:
        async with self.uow.begin(Viewer(job.user_id, job.login_id)) as tx:
            await self.jobs.note_session(job.id, self.holder, tx.session)
            account = await tx.lock(job.account_id, Permission.RECORD)
            entries = ImportEntries(tx.session)
            categoriser = self.categoriser(tx.session)
            result = await judge(items, account.document, entries, categoriser)
            await book(result, account, entries)
            await self._advance(ImportJobRepository(tx.session), job, "running", items, result)
            await tx.commit()


def _ended(job: ImportJobDocument, kind: EventKind) -> AccountEvent:
    counts = job.counts
    data = {
        "jobId": str(job.id),
        "fileName": job.file_name,
        "new": counts.new,
        "duplicates": counts.duplicates,
        "matched": counts.matched,
        "flagged": counts.flagged,
        "errors": counts.errors,
        "reason": job.failure,
    }
    at = job.finished_at or clock.utcnow()
    return AccountEvent(job.account_id, kind, data, (), at, str(job.id))


class OrphanedImports:
    """Due work: import jobs whose process died (their lease ran out), taken over here."""

    name = "imports"

    def __init__(self, runner: ImportRunner) -> None:
        self.runner = runner

    async def run_due(self, today: date, limit: int) -> int:
        taken = 0
        for job_id in await self.runner.jobs.orphaned(clock.utcnow(), limit):
            taken += await self.runner.take(job_id)
        return taken
