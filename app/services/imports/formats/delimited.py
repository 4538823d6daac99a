"""CSV exports, streamed: rows come in bounded batches, so 100,000-row files never sit in
memory whole. The encoding is decided from the first megabyte (see `encodings`), the
delimiter from the first lines, the columns by a `CsvMapping` (suggested when not given).
Line numbers are the file's physical lines, counting the preamble and the header, as a
spreadsheet shows them.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

from .csv_mapping import (
    Column,
    CsvMapping,
    SignConvention,
    ValueProblem,
    normalise_header,
    parse_amount,
    parse_date,
    suggest_csv_mapping,
)
from .encodings import decode, detect_encoding, python_codec
from .model import MAX_FILE_BYTES, FileFormat, FileRefused, ImportRow, RowError

SAMPLE_BYTES = 1024 * 1024
PREVIEW_ROWS = 20
_DELIMITERS = (",", ";", "\t", "|")
_Cell = Callable[[int | None], str]


@dataclass(frozen=True, slots=True)
class CsvPreview:
    """The start of a CSV file as a user would map it, with a suggested mapping."""

    encoding: str
    delimiter: str
    header: list[str]
    rows: list[list[str]]
    mapping: CsvMapping


def preview_csv(head: bytes, *, encoding: str | None = None, skip_lines: int = 0) -> CsvPreview:
    """Read the start of a file (up to `SAMPLE_BYTES`) into a header, rows and a mapping."""
    codec = resolve_encoding(head[:SAMPLE_BYTES], encoding)
    text = _decode_sample(head[:SAMPLE_BYTES], codec)
    _refuse_binary(text)
    lines = text.splitlines()[skip_lines:]
    delimiter = sniff_delimiter(lines[:PREVIEW_ROWS])
    if delimiter is None:
        raise FileRefused("The file is not a bank file we can read (OFX, QFX, QIF, CAMT or CSV).")
    reader = csv.reader(io.StringIO("\n".join(lines[: PREVIEW_ROWS + 1])), delimiter=delimiter)
    table = [row for row in reader if any(cell.strip() for cell in row)]
    header = [cell.strip() for cell in table[0]] if table else []
    mapping = suggest_csv_mapping(header, table[1:], delimiter=delimiter)
    mapping = replace(mapping, encoding=codec, skip_lines=skip_lines)
    return CsvPreview(codec, delimiter, header, table[1:], mapping)


def sniff_delimiter(lines: Sequence[str]) -> str | None:
    """The delimiter that splits every sample line into the same number (≥ 2) of fields."""
    sample = [line for line in lines if line.strip()]
    best: tuple[int, str] | None = None
    for delimiter in _DELIMITERS:
        widths = {len(row) for row in csv.reader(sample, delimiter=delimiter)}
        if len(widths) == 1 and (width := widths.pop()) >= 2 and (best is None or width > best[0]):
            best = (width, delimiter)
    return best[1] if best else None


def iter_csv_rows(
    stream: BinaryIO, mapping: CsvMapping, batch_size: int = 1000, *, currency: str
) -> Iterator[list[ImportRow | RowError]]:
    """The file's rows and row errors in file order, at most `batch_size` per batch."""
    if problems := mapping.problems():
        raise FileRefused(" ".join(problems))
    sample = stream.read(SAMPLE_BYTES)
    codec = resolve_encoding(sample, mapping.encoding)
    text = io.TextIOWrapper(io.BufferedReader(_Chained(sample, stream)), encoding=codec, newline="")
    try:
        yield from _batches(text, mapping, batch_size, currency)
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"The file is not valid {codec} text past byte {error.start}: choose its encoding."
        ) from error


def _batches(
    text: io.TextIOWrapper, mapping: CsvMapping, batch_size: int, currency: str
) -> Iterator[list[ImportRow | RowError]]:
    for _ in range(mapping.skip_lines):
        text.readline()
    reader = csv.reader(text, delimiter=mapping.delimiter)
    header = _read_header(reader) if mapping.has_header else []
    columns = _Columns.resolve(mapping, header)
    batch: list[ImportRow | RowError] = []
    while True:
        line = mapping.skip_lines + reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise FileRefused(f"Line {line}: the CSV cannot be read ({error}).") from error
        if any(cell.strip() for cell in cells):
            batch.append(_row(line, cells, columns, mapping, currency))
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_header(reader: Iterator[list[str]]) -> list[str]:
    for cells in reader:
        if any(cell.strip() for cell in cells):
            return [cell.strip().lstrip("\ufeff") for cell in cells]
    raise FileRefused("The CSV file is empty.")


@dataclass(frozen=True, slots=True)
class _Columns:
    names: tuple[str, ...]
    date: int
    amount: int | None
    debit: int | None
    credit: int | None
    payee: int | None
    memo: int | None
    reference: int | None
    currency: int | None
    sign: int | None

    @classmethod
    def resolve(cls, mapping: CsvMapping, header: list[str]) -> _Columns:
        def index(column: Column | None) -> int | None:
            return None if column is None else _index(column, header, mapping.has_header)

        date = index(mapping.date)
        if date is None:
            raise FileRefused("Choose the date column.")
        return cls(
            tuple(header),
            date,
            index(mapping.amount),
            index(mapping.debit),
            index(mapping.credit),
            index(mapping.payee),
            index(mapping.memo),
            index(mapping.reference),
            index(mapping.currency),
            index(mapping.sign_column),
        )

    def used(self) -> list[int]:
        fields = (self.date, self.amount, self.debit, self.credit, self.payee, self.memo)
        return [i for i in (*fields, self.reference, self.currency, self.sign) if i is not None]


def _index(column: Column, header: list[str], has_header: bool) -> int:
    if isinstance(column, int):
        return column
    if not has_header:
        raise FileRefused(f"The file has no header: name the column '{column}' by position.")
    wanted = normalise_header(column)
    for position, name in enumerate(header):
        if normalise_header(name) == wanted:
            return position
    raise FileRefused(f"The column '{column}' is not in the file's header.")


def _row(
    line: int, cells: list[str], columns: _Columns, mapping: CsvMapping, currency: str
) -> ImportRow | RowError:
    def cell(position: int | None) -> str:
        if position is None or position >= len(cells):
            return ""
        return cells[position].strip()

    try:
        if (code := cell(columns.currency)) and code.upper() != currency:
            raise ValueProblem(f"The row is in {code}, the account in {currency}.")
        booked = parse_date(cell(columns.date), mapping.date_format)
        amount = _amount(cell, columns, mapping, currency)
    except ValueProblem as error:
        return RowError(line, str(error))
    names = columns.names
    return ImportRow(
        line=line,
        booking_date=booked,
        amount_minor=amount,
        source=FileFormat.CSV,
        payee=cell(columns.payee) or None,
        memo=cell(columns.memo) or None,
        fitid=cell(columns.reference) or None,
        raw={(names[i] if i < len(names) else str(i)): cell(i) for i in columns.used()},
    )


def _amount(cell: _Cell, columns: _Columns, mapping: CsvMapping, currency: str) -> int:
    if columns.amount is not None:
        text = cell(columns.amount)
        if not text:
            raise ValueProblem("The amount is empty.")
        value = parse_amount(text, mapping, currency)
        if mapping.sign == SignConvention.INVERTED:
            return -value
        if mapping.sign == SignConvention.COLUMN:
            marker = cell(columns.sign).casefold()
            return -abs(value) if marker in mapping.debit_markers else abs(value)
        return value
    debit, credit = cell(columns.debit), cell(columns.credit)
    out = abs(parse_amount(debit, mapping, currency)) if debit else 0
    into = abs(parse_amount(credit, mapping, currency)) if credit else 0
    if out and into:
        raise ValueProblem("The row has both a debit and a credit.")
    if not debit and not credit:
        raise ValueProblem("The row has neither a debit nor a credit.")
    return into - out


class _Chained(io.RawIOBase):
    """The sample already read, then the rest of the stream, refusing past the size cap."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
        else:
            chunk = self._rest.read(len(buffer))
            size = len(chunk)
            buffer[:size] = chunk
        self._read += size
        if self._read > MAX_FILE_BYTES:
            raise FileRefused(f"The file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB.")
        return size


def resolve_encoding(sample: bytes, encoding: str | None) -> str:
    """The Python codec for a chosen encoding label, or the detected one when None."""
    if encoding is None:
        return detect_encoding(sample)
    try:
        return python_codec(encoding)
    except LookupError as error:
        raise FileRefused(f"Unknown text encoding '{encoding}'.") from error


def _decode_sample(sample: bytes, codec: str) -> str:
    # The sample may end inside a character: decode incrementally, without the last bytes.
    try:
        return decode(sample, codec)
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:
            raise FileRefused(f"The file is not {codec} text: choose its encoding.") from error
        return decode(sample[: error.start], codec)


def _refuse_binary(text: str) -> None:
    controls = sum(unicodedata.category(char) == "Cc" and char not in "\r\n\t" for char in text)
    if controls > len(text) // 100:
        raise FileRefused("The file is binary, not a bank export.")
