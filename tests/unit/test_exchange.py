"""Converting money into a base currency with the rates a household records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.core.errors import ValidationError
from app.domain.exchange import Converted, Rate, RateTable, convert, format_rate, parse_rate

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def table(*rates: tuple[str, str, date, str], base: str = "EUR") -> RateTable:
    return RateTable(base, [Rate(s, t, d, Decimal(r)) for s, t, d, r in rates])


class TestParsingRates:
    @pytest.mark.parametrize("text", ["1", "0.9", "1.0825", "123456789012.0123456789"])
    def test_positive_decimals_of_at_most_ten_places_are_rates(self, text: str) -> None:
        assert parse_rate(text) == Decimal(text)

    @pytest.mark.parametrize(
        "text", ["0", "0.000", "-1.2", "+1", "1e3", "NaN", "1.01234567891", "", " . ", "1,5"]
    )
    def test_anything_else_is_a_validation_error(self, text: str) -> None:
        with pytest.raises(ValidationError):
            parse_rate(text)

    def test_a_rate_is_written_without_trailing_zeros(self) -> None:
        assert format_rate(Decimal("1.50")) == "1.5"
        assert format_rate(Decimal("2.000")) == "2"
        assert format_rate(Decimal("0.0000000001")) == "0.0000000001"


class TestConverting:
    def test_an_amount_is_multiplied_and_rounded_half_to_even_to_the_base_minor_units(
        self,
    ) -> None:
        assert convert(1000, "USD", "EUR", Decimal("0.9125")) == 912  # 912.5 → 912
        assert convert(1000, "USD", "EUR", Decimal("0.9135")) == 914  # 913.5 → 914
        assert convert(-1000, "USD", "EUR", Decimal("0.9125")) == -912

    def test_currencies_with_other_minor_units_are_scaled(self) -> None:
        assert convert(10_000, "JPY", "EUR", Decimal("0.0061")) == 6100  # ¥10000 = €61.00
        assert convert(1234, "EUR", "JPY", Decimal("162.5")) == 2005  # 2005.25 → 2005
        assert convert(1_000, "KWD", "EUR", Decimal("3")) == 300  # 1.000 KWD = €3.00

    def test_the_latest_rate_on_or_before_the_day_is_used(self) -> None:
        rates = table(("USD", "EUR", JAN, "0.9"), ("USD", "EUR", MAR, "0.8"))
        assert rates.convert(1000, "USD", date(2025, 2, 28)) == 900
        assert rates.convert(1000, "USD", MAR) == 800
        assert rates.convert(1000, "USD", date(2030, 1, 1)) == 800

    def test_before_the_first_rate_the_conversion_is_missing_not_one_to_one(self) -> None:
        rates = table(("USD", "EUR", FEB, "0.9"))
        assert rates.convert(1000, "USD", date(2025, 1, 31)) is None
        assert rates.convert(1000, "GBP", FEB) is None
        assert not rates.has_rate("GBP", FEB)

    def test_the_base_currency_needs_no_rate(self) -> None:
        assert table().convert(1234, "EUR", JAN) == 1234

    def test_nothing_needs_no_rate(self) -> None:
        assert table().convert(0, "USD", JAN) == 0

    def test_a_rate_recorded_the_other_way_is_used_inverted(self) -> None:
        rates = table(("EUR", "USD", JAN, "1.25"))
        assert rates.convert(1000, "USD", FEB) == 800  # 10 USD / 1.25

    def test_on_the_same_day_the_recorded_direction_wins_over_an_inverse(self) -> None:
        rates = table(("EUR", "USD", JAN, "1.25"), ("USD", "EUR", JAN, "0.5"))
        assert rates.convert(1000, "USD", JAN) == 500

    def test_a_later_inverse_rate_wins_over_an_older_recorded_one(self) -> None:
        rates = table(("USD", "EUR", JAN, "0.5"), ("EUR", "USD", FEB, "2.5"))
        assert rates.convert(1000, "USD", JAN) == 500
        assert rates.convert(1000, "USD", FEB) == 400

    def test_rates_between_two_other_currencies_are_not_chained(self) -> None:
        rates = table(("USD", "GBP", JAN, "0.8"), ("GBP", "EUR", JAN, "1.2"))
        assert rates.convert(1000, "USD", JAN) is None
        assert rates.convert(1000, "GBP", JAN) == 1200


class TestSummingConverted:
    def test_a_sum_with_a_missing_part_has_no_value_and_names_the_currency(self) -> None:
        total = Converted()
        total.add(500, "EUR")
        total.add(None, "USD")
        assert total.value is None
        assert total.missing == {"USD"}

    def test_a_sum_of_converted_parts_is_their_total(self) -> None:
        total = Converted()
        total.add(500, "EUR")
        total.add(-200, "USD")
        assert total.value == 300
