"""The household backup's GraphQL types: a restore job and how far it got."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.core.errors import NotFoundError
from app.graphql.context import Info
from app.graphql.ledger.accounts.types import Account
from app.graphql.mutations import ErrorCode, UserError
from app.graphql.relay import Node, to_global_id
from app.persistence.documents.restore_jobs import RestoreJobDocument, RestoreStatus

RestoreJobStatus = strawberry.enum(
    RestoreStatus,
    name="RestoreJobStatus",
    description="VERIFYING the whole file, RESTORING its accounts (hidden), then DONE (all "
    "visible) or FAILED (nothing kept).",
)


@strawberry.type(description="The restore of a household backup; poll it until it ends.")
class RestoreJob(Node):
    id: strawberry.ID
    status: RestoreJobStatus  # type: ignore[valid-type]
    file_name: str
    entries_total: int = strawberry.field(description="Entries in the file (once verified).")
    entries_restored: int = strawberry.field(description="Entries written so far.")
    accounts_total: int
    members_not_restored: list[str] = strawberry.field(
        description="Emails of the backup's members with no user on this instance: share the "
        "accounts with them again once they have signed up."
    )
    error: UserError | None = strawberry.field(description="Why it FAILED.")
    created_at: datetime
    finished_at: datetime | None
    job: strawberry.Private[RestoreJobDocument]

    @strawberry.field(description="The restored accounts, once DONE.")
    async def accounts(self, info: Info) -> list[Account]:
        viewer, accounts = await info.context.viewer(), info.context.services.accounts
        found = []
        for account_id in self.job.account_ids:
            try:
                account = await accounts.get(viewer, account_id)
            except NotFoundError:  # no longer theirs
                continue
            found.append(Account.from_document(account, viewer.user_id))
        return found

    @classmethod
    def from_document(cls, job: RestoreJobDocument) -> RestoreJob:
        error = None
        if job.error_code is not None:
            error = UserError(
                field=None, message=job.error_message or "", code=ErrorCode(job.error_code)
            )
        return cls(
            id=to_global_id("RestoreJob", job.id),
            status=job.status,
            file_name=job.file_name,
            entries_total=job.entries_total,
            entries_restored=job.entries_done,
            accounts_total=job.accounts_total,
            members_not_restored=job.members_not_restored,
            error=error,
            created_at=job.created_at,
            finished_at=job.finished_at,
            job=job,
        )
