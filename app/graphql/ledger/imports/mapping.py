"""A CSV file's mapping as the API shows it and takes it: which columns hold the date, the
amount (or debit and credit), the payee…, and the conventions of its values."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry

from app.core.errors import ValidationError
from app.services.imports.formats import CsvMapping as CsvMappingValue
from app.services.imports.formats import SignConvention

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
