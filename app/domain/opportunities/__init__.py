"""Savings opportunities: what a household's history says it could save or put to work.

Pure detectors over plain values (no database): recurring charges (`recurring`), envelopes
spending above their usual (`spending`), money idle in Available and the goals it would reach
sooner (`idle`). Each finding is an `Opportunity` with the amount at stake and the entries it
is based on. Its `key` names the facts it stands on (kind, payee or envelope, an amount
bucket), so a dismissed opportunity stays away until those facts change.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class OpportunityKind(StrEnum):
    RECURRING_CHARGE = "recurring_charge"  # a subscription: its yearly cost
    ABOVE_USUAL = "above_usual"  # an envelope spending more than its usual month
    IDLE_MONEY = "idle_money"  # Available holding money for weeks
    GOAL_SOONER = "goal_sooner"  # a goal the idle money would reach sooner


class Interval(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


@dataclass(frozen=True)
class Charge:
    """One expense as the detectors see it: positive minor units of spending."""

    id: Hashable
    day: date
    amount: int
    payee: str | None = None


@dataclass(frozen=True)
class Opportunity:
    kind: OpportunityKind
    key: str
    title: str
    explanation: str
    amount_at_stake: int  # minor units; a recurring charge's is its yearly cost
    based_on: tuple[Hashable, ...]  # entry ids, newest first
    payee: str | None = None
    interval: Interval | None = None
    latest_amount: int | None = None
    previous_amount: int | None = None  # the amount before a price change
    next_expected: date | None = None
    envelope_id: Hashable | None = None
    usual: int | None = None
    spent: int | None = None
    month: date | None = None  # the first day of the month compared with the usual
    since: date | None = None  # idle: the day from which Available held the amount
    months_sooner: int | None = None  # goal: None when at the recent pace it never is


def amount_bucket(amount: int) -> int:
    """`amount` rounded down to two significant digits (12,345 → 12,000): a key that stays
    the same while an amount drifts a little, and changes when it really changes."""
    if amount < 100:
        return max(0, amount)
    scale: int = 10 ** (len(str(amount)) - 2)
    return amount // scale * scale
