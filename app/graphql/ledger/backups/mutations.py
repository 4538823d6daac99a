"""`createBackup` (a download link of the caller's household) and `restoreBackup` (a restore
job of an uploaded backup file)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.errors import NotFoundError
from app.core.ids import parse_object_id
from app.graphql.ledger.backups.types import RestoreJob
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id
from app.persistence.documents.restore_jobs import RestoreJobDocument
from app.services.backups.backups import BackupLink, CreateBackup
from app.services.backups.jobs import RestoreBackup

BACKUP_PATH = "/backups/{token}.envelopes.gz"


@strawberry.input
class CreateBackupInput:
    account_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="1 to 100 accounts you own; null: every account you own."
    )

    def to_command(self) -> CreateBackup:
        if self.account_ids is None:
            return CreateBackup(None)
        return CreateBackup(
            tuple(
                decode_id(id, "Account", ["accountIds", str(i)])
                for i, id in enumerate(self.account_ids)
            )
        )


@strawberry.type(description="Where to download the backup, for a minute.")
class CreateBackupPayload(Payload):
    url: str | None = strawberry.field(
        default=None,
        description="A path on this API (`/backups/….envelopes.gz`) that sends the backup file "
        "until `expiresAt`: follow it, do not store it.",
    )
    expires_at: datetime | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: BackupLink, caller: Caller) -> CreateBackupPayload:
        return cls(url=BACKUP_PATH.format(token=result.token), expires_at=result.expires_at)


@strawberry.input
class RestoreBackupInput:
    file_id: strawberry.ID = strawberry.field(
        description="The `fileId` answered by `POST /uploads?kind=backup` for the backup file."
    )

    def to_command(self) -> RestoreBackup:
        file_id = parse_object_id(self.file_id)
        if file_id is None:
            raise NotFoundError("No such file: upload it first.", field=["fileId"])
        return RestoreBackup(file_id)


@strawberry.type(description="The restore, started: poll `restoreJob(id)` until it ends.")
class RestoreBackupPayload(Payload):
    job: RestoreJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: RestoreJobDocument, caller: Caller) -> RestoreBackupPayload:
        return cls(job=RestoreJob.from_document(result))


@strawberry.type
class BackupMutation:
    create_backup = mutation_field(
        "A link to download a backup of your household (the accounts you own, with all their "
        "records), valid for 60 seconds.",
        CreateBackupInput,
        CreateBackupPayload,
        lambda services: services.backups.link,
    )
    restore_backup = mutation_field(
        "Restore an uploaded backup file as new accounts of yours (owner); the file is checked "
        "first (BACKUP_INVALID, BACKUP_VERSION), the rest happens in a job.",
        RestoreBackupInput,
        RestoreBackupPayload,
        lambda services: services.restores.start,
    )
