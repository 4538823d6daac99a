"""Money: integers in minor units, decimal strings at the edges. No floats anywhere.

`parse_amount("12.50", "EUR")` is 1250; `format_amount(1250, "EUR")` is "12.50". Every
currency has the number of minor-unit digits ISO 4217 gives it (JPY 0, EUR 2, KWD 3). An input
amount is a positive decimal string with at most that many decimals and at most
`MAX_AMOUNT_MINOR` minor units; the direction of money is given by the kind of movement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.core.errors import ValidationError

# Active ISO 4217 codes (2024) by number of minor-unit digits; every other listed code has 2.
_ZERO_DIGITS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DIGITS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DIGITS = "CLF UYW"
_TWO_DIGITS = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP "
    "BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR "
    "FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW "
    "KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN "
    "NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD "
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS "
    "VED VES WST XCD XCG YER ZAR ZMW ZWG"
)
MINOR_DIGITS: dict[str, int] = {
    **dict.fromkeys(_TWO_DIGITS.split(), 2),
    **dict.fromkeys(_ZERO_DIGITS.split(), 0),
    **dict.fromkeys(_THREE_DIGITS.split(), 3),
    **dict.fromkeys(_FOUR_DIGITS.split(), 4),
}
# 10^15 - 1 minor units: below 2^53, so every amount and any sum of a few of them survives
# a JavaScript client, and no household ledger comes near it.
MAX_AMOUNT_MINOR = 10**15 - 1
_MAX_MINOR_DIGITS = len(str(MAX_AMOUNT_MINOR))
_DECIMAL = re.compile(r"^(?P<sign>[+-]?)(?P<whole>[0-9]+)(?:\.(?P<frac>[0-9]+))?$")


Field = str | Sequence[str]


def _path(field: Field) -> list[str]:
    return [field] if isinstance(field, str) else list(field)


def check_currency(code: str, field: str = "currency") -> str:
    """The ISO 4217 code, upper-cased; VALIDATION if it is not an active currency."""
    normal = code.strip().upper()
    if normal not in MINOR_DIGITS:
        raise ValidationError(
            f"Unknown currency '{code}': use an ISO 4217 code.", field=_path(field)
        )
    return normal


def parse_signed(text: str, currency: str, field: Field = "amount") -> int:
    """A decimal string to minor units, sign allowed; VALIDATION on anything else."""
    digits = MINOR_DIGITS[currency]
    match = _DECIMAL.match(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ValidationError(
            f"'{text}' is not a decimal amount such as 12.50.", field=_path(field)
        )
    frac = match["frac"] or ""
    if len(frac.rstrip("0")) > digits:
        places = "no decimals" if digits == 0 else f"at most {digits} decimals"
        raise ValidationError(f"{currency} amounts take {places}.", field=_path(field))
    frac = frac[:digits].ljust(digits, "0")
    # Bounded before int(): Python refuses to convert strings of thousands of digits.
    whole = match["whole"].lstrip("0")
    if len(whole) + digits > _MAX_MINOR_DIGITS:
        raise ValidationError("The amount is too large.", field=_path(field))
    minor = int(whole + frac or "0")
    if minor > MAX_AMOUNT_MINOR:
        raise ValidationError("The amount is too large.", field=_path(field))
    return -minor if match["sign"] == "-" else minor


def parse_amount(text: str, currency: str, field: Field = "amount") -> int:
    """A positive amount in minor units: zero and negative amounts are refused."""
    minor = parse_signed(text, currency, field)
    if minor <= 0:
        raise ValidationError(
            "The amount must be greater than zero; the kind of movement gives its direction.",
            field=_path(field),
        )
    return minor


def format_amount(minor: int, currency: str) -> str:
    """Minor units to a decimal string with exactly the currency's decimals: 1250 → "12.50"."""
    digits = MINOR_DIGITS[currency]
    if not digits:
        return str(minor)
    # By text, not arithmetic: a page of history formats a few hundred amounts.
    text = str(-minor if minor < 0 else minor).rjust(digits + 1, "0")
    return f"{'-' if minor < 0 else ''}{text[:-digits]}.{text[-digits:]}"
