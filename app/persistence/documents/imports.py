"""The stored shapes of imports: the job, its preview rows, and the CSV mappings an account
saved (suggested again for a file with the same header)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import ASCENDING, DESCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId

MAX_JOB_ERRORS = 100  # row errors kept on a job (all are counted)
MAX_PREVIEW_ROWS = 1000  # rows of a dry run kept for display (all are counted)


class ImportCounts(BaseModel):
    rows: int = 0  # rows read (malformed ones not included)
    new: int = 0
    duplicates: int = 0
    matched: int = 0
    flagged: int = 0  # new rows with no envelope: from Available, waiting for review
    errors: int = 0


class RowErrorRecord(BaseModel):
    line: int
    reason: str


class ImportJobDocument(Stored, Document):
    """One import of one file into one account: analysed (the dry run), then committed in
    batches. `cursor` is how many items of the file (rows and malformed rows, in file
    order) the current phase has done; in the commit it advances in the same transaction
    as the batch's entries, so a resumed job skips exactly what is booked. `holder` and
    `lease_until` say which process works on it: another takes over once the lease ends."""

    account_id: StoredId
    user_id: StoredId
    login_id: StoredId
    file_id: StoredId
    file_name: str
    currency: str
    import_key: str | None = None  # the account's import identity (None: its id)
    format: str | None = None
    detail: str | None = None
    status: str
    commit_requested: bool = False
    commit_key: str | None = None
    csv_mapping: dict[str, Any] | None = None
    header: list[str] = Field(default_factory=list)
    sample_rows: list[list[str]] = Field(default_factory=list)
    counts: ImportCounts = Field(default_factory=ImportCounts)  # of the current phase
    preview: ImportCounts | None = None  # the dry run's, once the commit started
    errors: list[RowErrorRecord] = Field(default_factory=list)
    cursor: int = 0
    total: int | None = None  # items of the file, once the dry run has read it all
    holder: str | None = None
    lease_until: datetime | None = None
    failure: str | None = None
    batch_session: dict[str, Any] | None = None  # the session of the latest commit batch
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None

    class Settings:
        name = "import_jobs"
        indexes = [
            IndexModel(
                [("account_id", ASCENDING), ("created_at", DESCENDING), ("_id", DESCENDING)],
                name="by_account",
            ),
            # The jobs some process should be working on: picked up when their lease ends.
            IndexModel(
                [("lease_until", ASCENDING)],
                name="active",
                partialFilterExpression={"status": {"$in": ["analysing", "queued", "running"]}},
            ),
        ]


class PortionRecord(BaseModel):
    envelope_id: StoredId
    amount: int


class ImportRowDocument(Stored, Document):
    """One row of a dry run, as shown in the preview (the first `MAX_PREVIEW_ROWS`)."""

    job_id: StoredId
    index: int
    line: int
    booking_date: datetime
    amount: int
    payee: str | None = None
    memo: str | None = None
    import_id: str
    status: str  # new, duplicate, matched
    allocation: list[PortionRecord] = Field(default_factory=list)
    reason: str | None = None  # rule, learned, none (new rows)
    explanation: str | None = None
    matched_entry_id: StoredId | None = None
    match_reasons: list[str] = Field(default_factory=list)

    class Settings:
        name = "import_rows"
        indexes = [IndexModel([("job_id", ASCENDING), ("index", ASCENDING)], unique=True)]


class CsvMappingDocument(Stored, Document):
    """The CSV mapping an account used for files with this header, suggested next time."""

    account_id: StoredId
    header_key: str
    header: list[str]
    mapping: dict[str, Any]
    updated_at: datetime

    class Settings:
        name = "csv_mappings"
        indexes = [
            IndexModel(
                [("account_id", ASCENDING), ("header_key", ASCENDING)],
                unique=True,
                name="by_header",
            )
        ]
