"""Import jobs: a bank file becomes entries of an account, dry run first, then commit.

- `start`: checks the account (editor role), the uploaded file (the caller's own) and its
  format (a file that is not what it claims is refused whole: FILE_REFUSED), then creates the
  job and starts its dry run in the background (`ImportRunner`). A CSV whose columns are not
  recognised (and no mapping given) stops at `needs_mapping`, with its header and first rows:
  start again with a mapping. With `dry_run=False` the commit follows the dry run at once.
- `commit`: a previewed job goes to `queued` and is booked in the background; asked during
  the dry run, the commit follows it. A job committed before is a CONFLICT (unless asked
  again with the same idempotency key: the job is the answer). The CSV mapping is saved for
  the account (suggested next time for a file with the same header).
- `resume`: an interrupted job (its process died: its lease ran out; or it failed) goes on
  where it stopped. `cancel`: a job not done stops (what a commit booked stays booked).

Reads: a job is visible to the members of its account; to anyone else it does not exist.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Any

from app.core import clock
from app.core.errors import ConflictError, NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain import members
from app.domain.members import Permission
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.imports import ImportJobDocument, ImportRowDocument
from app.persistence.keyset import Page, PageRequest
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.imports import (
    ACTIVE,
    CsvMappingRepository,
    ImportJobRepository,
    ImportRowRepository,
)
from app.services.imports.formats import CsvMapping, FileFormat
from app.services.imports.reading import Inspected, header_key, inspect, mapping_from_stored
from app.services.imports.runner import ImportRunner, commit_fields
from app.services.uploads import Uploads

NO_JOB = "No such import job."
# How long `start` waits for a small file's dry run, to answer with its preview at once.
PREVIEW_WAIT_SECONDS = 2.0


@dataclass(frozen=True)
class StartImport:
    account_id: ObjectId
    file_id: ObjectId
    format: FileFormat | None = None
    csv_mapping: CsvMapping | None = None
    dry_run: bool = True


@dataclass(frozen=True)
class CommitImport:
    job_id: ObjectId
    key: str | None = None


Answer = tuple[ImportJobDocument, AccountRecord]


class ImportService:
    def __init__(self, uploads: Uploads, runner: ImportRunner) -> None:
        self.uploads, self.runner = uploads, runner
        self.accounts = AccountRepository()
        self.jobs = ImportJobRepository()
        self.rows = ImportRowRepository()
        self.mappings = CsvMappingRepository()

    async def start(self, viewer: Viewer, command: StartImport) -> Answer:
        account = await self._account(viewer, command.account_id, Permission.RECORD)
        if command.csv_mapping is not None and (problems := command.csv_mapping.problems()):
            raise ValidationError(" ".join(problems), field=["csvMapping"])
        file = await self.uploads.find(viewer, command.file_id)
        found = await inspect(
            self.uploads, file, account.currency, command.format, command.csv_mapping
        )
        found = await self._saved_mapping(account.id, found, command.csv_mapping)
        complete = found.mapping is None or not found.mapping.problems()
        now = clock.utcnow()
        job = ImportJobDocument(
            account_id=account.id,
            user_id=viewer.user_id,
            login_id=viewer.login_id,
            file_id=file.id,
            file_name=file.name,
            currency=account.currency,
            import_key=account.import_identity,
            format=found.format.value,
            detail=found.detail,
            status="analysing" if complete else "needs_mapping",
            commit_requested=not command.dry_run,
            csv_mapping=dataclasses.asdict(found.mapping) if found.mapping else None,
            header=list(found.header),
            sample_rows=[list(row) for row in found.sample_rows],
            holder=self.runner.holder if complete else None,
            lease_until=self.runner.lease_until() if complete else None,
            created_at=now,
            updated_at=now,
        )
        await self.jobs.insert(job)
        if not complete:
            return job, account
        done = self.runner.start(job)
        await asyncio.wait([done], timeout=PREVIEW_WAIT_SECONDS)
        return await self._job(job.id), account

    async def _saved_mapping(
        self, account_id: ObjectId, found: Inspected, given: CsvMapping | None
    ) -> Inspected:
        """A CSV without a mapping given reads with the one saved for its header, if any."""
        if given is not None or found.mapping is None:
            return found
        saved = await self.mappings.get(account_id, header_key(found.header))
        if saved is None:
            return found
        return dataclasses.replace(found, mapping=mapping_from_stored(saved.mapping))

    async def commit(self, viewer: Viewer, command: CommitImport) -> Answer:
        job, account = await self._editable(viewer, command.job_id)
        key = command.key
        if job.commit_requested:
            if key is not None and key == job.commit_key:
                return job, account
            raise ConflictError("This import is committed already.", field=["jobId"])
        if job.status == "needs_mapping":
            raise ValidationError(
                "Choose the CSV columns first: start the import again with a mapping.",
                field=["jobId"],
            )
        if job.status not in ("analysing", "preview"):
            raise ConflictError(
                f"This import is {job.status}: it cannot be committed.", field=["jobId"]
            )
        fields: dict[str, Any] = {"commit_requested": True, "commit_key": key}
        if job.status == "preview":
            fields |= commit_fields(job)
            fields |= {"holder": self.runner.holder, "lease_until": self.runner.lease_until()}
        changed = await self.jobs.change(
            job.id, {"status": job.status, "commit_requested": False}, fields
        )
        if changed is None:  # the job moved on meanwhile: answer from where it is now
            return await self.commit(viewer, command)
        await self._save_mapping(changed)
        if changed.status == "queued":
            self.runner.start(changed)
        return changed, account

    async def _save_mapping(self, job: ImportJobDocument) -> None:
        if job.csv_mapping is not None and job.header:
            await self.mappings.save(
                job.account_id, header_key(job.header), job.header, job.csv_mapping,
                clock.utcnow(),
            )  # fmt: skip

    async def resume(self, viewer: Viewer, job_id: ObjectId) -> Answer:
        """Work on an interrupted job again; a job some process works on is left to it."""
        job, account = await self._editable(viewer, job_id)
        if job.status == "failed":
            status = "queued" if job.commit_requested and job.total is not None else "analysing"
            await self.jobs.change(
                job.id,
                {"status": "failed"},
                {"status": status, "failure": None, "finished_at": None, "holder": None,
                 "lease_until": None},
            )  # fmt: skip
        elif job.status not in ACTIVE:
            raise ConflictError(f"This import is {job.status}: there is nothing to resume.",
                                field=["jobId"])  # fmt: skip
        await self.runner.take(job.id)
        return await self._job(job.id), account

    async def cancel(self, viewer: Viewer, job_id: ObjectId) -> Answer:
        job, account = await self._editable(viewer, job_id)
        open_statuses = ["needs_mapping", "preview", *ACTIVE]
        now = clock.utcnow()
        changed = await self.jobs.change(
            job.id,
            {"status": {"$in": open_statuses}},
            {"status": "cancelled", "finished_at": now, "updated_at": now, "holder": None,
             "lease_until": None},
        )  # fmt: skip
        if changed is None:
            raise ConflictError(f"This import is {job.status}: it cannot be cancelled.",
                                field=["jobId"])  # fmt: skip
        return changed, account

    # --- reads ---------------------------------------------------------------------------

    async def get(
        self, viewer: Viewer, job_id: ObjectId
    ) -> tuple[ImportJobDocument, AccountRecord]:
        job = await self.jobs.get(job_id)
        account = await self.accounts.for_member(job.account_id, viewer.user_id) if job else None
        if job is None or account is None:
            raise NotFoundError(NO_JOB, field=["id"])
        return job, account

    async def of_account(
        self, viewer: Viewer, account_id: ObjectId, request: PageRequest, size: int
    ) -> tuple[Page[ImportJobDocument], AccountRecord]:
        account = await self._account(viewer, account_id, Permission.READ)
        return await self.jobs.page(account.id, request, size), account

    async def preview_rows(
        self, job: ImportJobDocument, request: PageRequest, size: int
    ) -> Page[ImportRowDocument]:
        return await self.rows.page(job.id, request, size)

    async def _job(self, job_id: ObjectId) -> ImportJobDocument:
        job = await self.jobs.get(job_id)
        if job is None:
            raise NotFoundError(NO_JOB, field=["jobId"])
        return job

    async def _account(
        self, viewer: Viewer, account_id: ObjectId, permission: Permission
    ) -> AccountRecord:
        account = await self.accounts.for_member(account_id, viewer.user_id)
        if account is None:
            raise NotFoundError("No such account.", field=["accountId"])
        members.require(account.role_of(viewer.user_id), permission)
        return account

    async def _editable(
        self, viewer: Viewer, job_id: ObjectId
    ) -> tuple[ImportJobDocument, AccountRecord]:
        try:
            job, account = await self.get(viewer, job_id)
        except NotFoundError:
            raise NotFoundError(NO_JOB, field=["jobId"]) from None
        members.require(account.role_of(viewer.user_id), Permission.RECORD)
        return job, account
