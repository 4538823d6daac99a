"""Recategorising an entry after the fact, as pure rules.

An income or expense is never edited: a correction (kind *recategorise*) is appended instead.
Its amount is 0 (the account balance does not move); its lines take the entry's money out of
the envelopes it is in now and put it into the new ones, so the lines of the entry and of its
standing corrections always add up to the entry's current allocation, and their sum is the
entry's amount. Booked on the entry's own day, with the entry's flow, the per-month figures of
each envelope move from the old envelope to the new one in that month, and the account's
income and expense totals do not change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.core.errors import ValidationError
from app.domain.envelopes import EnvelopeId, Line


def allocation(lines: Iterable[Line]) -> dict[EnvelopeId, int]:
    """The signed amount per envelope of these lines together, without zeros."""
    found: dict[EnvelopeId, int] = {}
    for line in lines:
        found[line.envelope_id] = found.get(line.envelope_id, 0) + line.amount
    return {envelope: amount for envelope, amount in found.items() if amount}


def correction(current: Sequence[Line], target: Sequence[Line]) -> list[Line]:
    """The lines that turn the `current` allocation into the `target` one (both summing to
    the entry's amount); VALIDATION when they are the same allocation."""
    now, wanted = allocation(current), allocation(target)
    if sum(now.values()) != sum(wanted.values()):
        raise ValueError("a correction keeps the entry's amount")
    if now == wanted:
        raise ValidationError(
            "The entry is already in these envelopes: nothing to change.", field=["envelopeId"]
        )
    envelopes = list(dict.fromkeys([*now, *wanted]))
    lines = [Line(e, wanted.get(e, 0) - now.get(e, 0)) for e in envelopes]
    return [line for line in lines if line.amount]


def signed_target(portions: Sequence[tuple[EnvelopeId, int]], amount: int) -> list[Line]:
    """The lines of an allocation of sizes (positive) for an entry of signed `amount`."""
    sign = -1 if amount < 0 else 1
    return [Line(envelope, sign * size) for envelope, size in portions]
