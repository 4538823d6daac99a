"""Restore jobs: `restoreBackup` checks the file's first line and starts a job in the
background of this process; `restoreJob(id)` reads it (see `app.services.backups.restore`
for what a job does). A heartbeat tells readers the job is alive: one not heard of for
`STALE` died with its process, and reading it marks it failed and removes what it wrote."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.core.clock import utcnow
from app.core.errors import AppError, NotFoundError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.persistence.documents.restore_jobs import RestoreJobDocument, RestoreStatus
from app.persistence.repositories.households import HouseholdStore, record_types
from app.persistence.repositories.restore_jobs import RestoreJobRepository
from app.services.backups.file_format import (
    BackupInvalidError,
    check_header,
    lines,
    parse,
    verify,
)
from app.services.backups.restore import Restore
from app.services.uploads import StoredFile, Uploads

log = logging.getLogger("envelopes.restore")

HEARTBEAT = timedelta(seconds=10)
STALE = timedelta(seconds=120)  # a running job not heard of for so long has died with its process


@dataclass(frozen=True)
class RestoreBackup:
    file_id: ObjectId


class HouseholdRestores:
    """Restore jobs: started by a mutation, run in the background of this process."""

    def __init__(
        self,
        store: HouseholdStore,
        jobs: RestoreJobRepository,
        uploads: Uploads,
        start: Callable[[Coroutine[Any, Any, Any], str], None],
    ) -> None:
        self.store, self.jobs, self.uploads, self._start = store, jobs, uploads, start

    async def start(self, viewer: Viewer, command: RestoreBackup) -> RestoreJobDocument:
        """Check the file's first line, and start the job (see the module docstring)."""
        file = await self.uploads.find(viewer, command.file_id)
        async with contextlib.aclosing(lines(self.uploads.chunks(file))) as first:
            async for line in first:
                check_header(parse(line))
                break
            else:
                raise BackupInvalidError("This file is empty.", field=["fileId"])
        now = utcnow()
        job = RestoreJobDocument(
            user_id=viewer.user_id,
            file_id=file.id,
            file_name=file.name,
            status=RestoreStatus.VERIFYING,
            created_at=now,
            heartbeat_at=now,
        )
        await self.jobs.insert(job)
        self._start(self.run(viewer, job, file), f"restore-{job.id}")
        return job

    async def job(self, viewer: Viewer, job_id: ObjectId, field: str = "id") -> RestoreJobDocument:
        """The caller's restore job; one whose process died reads as failed."""
        job = await self.jobs.of_user(job_id, viewer.user_id)
        if job is None:
            raise NotFoundError("No such restore.", field=[field])
        running = job.status in (RestoreStatus.VERIFYING, RestoreStatus.RESTORING)
        if running and utcnow() - job.heartbeat_at > STALE:
            await self.store.discard(job.id)
            failed = await self._fail(job.id, "RESTORE_FAILED", "The restore was interrupted.")
            return failed or await self.job(viewer, job_id, field)
        return job

    async def run(self, viewer: Viewer, job: RestoreJobDocument, file: StoredFile) -> None:
        beat = asyncio.create_task(self._beat(job.id), name=f"restore-{job.id}-heartbeat")
        try:
            await self._run(viewer, job, file)
        finally:
            beat.cancel()

    async def _beat(self, job_id: ObjectId) -> None:
        """Tell readers the job is alive (see `job`), whatever phase it is in."""
        while True:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            with contextlib.suppress(Exception):  # a missed beat is made up by the next
                await self.jobs.update(job_id, {"heartbeat_at": utcnow()})

    async def _run(self, viewer: Viewer, job: RestoreJobDocument, file: StoredFile) -> None:
        try:
            contents = await verify(self.uploads.chunks(file), set(record_types()))
            await self.jobs.update(
                job.id,
                {"status": RestoreStatus.RESTORING.value, "heartbeat_at": utcnow(),
                 "entries_total": contents.entries_total,
                 "accounts_total": contents.counts.get("account", 0)},
            )  # fmt: skip
            restore = Restore(self.store, self.jobs, job.id, viewer.user_id, contents)
            await restore.run(lines(self.uploads.chunks(file)))
        except AppError as error:
            await self._failed(job.id, error.code, error.message)
        except asyncio.CancelledError:
            await asyncio.shield(self._failed(job.id, "RESTORE_FAILED", "The API stopped."))
            raise
        except Exception:
            log.exception("restore %s failed", job.id)
            await self._failed(job.id, "RESTORE_FAILED", "The restore failed; nothing was kept.")

    async def _failed(self, job_id: ObjectId, code: str, message: str) -> None:
        try:
            await self.store.discard(job_id)
            await self._fail(job_id, code, message)
        except Exception:  # the job then reads as interrupted once it is stale
            log.exception("could not record the failure of restore %s", job_id)

    async def _fail(self, job_id: ObjectId, code: str, message: str) -> RestoreJobDocument | None:
        """Mark the job failed, unless it has ended (None then)."""
        return await self.jobs.update(
            job_id,
            {"status": RestoreStatus.FAILED.value, "error_code": code,
             "error_message": message, "finished_at": utcnow()},
            running_only=True,
        )  # fmt: skip
