"""One entry point for every bank file: `parse` finds the format and reads it.

The content decides the format; the file name's extension is a claim, and a file whose
content contradicts it (a ".qif" that is not QIF) is refused, as are empty, binary and
oversized files.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import PurePath

from app.domain.money import check_currency

from .camt import looks_like_camt, read_camt
from .csv_mapping import CsvMapping
from .delimited import SAMPLE_BYTES, iter_csv_rows, preview_csv, resolve_encoding
from .model import (
    MAX_FILE_BYTES,
    FileFormat,
    FileRefused,
    ImportRow,
    ParsedFile,
    RowError,
    StatementInfo,
)
from .ofx import looks_like_ofx, read_ofx
from .qif import looks_like_qif, read_qif

_EXTENSIONS = {
    ".ofx": FileFormat.OFX,
    ".qfx": FileFormat.OFX,
    ".qif": FileFormat.QIF,
    ".xml": FileFormat.CAMT,
    ".csv": FileFormat.CSV,
    ".tsv": FileFormat.CSV,
}
_HEAD_BYTES = 4096


def parse(
    data: bytes,
    *,
    filename: str | None,
    currency: str,
    csv_mapping: CsvMapping | None = None,
    qif_day_first: bool | None = None,
) -> ParsedFile:
    """Read a bank file into rows for an account in `currency`.

    Raises `FileRefused` for a file that is not what it claims; a bad row is a `RowError`
    in the result. `csv_mapping` (else a suggested one) maps a CSV's columns;
    `qif_day_first` overrides the QIF date order read from the file.
    """
    currency = check_currency(currency)
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
    if not data.strip():
        raise FileRefused("The file is empty.")
    found = resolve_format(data, filename, csv_mapping=csv_mapping is not None)
    if found is FileFormat.OFX:
        return read_ofx(data, currency)
    if found is FileFormat.QIF:
        return read_qif(data, currency, qif_day_first)
    if found is FileFormat.CAMT:
        return read_camt(data, currency)
    return read_csv(data, currency, csv_mapping)


def resolve_format(
    head: bytes, filename: str | None, *, csv_mapping: bool, chosen: FileFormat | None = None
) -> FileFormat:
    """The format of a file starting with `head`, checked against the one `chosen` or its
    name claims: `FileRefused` when the content says otherwise or is no format we read."""
    found = detect_format(head)
    claimed = chosen or _claimed(filename)
    if found is None and (csv_mapping or claimed in (None, FileFormat.CSV)):
        found = FileFormat.CSV
    if found is None or (claimed is not None and claimed is not found):
        if chosen is not None and found is not None:
            raise FileRefused(f"The file's content is {found.upper()}, not {chosen.upper()}.")
        raise FileRefused(_mismatch(filename, claimed, found))
    return found


def detect_format(data: bytes) -> FileFormat | None:
    """The format the content is in, or None when it is none of the structured ones."""
    head = data[:_HEAD_BYTES]
    if looks_like_ofx(head):
        return FileFormat.OFX
    if looks_like_camt(head):
        return FileFormat.CAMT
    if looks_like_qif(head.decode("utf-8", "replace")):
        return FileFormat.QIF
    return None


def read_csv(data: bytes, currency: str, mapping: CsvMapping | None = None) -> ParsedFile:
    if mapping is None:
        mapping = preview_csv(data).mapping
        if problems := mapping.problems():
            raise FileRefused("The CSV columns were not recognised: " + " ".join(problems).lower())
    mapping = replace(mapping, encoding=resolve_encoding(data[:SAMPLE_BYTES], mapping.encoding))
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for batch in iter_csv_rows(io.BytesIO(data), mapping, currency=currency):
        for item in batch:
            if isinstance(item, ImportRow):
                rows.append(item)
            else:
                errors.append(item)
    encoding = mapping.encoding or "utf-8"
    info = StatementInfo(currency=currency)
    return ParsedFile(FileFormat.CSV, rows, errors, encoding, info, "CSV", mapping)


def _claimed(filename: str | None) -> FileFormat | None:
    if not filename:
        return None
    return _EXTENSIONS.get(PurePath(filename).suffix.lower())


def _mismatch(filename: str | None, claimed: FileFormat | None, found: FileFormat | None) -> str:
    if found is None:
        return "The file is not a bank file we can read (OFX, QFX, QIF, CAMT or CSV)."
    return f"The file is named '{filename}' but its content is {found.upper()}, not {claimed}."
