"""The pure rules under an import's booking: bank rows are facts (booked even below zero),
occurrences counted one row at a time, and the periods a batch's matches are looked for in."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.errors import InsufficientFundsError, ValidationError
from app.domain.envelopes import Envelope, Ledger, Line
from app.services.imports.booking import match_periods
from app.services.imports.formats import FileFormat, ImportRow, OccurrenceCounter, occurrences


def ledger(**more: object) -> Ledger:
    envelopes = [Envelope("available", "Available", 1000, builtin=True), Envelope("food", "Food")]
    return Ledger("EUR", envelopes, **more)  # type: ignore[arg-type]


class TestBooking:
    def test_a_bank_row_is_booked_even_where_the_envelope_goes_below_zero(self) -> None:
        books = ledger()
        with pytest.raises(InsufficientFundsError):
            books.apply([Line("food", -500)])
        assert books.book([Line("food", -500), Line("available", -2000)]) == [
            Line("food", -500),
            Line("available", -2000),
        ]
        assert (books.by_id["food"].balance, books.available.balance) == (-500, -1000)

    def test_a_bank_row_is_not_booked_on_an_archived_envelope_or_a_closed_account(self) -> None:
        books = ledger()
        books.by_id["food"].archived = True
        with pytest.raises(ValidationError):
            books.book([Line("food", -1)])
        with pytest.raises(ValidationError):
            ledger(closed=True).book([Line("available", -1)])


def row(day: int, amount: int, payee: str | None, fitid: str | None = None) -> ImportRow:
    return ImportRow(1, date(2024, 3, day), amount, FileFormat.CSV, payee=payee, fitid=fitid)


def test_occurrences_counted_a_row_at_a_time_are_those_of_the_whole_file() -> None:
    rows = [row(1, -400, "Café"), row(1, -400, " CAFÉ "), row(2, -400, "Café"),
            row(1, -400, "Café", fitid="x"), row(1, -400, "café")]  # fmt: skip
    counter = OccurrenceCounter()
    assert [counter.next(r) for r in rows] == occurrences(rows) == [1, 2, 1, 1, 3]


def test_the_periods_to_match_in_join_days_whose_windows_overlap() -> None:
    days = {date(2024, 3, 1), date(2024, 3, 5), date(2024, 3, 20)}
    assert match_periods(days, 3) == [
        (datetime(2024, 2, 27, tzinfo=UTC), datetime(2024, 3, 8, tzinfo=UTC)),
        (datetime(2024, 3, 17, tzinfo=UTC), datetime(2024, 3, 23, tzinfo=UTC)),
    ]
