"""What every bank-file reader produces: rows, row errors, statement facts, refusals.

Amounts are integer minor units of the account's currency, signed: negative is money out.
A malformed row becomes a `RowError` and the other rows go on; a file that is not what it
claims to be (wrong format, binary, empty, unsafe XML, too large) raises `FileRefused`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from app.core.errors import ValidationError

from .csv_mapping import CsvMapping

# Every reader but the CSV one holds the whole file: bank exports are far smaller in practice.
MAX_FILE_BYTES = 50 * 1024 * 1024


class FileFormat(StrEnum):
    OFX = "ofx"
    QIF = "qif"
    CAMT = "camt"
    CSV = "csv"


class FileRefused(ValidationError):
    """The whole file is refused: it is not a bank file of a format we read, or unsafe."""

    code = "FILE_REFUSED"

    def __init__(self, reason: str) -> None:
        super().__init__(reason, field=["file"])
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RowError:
    """One malformed row, reported by its 1-based line (or record) number."""

    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class ImportSplit:
    """One split line of a QIF transaction: a category (or "[Account]" transfer)."""

    category: str | None
    amount_minor: int
    memo: str | None = None


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One bank transaction, normalised.

    `line` is the 1-based line of the row in the file (CSV, QIF) or its record number
    (OFX `STMTTRN`, CAMT `Ntry`); `source` is the format it was read from. `fitid` is the
    bank's own transaction id when the format has one. `raw` keeps a few source fields as
    text, for display only.
    """

    line: int
    booking_date: date
    amount_minor: int
    source: FileFormat
    payee: str | None = None
    memo: str | None = None
    fitid: str | None = None
    check_number: str | None = None
    category: str | None = None
    splits: tuple[ImportSplit, ...] = ()
    raw: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class StatementInfo:
    """What the file says about the account and the statement, where it says it."""

    account_id: str | None = None  # OFX ACCTID, CAMT IBAN (or other id)
    bank_id: str | None = None
    account_name: str | None = None  # QIF !Account name, CAMT owner's account name
    currency: str | None = None
    start: date | None = None
    end: date | None = None
    ledger_balance_minor: int | None = None
    ledger_date: date | None = None


@dataclass(frozen=True, slots=True)
class ParsedFile:
    format: FileFormat
    rows: list[ImportRow]
    errors: list[RowError]
    encoding: str
    statement: StatementInfo = field(default_factory=StatementInfo)
    detail: str | None = None  # e.g. "OFX 1.02 SGML", "camt.052.001.08"
    csv_mapping: CsvMapping | None = None  # the mapping used, to save for next time
