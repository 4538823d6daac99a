"""The stored state of a household restore: what it is doing, how far it got, how it ended."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class RestoreStatus(StrEnum):
    VERIFYING = "verifying"  # reading the whole file: checksum, manifest, format
    RESTORING = "restoring"  # writing the accounts, hidden until all are checked
    DONE = "done"  # every account visible
    FAILED = "failed"  # nothing of it visible (`error_code`, `error_message`)


class RestoreJobDocument(Stored, Document):
    """One restore of a backup file by its uploader. Updated as it goes (`entries_done`);
    `heartbeat_at` is refreshed while it runs, so a job whose process died reads as failed."""

    user_id: StoredId
    file_id: StoredId
    file_name: str
    status: RestoreStatus
    entries_total: int = 0
    entries_done: int = 0
    accounts_total: int = 0
    account_ids: list[StoredId] = Field(default_factory=list)  # the restored (new) accounts
    members_not_restored: list[str] = Field(default_factory=list)  # emails with no user here
    error_code: str | None = None
    error_message: str | None = None
    created_at: datetime
    heartbeat_at: datetime
    finished_at: datetime | None = None

    class Settings:
        name = "restore_jobs"
        indexes = [IndexModel([("user_id", ASCENDING), ("created_at", ASCENDING)])]
