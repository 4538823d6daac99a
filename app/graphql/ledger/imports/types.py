"""Import jobs as the API shows them: the job (a Node), its counts, its row errors, its
preview rows, and the CSV mapping it reads the file with."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.core.errors import ValidationError
from app.graphql.context import Info
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.types import Transaction
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
from app.services.imports.formats import CsvMapping as CsvMappingValue
from app.services.imports.formats import SignConvention
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


@strawberry.enum(description="The kinds of bank file an import reads.")
class ImportFormat(Enum):
    OFX = "ofx"
    QIF = "qif"
    CAMT = "camt"
    CSV = "csv"


@strawberry.enum(description="What a row of the file is to the ledger.")
class ImportRowStatus(Enum):
    NEW = "new"
    DUPLICATE = "duplicate"
    MATCHED = "matched"


@strawberry.enum(description="Why a row goes to its envelope(s).")
class ProposalReason(Enum):
    RULE = "rule"
    LEARNED = "learned"
    NONE = "none"


strawberry.enum(
    SignConvention,
    name="CsvSignConvention",
    description="SIGNED: negative is money out; INVERTED: positive is money out (credit "
    "cards); COLUMN: a column says debit or credit.",
)


@strawberry.type(description="How a CSV file's columns map to a row, and its conventions.")
class CsvMapping:
    date: str | None
    amount: str | None
    debit: str | None
    credit: str | None
    payee: str | None
    memo: str | None
    reference: str | None = strawberry.field(description="The bank's transaction id.")
    currency: str | None
    sign_column: str | None
    date_format: str = strawberry.field(description="strptime directives, e.g. %d.%m.%Y.")
    decimal_separator: str
    thousands_separator: str
    sign: SignConvention
    debit_markers: list[str]
    has_header: bool
    delimiter: str
    encoding: str | None
    skip_lines: int

    @classmethod
    def from_value(cls, value: CsvMappingValue) -> CsvMapping:
        fields: dict[str, Any] = dataclasses.asdict(value)
        for name in _COLUMNS:
            fields[name] = None if fields[name] is None else str(fields[name])
        fields["debit_markers"] = list(value.debit_markers)
        return cls(**fields)


_COLUMNS = (
    "date", "amount", "debit", "credit", "payee", "memo", "reference", "currency", "sign_column",
)  # fmt: skip


@strawberry.input(
    description="A CSV mapping. Columns are header names; in a file without a header, "
    '0-based positions written as numbers ("0").'
)
class CsvMappingInput:
    date: str
    amount: str | None = None
    debit: str | None = None
    credit: str | None = None
    payee: str | None = None
    memo: str | None = None
    reference: str | None = None
    currency: str | None = None
    sign_column: str | None = None
    date_format: str = "%Y-%m-%d"
    decimal_separator: str = "."
    thousands_separator: str = ""
    sign: SignConvention = SignConvention.SIGNED
    debit_markers: list[str] | None = None
    has_header: bool = True
    delimiter: str = ","
    encoding: str | None = None
    skip_lines: int = 0

    def to_value(self) -> CsvMappingValue:
        if not 0 <= self.skip_lines <= 100:
            raise ValidationError("Skip 0 to 100 lines.", field=["csvMapping", "skipLines"])
        columns: dict[str, str | int | None] = {}
        for name in _COLUMNS:
            text = getattr(self, name)
            if text is not None and not self.has_header:
                if not text.isdigit():
                    raise ValidationError(
                        "Without a header, name columns by position (0, 1, …).",
                        field=["csvMapping", name],
                    )
                columns[name] = int(text)
            else:
                columns[name] = text
        markers = self.debit_markers
        value = CsvMappingValue(
            **columns,  # type: ignore[arg-type]
            date_format=self.date_format,
            decimal_separator=self.decimal_separator,
            thousands_separator=self.thousands_separator,
            sign=self.sign,
            has_header=self.has_header,
            delimiter=self.delimiter,
            encoding=self.encoding,
            skip_lines=self.skip_lines,
        )
        if markers is None:
            return value
        return dataclasses.replace(value, debit_markers=tuple(m.casefold() for m in markers))


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
    format: ImportFormat | None
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
            format=ImportFormat(job.format) if job.format else None,
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
