"""The pure rules of recategorising: the lines of a correction, and allocations."""

import pytest

from app.core.errors import ValidationError
from app.domain.corrections import allocation, correction, signed_target
from app.domain.envelopes import Line


class TestCorrection:
    def test_moves_the_money_from_the_old_envelope_to_the_new(self) -> None:
        assert correction([Line("food", -500)], [Line("fun", -500)]) == [
            Line("food", 500),
            Line("fun", -500),
        ]

    def test_corrects_the_current_allocation_including_earlier_corrections(self) -> None:
        current = [Line("food", -500), Line("food", 200), Line("fun", -200)]
        assert correction(current, [Line("rent", -500)]) == [
            Line("food", 300),
            Line("fun", 200),
            Line("rent", -500),
        ]

    def test_leaves_out_envelopes_that_keep_their_share(self) -> None:
        current = [Line("food", -300), Line("fun", -200)]
        assert correction(current, [Line("food", -300), Line("rent", -200)]) == [
            Line("fun", 200),
            Line("rent", -200),
        ]

    def test_the_lines_always_add_up_to_zero(self) -> None:
        lines = correction([Line("a", 1000)], [Line("b", 333), Line("c", 667)])
        assert sum(line.amount for line in lines) == 0

    def test_the_same_allocation_is_refused(self) -> None:
        with pytest.raises(ValidationError) as refused:
            correction([Line("food", -300), Line("food", -200)], [Line("food", -500)])
        assert refused.value.field == ["envelopeId"]

    def test_another_amount_is_a_bug(self) -> None:
        with pytest.raises(ValueError, match="amount"):
            correction([Line("food", -500)], [Line("fun", -400)])


def test_allocation_nets_lines_per_envelope_without_zeros() -> None:
    lines = [Line("a", -5), Line("a", 5), Line("b", -3), Line("b", -2)]
    assert allocation(lines) == {"b": -5}


def test_signed_target_follows_the_direction_of_the_entry() -> None:
    assert signed_target([("a", 3), ("b", 2)], -5) == [Line("a", -3), Line("b", -2)]
    assert signed_target([("a", 5)], 5) == [Line("a", 5)]
