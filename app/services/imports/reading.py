"""An uploaded bank file as an import job reads it: checked once when the job starts
(`inspect`), then read in batches of items in file order, each row with its import id
(`batches`), as often as the job needs (the dry run, the commit, a resumed commit): the
file never changes, so the n-th item is always the same row with the same id.

A CSV file is streamed: copied from GridFS to a temporary file on disk and parsed a batch at a
time, so memory stays bounded whatever its length. OFX, QIF and CAMT files are read whole
(bank exports in those formats are small; the upload limit bounds them).
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import IO, Any

from app.core.errors import ValidationError
from app.domain.entries import EARLIEST_BOOKING, MAX_MEMO_LENGTH, MAX_PAYEE_LENGTH
from app.services.imports.formats import (
    CsvMapping,
    FileFormat,
    FileRefused,
    ImportRow,
    OccurrenceCounter,
    RowError,
    import_id,
    iter_csv_rows,
    parse,
    preview_csv,
    resolve_format,
)
from app.services.imports.formats.csv_mapping import normalise_header
from app.services.imports.formats.delimited import SAMPLE_BYTES
from app.services.uploads import StoredFile, Uploads

_HEAD_BYTES = 4096


@dataclass(frozen=True)
class Inspected:
    """What a job knows of its file before reading it: the format, and for a CSV the
    header, the first rows and the mapping to read it with."""

    format: FileFormat
    detail: str | None = None
    header: tuple[str, ...] = ()
    sample_rows: tuple[tuple[str, ...], ...] = ()
    mapping: CsvMapping | None = None


@dataclass(frozen=True)
class Item:
    """The `index`-th item of the file: a row with its import id, or a malformed row."""

    index: int
    row: ImportRow | RowError
    import_id: str | None = None


def mapping_from_stored(stored: dict[str, Any]) -> CsvMapping:
    """A mapping as a job or a saved mapping stores it (`dataclasses.asdict`)."""
    fields = dict(stored)
    fields["debit_markers"] = tuple(fields.get("debit_markers", ()))
    return CsvMapping(**fields)


def header_key(header: tuple[str, ...] | list[str]) -> str:
    """What makes two CSV headers the same for a saved mapping."""
    return "\x1f".join(normalise_header(name) for name in header)


async def head_of(uploads: Uploads, file: StoredFile, size: int) -> bytes:
    head = bytearray()
    async for chunk in uploads.chunks(file):
        head += chunk
        if len(head) >= size:
            break
    return bytes(head[:size])


async def inspect(
    uploads: Uploads,
    file: StoredFile,
    currency: str,
    chosen: FileFormat | None,
    mapping: CsvMapping | None,
) -> Inspected:
    """The file's format (`FileRefused` for a file that is not what it claims), and for a
    CSV its preview; `mapping` (else the suggested one) is the CSV's mapping."""
    head = await head_of(uploads, file, SAMPLE_BYTES)
    if not head.strip():
        raise FileRefused("The file is empty.")
    found = resolve_format(head[:_HEAD_BYTES], file.name, csv_mapping=bool(mapping), chosen=chosen)
    if found is not FileFormat.CSV:
        parsed = parse(await uploads.read(file), filename=None, currency=currency)
        return Inspected(parsed.format, parsed.detail)
    encoding = mapping.encoding if mapping else None
    preview = preview_csv(head, encoding=encoding, skip_lines=mapping.skip_lines if mapping else 0)
    chosen_mapping = mapping or preview.mapping
    if mapping is not None:
        _check_columns(mapping, preview.header)
    return Inspected(
        FileFormat.CSV,
        "CSV",
        tuple(preview.header),
        tuple(tuple(row) for row in preview.rows[:5]),
        replace(chosen_mapping, encoding=chosen_mapping.encoding or preview.encoding),
    )


async def batches(
    uploads: Uploads,
    file: StoredFile,
    account_id: str,
    currency: str,
    mapping: CsvMapping | None,
    size: int,
    today: date,
) -> AsyncIterator[list[Item]]:
    """The file's items in order, `size` at a time, with their import ids."""
    counter = OccurrenceCounter()
    index = 0
    with tempfile.TemporaryFile() as spool:
        for found in await _read(uploads, file, currency, mapping, size, spool):
            batch = []
            for raw in found:
                row = _checked(raw, today)
                key = None
                if isinstance(row, ImportRow):
                    key = import_id(row, account_id, counter.next(row))
                batch.append(Item(index, row, key))
                index += 1
            yield batch


async def _read(
    uploads: Uploads,
    file: StoredFile,
    currency: str,
    mapping: CsvMapping | None,
    size: int,
    spool: IO[bytes],
) -> Iterator[list[ImportRow | RowError]]:
    if mapping is None:  # OFX, QIF, CAMT: read whole, rows and errors in file order
        parsed = parse(await uploads.read(file), filename=None, currency=currency)
        items: list[Any] = sorted([*parsed.rows, *parsed.errors], key=lambda r: r.line)
        return (items[i : i + size] for i in range(0, len(items), size))
    async for chunk in uploads.chunks(file):
        spool.write(chunk)
    spool.seek(0)
    return iter_csv_rows(spool, mapping, size, currency=currency)  # type: ignore[arg-type]


def _check_columns(mapping: CsvMapping, header: list[str]) -> None:
    names = {normalise_header(name) for name in header}
    for role in ("date", "amount", "debit", "credit", "payee", "memo", "reference", "currency",
                 "sign_column"):  # fmt: skip
        column = getattr(mapping, role)
        if isinstance(column, str) and mapping.has_header and normalise_header(column) not in names:
            raise ValidationError(
                f"The column '{column}' is not in the file's header.", field=["csvMapping", role]
            )


def _checked(row: ImportRow | RowError, today: date) -> ImportRow | RowError:
    """Refuse what cannot be booked; cut text to what an entry holds."""
    if isinstance(row, RowError):
        return row
    if row.amount_minor == 0:
        return RowError(row.line, "The amount is zero: there is nothing to book.")
    if not EARLIEST_BOOKING <= row.booking_date <= today + timedelta(days=366):
        return RowError(row.line, f"The date {row.booking_date} is out of range.")
    payee = row.payee[:MAX_PAYEE_LENGTH] if row.payee else row.payee
    memo = row.memo[:MAX_MEMO_LENGTH] if row.memo else row.memo
    if payee == row.payee and memo == row.memo:
        return row
    return replace(row, payee=payee, memo=memo)
