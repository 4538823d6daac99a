"""Categorisation rules: conditions, actions, their order, "stop here", the explanation
people see, validation, and exact percentage splits."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.domain.conditions import (
    AmountCondition,
    Condition,
    KindCondition,
    TextCondition,
    TextField,
    TextOperator,
    Transaction,
)
from app.domain.entries import MAX_TAGS, EntryKind
from app.domain.rules import (
    Action,
    AddTags,
    Combine,
    RenamePayee,
    Rule,
    SetEnvelope,
    SplitByPercent,
    categorise,
)
from app.domain.splits import Percent, Portion, split_amount

PAYEE, MEMO = TextField.PAYEE, TextField.MEMO
CONTAINS, EQUALS = TextOperator.CONTAINS, TextOperator.EQUALS
STARTS, ENDS, MATCHES = TextOperator.STARTS_WITH, TextOperator.ENDS_WITH, TextOperator.MATCHES
NAMES = {"food": "Food", "house": "Household", "fun": "Fun"}


def spend(
    amount: int, payee: str | None = None, memo: str | None = None, **kw: object
) -> Transaction:
    return Transaction(kw.pop("account", "checking"), -amount, payee, memo, **kw)  # type: ignore[arg-type]


def rule(
    name: str,
    conditions: Sequence[Condition],
    actions: Sequence[Action],
    **options: object,
) -> Rule:
    return Rule.make(name, name, conditions, actions, **options)  # type: ignore[arg-type]


def payee(operator: TextOperator, value: str) -> TextCondition:
    return TextCondition(PAYEE, operator, value)


class TestConditions:
    @pytest.mark.parametrize(
        ("condition", "expected"),
        [
            (payee(CONTAINS, "tesco"), True),
            (payee(CONTAINS, "TÉSCO"), True),  # accents and case do not count
            (payee(CONTAINS, "aldi"), False),
            (payee(EQUALS, "tesco stores dublin"), True),
            (payee(EQUALS, "tesco"), False),
            (payee(STARTS, "Tesco  Stores"), True),  # nor do runs of spaces
            (payee(STARTS, "stores"), False),
            (payee(ENDS, "dublin"), True),
            (payee(ENDS, "tesco"), False),
            (payee(MATCHES, "tesco*"), True),
            (payee(MATCHES, "lidl*|aldi*"), False),
            (TextCondition(MEMO, CONTAINS, "groceries"), True),
            (TextCondition(MEMO, EQUALS, "weekly groceries"), True),
            (TextCondition(MEMO, STARTS, "daily"), False),
            (AmountCondition(1000, 5000), True),
            (AmountCondition(4250, 4250), True),  # bounds included
            (AmountCondition(minimum=4251), False),
            (AmountCondition(maximum=4249), False),
            (KindCondition(EntryKind.EXPENSE), True),
            (KindCondition(EntryKind.INCOME), False),
        ],
    )
    def test_each_condition_on_a_spending(self, condition: Condition, expected: bool) -> None:
        t = spend(4250, "TESCO STORES Dublin", memo="Weekly Grocéries")
        assert condition.holds(t) is expected

    def test_the_amount_range_is_on_the_size_and_the_kind_gives_the_direction(self) -> None:
        refund = Transaction("checking", 4250, "Tesco")
        assert AmountCondition(1000, 5000).holds(refund)
        assert KindCondition(EntryKind.INCOME).holds(refund)
        assert not KindCondition(EntryKind.EXPENSE).holds(refund)
        assert Transaction("checking", 0).kind is None

    def test_a_missing_payee_or_memo_is_empty_text(self) -> None:
        assert not payee(CONTAINS, "tesco").holds(spend(100))
        assert payee(MATCHES, "*").holds(spend(100))
        assert not TextCondition(MEMO, ENDS, "x").holds(spend(100, "x"))


class TestCombining:
    TESCO = payee(CONTAINS, "tesco")
    BIG = AmountCondition(minimum=10000)

    def test_all_needs_every_condition_and_any_needs_one(self) -> None:
        both = rule("Big shop", [self.TESCO, self.BIG], [SetEnvelope("food")])
        either = rule("Either", [self.TESCO, self.BIG], [SetEnvelope("food")], combine=Combine.ANY)
        small = spend(2000, "Tesco")
        assert categorise(small, [both]).envelope_id is None
        outcome = categorise(small, [either])
        assert outcome.envelope_id == "food"
        assert outcome.applied[0].conditions == (self.TESCO,)  # the one that held
        assert categorise(spend(20000, "Tesco"), [both]).applied[0].conditions == (
            self.TESCO,
            self.BIG,
        )
        assert categorise(spend(20, "Spar"), [either]).applied == ()

    def test_accounts_scope_the_rule_whatever_the_combination(self) -> None:
        joint = rule(
            "Joint", [self.TESCO, self.BIG], [SetEnvelope("food")], combine=Combine.ANY,
            accounts=frozenset({"joint"}),
        )  # fmt: skip
        assert categorise(spend(100, "Tesco", account="joint"), [joint]).envelope_id == "food"
        assert categorise(spend(100, "Tesco", account="checking"), [joint]).applied == ()
        everywhere = rule("All", [self.TESCO], [SetEnvelope("food")])
        assert categorise(spend(100, "Tesco", account="cash"), [everywhere]).envelope_id == "food"

    def test_a_rule_without_conditions_takes_everything_in_scope(self) -> None:
        catch_all = rule("Review", [], [AddTags(("review",))], combine=Combine.ANY)
        outcome = categorise(spend(100), [catch_all])
        assert outcome.tags == ("review",)
        assert "every transaction" in outcome.applied[0].describe("EUR")


class TestActions:
    def test_set_envelope_takes_the_whole_size(self) -> None:
        outcome = categorise(spend(4250, "Tesco"), [rule("Food", [], [SetEnvelope("food")])])
        assert outcome.allocation == (Portion("food", 4250),)
        assert outcome.envelope_id == "food"

    def test_a_split_gives_exact_minor_units_largest_remainder_first(self) -> None:
        split = SplitByPercent(
            (Percent("food", 3333), Percent("house", 3333), Percent("fun", 3334))
        )
        outcome = categorise(spend(100, "Tesco"), [rule("Thirds", [], [split])])
        assert outcome.allocation == (
            Portion("food", 33), Portion("house", 33), Portion("fun", 34),
        )  # fmt: skip
        assert outcome.envelope_id is None
        # 1001 by 33.33/33.33/33.34 %: 333.6333, 333.6333, 333.7334 -> two units left, to
        # the largest remainder (the third), then the tie goes to the earlier part.
        assert split_amount(1001, [3333, 3333, 3334]) == [334, 333, 334]
        # Equal remainders: the earlier parts first.
        assert split_amount(5, [2500, 2500, 2500, 2500]) == [2, 1, 1, 1]
        assert split_amount(-5, [2500, 2500, 2500, 2500]) == [-2, -1, -1, -1]

    def test_the_later_envelope_or_split_wins(self) -> None:
        split = SplitByPercent((Percent("food", 5000), Percent("house", 5000)))
        outcome = categorise(
            spend(1000, "Tesco"),
            [
                rule("First", [], [SetEnvelope("fun"), split]),
                rule("Second", [], [SetEnvelope("food")]),
            ],
        )
        assert outcome.allocation == (Portion("food", 1000),)
        # Both rules are in the explanation, the overridden change too.
        assert [a.rule_name for a in outcome.applied] == ["First", "Second"]
        assert outcome.applied[0].changes[1].allocation == (
            Portion("food", 500), Portion("house", 500),
        )  # fmt: skip

    def test_renames_chain_and_later_rules_see_the_new_payee(self) -> None:
        clean = rule("Clean", [payee(CONTAINS, "tesco")], [RenamePayee("  Tesco ")])
        tesco = rule("Tesco", [payee(EQUALS, "tesco")], [SetEnvelope("food")])
        again = rule("Again", [payee(EQUALS, "tesco")], [RenamePayee("Tesco Ireland")])
        outcome = categorise(spend(500, "CARD 1234 TESCO*STORES 12/03"), [clean, tesco, again])
        assert outcome.payee == "Tesco Ireland"
        assert outcome.envelope_id == "food"
        renames = [c.previous_payee for a in outcome.applied for c in a.changes if c.previous_payee]
        assert renames == ["CARD 1234 TESCO*STORES 12/03", "Tesco"]

    def test_a_rules_own_conditions_see_the_payee_before_its_rename(self) -> None:
        rename_then_test = rule("R", [payee(EQUALS, "old")], [RenamePayee("new")])
        assert categorise(spend(1, "old"), [rename_then_test]).payee == "new"
        assert categorise(spend(1, "new"), [rename_then_test]).applied == ()

    def test_tags_are_added_once_in_order_after_the_existing_ones(self) -> None:
        first = rule("A", [], [AddTags(("Weekly", "food", "weekly"))])
        second = rule("B", [], [AddTags(("FOOD", "shop"))])
        outcome = categorise(spend(1, tags=("shop",)), [first, second])
        assert outcome.tags == ("shop", "Weekly", "food")
        assert outcome.applied[1].changes[0].added_tags == ()
        crowded = spend(1, tags=tuple(f"t{i}" for i in range(MAX_TAGS - 1)))
        assert categorise(crowded, [first]).tags[-1] == "Weekly"  # no more than MAX_TAGS


class TestStopHere:
    def test_stop_here_ends_the_evaluation(self) -> None:
        stop = rule("Stop", [payee(CONTAINS, "tesco")], [SetEnvelope("food")], stop=True)
        later = rule("Later", [], [SetEnvelope("fun"), RenamePayee("x"), AddTags(("t",))])
        outcome = categorise(spend(1, "Tesco"), [stop, later])
        assert (outcome.envelope_id, outcome.payee, outcome.tags) == ("food", "Tesco", ())
        assert [a.rule_name for a in outcome.applied] == ["Stop"]
        assert outcome.applied[0].stopped
        # A stop rule that does not apply stops nothing.
        assert categorise(spend(1, "Spar"), [stop, later]).envelope_id == "fun"


class TestExplanation:
    def test_each_applied_rule_says_why_and_what_it_changed(self) -> None:
        rules = [
            rule("Clean Tesco", [payee(MATCHES, "*tesco*")], [RenamePayee("Tesco")]),
            rule(
                "Groceries",
                [
                    payee(EQUALS, "tesco"),
                    AmountCondition(1000, 20000),
                    KindCondition(EntryKind.EXPENSE),
                ],
                [
                    SplitByPercent((Percent("food", 7500), Percent("house", 2500))),
                    AddTags(("weekly",)),
                ],
                stop=True,
            ),
        ]
        outcome = categorise(spend(4250, "TESCO STORES 3297"), rules)
        why = [a.describe("EUR", lambda e: NAMES[str(e)]) for a in outcome.applied]
        assert why == [
            'Rule "Clean Tesco" applied (payee matches "*tesco*"): '
            'payee "TESCO STORES 3297" renamed to "Tesco".',
            'Rule "Groceries" applied (payee equals "tesco"; amount from 10.00 to 200.00; '
            "money out): split into Food 31.88, Household 10.62; tags added: weekly. "
            "Later rules were not tried.",
        ]
        assert AmountCondition(minimum=500).describe("JPY") == "amount at least 500"
        assert AmountCondition(maximum=500).describe("EUR") == "amount at most 5.00"
        assert rule("E", [], [SetEnvelope("food")]).actions[0] == SetEnvelope("food")


class TestValidation:
    @pytest.mark.parametrize(
        ("conditions", "actions", "field"),
        [
            ([], [], ["actions"]),
            ([payee(CONTAINS, "  ")], [SetEnvelope("e")], ["conditions", "0", "value"]),
            ([payee(MATCHES, "a||b")], [SetEnvelope("e")], ["conditions", "0", "value"]),
            ([payee(EQUALS, "x" * 201)], [SetEnvelope("e")], ["conditions", "0", "value"]),
            ([AmountCondition()], [SetEnvelope("e")], ["conditions", "0", "minimum"]),
            ([AmountCondition(-1)], [SetEnvelope("e")], ["conditions", "0", "minimum"]),
            ([AmountCondition(5, 4)], [SetEnvelope("e")], ["conditions", "0", "maximum"]),
            (
                [KindCondition(EntryKind.INCOME), KindCondition(EntryKind.MOVE)],
                [SetEnvelope("e")],
                ["conditions", "1", "kind"],
            ),
            ([], [SetEnvelope("e"), RenamePayee(" ")], ["actions", "1", "payee"]),
            ([], [RenamePayee("x" * 201)], ["actions", "0", "payee"]),
            ([], [AddTags(())], ["actions", "0", "tags"]),
            ([], [AddTags(("x" * 41,))], ["actions", "0", "tags"]),
            ([], [SplitByPercent((Percent("a", 10000),))], ["actions", "0", "parts"]),
            (
                [],
                [SplitByPercent((Percent("a", 5000), Percent("b", 4000)))],
                ["actions", "0", "parts"],
            ),
            (
                [],
                [SplitByPercent((Percent("a", 5000), Percent("b", 0)))],
                ["actions", "0", "parts", "1", "basisPoints"],
            ),
            (
                [],
                [SplitByPercent((Percent("a", 5000), Percent("a", 5000)))],
                ["actions", "0", "parts", "1", "envelopeId"],
            ),
            ([payee(CONTAINS, "x")] * 21, [SetEnvelope("e")], ["conditions"]),
            ([], [SetEnvelope("e")] * 11, ["actions"]),
        ],
    )
    def test_bad_rules_are_refused_with_the_path_of_the_bad_part(
        self, conditions: list[Condition], actions: list[Action], field: list[str]
    ) -> None:
        with pytest.raises(ValidationError) as refused:
            rule("R", conditions, actions)
        assert refused.value.field == field

    def test_names_and_texts_are_cleaned(self) -> None:
        with pytest.raises(ValidationError) as refused:
            rule("  ", [], [SetEnvelope("e")])
        assert refused.value.field == ["name"]
        made = rule("  Weekly   shop ", [], [RenamePayee(" Tesco   Ireland "), AddTags(("a", "A"))])
        assert made.name == "Weekly shop"
        assert made.actions == (RenamePayee("Tesco Ireland"), AddTags(("a",)))


# --- properties -------------------------------------------------------------------------

percent_lists = st.lists(st.integers(1, 10_000), min_size=1, max_size=12).map(
    lambda weights: _basis_points(weights)
)


def _basis_points(weights: list[int]) -> list[int]:
    """Weights scaled to basis points summing to exactly 10,000 (the last takes the rest)."""
    total = sum(weights)
    points = [w * 10_000 // total for w in weights[:-1]]
    return [*points, 10_000 - sum(points)]


@given(st.integers(0, 10**15 - 1), percent_lists)
def test_a_split_adds_up_exactly_and_no_part_is_negative(amount: int, points: list[int]) -> None:
    parts = split_amount(amount, points)
    assert sum(parts) == amount
    assert all(p >= 0 for p in parts)
    # Each part is its exact share rounded down or up, never further off.
    assert all(abs(p * 10_000 - amount * bp) < 10_000 for p, bp in zip(parts, points, strict=True))
    assert split_amount(-amount, points) == [-p for p in parts]


texts = st.sampled_from(["Tesco", "TESCO STORES", "Aldi", "Café Nero", "", "netflix.com"])
conditions = st.one_of(
    st.builds(TextCondition, st.sampled_from(list(TextField)), st.sampled_from(list(TextOperator)),
              st.sampled_from(["tesco", "*e*", "aldi|cafe*", "nero"])),
    st.builds(AmountCondition, st.integers(0, 500), st.integers(500, 5000)),
    st.builds(KindCondition, st.sampled_from([EntryKind.INCOME, EntryKind.EXPENSE])),
)  # fmt: skip
actions = st.one_of(
    st.builds(SetEnvelope, st.sampled_from(list(NAMES))),
    st.just(SplitByPercent((Percent("food", 6000), Percent("fun", 4000)))),
    st.builds(RenamePayee, texts.filter(bool)),
    st.builds(AddTags, st.lists(st.sampled_from(["a", "b", "B"]), min_size=1).map(tuple)),
)
rule_lists = st.lists(
    st.builds(
        lambda i, c, a, combine, stop: Rule.make(i, f"r{i}", c, a, combine, frozenset(), stop),
        st.integers(0, 10**6),
        st.lists(conditions, max_size=3),
        st.lists(actions, min_size=1, max_size=3),
        st.sampled_from(list(Combine)),
        st.booleans(),
    ),
    max_size=6,
)
transactions = st.builds(
    Transaction, st.just("checking"), st.integers(-10_000, 10_000), texts, texts,
    st.lists(st.sampled_from(["a", "x"]), max_size=2, unique=True).map(tuple),
)  # fmt: skip


@given(transactions, rule_lists)
def test_evaluation_is_deterministic_and_the_allocation_adds_up(
    t: Transaction, rules: list[Rule]
) -> None:
    outcome = categorise(t, rules)
    assert categorise(t, rules) == outcome
    if outcome.allocation:
        assert sum(p.amount for p in outcome.allocation) == abs(t.amount)
        assert all(p.amount >= 0 for p in outcome.allocation)


@given(transactions, rule_lists, rule_lists)
def test_after_a_stop_here_no_later_rule_changes_anything(
    t: Transaction, before: list[Rule], after: list[Rule]
) -> None:
    stopped = categorise(t, before)
    if not (stopped.applied and stopped.applied[-1].stopped):
        return
    assert categorise(t, before + after) == stopped
