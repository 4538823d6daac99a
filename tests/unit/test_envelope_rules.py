"""The pure envelope rules: balances move by lines, the overdraft rule, envelope lifecycle."""

import pytest

from app.core.errors import InsufficientFundsError, NotFoundError, ValidationError
from app.domain.envelopes import (
    Allocation,
    Envelope,
    Ledger,
    Line,
    clean_name,
    payday_allocations,
)
from app.domain.members import Permission, Role, allows, check_can_leave, check_grantable


def ledger(available: int = 100, food: int = 0, overdraft: bool = False) -> Ledger:
    return Ledger(
        "EUR",
        [
            Envelope("a", "Available", available, builtin=True),
            Envelope("f", "Food", food),
            Envelope("r", "Rent", 0),
        ],
        allow_overdraft=overdraft,
    )


def balances(book: Ledger) -> dict[object, int]:
    return {e.id: e.balance for e in book.envelopes}


class TestIncome:
    def test_income_without_allocations_lands_in_available(self) -> None:
        book = ledger()
        assert book.income(50, []) == [Line("a", 50)]
        assert balances(book) == {"a": 150, "f": 0, "r": 0}

    def test_allocations_go_to_their_envelopes_and_the_remainder_to_available(self) -> None:
        book = ledger()
        book.income(50, [Allocation("f", 20), Allocation("r", 10)])
        assert balances(book) == {"a": 120, "f": 20, "r": 10}
        assert book.balance == 150

    def test_allocations_above_the_amount_are_refused_and_nothing_changes(self) -> None:
        book = ledger()
        with pytest.raises(ValidationError, match="more than the income"):
            book.income(10, [Allocation("f", 6), Allocation("r", 6)])
        assert balances(book) == {"a": 100, "f": 0, "r": 0}

    def test_an_envelope_listed_twice_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="twice"):
            ledger().income(10, [Allocation("f", 1), Allocation("f", 1)])


class TestExpenseAndOverdraft:
    def test_an_expense_takes_money_out_of_its_envelope(self) -> None:
        book = ledger(food=30)
        book.expense(30, [Allocation("f", 30)])
        assert balances(book)["f"] == 0
        assert book.balance == 100

    def test_an_envelope_cannot_go_below_zero_without_overdraft(self) -> None:
        book = ledger(food=30)
        with pytest.raises(InsufficientFundsError, match="Food"):
            book.expense(31, [Allocation("f", 31)])
        assert balances(book)["f"] == 30

    def test_a_split_is_refused_as_a_whole_when_one_part_is_short(self) -> None:
        book = ledger(food=30)
        with pytest.raises(InsufficientFundsError):
            book.expense(140, [Allocation("a", 100), Allocation("f", 40)])
        assert balances(book) == {"a": 100, "f": 30, "r": 0}

    def test_splits_must_add_up_to_the_amount(self) -> None:
        with pytest.raises(ValidationError, match="add up"):
            ledger().expense(10, [Allocation("a", 4)])

    def test_with_overdraft_an_envelope_may_go_negative(self) -> None:
        book = ledger(overdraft=True)
        book.expense(500, [Allocation("f", 500)])
        assert balances(book)["f"] == -500
        assert book.balance == -400

    def test_money_into_an_already_negative_envelope_is_always_allowed(self) -> None:
        book = ledger(food=-20)
        book.income(5, [Allocation("f", 5)])
        assert balances(book)["f"] == -15


class TestMove:
    def test_a_move_changes_two_envelopes_and_not_the_balance(self) -> None:
        book = ledger()
        book.move("a", "f", 40)
        assert balances(book) == {"a": 60, "f": 40, "r": 0}
        assert book.balance == 100

    def test_source_and_target_must_differ(self) -> None:
        with pytest.raises(ValidationError, match="same envelope"):
            ledger().move("a", "a", 1)

    def test_an_unknown_envelope_is_not_found(self) -> None:
        with pytest.raises(NotFoundError) as caught:
            ledger().move("a", "elsewhere", 1)
        assert caught.value.field == ["toEnvelopeId"]

    def test_a_move_beyond_the_source_is_refused(self) -> None:
        with pytest.raises(InsufficientFundsError):
            ledger().move("f", "r", 1)


class TestReverse:
    def test_reversing_lines_restores_every_envelope(self) -> None:
        book = ledger()
        lines = book.income(50, [Allocation("f", 20)])
        book.reverse(lines)
        assert balances(book) == {"a": 100, "f": 0, "r": 0}

    def test_reversing_income_already_spent_breaks_the_overdraft_rule(self) -> None:
        book = ledger(available=0)
        lines = book.income(50, [])
        book.expense(30, [Allocation("a", 30)])
        with pytest.raises(InsufficientFundsError):
            book.reverse(lines)

    def test_lines_of_a_deleted_envelope_cannot_be_reversed(self) -> None:
        book = ledger()
        lines = book.move("a", "f", 10)
        book.move("f", "a", 10)
        book.delete("f")
        with pytest.raises(ValidationError, match="deleted"):
            book.reverse(lines)


class TestEnvelopeLifecycle:
    def test_available_is_never_archived_or_deleted(self) -> None:
        book = ledger(available=0)
        with pytest.raises(ValidationError, match="Available"):
            book.archive("a")
        with pytest.raises(ValidationError, match="Available"):
            book.delete("a")

    def test_only_an_empty_envelope_is_archived_and_it_then_takes_no_money(self) -> None:
        book = ledger(food=5)
        with pytest.raises(ValidationError, match="empty"):
            book.archive("f")
        book.archive("r")
        with pytest.raises(ValidationError, match="archived"):
            book.move("a", "r", 1)

    def test_a_deleted_envelope_stays_as_a_tombstone_outside_the_balance(self) -> None:
        book = ledger()
        book.delete("r")
        assert [e.id for e in book.live()] == ["a", "f"]
        assert [e.id for e in book.envelopes] == ["a", "f", "r"]
        with pytest.raises(NotFoundError):
            book.envelope("r")

    def test_names_are_unique_among_live_envelopes_in_any_case(self) -> None:
        book = ledger()
        with pytest.raises(ValidationError, match="already named"):
            book.add(Envelope("x", "FOOD"))
        book.delete("r")
        book.add(Envelope("y", "rent"))
        assert book.envelope("y").name == "rent"

    def test_reorder_lists_every_live_envelope_once(self) -> None:
        book = ledger()
        book.reorder(["r", "a", "f"])
        assert [e.id for e in book.envelopes] == ["r", "a", "f"]
        with pytest.raises(ValidationError):
            book.reorder(["r", "a"])
        with pytest.raises(ValidationError):
            book.reorder(["r", "a", "a"])

    def test_an_account_closes_only_when_every_envelope_is_at_zero(self) -> None:
        book = ledger(available=10, food=-10, overdraft=True)
        assert book.balance == 0
        with pytest.raises(ValidationError, match="Available, Food"):
            book.check_closable()
        ledger(available=0).check_closable()

    def test_a_closed_account_refuses_money(self) -> None:
        book = ledger()
        book.closed = True
        with pytest.raises(ValidationError, match="closed"):
            book.income(1, [])

    def test_names_are_trimmed_and_must_not_be_empty(self) -> None:
        assert clean_name("  Food   money ") == "Food money"
        with pytest.raises(ValidationError):
            clean_name("   ")


class TestPaydayAllocations:
    template = [Allocation("rent", 800), Allocation("food", 300), Allocation("fun", 100)]

    def test_the_expected_pay_fills_every_allocation(self) -> None:
        shares = payday_allocations(self.template, 1500)
        assert [(a.envelope_id, a.amount) for a in shares] == [
            ("rent", 800),
            ("food", 300),
            ("fun", 100),
        ]

    def test_a_short_pay_fills_envelopes_in_the_template_order(self) -> None:
        shares = payday_allocations(self.template, 1000)
        assert [(a.envelope_id, a.amount) for a in shares] == [("rent", 800), ("food", 200)]

    def test_a_larger_pay_leaves_the_extra_for_available(self) -> None:
        book = Ledger(
            "EUR",
            [Envelope("a", "Available", 0, builtin=True)]
            + [Envelope(i, i) for i in ("rent", "food", "fun")],
        )
        book.income(2000, payday_allocations(self.template, 2000))
        assert book.by_id["a"].balance == 800


class TestRoles:
    @pytest.mark.parametrize(
        ("role", "allowed"),
        [
            (Role.VIEWER, {Permission.READ}),
            (Role.EDITOR, {Permission.READ, Permission.RECORD}),
            (Role.ADMIN, {Permission.READ, Permission.RECORD, Permission.MANAGE}),
            (Role.OWNER, set(Permission)),
        ],
    )
    def test_each_role_has_the_permissions_below_it(
        self, role: Role, allowed: set[Permission]
    ) -> None:
        assert {p for p in Permission if allows(role, p)} == allowed

    def test_the_owner_role_is_never_granted_by_sharing(self) -> None:
        with pytest.raises(ValidationError):
            check_grantable(Role.OWNER)

    def test_the_owner_cannot_leave(self) -> None:
        with pytest.raises(Exception, match="transfer ownership"):
            check_can_leave(Role.OWNER)
        check_can_leave(Role.ADMIN)
