"""The learned categorisation model against its baseline, on a seeded generated history; what
it learns from; and the threshold's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.core.errors import ValidationError
from app.core.ids import ObjectId
from app.devtools.household_history import MERCHANTS, HistoryRow, household_history
from app.domain.envelope_model import (
    MIN_EXAMPLES,
    EnvelopeModel,
    Example,
    evaluate,
    format_threshold,
    parse_threshold,
)
from app.persistence.documents.accounts import AccountRecord, EnvelopeRecord
from app.persistence.repositories.learning import PastEntry
from app.services.categorisation.learned import training_set


def examples(rows: list[HistoryRow]) -> tuple[list[Example], list[str]]:
    return [Example(r.payee, r.memo, r.amount, r.day) for r in rows], [r.envelope for r in rows]


class TestGeneratedHistory:
    def test_the_same_seed_gives_the_same_history(self) -> None:
        assert household_history(seed=3) == household_history(seed=3)
        assert household_history(seed=3) != household_history(seed=4)

    def test_shops_come_under_many_spellings_and_new_ones_appear(self) -> None:
        rows = household_history(seed=3)
        payees = {r.payee for r in rows}
        assert len(payees) > 0.6 * len(rows)  # references and dates make most strings unique
        first_months = {r.payee.split()[0] for r in rows if r.day < date(2024, 3, 1)}
        assert "ALDI" not in first_months
        assert any(r.payee.startswith("ALDI") for r in rows)
        assert len(MERCHANTS) >= 30


class TestModelAgainstBaseline:
    @pytest.mark.parametrize("seed", [7, 21])
    def test_the_model_beats_the_last_payee_baseline_by_a_clear_margin(self, seed: int) -> None:
        found = evaluate(*examples(household_history(seed=seed)), threshold=0.9)
        assert found.test_size > 200
        assert found.model_accuracy >= found.baseline_accuracy + 0.3
        assert found.model_accuracy >= 0.75

    def test_above_the_threshold_it_is_right_more_often(self) -> None:
        found = evaluate(*examples(household_history(seed=7)), threshold=0.9)
        assert found.accuracy_at_threshold > found.model_accuracy
        assert found.accuracy_at_threshold >= 0.9
        assert 0.4 < found.coverage < 1

    def test_too_little_history_or_one_envelope_makes_no_model(self) -> None:
        xs, ys = examples(household_history(seed=7)[: MIN_EXAMPLES - 1])
        assert EnvelopeModel.train(xs, ys) is None
        xs, _ = examples(household_history(seed=7)[:50])
        assert EnvelopeModel.train(xs, ["Groceries"] * 50) is None

    def test_a_confidence_is_a_probability(self) -> None:
        model = EnvelopeModel.train(*examples(household_history(seed=7)[:300]))
        assert model is not None
        [p] = model.predict([Example("TESCO STORES 1234 LEEDS", None, -6000, None)])
        assert p.label in {"Groceries", "Household"}
        assert 0 < p.confidence <= 1


class TestThreshold:
    @pytest.mark.parametrize(
        ("text", "hundredths"), [("90", 9000), ("92.5", 9250), ("0.01", 1), ("100", 10000)]
    )
    def test_a_percent_becomes_hundredths_and_back(self, text: str, hundredths: int) -> None:
        assert parse_threshold(text) == hundredths
        assert format_threshold(hundredths) == text

    @pytest.mark.parametrize("text", ["0", "100.01", "1000", "-1", "9e1", "90.001", " ", "NaN"])
    def test_anything_else_is_refused(self, text: str) -> None:
        with pytest.raises(ValidationError):
            parse_threshold(text)


# --- what the model learns from --------------------------------------------------------------

NOW = datetime(2025, 3, 1, tzinfo=UTC)
AVAILABLE, FOOD, HOME = ObjectId(), ObjectId(), ObjectId()
ACCOUNT = AccountRecord.model_validate(
    {
        "name": "Joint",
        "type": "checking",
        "currency": "EUR",
        "owner_id": ObjectId(),
        "members": [],
        "member_ids": [],
        "envelopes": [
            EnvelopeRecord(id=AVAILABLE, name="Available", builtin=True),
            EnvelopeRecord(id=FOOD, name="Food"),
            EnvelopeRecord(id=HOME, name="Home & Garden"),
        ],
        "balance": 0,
        "seq": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }
)


def entry(kind: str, amount: int, lines: list[tuple[ObjectId, int]], **fields: object) -> PastEntry:
    values: dict[object, object] = {
        "id": ObjectId(),
        "account_id": ACCOUNT.id,
        "kind": kind,
        "payee": "SHOP",
        "memo": None,
        "amount": amount,
        "lines": tuple(lines),
        "booking_date": NOW,
        "reversed": False,
        "corrects": None,
        "needs_review": False,
    }
    values.update(fields)
    return PastEntry(**values)  # type: ignore[arg-type]


class TestTrainingSet:
    def test_an_expense_teaches_its_envelope_by_its_folded_name(self) -> None:
        _, labels = training_set([ACCOUNT], [entry("expense", -500, [(HOME, -500)])])
        assert labels == ["home & garden"]

    def test_a_split_teaches_its_largest_share(self) -> None:
        split = entry("expense", -900, [(FOOD, -300), (HOME, -600)])
        assert training_set([ACCOUNT], [split])[1] == ["home & garden"]

    def test_a_correction_changes_the_label_of_the_entry_it_corrects(self) -> None:
        original = entry("expense", -500, [(FOOD, -500)])
        correction = entry("correction", 0, [(FOOD, 500), (HOME, -500)], corrects=original.id)
        assert training_set([ACCOUNT], [correction, original])[1] == ["home & garden"]

    def test_an_undone_correction_leaves_the_original_label(self) -> None:
        original = entry("expense", -500, [(FOOD, -500)])
        undone = entry(
            "correction", 0, [(FOOD, 500), (HOME, -500)], corrects=original.id, reversed=True
        )
        assert training_set([ACCOUNT], [undone, original])[1] == ["food"]

    def test_undone_unreviewed_and_unfiled_spending_teach_nothing(self) -> None:
        rows = [
            entry("expense", -500, [(FOOD, -500)], reversed=True),
            entry("expense", -500, [(FOOD, -500)], needs_review=True),
            entry("expense", -500, [(AVAILABLE, -500)]),
            entry("reversal", 500, [(FOOD, 500)]),
            entry("transfer", -500, [(AVAILABLE, -500)]),
        ]
        assert training_set([ACCOUNT], rows) == ([], [])

    def test_income_into_available_is_a_choice(self) -> None:
        pay = entry("income", 250000, [(AVAILABLE, 250000)], payee="ACME SALARY")
        xs, labels = training_set([ACCOUNT], [pay])
        assert labels == ["available"]
        assert xs == [Example("ACME SALARY", None, 250000, NOW.date())]
