"""How a CSV export's columns map to a row, and the values' conventions.

`CsvMapping` names the columns (by header text, or 0-based position in a file without a
header) and the conventions: date format (strptime directives), decimal and thousands
separators, and the sign: `signed` (as written, negative is money out), `inverted` (as
credit-card exports write spending: positive), or `column` (a separate column says debit or
credit, the amount being unsigned); or separate debit and credit columns.
`suggest_csv_mapping` guesses one from the header and a few rows.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from unicodedata import category

from .amounts import AmountError, decimal_to_minor

Column = str | int


class SignConvention(StrEnum):
    SIGNED = "signed"
    INVERTED = "inverted"
    COLUMN = "column"


DEBIT_MARKERS = ("d", "dr", "db", "debit", "débit", "debito", "débito", "s", "soll", "-")


@dataclass(frozen=True, slots=True)
class CsvMapping:
    date: Column | None = None
    amount: Column | None = None
    debit: Column | None = None
    credit: Column | None = None
    payee: Column | None = None
    memo: Column | None = None
    reference: Column | None = None  # the bank's transaction id, when the export has one
    currency: Column | None = None  # rows in another currency are refused
    sign_column: Column | None = None
    date_format: str = "%Y-%m-%d"
    decimal_separator: str = "."
    thousands_separator: str = ""
    sign: SignConvention = SignConvention.SIGNED
    debit_markers: tuple[str, ...] = DEBIT_MARKERS
    has_header: bool = True
    delimiter: str = ","
    encoding: str | None = None  # None: detected
    skip_lines: int = 0  # preamble before the header (account number, period…)

    def problems(self) -> list[str]:
        """What makes the mapping unusable; empty when it is complete."""
        found = []
        if self.date is None:
            found.append("Choose the date column.")
        if self.amount is None and self.debit is None and self.credit is None:
            found.append("Choose an amount column, or debit and credit columns.")
        if self.sign == SignConvention.COLUMN and self.sign_column is None:
            found.append("Choose the column that says debit or credit.")
        if self.decimal_separator not in (".", ","):
            found.append("The decimal separator is '.' or ','.")
        if self.thousands_separator == self.decimal_separator:
            found.append("The thousands and decimal separators must differ.")
        if len(self.delimiter) != 1:
            found.append("The delimiter is one character.")
        return found


class ValueProblem(ValueError):
    """A cell that cannot be read with the mapping; the message names it."""


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_CODE = re.compile(r"^[A-Za-z]{3}|[A-Za-z]{3}$")  # "EUR 12,50", "12.50 USD"
_MINUS = "\u2212"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")


def parse_amount(text: str, mapping: CsvMapping, currency: str) -> int:
    """A cell ("1.234,56", "-12.50", "(12.50)", "12,50 €", "12.50-") to minor units."""
    cell = _CODE.sub("", "".join(c for c in _SPACES.sub("", text) if category(c) != "Sc"))
    cell = cell.replace(_MINUS, "-")
    negative = False
    if cell.startswith("(") and cell.endswith(")"):
        negative, cell = True, cell[1:-1]
    if cell[:1] in ("+", "-"):
        negative, cell = negative != (cell[0] == "-"), cell[1:]
    elif cell[-1:] in ("+", "-"):
        negative, cell = negative != (cell[-1] == "-"), cell[:-1]
    if (thousands := mapping.thousands_separator) and thousands in cell:
        whole = cell.split(mapping.decimal_separator)[0]
        if not re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", whole):
            raise ValueProblem(f"'{text}' is not an amount written like {_example(mapping)}.")
        cell = cell.replace(thousands, "")
    if mapping.decimal_separator == ",":
        if "." in cell:
            raise ValueProblem(f"'{text}' is not an amount written like {_example(mapping)}.")
        cell = cell.replace(",", ".")
    if not _NUMBER.match(cell):
        raise ValueProblem(f"'{text}' is not an amount.")
    try:
        minor = decimal_to_minor(cell, currency)
    except AmountError as error:
        raise ValueProblem(f"'{text}': {error}") from error
    return -minor if negative else minor


def _example(mapping: CsvMapping) -> str:
    return f"1{mapping.thousands_separator}234{mapping.decimal_separator}56"


def parse_date(text: str, date_format: str) -> date:
    try:
        parsed = time.strptime(text.strip(), date_format)
    except ValueError as error:
        raise ValueProblem(f"'{text}' is not a date written as {date_format}.") from error
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)


# Header names by role, in order of preference, compared without case and accents; the
# English ones first. A header in another language reads dates day first.
_ENGLISH: dict[str, str] = {
    "date": "booking date|posting date|posted date|transaction date|date|value date",
    "amount": "amount|transaction amount|value|sum|amount (eur)|amount (usd)|amount (gbp)",
    "debit": "debit|debits|debit amount|withdrawal|withdrawals|money out|paid out",
    "credit": "credit|credits|credit amount|deposit|deposits|money in|paid in",
    "payee": "payee|payee name|merchant|counterparty|beneficiary|name|description",
    "memo": "memo|notes|note|details|reference|description",
    "reference": "transaction id|fitid",
    "currency": "currency",
    "sign_column": "debit/credit|credit/debit|dr/cr|cr/dr|debit credit indicator|type",
}
_OTHER: dict[str, str] = {
    "date": "buchungstag|buchungsdatum|datum|date operation|date de l'operation|"
    "date comptable|fecha|fecha operacion|fecha contable|data|data movimento|"
    "data lancamento|data de lancamento|data do movimento|konyveles datuma|valuta|"
    "wertstellung|date de valeur|fecha valor|data valor",
    "amount": "betrag|umsatz|montant|importe|valor|quantia|osszeg|betrag (eur)|montant (eur)",
    "debit": "soll|ausgang|lastschrift|debit (eur)|debito|cargo|cargos|saida|saidas",
    "credit": "haben|eingang|gutschrift|credit (eur)|credito|abono|abonos|entrada|entradas",
    "payee": "empfanger|zahlungsempfanger|auftraggeber/empfanger|"
    "begunstigter/zahlungspflichtiger|name zahlungsbeteiligter|beneficiaire|tiers|"
    "beneficiario|favorecido|beneficiario/ordenante|partner nev",
    "memo": "verwendungszweck|buchungstext|mitteilung|libelle|detail|communication|"
    "concepto|descripcion|observaciones|descricao|historico|kozlemeny|megjegyzes",
    "reference": "id transaccion|tranzakcioazonosito",
    "currency": "wahrung|devise|moneda|moeda|devizanem",
    "sign_column": "soll/haben|s/h",
}
_NAMES = {role: (*_ENGLISH[role].split("|"), *_OTHER[role].split("|")) for role in _ENGLISH}
_NON_ENGLISH = {name for names in _OTHER.values() for name in names.split("|")}
_DATE_FORMATS = (
    "%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y",
    "%d/%m/%y", "%m/%d/%y", "%d-%m-%Y", "%m-%d-%Y", "%Y%m%d", "%d %b %Y", "%d-%b-%Y",
    "%b %d, %Y",
)  # fmt: skip


def normalise_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().strip("\ufeff"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare.casefold().replace("_", " ").replace(".", "")).strip()


def suggest_csv_mapping(
    header: Sequence[str], sample_rows: Sequence[Sequence[str]], *, delimiter: str = ","
) -> CsvMapping:
    """A mapping guessed from the header's names and the sample rows' values.

    Columns by name in English, German, French, Spanish, Portuguese (and a Hungarian
    bank's); then the date format that reads every sample date (day first for a
    non-English header when both orders fit), the decimal separator the amounts use, and
    a sign column when amounts are unsigned next to a debit/credit indicator.
    """
    names = [normalise_header(name) for name in header]
    filled = {i for i in range(len(names)) if any(_cell(row, i).strip() for row in sample_rows)}
    roles = _columns_by_name(names, filled if sample_rows else set(range(len(names))))
    columns = {role: header[index] for role, index in roles.items()}
    values = {role: [_cell(row, index) for row in sample_rows] for role, index in roles.items()}
    amounts = [v for role in ("amount", "debit", "credit") for v in values.get(role, []) if v]
    decimal = _decimal_separator(amounts, delimiter)
    day_first = any(name in _NON_ENGLISH for name in names)
    sign = SignConvention.SIGNED
    if "sign_column" in roles and "amount" in roles:
        markers = {v.strip().casefold() for v in values["sign_column"] if v.strip()}
        if markers and markers <= {
            *DEBIT_MARKERS,
            "c",
            "cr",
            "credit",
            "crédit",
            "h",
            "haben",
            "+",
        }:
            sign = SignConvention.COLUMN
    return CsvMapping(
        date=columns.get("date"),
        amount=columns.get("amount"),
        debit=columns.get("debit"),
        credit=columns.get("credit"),
        payee=columns.get("payee"),
        memo=columns.get("memo"),
        reference=columns.get("reference"),
        currency=columns.get("currency"),
        sign_column=columns.get("sign_column") if sign is SignConvention.COLUMN else None,
        sign=sign,
        date_format=guess_date_format(values.get("date", []), day_first=day_first),
        decimal_separator=decimal,
        thousands_separator="." if decimal == "," else ",",
        delimiter=delimiter,
    )


def _columns_by_name(names: list[str], filled: set[int]) -> dict[str, int]:
    """Columns by role; a date or amount column must have values in the sample rows."""
    roles: dict[str, int] = {}
    taken: set[int] = set()
    for role, candidates in _NAMES.items():
        usable = filled if role in ("date", "amount") else set(range(len(names)))
        for candidate in candidates:
            index = next(
                (i for i, n in enumerate(names) if n == candidate and i in usable - taken), None
            )
            if index is not None:
                roles[role] = index
                taken.add(index)
                break
    if "amount" in roles:  # one amount column: debit/credit names are then something else
        for role in ("debit", "credit"):
            taken.discard(roles.pop(role, -1))
    return roles


def _cell(row: Sequence[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def guess_date_format(samples: Sequence[str], *, day_first: bool = False) -> str:
    """The first known format that reads every non-empty sample ("%Y-%m-%d" if none)."""
    values = [value.strip() for value in samples if value.strip()]
    fitting = [fmt for fmt in _DATE_FORMATS if values and all(_reads(v, fmt) for v in values)]
    if not fitting:
        return "%Y-%m-%d"
    if not day_first:
        # Month first wins a tie for English headers (US banks); day first otherwise.
        fitting.sort(key=lambda fmt: fmt.startswith("%d/") or fmt.startswith("%d-"))
    return fitting[0]


def _reads(value: str, date_format: str) -> bool:
    try:
        time.strptime(value, date_format)
    except ValueError:
        return False
    return True


def _decimal_separator(amounts: Sequence[str], delimiter: str) -> str:
    comma = sum(bool(re.search(r",\d{1,2}\s*\D*$", value)) for value in amounts)
    point = sum(bool(re.search(r"\.\d{1,2}\s*\D*$", value)) for value in amounts)
    if comma != point:
        return "," if comma > point else "."
    return "," if delimiter == ";" else "."
