"""Savings opportunities of an account (see `app.domain.opportunities`), and dismissing one.

Read in one snapshot: the expenses of the last `EXPENSE_MONTHS` months (long enough for a
yearly charge to be seen three times) through the `history_by_kind` index, the changes of
Available over the idle detector's look-back through `history_by_envelope`, the envelopes'
spending and funding per month from the per-month figures (`BudgetFigures`: whole months
without reading their entries), the keys dismissed, and the first `MAX_BASED_ON` entries each
opportunity is based on. Every member reads them; editors and up dismiss them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from app.core import clock
from app.core.errors import NotFoundError, UnavailableError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.budgets import PACE_PERIODS, GoalKind
from app.domain.members import Permission, require
from app.domain.opportunities import Charge, Opportunity
from app.domain.opportunities.idle import (
    LOOKBACK_DAYS,
    AvailableChange,
    GoalPace,
    goals_sooner,
    idle_money,
)
from app.domain.opportunities.recurring import recurring_charges
from app.domain.opportunities.spending import EnvelopeSpending, above_usual
from app.domain.periods import month_start, next_month
from app.domain.usual import USUAL_MONTHS, previous_months
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.mongo import Database
from app.persistence.repositories.budget_figures import After, BudgetFigures, Sums
from app.persistence.repositories.opportunities import OpportunityReads
from app.services.ledger.accounts import AccountService

EXPENSE_MONTHS = 37
MAX_BASED_ON = 20
MAX_KEY_LENGTH = 300


@dataclass(frozen=True)
class DismissOpportunity:
    account_id: ObjectId
    key: str


@dataclass(frozen=True)
class FoundOpportunity:
    opportunity: Opportunity
    entries: list[TransactionRecord]  # the first `MAX_BASED_ON` it is based on, newest first

    @property
    def count(self) -> int:
        """How many entries it is based on in all."""
        return len(self.opportunity.based_on)


def today() -> date:
    """The day opportunities are computed for (a module function, so tests can pin it)."""
    return clock.today()


class SavingsOpportunities:
    def __init__(self, db: Database, accounts: AccountService) -> None:
        self.db = db
        self.accounts = accounts

    async def of_account(self, account: AccountRecord) -> list[FoundOpportunity]:
        """The opportunities of `account` (read for a member already) not dismissed:
        recurring charges, envelopes above their usual, idle money, goals reached sooner."""
        return await self._found(account, include_dismissed=False)

    async def dismiss(self, viewer: Viewer, command: DismissOpportunity) -> AccountRecord:
        """Keep an opportunity away until its facts change (editors and up); NOT_FOUND when
        the account has no such opportunity now. Dismissing one twice changes nothing."""
        if not command.key or len(command.key) > MAX_KEY_LENGTH:
            raise ValidationError(f"A key of 1 to {MAX_KEY_LENGTH} characters.", field=["key"])
        account = await self.accounts.get(viewer, command.account_id, "accountId")
        require(account.role_of(viewer.user_id), Permission.RECORD)
        found = await self._found(account, include_dismissed=True)
        if command.key not in {f.opportunity.key for f in found}:
            raise NotFoundError(
                "The account has no such opportunity now (its facts may have changed).",
                field=["key"],
            )
        await OpportunityReads().dismiss(account.id, command.key, viewer.user_id, clock.utcnow())
        return account

    async def _found(
        self, account: AccountRecord, include_dismissed: bool
    ) -> list[FoundOpportunity]:
        if not account.month_totals:
            raise UnavailableError("The account's figures are being prepared; try again shortly.")
        day = today()
        async with self.db.snapshot() as session:
            reads = OpportunityReads(session)
            expenses = await reads.expenses_since(
                account.id, day - relativedelta(months=EXPENSE_MONTHS)
            )
            changes = await reads.envelope_changes_since(
                account.id, account.available().id, day - timedelta(days=LOOKBACK_DAYS)
            )
            months = await _month_figures(account, day, BudgetFigures(session))
            found = _detect(account, day, expenses, changes, months)
            if not include_dismissed:
                dismissed = await reads.dismissed_keys(account.id)
                found = [o for o in found if o.key not in dismissed]
            wanted = list(dict.fromkeys(i for o in found for i in _shown_ids(o)))
            records = await reads.entries_by_id(account.id, wanted)
        return [
            FoundOpportunity(o, [records[i] for i in _shown_ids(o) if i in records]) for o in found
        ]


def _shown_ids(opportunity: Opportunity) -> list[ObjectId]:
    """The ids of the entries shown with an opportunity (the first `MAX_BASED_ON`)."""
    return [i for i in opportunity.based_on[:MAX_BASED_ON] if isinstance(i, ObjectId)]


@dataclass(frozen=True)
class MonthFigures:
    """Per envelope (id): spending and funding per month (first day → minor units)."""

    spent: dict[ObjectId, dict[date, int]]
    funded: dict[ObjectId, dict[date, int]]


async def _month_figures(account: AccountRecord, day: date, figures: BudgetFigures) -> MonthFigures:
    current = month_start(day)
    months = [*previous_months(current, USUAL_MONTHS + 1), current]
    envelopes = [e.id for e in account.live_envelopes() if not e.builtin]
    after = await figures.after(account.id, envelopes, [*months, next_month(current)])
    spent: dict[ObjectId, dict[date, int]] = {e: {} for e in envelopes}
    funded: dict[ObjectId, dict[date, int]] = {e: {} for e in envelopes}
    for month in months:
        start, end = after[month], after[next_month(month)]
        for envelope in envelopes:
            s, e = _sums(start, envelope), _sums(end, envelope)
            spent[envelope][month] = -(s.spent - e.spent)
            funded[envelope][month] = s.other - e.other
    return MonthFigures(spent, funded)


def _sums(after: After, envelope: ObjectId) -> Sums:
    return after.get(envelope) or Sums()


def _detect(
    account: AccountRecord,
    day: date,
    expenses: Sequence[dict[str, Any]],
    changes: Sequence[dict[str, Any]],
    months: MonthFigures,
) -> list[Opportunity]:
    currency = account.currency
    charges = [
        Charge(row["_id"], row["booking_date"].date(), row["size"], row.get("payee"))
        for row in expenses
    ]
    found = recurring_charges(charges, currency, day)
    found += above_usual(_spending(account, expenses, months), day, currency)
    idle = idle_money(account.available().balance, _available(account, changes), day, currency)
    if idle is not None:
        found.append(idle)
        found += goals_sooner(idle, _goals(account, day, months), currency)
    return found


def _spending(
    account: AccountRecord, expenses: Sequence[dict[str, Any]], months: MonthFigures
) -> list[EnvelopeSpending]:
    charges: dict[ObjectId, list[Charge]] = {e: [] for e in months.spent}
    for row in expenses:
        for line in row["lines"]:
            if line["envelope_id"] in charges:
                charges[line["envelope_id"]].append(
                    Charge(
                        row["_id"], row["booking_date"].date(), -line["amount"], row.get("payee")
                    )
                )
    names = {e.id: e.name for e in account.live_envelopes()}
    return [
        EnvelopeSpending(envelope, names[envelope], spent, charges[envelope])
        for envelope, spent in months.spent.items()
    ]


def _available(account: AccountRecord, changes: Sequence[dict[str, Any]]) -> list[AvailableChange]:
    available = account.available().id
    return [
        AvailableChange(row["_id"], row["booking_date"].date(), line["amount"])
        for row in changes
        for line in row["lines"]
        if line["envelope_id"] == available
    ]


def _goals(account: AccountRecord, day: date, months: MonthFigures) -> list[GoalPace]:
    """The saving goals, with their pace: the average funding of the last full months."""
    recent = previous_months(month_start(day), PACE_PERIODS)
    found = []
    for envelope in account.live_envelopes():
        if envelope.goal is None or envelope.builtin:
            continue
        goal = envelope.goal.goal()
        if goal.kind is not GoalKind.SAVE:
            continue
        funded = months.funded.get(envelope.id, {})
        pace = sum(funded.get(m, 0) for m in recent) // PACE_PERIODS
        found.append(
            GoalPace(
                envelope.id, envelope.name, goal.target, envelope.balance, pace, goal.target_date
            )
        )
    return found
