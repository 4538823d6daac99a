"""Reading import jobs, and how `node(id)` loads one."""

from __future__ import annotations

import strawberry

from app.core.ids import ObjectId
from app.graphql.context import Info
from app.graphql.ledger.imports.types import ImportJob, ImportJobConnection, ImportJobEdge
from app.graphql.relay import Node, PageInfo, decode_id, page_request


@strawberry.type
class ImportQuery:
    @strawberry.field(
        description="One import job; NOT_FOUND unless you are a member of its account."
    )
    async def import_job(self, info: Info, id: strawberry.ID) -> ImportJob:
        viewer = await info.context.viewer()
        job, account = await info.context.services.imports.get(
            viewer, decode_id(id, "ImportJob", "id")
        )
        return ImportJob.from_document(job, account)

    @strawberry.field(description="An account's import jobs, the latest first.")
    async def import_jobs(
        self,
        info: Info,
        account_id: strawberry.ID,
        first: int | None = None,
        after: str | None = None,
    ) -> ImportJobConnection:
        viewer = await info.context.viewer()
        request, size = page_request(first, after, None, None)
        page, account = await info.context.services.imports.of_account(
            viewer, decode_id(account_id, "Account", "accountId"), request, size
        )
        return ImportJobConnection(
            edges=[
                ImportJobEdge(cursor=c, node=ImportJob.from_document(job, account))
                for job, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
        )


async def load_import_job(info: Info, job_id: ObjectId) -> Node | None:
    imports = info.context.services.imports
    found = await info.context.visible(lambda viewer: imports.get(viewer, job_id))
    return ImportJob.from_document(*found) if found else None
