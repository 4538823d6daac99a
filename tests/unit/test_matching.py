"""Matching imported rows against hand-typed entries: bank-noise payees, the window, the
score and its reasons, and one-to-one assignment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.domain.matching import (
    MIN_SIMILARITY,
    ImportedRow,
    ManualEntry,
    candidates,
    match_rows,
    normalise_payee,
    payee_similarity,
)

DAY = date(2026, 3, 12)


def row(key: object, amount: int, payee: str | None, days: int = 0) -> ImportedRow:
    return ImportedRow(key, DAY + timedelta(days=days), amount, payee)


def entry(
    id: object, amount: int, payee: str | None, days: int = 0, matched: bool = False
) -> ManualEntry:
    return ManualEntry(id, DAY + timedelta(days=days), amount, payee, matched)


class TestPayeeNormalisation:
    @pytest.mark.parametrize(
        ("raw", "normal"),
        [
            ("TESCO STORES 3297 DUBLIN IE", "tesco stores"),
            ("Tesco Stores", "tesco stores"),
            ("CARD 1234 TESCO*STORES 12/03", "tesco stores"),
            ("POS 4411 SPAR EXPRESS 12MAR26", "spar express"),
            ("Café Crème 14:32 REF: 99812", "cafe creme"),
            ("NETFLIX.COM 866-579-7172 CA", "netflix com"),
            ("Sainsbury's 2026-03-12", "sainsburys"),
            ("M&S SIMPLY FOOD 0421 LONDON GB", "m&s simply food"),
            ("VISA DEBIT 5678 ALDI 1032 CORK IE", "aldi cork"),  # too few words to drop a city
            ("CONTACTLESS LIDL", "lidl"),
            ("1234567", "1234567"),  # nothing but noise: the folded text stays
            ("", ""),
            (None, ""),
        ],
    )
    def test_bank_noise_is_removed(self, raw: str | None, normal: str) -> None:
        assert normalise_payee(raw) == normal

    @pytest.mark.parametrize(
        "bank",
        ["TESCO STORES 3297 DUBLIN IE", "Tesco Stores", "CARD 1234 TESCO*STORES 12/03", "TESCOS"],
    )
    def test_several_spellings_of_one_shop_are_alike(self, bank: str) -> None:
        similarity = payee_similarity(bank, "Tesco")
        assert similarity is not None
        assert similarity >= MIN_SIMILARITY

    def test_different_shops_are_not(self) -> None:
        assert (payee_similarity("ALDI 1032 CORK", "Tesco") or 0) < MIN_SIMILARITY
        assert (payee_similarity("LIDL", "Aldi") or 0) < MIN_SIMILARITY
        assert payee_similarity(None, "Tesco") is None


class TestOneRow:
    @pytest.mark.parametrize(
        "bank", ["TESCO STORES 3297 DUBLIN IE", "Tesco Stores", "CARD 1234 TESCO*STORES 12/03"]
    )
    def test_the_bank_spellings_all_match_the_manual_tesco(self, bank: str) -> None:
        [match] = candidates(row("r", -4250, bank, days=1), [entry("e", -4250, "Tesco")])
        assert (match.entry, match.similarity, match.days_apart, match.score) == ("e", 100, 1, 95)
        assert match.reasons == (
            "same amount",
            "1 day apart",
            'payees 100% alike: "tesco stores" and "tesco"',
        )

    def test_the_amount_must_be_the_same_to_the_cent_and_sign(self) -> None:
        entries = [entry("cent", -4251, "Tesco"), entry("refund", 4250, "Tesco")]
        assert candidates(row("r", -4250, "Tesco"), entries) == []

    def test_the_date_must_be_within_the_window_and_closer_is_better(self) -> None:
        entries = [
            entry("far", -100, "Tesco", days=-4),
            entry("two", -100, "Tesco", days=2),
            entry("one", -100, "Tesco", days=-1),
        ]
        assert [m.entry for m in candidates(row("r", -100, "Tesco"), entries)] == ["one", "two"]
        assert [m.entry for m in candidates(row("r", -100, "Tesco"), entries, window=5)] == [
            "one", "two", "far",
        ]  # fmt: skip
        assert candidates(row("r", -100, "Tesco"), entries, window=0) == []

    def test_a_dissimilar_payee_or_a_matched_entry_is_no_candidate(self) -> None:
        entries = [entry("aldi", -100, "Aldi"), entry("done", -100, "Tesco", matched=True)]
        assert candidates(row("r", -100, "Tesco"), entries) == []

    def test_a_missing_payee_leaves_amount_and_date_to_decide_below_a_real_likeness(self) -> None:
        entries = [entry("blank", -100, None), entry("tesco", -100, "Tesco", days=2)]
        ranked = candidates(row("r", -100, "TESCO STORES"), entries)
        assert [(m.entry, m.score) for m in ranked] == [("tesco", 90), ("blank", MIN_SIMILARITY)]
        assert ranked[1].reasons[-1] == "no payee to compare"
        assert ranked[1].similarity is None

    @pytest.mark.parametrize("window", [-1, 32])
    def test_the_window_is_bounded(self, window: int) -> None:
        with pytest.raises(ValidationError) as refused:
            candidates(row("r", -1, None), [], window=window)
        assert refused.value.field == ["matchWindow"]


class TestAFile:
    def test_one_entry_is_never_matched_to_two_rows(self) -> None:
        # Two identical coffees in the file, one typed by hand: one row matches, one is new.
        rows = [row(1, -350, "SQ *COFFEE SHOP", days=1), row(2, -350, "SQ *COFFEE SHOP")]
        matches = match_rows(rows, [entry("typed", -350, "Coffee shop")])
        assert [(m.row, m.entry) for m in matches] == [(2, "typed")]  # the closer day wins

    def test_the_best_pairs_are_taken_first(self) -> None:
        rows = [row("a", -500, "TESCO", days=0), row("b", -500, "TESCO", days=2)]
        entries = [entry("x", -500, "Tesco", days=2), entry("y", -500, "Tesco", days=0)]
        # a-y and b-x are exact days; the greedy best-first takes both, not a-x first.
        assert {(m.row, m.entry) for m in match_rows(rows, entries)} == {("a", "y"), ("b", "x")}

    def test_ties_go_to_the_earlier_row_and_entry(self) -> None:
        rows = [row("first", -500, "Tesco"), row("second", -500, "Tesco")]
        entries = [entry("x", -500, "Tesco"), entry("y", -500, "Tesco")]
        assert [(m.row, m.entry) for m in match_rows(rows, entries)] == [
            ("first", "x"), ("second", "y"),
        ]  # fmt: skip


payees = st.sampled_from(["Tesco", "TESCO STORES 3297 DUBLIN IE", "Aldi", "Lidl", None, "Spar"])
amounts = st.sampled_from([-100, -250, 300])
days = st.integers(-6, 6)
rows_strategy = st.lists(st.tuples(amounts, payees, days), max_size=8).map(
    lambda rs: [row(f"r{i}", *r) for i, r in enumerate(rs)]
)
entries_strategy = st.lists(st.tuples(amounts, payees, days, st.booleans()), max_size=8).map(
    lambda es: [entry(f"e{i}", *e) for i, e in enumerate(es)]
)


@given(rows_strategy, entries_strategy, st.integers(0, 5))
def test_matching_is_one_to_one_exact_in_amount_and_within_the_window(
    rows: list[ImportedRow], entries: list[ManualEntry], window: int
) -> None:
    matches = match_rows(rows, entries, window)
    assert match_rows(rows, entries, window) == matches  # deterministic
    assert len({m.row for m in matches}) == len({m.entry for m in matches}) == len(matches)
    rows_by_key = {r.key: r for r in rows}
    entries_by_id = {e.id: e for e in entries}
    for m in matches:
        r, e = rows_by_key[m.row], entries_by_id[m.entry]
        assert e.amount == r.amount
        assert abs((e.day - r.day).days) == m.days_apart <= window
        assert not e.already_matched
        assert m.similarity is None or m.similarity >= MIN_SIMILARITY
    # Nothing left over could still be paired: the greedy assignment is maximal.
    free_rows = [r for r in rows if r.key not in {m.row for m in matches}]
    free_entries = [e for e in entries if e.id not in {m.entry for m in matches}]
    for r in free_rows:
        assert candidates(r, free_entries, window) == []
