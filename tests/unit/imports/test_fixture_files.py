"""Every shared fixture file against its EXPECTED.json entry.

Compared: the number of rows; each sample's date, amount, payee, notes (memo), imported id
(fitid), check number, category, splits, cleared flag and currency where the sample gives
them; the statement facts where the entry gives them; and a refusal for the files that
must be refused. Not compared: quiffen's `class` ("Test class"), which the rows do not
carry, and `first_column` of the Hungarian CSV, a column no mapping role takes.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from app.services.imports.formats import FileRefused, ImportRow, ParsedFile, parse
from app.services.imports.formats.amounts import decimal_to_minor

from .fixture_files import currency_of, entries, read


def parsed(folder: str, entry: dict[str, Any]) -> ParsedFile:
    name = entry["file"].rsplit("/", 1)[-1]
    return parse(read(folder, entry["file"]), filename=name, currency=currency_of(entry["file"]))


@pytest.mark.parametrize(("folder", "entry"), entries())
def test_the_file_gives_the_expected_rows(folder: str, entry: dict[str, Any]) -> None:
    if entry.get("expect_error"):
        with pytest.raises(FileRefused):
            parsed(folder, entry)
        return
    result = parsed(folder, entry)
    acceptable = entry.get("acceptable_transactions", [entry["transactions"]])
    assert len(result.rows) in acceptable, result.errors
    assert not [error for error in result.errors if "not imported" not in error.reason]
    currency = currency_of(entry["file"])
    for sample in entry["samples"]:
        misses = [mismatches(row, sample, currency) for row in result.rows]
        assert [] in misses, f"no row matches {sample}: closest {min(misses, key=len)}"


@pytest.mark.parametrize(("folder", "entry"), entries(("statement", "account_iban")))
def test_the_statement_facts_are_read(folder: str, entry: dict[str, Any]) -> None:
    expected = entry.get("statement") or {}
    if "account_iban" in entry:
        expected = {**expected, "account_id": entry["account_iban"]}
    info = parsed(folder, entry).statement
    currency = currency_of(entry["file"])
    for key, value in expected.items():
        if key in ("start", "end", "ledger_date"):
            assert getattr(info, key) == date.fromisoformat(value), key
        elif key == "ledger_balance":
            assert info.ledger_balance_minor == decimal_to_minor(value, currency)
        elif key in ("account_id", "bank_id"):
            assert getattr(info, key) == value, key


def mismatches(row: ImportRow, sample: dict[str, Any], currency: str) -> list[str]:
    """What differs between a row and a sample (empty: the row is the sample)."""
    checks = {
        "date": (row.booking_date.isoformat(), sample["date"]),
        "amount": (row.amount_minor, decimal_to_minor(sample["amount"], currency)),
        "payee": (row.payee, sample.get("payee")),
        "notes": (row.memo, sample.get("notes")),
        "imported_id": (row.fitid, sample.get("imported_id")),
        "check_number": (row.check_number, sample.get("check_number")),
        "cleared": (row.raw.get("cleared"), sample.get("cleared")),
        "currency": (row.raw.get("Devizanem"), sample.get("currency")),
    }
    misses = [
        f"{key}: {got!r} != {want!r}"
        for key, (got, want) in checks.items()
        if (key in sample or key in ("date", "amount")) and got != want
    ]
    if "category" in sample and not same_category(row, sample):
        misses.append(f"category: {row.category!r} != {sample['category']!r}")
    if "splits" in sample and not same_splits(row, sample["splits"], currency):
        misses.append(f"splits: {row.splits!r} != {sample['splits']!r}")
    return misses


def same_category(row: ImportRow, sample: dict[str, Any]) -> bool:
    # "[TestExport] (transfer/opening balance)": the annotation is the fixture's comment.
    want = re.sub(r" \(.*\)$", "", sample["category"])
    if row.category == want:
        return True
    # Actual keeps the leaf of an "L" path ("Usual Expenses:Shopping" → "Shopping"); the
    # row keeps the whole path, which `qif_L` states.
    return row.category == sample.get("qif_L") and (row.category or "").endswith(":" + want)


def same_splits(row: ImportRow, splits: list[list[str]], currency: str) -> bool:
    if len(row.splits) != len(splits):
        return False
    for split, (category, amount, *memo) in zip(row.splits, splits, strict=True):
        if split.category != re.sub(r" \(.*\)$", "", category):
            return False
        if split.amount_minor != decimal_to_minor(amount, currency):
            return False
        if memo and split.memo != memo[0]:
            return False
    return True
