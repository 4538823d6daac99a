"""Money parsing and formatting: integers in minor units, decimal strings at the edges."""

import pytest

from app.core.errors import ValidationError
from app.domain.money import (
    MAX_AMOUNT_MINOR,
    MINOR_DIGITS,
    check_currency,
    format_amount,
    parse_amount,
    parse_signed,
)


class TestParseAmount:
    @pytest.mark.parametrize(
        ("text", "currency", "minor"),
        [
            ("12.50", "EUR", 1250),
            ("12.5", "EUR", 1250),
            ("12", "EUR", 1200),
            ("0.01", "EUR", 1),
            ("1000", "JPY", 1000),
            ("1.000", "JPY", 1),
            ("1.234", "KWD", 1234),
            ("0.001", "BHD", 1),
            (" 7.10 ", "USD", 710),
            ("+3", "EUR", 300),
        ],
    )
    def test_a_decimal_string_becomes_minor_units_of_its_currency(
        self, text: str, currency: str, minor: int
    ) -> None:
        assert parse_amount(text, currency) == minor

    @pytest.mark.parametrize(
        ("text", "currency"),
        [("1.5", "JPY"), ("1.234", "EUR"), ("1.2345", "KWD"), ("0.001", "USD")],
    )
    def test_more_decimals_than_the_currency_allows_is_refused(
        self, text: str, currency: str
    ) -> None:
        with pytest.raises(ValidationError, match="decimals") as caught:
            parse_amount(text, currency)
        assert caught.value.field == ["amount"]

    @pytest.mark.parametrize("text", ["0", "0.00", "-1", "-0.01"])
    def test_zero_and_negative_amounts_are_refused(self, text: str) -> None:
        with pytest.raises(ValidationError, match="greater than zero"):
            parse_amount(text, "EUR")

    @pytest.mark.parametrize(
        "text", ["", "abc", "1e3", "1,50", "1.2.3", ".5", "5.", "NaN", "Infinity", "١٢"]
    )
    def test_anything_but_a_plain_decimal_is_refused(self, text: str) -> None:
        with pytest.raises(ValidationError, match="not a decimal amount"):
            parse_amount(text, "EUR")

    def test_the_safe_maximum_is_accepted_and_one_more_is_refused(self) -> None:
        assert parse_amount("9999999999999.99", "EUR") == MAX_AMOUNT_MINOR
        with pytest.raises(ValidationError, match="too large"):
            parse_amount("10000000000000.00", "EUR")

    def test_the_maximum_stays_below_what_a_javascript_number_holds_exactly(self) -> None:
        assert MAX_AMOUNT_MINOR * 4 < 2**53

    def test_an_error_names_the_input_path_given(self) -> None:
        with pytest.raises(ValidationError) as caught:
            parse_amount("x", "EUR", ["splits", "1", "amount"])
        assert caught.value.field == ["splits", "1", "amount"]

    def test_signed_parsing_keeps_the_sign_for_opening_balances(self) -> None:
        assert parse_signed("-250.00", "EUR") == -25000
        assert parse_signed("0", "EUR") == 0


class TestFormatAmount:
    @pytest.mark.parametrize(
        ("minor", "currency", "text"),
        [
            (1250, "EUR", "12.50"),
            (5, "EUR", "0.05"),
            (-5, "EUR", "-0.05"),
            (0, "EUR", "0.00"),
            (1000, "JPY", "1000"),
            (1234, "KWD", "1.234"),
            (-100000, "USD", "-1000.00"),
        ],
    )
    def test_minor_units_print_with_exactly_the_currency_decimals(
        self, minor: int, currency: str, text: str
    ) -> None:
        assert format_amount(minor, currency) == text

    @pytest.mark.parametrize("currency", sorted(MINOR_DIGITS))
    def test_formatting_and_parsing_round_trip_in_every_currency(self, currency: str) -> None:
        for minor in (1, 99, 100, 12345, MAX_AMOUNT_MINOR):
            assert parse_amount(format_amount(minor, currency), currency) == minor


class TestCurrency:
    def test_codes_are_upper_cased(self) -> None:
        assert check_currency(" eur ") == "EUR"

    @pytest.mark.parametrize("code", ["", "EURO", "XXX", "ABC", "BTC"])
    def test_unknown_codes_are_refused(self, code: str) -> None:
        with pytest.raises(ValidationError, match="ISO 4217"):
            check_currency(code)

    def test_minor_units_follow_iso_4217(self) -> None:
        assert (MINOR_DIGITS["EUR"], MINOR_DIGITS["JPY"], MINOR_DIGITS["KWD"]) == (2, 0, 3)
