"""The pure reconciliation rules: statement dates, the difference, the adjustment."""

from datetime import UTC, date, datetime

import pytest

from app.core.errors import BalanceMismatchError, ValidationError
from app.domain.envelopes import Envelope, Ledger, Line
from app.domain.reconciliation import difference, statement_datetime

TODAY = date(2026, 5, 15)


def ledger(available: int = 100, closed: bool = False) -> Ledger:
    envelopes = [Envelope("a", "Available", available, builtin=True), Envelope("f", "Food", 30)]
    return Ledger("EUR", envelopes, allow_overdraft=False, closed=closed)


class TestStatementDate:
    def test_a_statement_date_is_stored_as_utc_midnight(self) -> None:
        assert statement_datetime(date(2026, 4, 30), None, TODAY) == datetime(
            2026, 4, 30, tzinfo=UTC
        )

    def test_the_same_date_as_the_last_reconciliation_is_allowed(self) -> None:
        assert statement_datetime(date(2026, 4, 30), date(2026, 4, 30), TODAY).day == 30

    def test_a_date_before_the_last_reconciliation_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="reconciled through 2026-04-30") as refusal:
            statement_datetime(date(2026, 4, 29), date(2026, 4, 30), TODAY)
        assert refusal.value.field == ["statementDate"]

    @pytest.mark.parametrize("day", [date(1899, 12, 31), date(2027, 5, 17)])
    def test_dates_outside_the_booking_range_are_refused(self, day: date) -> None:
        with pytest.raises(ValidationError) as refusal:
            statement_datetime(day, None, TODAY)
        assert refusal.value.field == ["statementDate"]


class TestDifference:
    def test_no_difference_reconciles(self) -> None:
        assert difference(12_345, 12_345, "EUR", adjust=False) == 0

    @pytest.mark.parametrize(("statement", "cleared", "gap"), [(100, 90, 10), (-5, 20, -25)])
    def test_a_difference_is_refused_with_its_amount(
        self, statement: int, cleared: int, gap: int
    ) -> None:
        with pytest.raises(BalanceMismatchError) as refusal:
            difference(statement, cleared, "EUR", adjust=False)
        assert (refusal.value.difference, refusal.value.currency) == (gap, "EUR")
        assert refusal.value.code == "BALANCE_MISMATCH"
        assert refusal.value.field == ["statementBalance"]

    def test_the_message_shows_the_amounts_in_the_currency(self) -> None:
        with pytest.raises(BalanceMismatchError) as refusal:
            difference(1_000, 1_250, "KWD", adjust=False)
        assert "1.250 KWD" in refusal.value.message
        assert "-0.250 KWD" in refusal.value.message

    def test_with_adjust_the_difference_is_returned(self) -> None:
        assert difference(100, 90, "EUR", adjust=True) == 10
        assert difference(-5, 20, "EUR", adjust=True) == -25


class TestAdjustment:
    def test_an_adjustment_goes_into_available(self) -> None:
        book = ledger()
        assert book.adjust(7) == [Line("a", 7)]
        assert book.available.balance == 107
        assert book.balance == 137

    def test_an_adjustment_may_take_available_below_zero_without_overdraft(self) -> None:
        book = ledger(available=10)
        assert book.adjust(-25) == [Line("a", -25)]
        assert book.available.balance == -15

    def test_a_closed_account_takes_no_adjustment(self) -> None:
        book = ledger(closed=True)
        with pytest.raises(ValidationError, match="closed"):
            book.adjust(5)
        assert book.available.balance == 100

    def test_an_adjustment_of_nothing_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            ledger().adjust(0)
