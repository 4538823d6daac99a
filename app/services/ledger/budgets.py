"""Budgeting: the account's budget cadence, plans and goals on envelopes, the budget view of
a period, and filling envelopes from their plans and goals (see `app.domain.budgets`).

Plans, goals and the cadence are managed by admins and the owner; filling envelopes moves
money, so editors may do it. The view is read by every member, in one snapshot of the
account, its per-month figures and the entries at the period's ragged edges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.core import clock
from app.core.errors import UnavailableError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.budgets import (
    DEFAULT_PRIORITY,
    PACE_PERIODS,
    Figures,
    Goal,
    GoalKind,
    GoalProgress,
    Need,
    Plan,
    PlanVersion,
    Rollover,
    Share,
    changed_history,
    goal_progress,
    pace_of,
    periods_to_reach,
    share_out,
    sweeps_in,
    version_for,
)
from app.domain.cadences import Cadence, CadenceKind, Period, check_day
from app.domain.entries import EntryDetails, EntryKind
from app.domain.envelopes import Allocation
from app.domain.members import Permission
from app.domain.money import parse_amount
from app.persistence.documents.accounts import (
    AccountRecord,
    CadenceRecord,
    EnvelopeRecord,
    GoalRecord,
    PlanRecord,
)
from app.persistence.documents.base import stored_day
from app.persistence.locked_account import LockedAccount
from app.persistence.mongo import Database
from app.persistence.outcome import Outcome
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.budget_figures import After, BudgetFigures, Sums
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import UnitOfWork
from app.services.ledger.commands import (
    CadenceSpec,
    EnvelopeRef,
    FundEnvelopes,
    SetBudgetCadence,
    SetGoal,
    SetPlan,
)

FUNDING_MEMO = "Filled from plans and goals"
MAX_GOAL_YEARS = 100
MAX_PROJECTION_PERIODS = 1200


@dataclass(frozen=True)
class EnvelopeBudget:
    envelope: EnvelopeRecord
    version: PlanVersion | None  # the plan's version in effect in the period
    planned: int
    figures: Figures
    needed: int  # what the plan and the goal still need this period
    goal: Goal | None = None
    goal_progress: GoalProgress | None = None

    @property
    def plan(self) -> Plan | None:
        return None if self.version is None else self.version.plan

    @property
    def overspent(self) -> bool:
        return self.figures.end < 0


@dataclass(frozen=True)
class AccountBudget:
    account: AccountRecord
    period: Period
    available: Figures
    envelopes: list[EnvelopeBudget] = field(default_factory=list)

    @property
    def planned(self) -> int:
        return sum(e.planned for e in self.envelopes)

    @property
    def needed(self) -> int:
        return sum(e.needed for e in self.envelopes)

    @property
    def overspent(self) -> list[EnvelopeBudget]:
        return [e for e in self.envelopes if e.overspent]


@dataclass(frozen=True)
class Funding:
    """What `fundEnvelopes` did (or, in a dry run, would do)."""

    outcome: Outcome
    period: Period
    shares: list[Share]
    dry_run: bool

    @property
    def assigned(self) -> int:
        return sum(s.assigned for s in self.shares)


def cadence_of(spec: CadenceSpec, field_name: str = "cadence") -> Cadence:
    try:
        kind = CadenceKind(spec.kind)
    except ValueError:
        raise ValidationError("Unknown cadence.", field=[field_name, "kind"]) from None
    return Cadence.make(kind, spec.anchor, spec.days, field_name)


def period_for(cadence: Cadence, start: date | None, today: date) -> Period:
    """The period starting on `start` (the current one when None); VALIDATION when `start`
    does not start a period of `cadence`."""
    if start is None:
        return cadence.period_of(today)
    check_day(start, ["period"])
    period = cadence.period_of(start)
    if period.start != start:
        raise ValidationError(
            f"{start.isoformat()} does not start a budget period of this account: the period "
            f"holding it starts on {period.start.isoformat()}.",
            field=["period"],
        )
    return period


class BudgetService:
    def __init__(self, db: Database, uow: UnitOfWork) -> None:
        self.db = db
        self.uow = uow

    # --- settings: cadence, plans, goals (admins) ---------------------------------------

    @transactional
    async def set_cadence(self, viewer: Viewer, command: SetBudgetCadence) -> Outcome:
        cadence = cadence_of(command.cadence)
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            account.document.budget_cadence = CadenceRecord.of(cadence)
            _plan_sweeps(account.document, today())
            return await tx.commit()

    async def set_plan(self, viewer: Viewer, command: SetPlan) -> tuple[Outcome, ObjectId]:
        try:
            rollover = Rollover(command.rollover)
        except ValueError:
            raise ValidationError("Unknown rollover.", field=["rollover"]) from None

        def edit(account: AccountRecord, envelope: EnvelopeRecord, _at: datetime) -> None:
            cadence = cadence_of(command.cadence) if command.cadence else account.cadence()
            plan = Plan(parse_amount(command.amount, account.currency), cadence, rollover)
            _change_plan(account, envelope, plan)

        return await self._edit_envelope(viewer, command, edit)

    async def remove_plan(self, viewer: Viewer, command: EnvelopeRef) -> tuple[Outcome, ObjectId]:
        def edit(account: AccountRecord, envelope: EnvelopeRecord, _at: datetime) -> None:
            _change_plan(account, envelope, None)

        return await self._edit_envelope(viewer, command, edit)

    async def set_goal(self, viewer: Viewer, command: SetGoal) -> tuple[Outcome, ObjectId]:
        try:
            kind = GoalKind(command.kind)
        except ValueError:
            raise ValidationError("Unknown goal kind.", field=["kind"]) from None
        day = today()
        if command.target_date and command.target_date.year > day.year + MAX_GOAL_YEARS:
            raise ValidationError(
                f"A target date at most {MAX_GOAL_YEARS} years ahead.", field=["targetDate"]
            )

        def edit(account: AccountRecord, envelope: EnvelopeRecord, at: datetime) -> None:
            target = parse_amount(command.target, account.currency, "target")
            goal = Goal.make(kind, target, command.target_date, command.priority, day)
            _replace(account, envelope, goal=GoalRecord.of(goal, at))

        return await self._edit_envelope(viewer, command, edit)

    async def remove_goal(self, viewer: Viewer, command: EnvelopeRef) -> tuple[Outcome, ObjectId]:
        def edit(account: AccountRecord, envelope: EnvelopeRecord, _at: datetime) -> None:
            _replace(account, envelope, goal=None)

        return await self._edit_envelope(viewer, command, edit)

    @transactional
    async def _edit_envelope(
        self,
        viewer: Viewer,
        command: EnvelopeRef,
        edit: Callable[[AccountRecord, EnvelopeRecord, datetime], None],
    ) -> tuple[Outcome, ObjectId]:
        """One change of an envelope's plan or goal (admins): Available, archived and
        deleted envelopes are refused."""
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            envelope = _plannable(account, command)
            edit(account.document, envelope, tx.recorded_at)
            return await tx.commit(), envelope.id

    # --- the view ---------------------------------------------------------------------

    async def budget(
        self, viewer: Viewer, account: AccountRecord, start: date | None
    ) -> AccountBudget:
        """The budget of `account` (read for `viewer` already) in the period starting on
        `start` (default: the current one), as of one point in time."""
        return await self.budget_of(viewer, account, self.period(account, start))

    def period(self, account: AccountRecord, start: date | None) -> Period:
        """The account's budget period starting on `start` (default: the current one)."""
        return period_for(account.cadence(), start, today())

    async def budget_of(
        self, viewer: Viewer, account: AccountRecord, period: Period
    ) -> AccountBudget:
        async with self.db.snapshot() as session:
            accounts = AccountRepository(session)
            # The account as read for the caller is the snapshot's unless a change came in
            # between (its version moved on): then read it again, in the snapshot.
            if await accounts.version_of(account.id, viewer.user_id) != account.version:
                account = await accounts.for_member(account.id, viewer.user_id) or account
            return await compute_budget(account, period, BudgetFigures(session))

    async def household(self, viewer: Viewer, day: date | None) -> list[AccountBudget]:
        """The budget of every open account the caller may see, each in its period holding
        `day` (default: today)."""
        day = check_day(day, ["date"]) if day else today()
        accounts = await AccountRepository().of_member(viewer.user_id, include_closed=False)
        return [
            await self.budget_of(viewer, account, account.cadence().period_of(day))
            for account in accounts
        ]

    # --- filling envelopes --------------------------------------------------------------

    async def fund(self, viewer: Viewer, command: FundEnvelopes, key: str | None = None) -> Funding:
        dry_run = command.dry_run
        result = await self._fund(viewer, command, None if dry_run else key, dry_run)
        if isinstance(result, Funding):
            return result
        # A repeat of a request already done: answer with what it assigned.
        [account] = result.accounts
        if result.entries:  # the period it was for holds its booking date
            period = account.cadence().period_of(result.entries[0].booking_date.date())
        else:
            period = period_for(account.cadence(), command.period, today())
        available = account.available().id
        shares = [
            Share(line.envelope_id, line.amount, line.amount)
            for entry in result.entries
            for line in entry.lines
            if line.envelope_id != available
        ]
        return Funding(result, period, shares, dry_run=False)

    @transactional
    async def _fund(
        self, viewer: Viewer, command: FundEnvelopes, key: str | None, dry_run: bool
    ) -> Funding | Outcome:
        async with self.uow.begin(viewer, command, key) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            account.ledger.check_open()
            document = account.document
            day = today()
            period = period_for(document.cadence(), command.period, day)
            budget = await compute_budget(document, period, tx.budget)
            order = {e.id: i for i, e in enumerate(document.envelopes)}
            needs = [
                Need(
                    e.envelope.id,
                    e.needed,
                    e.goal.priority if e.goal else DEFAULT_PRIORITY,
                    order[e.envelope.id],
                )
                for e in budget.envelopes
                if e.needed > 0
            ]
            shares = share_out(needs, account.ledger.available.balance)
            # A dry run answers with the account as it is: the would-be balances are the
            # shares, never an account state (a client's cache would take them for real).
            as_read = document.model_copy(deep=True) if dry_run else document
            allocations = [
                Allocation(s.envelope_id, s.assigned, ("envelopes",))
                for s in shares
                if s.assigned > 0
            ]
            if allocations:
                lines = account.ledger.assign(allocations)
                account.record(
                    EntryKind.MOVE,
                    lines,
                    size=sum(a.amount for a in allocations),
                    details=EntryDetails(memo=FUNDING_MEMO),
                    booking_date=stored_day(_funding_day(period, day)),
                )
            if dry_run:
                account.settle()  # the same checks as a real run
                preview = Outcome(accounts=[as_read], entries=list(account.entries))
                return Funding(preview, period, shares, dry_run=True)  # nothing is committed
            return Funding(await tx.commit(), period, shares, dry_run=False)


def today() -> date:
    """The day budget periods are chosen by (a module function, so tests can pin it)."""
    return clock.today()


def _funding_day(period: Period, day: date) -> date:
    """Money for a period is booked in it: today in the current period, its first day in a
    future one, its last day in a past one."""
    if day < period.start:
        return period.start
    if day >= period.end:
        return period.last
    return day


def _plannable(account: LockedAccount, command: EnvelopeRef) -> EnvelopeRecord:
    """The envelope's record, if it may have a plan or goal: live, not archived (the envelope
    rules' own check), and not Available."""
    if account.ledger.usable(command.envelope_id).builtin:
        raise ValidationError(
            "Available holds the money not yet assigned: it has no plan or goal.",
            field=["envelopeId"],
        )
    envelope = account.document.envelope(command.envelope_id)
    assert envelope is not None  # noqa: S101 (the rules found it)
    return envelope


def _replace(account: AccountRecord, envelope: EnvelopeRecord, **changes: object) -> EnvelopeRecord:
    changed = envelope.model_copy(update=changes)
    account.envelopes = [changed if e.id == envelope.id else e for e in account.envelopes]
    return changed


def _change_plan(account: AccountRecord, envelope: EnvelopeRecord, plan: Plan | None) -> None:
    since = account.cadence().period_of(today()).start
    history = changed_history(envelope.plan_history(), since, plan)
    _replace(account, envelope, plans=[PlanRecord.of(v) for v in history])
    _plan_sweeps(account, today())


def _plan_sweeps(account: AccountRecord, day: date) -> None:
    """Keep the next sweep on the current period while a *sweep* plan is in effect in it; a
    sweep already due stays as it is (its period is kept with it: `sweep_from`)."""
    due = account.next_sweep
    if due is not None and due.date() <= day:
        return
    current = account.cadence().period_of(day)
    if sweeps_in(sweep_histories(account), current):
        account.sweep_from, account.next_sweep = stored_day(current.start), stored_day(current.end)
    else:
        account.sweep_from = account.next_sweep = None


def sweep_histories(account: AccountRecord) -> list[list[PlanVersion]]:
    """The plan histories that may sweep: of every envelope not deleted (an archived one
    keeps the account sweeping, so that unarchiving it needs nothing more)."""
    return [e.plan_history() for e in account.live_envelopes(include_archived=True)]


async def compute_budget(
    account: AccountRecord, period: Period, figures: BudgetFigures
) -> AccountBudget:
    """The budget of `account` in `period`, from the figures (read in the same snapshot or
    transaction as `account`)."""
    if not account.month_totals:
        raise UnavailableError("The account's figures are being prepared; try again shortly.")
    cadence = account.cadence()
    envelopes = account.live_envelopes()
    goals = {e.id: e.goal.goal() for e in envelopes if e.goal is not None}
    recent: list[Period] = []
    if any(g.kind is GoalKind.SAVE for g in goals.values()):
        earlier = period
        for _ in range(PACE_PERIODS):
            earlier = cadence.previous(earlier)
            recent.insert(0, earlier)
    days = [p.start for p in recent] + [period.start, period.end]
    after = await figures.after(account.id, [e.id for e in envelopes], days)
    available = account.available()
    result = AccountBudget(
        account, period, period_figures(available, after[period.start], after[period.end])
    )
    for envelope in envelopes:
        if envelope.builtin:
            continue
        found = period_figures(envelope, after[period.start], after[period.end])
        version = version_for(envelope.plan_history(), period)
        plan = version.plan if version else None
        planned = plan.planned(period) if plan else 0
        needed = max(0, planned - found.funded)
        goal = goals.get(envelope.id)
        progress = None
        if goal is not None:
            pace = pace_of([_funded(envelope, after[p.start], after[p.end]) for p in recent])
            progress = goal_progress(
                goal,
                found,
                period,
                periods_left(cadence, period, goal.target_date),
                _projection(cadence, period, goal, found.end, pace),
            )
            needed = max(needed, progress.still_needed)
        result.envelopes.append(
            EnvelopeBudget(envelope, version, planned, found, needed, goal, progress)
        )
    return result


def period_figures(envelope: EnvelopeRecord, at_start: After, at_end: After) -> Figures:
    empty = Sums()
    s, e = at_start.get(envelope.id, empty), at_end.get(envelope.id, empty)
    return Figures(
        start=envelope.balance - s.total,
        funded=s.other - e.other,
        spent=-(s.spent - e.spent),
        swept=-(s.swept - e.swept),
    )


def _funded(envelope: EnvelopeRecord, at_start: After, at_end: After) -> int:
    return period_figures(envelope, at_start, at_end).funded


def periods_left(cadence: Cadence, period: Period, target: date | None) -> int:
    if target is None or target < period.start:
        return 1
    return max(1, cadence.starts_within(Period(period.start, target + timedelta(days=1))))


def _projection(
    cadence: Cadence, period: Period, goal: Goal, balance: int, pace: int
) -> date | None:
    """The last day of the period in which the target is held at the recent pace."""
    count = periods_to_reach(goal, balance, pace)
    if count is None or count > MAX_PROJECTION_PERIODS:
        return None
    return cadence.after(period, count).last
