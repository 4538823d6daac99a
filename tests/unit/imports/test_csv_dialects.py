"""CSV exports as banks write them: separators, signs, debit/credit columns, bad rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.services.imports.formats import (
    CsvMapping,
    ImportRow,
    RowError,
    SignConvention,
    parse,
    preview_csv,
    suggest_csv_mapping,
)

from .fixture_files import needs_fixtures, read

GERMAN = """Kontonummer;DE12 3456 7890 1234 5678 90
Zeitraum;01.03.2024 - 31.03.2024

Buchungstag;Valuta;Auftraggeber/Empfänger;Verwendungszweck;Soll;Haben;Währung
01.03.2024;01.03.2024;Arbeitgeber GmbH;Gehalt März;;3.456,78;EUR
04.03.2024;04.03.2024;REWE Markt;Einkauf;1.234,56;;EUR
05.03.2024;05.03.2024;Stadtwerke;Abschlag Strom;87,50;;EUR
""".encode("cp1252")

US = b"""Posting Date,Description,Amount,Type,Memo
03/01/2024,ACME PAYROLL,"1,234.56",CREDIT,March salary
03/02/2024,COFFEE SHOP 123,4.50,DEBIT,
03/13/2024,LANDLORD LLC,"1,500.00",DEBIT,Rent
"""


class TestGermanExport:
    def test_semicolons_comma_decimals_and_debit_credit_columns(self) -> None:
        mapping = preview_csv(GERMAN, skip_lines=3).mapping
        result = parse(GERMAN, filename="umsaetze.csv", currency="EUR", csv_mapping=mapping)
        assert result.errors == []
        assert [(r.line, r.booking_date, r.amount_minor, r.payee, r.memo) for r in result.rows] == [
            (5, date(2024, 3, 1), 345678, "Arbeitgeber GmbH", "Gehalt März"),
            (6, date(2024, 3, 4), -123456, "REWE Markt", "Einkauf"),
            (7, date(2024, 3, 5), -8750, "Stadtwerke", "Abschlag Strom"),
        ]
        assert result.encoding == "cp1252"

    def test_the_suggested_mapping_reads_the_german_conventions(self) -> None:
        mapping = preview_csv(GERMAN, skip_lines=3).mapping
        assert (mapping.date, mapping.debit, mapping.credit) == ("Buchungstag", "Soll", "Haben")
        assert (mapping.payee, mapping.memo) == ("Auftraggeber/Empfänger", "Verwendungszweck")
        assert (mapping.delimiter, mapping.decimal_separator) == (";", ",")
        assert (mapping.thousands_separator, mapping.date_format) == (".", "%d.%m.%Y")

    def test_a_row_with_both_debit_and_credit_is_a_row_error(self) -> None:
        data = GERMAN + b"06.03.2024;06.03.2024;X;Y;1,00;2,00;EUR\n"
        mapping = preview_csv(data, skip_lines=3).mapping
        result = parse(data, filename="u.csv", currency="EUR", csv_mapping=mapping)
        assert result.errors == [RowError(8, "The row has both a debit and a credit.")]
        assert len(result.rows) == 3


class TestUsExport:
    def test_thousands_commas_and_a_sign_column(self) -> None:
        result = parse(US, filename="chase.csv", currency="USD")
        assert result.errors == []
        assert [(r.booking_date, r.amount_minor, r.payee, r.memo) for r in result.rows] == [
            (date(2024, 3, 1), 123456, "ACME PAYROLL", "March salary"),
            (date(2024, 3, 2), -450, "COFFEE SHOP 123", None),
            (date(2024, 3, 13), -150000, "LANDLORD LLC", "Rent"),
        ]
        mapping = result.csv_mapping
        assert mapping is not None
        assert (mapping.sign, mapping.sign_column) == (SignConvention.COLUMN, "Type")
        assert mapping.date_format == "%m/%d/%Y"

    def test_an_inverted_sign_reads_spending_written_positive(self) -> None:
        data = b"Date,Payee,Amount\n2024-03-02,Cafe,4.50\n2024-03-03,Refund,-2.00\n"
        mapping = CsvMapping(date="Date", amount="Amount", payee="Payee", sign="inverted")
        result = parse(data, filename="card.csv", currency="USD", csv_mapping=mapping)
        assert [row.amount_minor for row in result.rows] == [-450, 200]


class TestBadRows:
    def test_a_bad_date_is_a_row_error_with_its_line_and_the_others_parse(self) -> None:
        data = b"Date,Payee,Amount\n2024-03-01,A,1.00\n2024-02-31,B,2.00\n2024-03-03,C,3.00\n"
        result = parse(data, filename="x.csv", currency="EUR")
        assert result.errors == [RowError(3, "'2024-02-31' is not a date written as %Y-%m-%d.")]
        assert [row.payee for row in result.rows] == ["A", "C"]

    @pytest.mark.parametrize(
        ("cell", "reason"),
        [
            ("1.005", "EUR amounts take at most 2 decimals"),
            ("12,50", "not an amount written like 1,234.56"),
            ("abc", "not an amount"),
            ("", "The amount is empty."),
        ],
    )
    def test_a_bad_amount_is_a_row_error(self, cell: str, reason: str) -> None:
        data = f'Date,Payee,Amount\n2024-03-01,A,1.00\n2024-03-02,B,"{cell}"\n'.encode()
        mapping = CsvMapping(date="Date", amount="Amount", payee="Payee", thousands_separator=",")
        result = parse(data, filename="x.csv", currency="EUR", csv_mapping=mapping)
        assert len(result.rows) == 1
        assert [error.line for error in result.errors] == [3]
        assert reason in result.errors[0].reason

    def test_a_quoted_field_over_two_lines_keeps_the_next_rows_line_numbers(self) -> None:
        data = b'Date,Payee,Amount\n2024-03-01,"two\nlines",1.00\n2024-03-02,B,x\n'
        result = parse(data, filename="x.csv", currency="EUR")
        assert result.rows[0].payee == "two\nlines"
        assert [error.line for error in result.errors] == [4]


class TestAmountsAndSuggestions:
    @pytest.mark.parametrize(
        ("cell", "minor"),
        [("(12.50)", -1250), ("12.50-", -1250), ("€ 1,234.56", 123456), ("USD 3", 300)],
    )
    def test_amounts_as_banks_write_them(self, cell: str, minor: int) -> None:
        data = f'Date,Amount\n2024-03-01,"{cell}"\n'.encode()
        mapping = CsvMapping(date="Date", amount="Amount", thousands_separator=",")
        (row,) = parse(data, filename="x.csv", currency="USD", csv_mapping=mapping).rows
        assert isinstance(row, ImportRow)
        assert row.amount_minor == minor

    @pytest.mark.parametrize(
        ("header", "date_column", "amount_column", "payee_column"),
        [
            (["Date", "Description", "Amount"], "Date", "Amount", "Description"),
            (["Date opération", "Libellé", "Montant"], "Date opération", "Montant", None),
            (["Fecha", "Concepto", "Importe"], "Fecha", "Importe", None),
            (["Data", "Descrição", "Valor"], "Data", "Valor", None),
            (
                ["Buchungstag", "Empfänger", "Betrag (EUR)"],
                "Buchungstag",
                "Betrag (EUR)",
                "Empfänger",
            ),
        ],
    )
    def test_headers_in_several_languages_are_recognised(
        self, header: list[str], date_column: str, amount_column: str, payee_column: str | None
    ) -> None:
        mapping = suggest_csv_mapping(header, [["01/02/2024", "x", "-1,50"]], delimiter=";")
        assert (mapping.date, mapping.amount, mapping.payee) == (
            date_column,
            amount_column,
            payee_column,
        )
        assert mapping.decimal_separator == ","

    def test_a_day_over_twelve_decides_the_date_order(self) -> None:
        rows = [["13/02/2024", "1.00"], ["01/03/2024", "2.00"]]
        assert suggest_csv_mapping(["Date", "Amount"], rows).date_format == "%d/%m/%Y"
        rows = [["02/13/2024", "1.00"], ["03/01/2024", "2.00"]]
        assert suggest_csv_mapping(["Date", "Amount"], rows).date_format == "%m/%d/%Y"


@needs_fixtures
class TestChosenEncodings:
    def test_iso_8859_1_chosen_by_the_user_reads_byte_0x80_as_the_euro_sign(self) -> None:
        data = read("actual", "windows-1252-euro.csv")
        mapping = replace(preview_csv(data).mapping, encoding="iso-8859-1")
        result = parse(data, filename="e.csv", currency="EUR", csv_mapping=mapping)
        assert [row.payee for row in result.rows] == ["Café €Rémy"]
        assert result.encoding == "cp1252"
