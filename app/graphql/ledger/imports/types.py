"""Import jobs as the API shows them: the job (a Node), its counts, its row errors, its
preview rows, and the CSV mapping it reads the file with."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.graphql.context import Info
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.types import Transaction
from app.graphql.ledger.imports.mapping import CsvMapping
from app.graphql.relay import Node, PageInfo, page_request, to_global_id
from app.graphql.scalars import Money, money
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.imports import (
    MAX_PREVIEW_ROWS,
    ImportJobDocument,
    ImportRowDocument,
)
from app.persistence.documents.imports import (
    ImportCounts as CountsRecord,
)
from app.persistence.keyset import Page
from app.services.categorisation.proposals import ProposalReason
from app.services.imports.formats import FileFormat
from app.services.imports.reading import mapping_from_stored

if TYPE_CHECKING:
    from app.graphql.ledger.accounts.types import Account


@strawberry.enum(description="Where an import job stands.")
class ImportStatus(Enum):
    NEEDS_MAPPING = "needs_mapping"
    ANALYSING = "analysing"
    PREVIEW = "preview"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


strawberry.enum(
    FileFormat, name="ImportFormat", description="The kinds of bank file an import reads."
)


@strawberry.enum(description="What a row of the file is to the ledger.")
class ImportRowStatus(Enum):
    NEW = "new"
    DUPLICATE = "duplicate"
    MATCHED = "matched"


strawberry.enum(ProposalReason, description="Why a row goes to its envelope(s).")


@strawberry.type(description="What an import found (the dry run) or did (the commit).")
class ImportCounts:
    rows: int = strawberry.field(description="Rows read (malformed ones not included).")
    new: int
    duplicates: int = strawberry.field(description="Imported before: nothing added.")
    matched: int = strawberry.field(description="Entries typed by hand that stand for a row.")
    flagged_for_review: int = strawberry.field(
        description="New rows with no envelope: from Available, waiting for review."
    )
    errors: int = strawberry.field(description="Malformed rows, skipped.")

    @classmethod
    def from_record(cls, record: CountsRecord) -> ImportCounts:
        return cls(
            rows=record.rows,
            new=record.new,
            duplicates=record.duplicates,
            matched=record.matched,
            flagged_for_review=record.flagged,
            errors=record.errors,
        )


@strawberry.type(description="A malformed row: skipped, the others go on.")
class ImportRowError:
    line: int = strawberry.field(description="1-based line (CSV, QIF) or record (OFX, CAMT).")
    reason: str


@strawberry.type(description="An envelope's part of a row.")
class ImportPortion:
    envelope: Envelope | None
    amount: Money


@strawberry.type(description="One row of a dry run.")
class ImportRow:
    index: int = strawberry.field(description="0-based place among the file's items.")
    line: int
    date: date
    amount: Money = strawberry.field(description="Signed: negative is money out.")
    payee: str | None
    memo: str | None
    import_id: str
    status: ImportRowStatus
    envelopes: list[ImportPortion] = strawberry.field(
        description="The proposed envelope(s); empty: from Available, flagged for review."
    )
    reason: ProposalReason | None = strawberry.field(description="New rows: why.")
    explanation: str | None
    match_reasons: list[str]
    record: strawberry.Private[ImportRowDocument]

    @classmethod
    def from_document(cls, row: ImportRowDocument, account: AccountRecord) -> ImportRow:
        currency = account.currency

        def portion(envelope_id: object, amount: int) -> ImportPortion:
            found = account.envelope(envelope_id)
            envelope = Envelope.from_record(found, currency) if found else None
            return ImportPortion(envelope=envelope, amount=money(amount, currency))

        return cls(
            index=row.index,
            line=row.line,
            date=row.booking_date.date(),
            amount=money(row.amount, currency),
            payee=row.payee,
            memo=row.memo,
            import_id=row.import_id,
            status=ImportRowStatus(row.status),
            envelopes=[portion(p.envelope_id, p.amount) for p in row.allocation],
            reason=ProposalReason(row.reason) if row.reason else None,
            explanation=row.explanation,
            match_reasons=row.match_reasons,
            record=row,
        )

    @strawberry.field(description="MATCHED: the entry typed by hand that stands for the row.")
    async def matched_transaction(self, info: Info) -> Transaction | None:
        viewer = await info.context.viewer()
        history = info.context.services.history
        found = await history.visible_entry(viewer, self.record.matched_entry_id)
        return Transaction.from_record(*found) if found else None


@strawberry.type
class ImportRowEdge:
    cursor: str
    node: ImportRow


@strawberry.type
class ImportRowConnection:
    edges: list[ImportRowEdge]
    page_info: PageInfo


@strawberry.type(description="A bank file being imported into an account.")
class ImportJob(Node):
    file_name: str
    format: FileFormat | None
    detail: str | None = strawberry.field(description='e.g. "OFX 1.02 SGML", "CSV".')
    status: ImportStatus
    counts: ImportCounts = strawberry.field(
        description="The dry run's until the commit starts, then the commit's so far."
    )
    preview_counts: ImportCounts | None = strawberry.field(
        description="The dry run's, once the commit started."
    )
    rows_done: int = strawberry.field(description="Items (rows and malformed rows) done.")
    rows_total: int | None = strawberry.field(description="Items of the file, once known.")
    errors: list[ImportRowError] = strawberry.field(description="The first 100 malformed rows.")
    csv_mapping: CsvMapping | None
    header: list[str] = strawberry.field(description="A CSV's header columns.")
    sample_rows: list[list[str]] = strawberry.field(description="A CSV's first rows.")
    failure: str | None = strawberry.field(description="FAILED: why.")
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    document: strawberry.Private[ImportJobDocument]
    account_record: strawberry.Private[AccountRecord]

    @classmethod
    def from_document(cls, job: ImportJobDocument, account: AccountRecord) -> ImportJob:
        return cls(
            id=to_global_id("ImportJob", job.id),
            file_name=job.file_name,
            format=FileFormat(job.format) if job.format else None,
            detail=job.detail,
            status=ImportStatus(job.status),
            counts=ImportCounts.from_record(job.counts),
            preview_counts=ImportCounts.from_record(job.preview) if job.preview else None,
            rows_done=job.cursor,
            rows_total=job.total,
            errors=[ImportRowError(line=e.line, reason=e.reason) for e in job.errors],
            csv_mapping=CsvMapping.from_value(mapping_from_stored(job.csv_mapping))
            if job.csv_mapping
            else None,
            header=job.header,
            sample_rows=job.sample_rows,
            failure=job.failure,
            created_at=job.created_at,
            updated_at=job.updated_at,
            finished_at=job.finished_at,
            document=job,
            account_record=account,
        )

    @strawberry.field(description="The account it imports into.")
    async def account(
        self, info: Info
    ) -> Annotated[Account, strawberry.lazy("app.graphql.ledger.accounts.types")]:
        from app.graphql.ledger.accounts.types import Account

        viewer = await info.context.viewer()
        return Account.from_document(self.account_record, viewer.user_id)

    @strawberry.field(
        description=f"The dry run's rows in file order (the first {MAX_PREVIEW_ROWS} are "
        "kept; the counts cover them all)."
    )
    async def rows(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ImportRowConnection:
        request, size = page_request(first, after, None, None)
        service = info.context.services.imports
        page: Page[ImportRowDocument] = await service.preview_rows(self.document, request, size)
        return ImportRowConnection(
            edges=[
                ImportRowEdge(cursor=c, node=ImportRow.from_document(r, self.account_record))
                for r, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
        )


@strawberry.type
class ImportJobEdge:
    cursor: str
    node: ImportJob


@strawberry.type
class ImportJobConnection:
    edges: list[ImportJobEdge]
    page_info: PageInfo
