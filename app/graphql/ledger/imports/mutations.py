"""Import mutations (editors): start a job (a dry run), commit it, resume it, cancel it."""

from __future__ import annotations

import strawberry

from app.core.errors import NotFoundError
from app.core.ids import ObjectId, parse_object_id
from app.graphql.ledger.imports.mapping import CsvMappingInput
from app.graphql.ledger.imports.types import ImportJob
from app.graphql.mutations import (
    Caller,
    Payload,
    UserError,
    idempotency_key,
    mutation_field,
)
from app.graphql.relay import decode_id
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.imports import ImportJobDocument
from app.services.imports.formats import FileFormat
from app.services.imports.jobs import CommitImport, StartImport


@strawberry.input
class StartImportInput:
    account_id: strawberry.ID
    file_id: strawberry.ID = strawberry.field(description="From POST /uploads?kind=import.")
    format: FileFormat | None = strawberry.field(
        default=None, description="Null: found from the content (which must agree with it)."
    )
    csv_mapping: CsvMappingInput | None = strawberry.field(
        default=None,
        description="Null: the mapping saved for a file with this header, else suggested.",
    )
    dry_run: bool = strawberry.field(
        default=True, description="False: commit as soon as the dry run is done."
    )

    def to_command(self) -> StartImport:
        file_id = parse_object_id(self.file_id)
        if file_id is None:
            raise NotFoundError("No such file: upload it first.", field=["fileId"])
        return StartImport(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            file_id=file_id,
            format=self.format,
            csv_mapping=self.csv_mapping.to_value() if self.csv_mapping else None,
            dry_run=self.dry_run,
        )


@strawberry.input
class CommitImportInput:
    job_id: strawberry.ID
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> CommitImport:
        return CommitImport(decode_id(self.job_id, "ImportJob", "jobId"), self.idempotency_key)


@strawberry.input
class ImportJobInput:
    job_id: strawberry.ID

    def to_command(self) -> ObjectId:
        return decode_id(self.job_id, "ImportJob", "jobId")


@strawberry.type(description="The import job as it is now.")
class ImportJobPayload(Payload):
    job: ImportJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(
        cls, result: tuple[ImportJobDocument, AccountRecord], caller: Caller
    ) -> ImportJobPayload:
        return cls(job=ImportJob.from_document(*result))


@strawberry.type
class ImportMutation:
    start_import = mutation_field(
        "Start importing an uploaded bank file (OFX/QFX, QIF, CAMT.053, CSV) into an account: "
        "the dry run reads every row and says what it would become (new, duplicate, matched; "
        "its envelope and why). Small files answer in PREVIEW; follow a larger one's "
        "rowsDone. FILE_REFUSED for a file that is not what it claims.",
        StartImportInput,
        ImportJobPayload,
        lambda services: services.imports.start,
    )
    commit_import = mutation_field(
        "Book a previewed import (in the background: follow rowsDone/rowsTotal). CONFLICT "
        "if committed before, unless with the same idempotency key.",
        CommitImportInput,
        ImportJobPayload,
        lambda services: services.imports.commit,
    )
    resume_import = mutation_field(
        "Go on with an interrupted or failed import where it stopped: every row once.",
        ImportJobInput,
        ImportJobPayload,
        lambda services: services.imports.resume,
    )
    cancel_import = mutation_field(
        "Stop an import that is not done; what a commit booked stays booked.",
        ImportJobInput,
        ImportJobPayload,
        lambda services: services.imports.cancel,
    )
