"""Folded text and bounded glob patterns: what rules compare, and why no pattern can hang."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.domain.patterns import (
    MAX_ALTERNATIVES,
    MAX_PATTERN_LENGTH,
    MAX_TEXT_LENGTH,
    compile_glob,
    fold,
)


def test_folding_drops_case_accents_and_extra_spaces() -> None:
    assert fold("  CAFÉ   Crème\tBrûlée ") == "cafe creme brulee"
    assert fold("Straße") == "strasse"
    assert fold("\ufb01ne \uff34\uff45\uff53\uff43\uff4f") == "fine tesco"  # ligature, full width
    assert fold("Łódź") == "łodz"  # a stroke is a letter of its own, not an accent


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("tesco", "TESCO", True),
        ("tesco", "tesco stores", False),  # a glob matches the whole text
        ("tesco*", "Tesco Stores 3297", True),
        ("*stores*", "TESCO STORES DUBLIN", True),
        ("*dublin", "TESCO STORES DUBLIN", True),
        ("*dublin", "TESCO STORES DUBLIN IE", False),
        ("t?sco", "TESCO", True),
        ("t?sco", "tsco", False),
        ("*café*", "LE CAFE DU COIN", True),
        ("aldi*|lidl*|*tesco*", "LIDL 0042", True),
        ("aldi*|lidl*", "SPAR", False),
        ("*a*b*a*", "xaybza", True),
        ("*", "", True),
        ("netflix.com", "NETFLIX.COM", True),
        ("netflix.com", "NETFLIXXCOM", False),  # '.' is literal
        ("(a+)+$", "(A+)+$", True),  # so is everything but * ? and |
    ],
)
def test_globs(pattern: str, text: str, expected: bool) -> None:
    assert compile_glob(pattern).matches(text) is expected


def test_a_classic_catastrophic_regular_expression_is_only_literal_text() -> None:
    text = "a" * 50_000 + "b"
    assert not compile_glob("(a+)+$").matches(text)
    assert not compile_glob("(a|aa)*c").matches(text)


def test_many_stars_on_a_long_near_miss_fail_at_once() -> None:
    # As `.*a.*a.*a…` for Python's backtracking engine this tries ~n^9 cuts; the atomic
    # segments try each place once.
    glob = compile_glob("*a" * 9 + "*c")
    assert not glob.matches("a" * 100_000)
    assert "(?>" in glob.regex.pattern
    assert not re.search(r"\)[*+]", glob.regex.pattern)  # no quantified group


def test_only_the_first_thousand_characters_are_examined() -> None:
    assert compile_glob("*tesco*").matches("x" * (MAX_TEXT_LENGTH - 5) + "tesco")
    assert not compile_glob("*tesco*").matches("x" * MAX_TEXT_LENGTH + "tesco")


@pytest.mark.parametrize(
    "pattern",
    [
        "",
        "   ",
        "tesco|",
        "|",
        "x" * (MAX_PATTERN_LENGTH + 1),
        "|".join("a" * (MAX_ALTERNATIVES + 1)),
    ],
)
def test_empty_long_or_too_many_alternatives_are_refused(pattern: str) -> None:
    with pytest.raises(ValidationError) as refused:
        compile_glob(pattern)
    assert refused.value.field == ["value"]


def _reference(glob: str, text: str) -> bool:
    """A plain dynamic-programming glob matcher (no regular expressions) to compare with."""
    reach = [True] + [False] * len(text)
    for c in glob:
        if c == "*":
            for i in range(1, len(text) + 1):
                reach[i] = reach[i] or reach[i - 1]
        else:
            reach = [False] + [reach[i] and (c == "?" or c == text[i]) for i in range(len(text))]
    return reach[len(text)]


@given(st.text("ab*?", min_size=1, max_size=12), st.text("ab", max_size=14))
def test_globs_agree_with_a_reference_matcher(glob: str, text: str) -> None:
    assert compile_glob(glob).matches(text) is _reference(glob, text)
