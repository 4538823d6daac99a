"""Splitting an amount by percentages, exactly.

Percentages are basis points (1 % = 100) summing to `WHOLE` (10,000). The parts are whole
minor units: each part gets its share rounded down, and the minor units left over (fewer than
there are parts) go one each to the parts with the largest remainders, ties to the earlier
part (the largest remainder method). So the parts always add up to the amount exactly, none
is below zero for a non-negative amount, and the same split of the same amount always gives
the same parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.errors import ValidationError
from app.domain.envelopes import EnvelopeId

WHOLE = 10_000
MAX_PARTS = 20


@dataclass(frozen=True)
class Percent:
    """One envelope's share of a split, in basis points."""

    envelope_id: EnvelopeId
    basis_points: int


@dataclass(frozen=True)
class Portion:
    """One envelope's share of an amount, in minor units."""

    envelope_id: EnvelopeId
    amount: int


def check_percents(parts: Sequence[Percent]) -> None:
    """VALIDATION unless 2 to `MAX_PARTS` distinct envelopes share exactly 100 %."""
    if not 2 <= len(parts) <= MAX_PARTS:
        raise ValidationError(
            f"A split has 2 to {MAX_PARTS} parts; for one envelope, set the envelope.",
            field=["parts"],
        )
    seen: set[EnvelopeId] = set()
    for i, part in enumerate(parts):
        if not 0 < part.basis_points < WHOLE:
            raise ValidationError(
                "Each part is more than 0 % and less than 100 %.",
                field=["parts", str(i), "basisPoints"],
            )
        if part.envelope_id in seen:
            raise ValidationError(
                "An envelope is listed twice.", field=["parts", str(i), "envelopeId"]
            )
        seen.add(part.envelope_id)
    if sum(p.basis_points for p in parts) != WHOLE:
        raise ValidationError("The parts must add up to 100 %.", field=["parts"])


def split_amount(amount: int, basis_points: Sequence[int]) -> list[int]:
    """`amount` in parts proportional to `basis_points` (which sum to `WHOLE`), adding up to
    `amount` exactly; a negative amount splits like its size, every part negated."""
    if sum(basis_points) != WHOLE or any(bp < 0 for bp in basis_points):
        raise ValueError("basis points must be non-negative and sum to 10,000")
    size = abs(amount)
    exact = [size * bp for bp in basis_points]
    parts = [e // WHOLE for e in exact]
    left = size - sum(parts)
    by_remainder = sorted(range(len(parts)), key=lambda i: (-(exact[i] % WHOLE), i))
    for i in by_remainder[:left]:
        parts[i] += 1
    return [-p for p in parts] if amount < 0 else parts
