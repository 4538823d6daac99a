"""QIF (Quicken Interchange Format), read with quiffen one record at a time.

quiffen's whole-file parser stops at the first bad record and reads every date with one
day/month order, so records are cut here (by `^`, with their line numbers and section
header) and each bank record goes through quiffen's `Transaction.from_list`: a bad record
is a row error and the rest import. QIF dates are ambiguous ("02/01/2018"); the order is
taken from the file itself: month first (Quicken's US default) unless some date only makes
sense day first ("22/12/2017"), and ISO dates ("2022-09-08") are always year-month-day.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from quiffen.core.transaction import Transaction

from .amounts import AmountError, decimal_to_minor
from .encodings import decode, detect_encoding
from .model import (
    FileFormat,
    FileRefused,
    ImportRow,
    ImportSplit,
    ParsedFile,
    RowError,
    StatementInfo,
)

_BANK_TYPES = {"!type:bank", "!type:cash", "!type:ccard", "!type:otha", "!type:othl"}
_KNOWN_HEADERS = ("!type:", "!account", "!option", "!clear")
_ISO_DATE = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
_AMOUNT = re.compile(r"^[-+]?[\d.,' ]*\d[\d.,' ]*$")
_RAW_NAMES = {
    "D": "date",
    "T": "amount",
    "U": "amount",
    "P": "payee",
    "M": "memo",
    "L": "category",
    "N": "number",
    "C": "cleared",
    "A": "address",
}


@dataclass(frozen=True, slots=True)
class _Record:
    header: str  # lower-cased, without spaces: "!type:bank"
    line: int
    fields: list[str]


def looks_like_qif(text: str) -> bool:
    """Whether the first meaningful line of the text is a QIF header."""
    for line in text.lstrip("\ufeff").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.lower().startswith(_KNOWN_HEADERS)
    return False


def read_qif(data: bytes, currency: str, day_first: bool | None = None) -> ParsedFile:
    codec = detect_encoding(data)
    text = decode(data, codec).lstrip("\ufeff")
    if not looks_like_qif(text):
        raise FileRefused("The file does not start with a QIF header such as !Type:Bank.")
    records = list(_records(text))
    bank = [record for record in records if record.header in _BANK_TYPES]
    if day_first is None:
        day_first = _day_first_in(bank)
    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for record in bank:
        try:
            rows.append(_row(record, currency, day_first))
        except (ValueError, ArithmeticError, TypeError) as error:
            errors.append(RowError(record.line, _reason(error)))
    errors.extend(
        RowError(record.line, "Investment transactions (!Type:Invst) are not imported.")
        for record in records
        if record.header == "!type:invst"
    )
    errors.sort(key=lambda error: error.line)
    info = StatementInfo(account_name=_account_name(records), currency=currency)
    return ParsedFile(FileFormat.QIF, rows, errors, codec, info, "QIF")


def _records(text: str) -> Iterator[_Record]:
    header = ""
    fields: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("^"):
            if fields:
                yield _Record(header, start, fields)
            fields = []
        elif stripped.startswith("!"):
            lowered = stripped.lower().replace(" ", "")
            if not lowered.startswith(("!option", "!clear")):
                header = lowered
        elif stripped and not stripped.startswith("#"):
            if not fields:
                start = number
            fields.append(line.rstrip("\r\n"))
    if fields:  # a last record without its closing "^"
        yield _Record(header, start, fields)


def _day_first_in(records: list[_Record]) -> bool:
    day_first = month_first = False
    for record in records:
        for text in (field[1:] for field in record.fields if field.startswith("D")):
            if _ISO_DATE.match(text):
                continue
            parts = [int(part) for part in re.findall(r"\d+", text)[:2]]
            if len(parts) == 2:
                day_first |= parts[0] > 12 >= parts[1]
                month_first |= parts[1] > 12 >= parts[0]
    return day_first and not month_first


def _row(record: _Record, currency: str, day_first: bool) -> ImportRow:
    main = _main_fields(record.fields)
    if "D" not in main:
        raise ValueError("The transaction has no date (D line).")
    amount_text = main.get("T", main.get("U"))
    if amount_text is None:
        raise ValueError("The transaction has no amount (T line).")
    if not _AMOUNT.match(amount_text.strip()):
        raise ValueError(f"'{amount_text}' is not an amount.")
    iso = bool(_ISO_DATE.match(main["D"]))
    transaction, _classes = Transaction.from_list(
        record.fields, day_first=day_first and not iso, line_number=record.line
    )
    return ImportRow(
        line=record.line,
        booking_date=transaction.date.date(),
        amount_minor=_minor(transaction.amount, currency),
        source=FileFormat.QIF,
        payee=_text(transaction.payee),
        memo=_text(transaction.memo),
        check_number=_text(transaction.check_number),
        category=_category(transaction),
        splits=tuple(_split(split, currency) for split in transaction.splits),
        raw={_RAW_NAMES[code]: value for code, value in main.items() if code in _RAW_NAMES},
    )


def _main_fields(fields: list[str]) -> dict[str, str]:
    """The record's own fields (code → text), up to its first split line."""
    main: dict[str, str] = {}
    for field in fields:
        if field.startswith("S"):
            break
        main.setdefault(field[:1], field[1:].strip())
    return main


def _split(split: Any, currency: str) -> ImportSplit:
    amount = split.amount if split.amount is not None else Decimal(0)
    return ImportSplit(_category(split), _minor(amount, currency), _text(split.memo))


def _category(item: Any) -> str | None:
    """The category path ("Food:Groceries"), or "[Account]" for a transfer."""
    if item.to_account:
        return f"[{item.to_account}]"
    if item.category is not None:
        return _text(item.category.hierarchy)
    return None


def _minor(amount: Decimal, currency: str) -> int:
    try:
        return decimal_to_minor(amount, currency)
    except AmountError as error:
        raise ValueError(str(error)) from error


def _account_name(records: list[_Record]) -> str | None:
    names = [
        field[1:].strip()
        for record in records
        if record.header == "!account"
        for field in record.fields
        if field.startswith("N")
    ]
    return names[-1] if names else None


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _reason(error: Exception) -> str:
    # pydantic's and dateutil's messages run over several lines; the first says enough.
    first = str(error).strip().splitlines()
    return first[0] if first else type(error).__name__
