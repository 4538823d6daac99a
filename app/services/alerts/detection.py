"""What a ledger change raises: the commit observer that turns a change into account events
and publishes them to the hub, inside the change's transaction.

Cheap by construction: it decides from what the change holds (each account as locked and
as left, the new entries) and the account's `alert_watch` / `webhook_kinds`, and reads
nothing unless an event may be raised: a change that spent from an envelope with a plan or
a goal reads that period's figures; a change of the members reads their settings again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from app.domain.alerts import (
    EventKind,
    PeriodChange,
    fell_behind,
    figures_before,
    is_large,
    may_exceed,
    went_below,
    went_overspent,
)
from app.domain.budgets import Goal, GoalKind, goal_progress, plan_for
from app.domain.cadences import Period
from app.persistence.documents.accounts import AccountRecord, EnvelopeRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.locked_account import LockedAccount
from app.persistence.repositories.alerts import AlertRepository
from app.persistence.repositories.budget_figures import BudgetFigures
from app.persistence.transactions import Session
from app.persistence.unit_of_work import Committing
from app.services.alerts.events import AccountEvent, EventHub, money
from app.services.alerts.preferences import refresh_watches, watch_on
from app.services.ledger.budgets import period_figures, periods_left

Data = dict[str, Any]


class ChangeWatcher:
    """The unit of work's commit observer (`UnitOfWork.observe`)."""

    def __init__(self, hub: EventHub) -> None:
        self.hub = hub

    async def committing(self, session: Session, change: Committing) -> None:
        events: list[AccountEvent] = []
        rewatch = []
        for account in change.accounts:
            if account.stored is None:  # a new account: nothing to compare with
                continue
            if account.stored.get("member_ids") != account.document.member_ids:
                rewatch.append(account.id)
            events.extend(await _events_of(session, account, change))
        if rewatch:
            await refresh_watches(AlertRepository(session), rewatch)
        await self.hub.publish(session, events)


async def _events_of(
    session: Session, account: LockedAccount, change: Committing
) -> list[AccountEvent]:
    document, stored = account.document, account.stored or {}
    watch = watch_on(document)
    kinds = watch.kinds | frozenset(document.webhook_kinds)
    entries = account.entries
    if not kinds or not entries:  # balances only change with entries
        return []
    at, subject = change.at, str(document.version)
    base: Data = {"accountId": str(document.id), "accountName": document.name}
    currency = document.currency
    events: list[AccountEvent] = []

    def event(kind: EventKind, data: Data, ids: Sequence[Any], about: str) -> None:
        events.append(
            AccountEvent(document.id, kind, {**base, **data}, tuple(ids), at, f"{about}:{subject}")
        )

    entry_ids = [e.id for e in entries]
    if EventKind.TRANSACTION_RECORDED in kinds:
        for entry in entries:
            event(EventKind.TRANSACTION_RECORDED, _entry_data(entry), [entry.id], str(entry.id))
    if EventKind.ENVELOPE_OVERSPENT in kinds:
        before = {row["id"]: row["balance"] for row in stored.get("envelopes", [])}
        for envelope in document.live_envelopes(include_archived=True):
            if not envelope.builtin and went_overspent(
                before.get(envelope.id, 0), envelope.balance
            ):
                data = {**_envelope_data(envelope), "balance": money(envelope.balance, currency)}
                event(EventKind.ENVELOPE_OVERSPENT, data, entry_ids, str(envelope.id))
    floor = watch.balance_below
    if floor is not None and EventKind.BALANCE_LOW in kinds:
        previous = int(stored.get("balance", 0))
        if document.balance < floor and previous > document.balance:
            data = {
                "balance": money(document.balance, currency),
                "previousBalance": money(previous, currency),
            }
            event(EventKind.BALANCE_LOW, data, entry_ids, "balance")
    ceiling = watch.transaction_above
    if ceiling is not None and EventKind.TRANSACTION_LARGE in kinds:
        for entry in entries:
            if is_large(entry.kind, entry.size, ceiling):
                data = {**_entry_data(entry), "amount": money(entry.size, currency)}
                event(EventKind.TRANSACTION_LARGE, data, [entry.id], str(entry.id))
    budgeted = kinds & {EventKind.PLAN_EXCEEDED, EventKind.GOAL_BEHIND}
    if budgeted and document.month_totals:
        before = {row["id"]: row["balance"] for row in stored.get("envelopes", [])}
        for kind, envelope, data in await _budget_events(
            session, document, before, entries, at.date(), budgeted, watch.plan_share
        ):
            event(kind, data, entry_ids, str(envelope.id))
    return events


def _by_balance(goal: Goal) -> bool:
    """Goals whose status follows the envelope's balance alone (behind: below the target);
    a saving goal with a date also depends on the period's figures."""
    return goal.kind is GoalKind.KEEP_AT_LEAST or (
        goal.kind is GoalKind.SAVE and goal.target_date is None
    )


async def _budget_events(
    session: Session,
    account: AccountRecord,
    balances_before: Mapping[Any, int],
    entries: Sequence[TransactionRecord],
    today: date,
    kinds: frozenset[str],
    share: int | None,
) -> list[tuple[EventKind, EnvelopeRecord, Data]]:
    """plan.exceeded and goal.behind, of the envelopes the change took money from in the
    current period. Goals that follow the balance are decided from it; plans, and saving
    goals with a date not yet reached, need the period's figures: the only read, and only
    for those."""
    cadence = account.cadence()
    period = cadence.period_of(today)
    changes = _period_changes(entries, period)
    currency = account.currency
    found: list[tuple[EventKind, EnvelopeRecord, Data]] = []
    candidates = []
    for envelope in account.live_envelopes(include_archived=True):
        change = changes.get(envelope.id)
        if envelope.builtin or change is None or change.spent + max(0, -change.funded) <= 0:
            continue  # only a change that took money out can raise these
        plan = plan_for(envelope.plan_history(), period)
        wants_plan = plan is not None and share is not None and EventKind.PLAN_EXCEEDED in kinds
        goal = envelope.goal.goal() if envelope.goal is not None else None
        if goal is None or EventKind.GOAL_BEHIND not in kinds or goal.kind is GoalKind.PER_PERIOD:
            goal = None
        elif _by_balance(goal):
            if went_below(balances_before.get(envelope.id, 0), envelope.balance, goal.target):
                found.append((EventKind.GOAL_BEHIND, envelope, _goal_data(
                    envelope, goal, period, goal.target - envelope.balance, currency)))  # fmt: skip
            goal = None
        elif envelope.balance >= goal.target:
            goal = None  # reached
        if wants_plan or goal is not None:
            candidates.append((envelope, change, goal))
    if not candidates:
        return found
    ids = [envelope.id for envelope, _, _ in candidates]
    after = await BudgetFigures(session).after(account.id, ids, [period.start, period.end])
    for envelope, change, goal in candidates:
        now = period_figures(envelope, after[period.start], after[period.end])
        then = figures_before(now, change)
        plan = plan_for(envelope.plan_history(), period)
        if plan is not None and share is not None and EventKind.PLAN_EXCEEDED in kinds:
            planned = plan.planned(period)
            if may_exceed(then.spent, now.spent, planned, share):
                data = {
                    **_envelope_data(envelope),
                    **_period_data(period),
                    "spent": money(now.spent, currency),
                    "previousSpent": money(then.spent, currency),
                    "planned": money(planned, currency),
                }
                found.append((EventKind.PLAN_EXCEEDED, envelope, data))
        if goal is not None:
            left = periods_left(cadence, period, goal.target_date)
            before = goal_progress(goal, then, period, left, None)
            progress = goal_progress(goal, now, period, left, None)
            if fell_behind(before.status, progress.status):
                data = _goal_data(envelope, goal, period, progress.still_needed, currency)
                found.append((EventKind.GOAL_BEHIND, envelope, data))
    return found


def _goal_data(
    envelope: EnvelopeRecord, goal: Goal, period: Period, still: int, currency: str
) -> Data:
    return {
        **_envelope_data(envelope),
        **_period_data(period),
        "stillNeeded": money(still, currency),
        "target": money(goal.target, currency),
    }


def _period_changes(
    entries: Sequence[TransactionRecord], period: Period
) -> Mapping[object, PeriodChange]:
    changes: dict[object, PeriodChange] = {}
    for entry in entries:
        day = entry.booking_date.date()
        if day >= period.end:
            continue
        for line in entry.lines:
            found = changes.get(line.envelope_id, PeriodChange())
            changes[line.envelope_id] = found.plus(line.amount, entry.flow, day < period.start)
    return changes


def _envelope_data(envelope: EnvelopeRecord) -> Data:
    return {"envelopeId": str(envelope.id), "envelopeName": envelope.name}


def _period_data(period: Period) -> Data:
    return {"periodStart": period.start.isoformat(), "periodEnd": period.last.isoformat()}


def _entry_data(entry: TransactionRecord) -> Data:
    return {
        "entryId": str(entry.id),
        "entryKind": entry.kind.value,
        "amount": money(entry.amount, entry.currency),
        "bookingDate": entry.booking_date.date().isoformat(),
        "payee": entry.payee,
    }
