"""Scheduled transactions: income (also a payday from a payment source), expenses (with
splits), moves and transfers that recur (`app.domain.recurrence`), posted by the scheduler
on their due dates or, in remind mode, only listed until a member posts or skips them.

Members read an account's schedules; editors and above create and change them (viewers:
FORBIDDEN), on open accounts and usable envelopes only. A schedule posts as the member who
created it, through `MovementService`, with the idempotency key
`schedule:<schedule id>:<scheduled date>`: the key is stored in the posting's own
transaction, so an occurrence posted twice (two processes racing, a process dying between
the posting and the schedule's bookkeeping, a member's "post now" meeting the scheduler)
replays the first posting instead of moving money again. The bookkeeping that follows moves
the schedule's pending occurrence on only if it still names that occurrence.

A posting refused by a rule of the ledger (INSUFFICIENT_FUNDS, an archived envelope, a closed
account, the creator no longer a member…) is kept on the schedule as a failed occurrence with
its code and reason, and the schedule moves on: it is not tried again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from app.core import clock
from app.core.errors import (
    AppError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RequestTimeoutError,
    UnavailableError,
    ValidationError,
)
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.entries import (
    MAX_MEMO_LENGTH,
    MAX_PAYEE_LENGTH,
    EntryDetails,
    clean_tags,
    clean_text,
)
from app.domain.envelopes import clean_name
from app.domain.members import Permission, allows
from app.domain.money import format_amount, parse_amount
from app.domain.recurrence import Occurrence, Recurrence
from app.domain.schedules import OccurrenceStatus, ScheduleKind
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.base import stored_day
from app.persistence.documents.payment_sources import AllocationRecord
from app.persistence.documents.schedules import (
    MAX_SKIPPED,
    OccurrenceRecord,
    RecurrenceRecord,
    ScheduleRecord,
    day_of,
)
from app.persistence.locked_account import LockedAccount
from app.persistence.outcome import Outcome
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.entries import EntryRepository
from app.persistence.repositories.idempotency import IdempotencyRepository
from app.persistence.repositories.schedules import ScheduleRepository
from app.persistence.transactions import Session, transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
from app.services.alerts.events import AccountEvent, EventHub, EventKind, money
from app.services.ledger import commands as ledger
from app.services.ledger.movements import MovementService
from app.services.scheduling.commands import (
    CreateSchedule,
    RecurrenceSpec,
    ScheduleRef,
    ScheduleSpec,
    SkipOccurrence,
    UpdateSchedule,
)

T = TypeVar("T")
NO_SCHEDULE = "No such schedule."
NO_SOURCE = "No such payment source."
MAX_SCHEDULES = 200  # per account
MAX_UPCOMING = 100
# The login the scheduler's postings are recorded under (no person signed in).
SCHEDULER_LOGIN = ObjectId("5ce0d01e5ce0d01e5ce0d01e")

Saved = tuple[ScheduleRecord, AccountRecord]  # a schedule, and its account

# The movement fields each kind takes (input names, for the refusals).
_FIELDS = {
    "amount": "amount",
    "allocations": "allocations",
    "envelope_id": "envelopeId",
    "splits": "splits",
    "from_envelope_id": "fromEnvelopeId",
    "to_envelope_id": "toEnvelopeId",
    "to_account_id": "toAccountId",
    "received_amount": "receivedAmount",
    "payment_source_id": "paymentSourceId",
}
_TAKES = {
    ScheduleKind.INCOME: {"amount", "allocations"},
    ScheduleKind.PAYDAY: {"amount", "payment_source_id"},
    ScheduleKind.EXPENSE: {"amount", "envelope_id", "splits"},
    ScheduleKind.MOVE: {"amount", "from_envelope_id", "to_envelope_id"},
    ScheduleKind.TRANSFER: {
        "amount", "to_account_id", "received_amount", "from_envelope_id", "to_envelope_id",
    },
}  # fmt: skip


@dataclass(frozen=True)
class Posted:
    """An occurrence posted now: the schedule after, its account, and the posting."""

    schedule: ScheduleRecord
    account: AccountRecord
    outcome: Outcome


@dataclass(frozen=True)
class Upcoming:
    occurrence: Occurrence
    skipped: bool  # skipped ahead of time: it will not be posted


def _failed(
    schedule: ScheduleRecord, occurrence: Occurrence, result: OccurrenceRecord
) -> AccountEvent:
    """The event of an occurrence the scheduler could not post."""
    amount = None if schedule.amount is None else money(schedule.amount, schedule.currency)
    data = {
        "scheduleId": str(schedule.id),
        "scheduleKind": schedule.kind.value,
        "scheduled": occurrence.scheduled.isoformat(),
        "amount": amount,
        "payee": schedule.payee,
        "code": result.code,
        "reason": result.reason,
    }
    subject = f"{schedule.id}:{occurrence.scheduled.isoformat()}"
    return AccountEvent(
        schedule.account_id, EventKind.SCHEDULE_FAILED, data, (), result.at, subject
    )


def occurrence_key(schedule_id: ObjectId, scheduled: date) -> str:
    """The idempotency key of one occurrence's posting."""
    return f"schedule:{schedule_id}:{scheduled.isoformat()}"


def recurrence(spec: RecurrenceSpec) -> Recurrence:
    return Recurrence(
        frequency=spec.frequency,
        start=spec.start_date,
        interval=spec.interval,
        day_of_month=spec.day_of_month,
        days_of_month=spec.days_of_month,
        count=spec.end_after,
        until=spec.end_date,
        weekend=spec.weekend,
    )


class ScheduleService:
    def __init__(
        self,
        uow: UnitOfWork,
        accounts: AccountRepository,
        schedules: ScheduleRepository,
        movements: MovementService,
        today: Callable[[], date] = clock.today,
        hub: EventHub | None = None,
    ) -> None:
        self.uow = uow
        self.hub = hub  # schedule.failed, in the transaction that keeps the failure
        self.accounts = accounts
        self.schedules = schedules
        self.movements = movements
        self.today = today

    # --- reads -----------------------------------------------------------------------------

    async def of_account(self, account: AccountRecord) -> list[ScheduleRecord]:
        """`account` was read for the caller already (the GraphQL parent object)."""
        return await self.schedules.of_account(account.id)

    async def get(self, viewer: Viewer, schedule_id: ObjectId) -> Saved:
        schedule = await self.schedules.get(schedule_id)
        account = (
            await self.accounts.for_member(schedule.account_id, viewer.user_id)
            if schedule
            else None
        )
        if schedule is None or account is None:
            raise NotFoundError(NO_SCHEDULE, field=["id"])
        return schedule, account

    def upcoming(self, schedule: ScheduleRecord, until: date, limit: int) -> list[Upcoming]:
        """The pending occurrences due by `until` (overdue ones of a reminder included),
        at most `limit`; those skipped ahead of time are listed as such."""
        pending = schedule.pending()
        if pending is None:
            return []
        skipped, rule = schedule.skipped_days(), schedule.rule()
        found = [] if pending.due > until else [pending]
        found += rule.upcoming(pending.scheduled, until, max(limit - len(found), 0))
        return [Upcoming(o, o.scheduled in skipped) for o in found[:limit]]

    # --- changes ---------------------------------------------------------------------------

    @transactional
    async def create(self, viewer: Viewer, command: CreateSchedule) -> Saved:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.RECORD)
            schedules = ScheduleRepository(tx.session)
            if await schedules.count(account.id) >= MAX_SCHEDULES:
                raise ValidationError(
                    f"An account has at most {MAX_SCHEDULES} schedules.", field=["accountId"]
                )
            schedule = await self._schedule(tx, account, command.spec, viewer.user_id)
            first = schedule.rule().after(None)
            _point_at(schedule, first)
            await schedules.insert(schedule, rev=account.rev)
            await tx.commit()
            return schedule, account.document

    @transactional
    async def update(self, viewer: Viewer, command: UpdateSchedule) -> Saved:
        """Replace what the schedule posts and when, from now on: occurrences already
        posted, skipped or failed stay as they were. With a new recurrence, the next
        occurrence is the first due today or later (skips ahead of time are dropped)."""
        async with self.uow.begin(viewer) as tx:
            stored, account = await self._locked(tx, command.schedule_id)
            schedule = await self._schedule(tx, account, command.spec, stored.created_by)
            schedule.id, schedule.created_at = stored.id, stored.created_at
            schedule.paused = stored.paused
            schedule.posted_count, schedule.failed_count = stored.posted_count, stored.failed_count
            schedule.results = stored.results
            if schedule.recurrence == stored.recurrence:
                schedule.next_on, schedule.next_due = stored.next_on, stored.next_due
                schedule.skipped = stored.skipped
            else:
                _point_at(schedule, self._first_from_today(schedule))
            await ScheduleRepository(tx.session).replace(schedule, rev=account.rev)
            await tx.commit()
            return schedule, account.document

    @transactional
    async def delete(self, viewer: Viewer, command: ScheduleRef) -> Saved:
        """Returns the schedule as it was; what it posted stays in the ledger."""
        async with self.uow.begin(viewer) as tx:
            schedule, account = await self._locked(tx, command.schedule_id)
            await ScheduleRepository(tx.session).delete(schedule, rev=account.rev)
            await tx.commit()
            return schedule, account.document

    @transactional
    async def pause(self, viewer: Viewer, command: ScheduleRef) -> Saved:
        async with self.uow.begin(viewer) as tx:
            schedule, account = await self._locked(tx, command.schedule_id)
            schedule.paused = True
            await self._save_state(tx, account, schedule)
            await tx.commit()
            return schedule, account.document

    @transactional
    async def resume(self, viewer: Viewer, command: ScheduleRef) -> Saved:
        """Occurrences that fell due while the schedule was paused are not posted: it goes
        on with the first one due today or later."""
        async with self.uow.begin(viewer) as tx:
            schedule, account = await self._locked(tx, command.schedule_id)
            pending = schedule.pending()
            if schedule.paused and pending is not None and pending.due < self.today():
                _point_at(schedule, self._first_from_today(schedule))
            schedule.paused = False
            await self._save_state(tx, account, schedule)
            await tx.commit()
            return schedule, account.document

    @transactional
    async def skip(self, viewer: Viewer, command: SkipOccurrence) -> Saved:
        """Skip the pending occurrence (by default) or a later one, by its scheduled date."""
        async with self.uow.begin(viewer) as tx:
            schedule, account = await self._locked(tx, command.schedule_id)
            pending = schedule.pending()
            if pending is None:
                raise ValidationError("The schedule has ended.", field=["id"])
            day = command.scheduled_date or pending.scheduled
            rule = schedule.rule()
            if day < pending.scheduled or not rule.is_scheduled(day):
                raise ValidationError(
                    "No pending occurrence of this schedule is on that date.", field=["date"]
                )
            if day in schedule.skipped_days():
                raise ConflictError("That occurrence is skipped already.", field=["date"])
            if day == pending.scheduled:
                skipped = _result(pending, OccurrenceStatus.SKIPPED, tx.recorded_at)
                after = await self._advance_in(tx.session, account.rev, schedule, pending, skipped)
                if after is None:  # the pending occurrence was dealt with meanwhile
                    raise ConflictError("The schedule changed meanwhile; retry.", field=["id"])
                schedule = after
            else:
                if len(schedule.skipped) >= MAX_SKIPPED:
                    raise ValidationError(
                        f"At most {MAX_SKIPPED} occurrences are skipped ahead of time.",
                        field=["date"],
                    )
                schedule.skipped = sorted([*schedule.skipped, stored_day(day)])
                await self._save_state(tx, account, schedule)
            await tx.commit()
            return schedule, account.document

    async def post_now(self, viewer: Viewer, command: ScheduleRef) -> Posted:
        """Post the pending occurrence now (a reminder's, or one before its date), booked on
        its due date or today, whichever is earlier. Refused like the movement itself would
        be, and then nothing changes."""
        schedule, account = await self.get(viewer, command.schedule_id)
        if not allows(account.role_of(viewer.user_id), Permission.RECORD):
            raise ForbiddenError("Your role on this account may not record money movements.")
        pending = schedule.pending()
        if pending is None:
            raise ValidationError("The schedule has ended.", field=["id"])
        outcome = await self._post(schedule, pending, min(pending.due, self.today()))
        result = _result(
            pending, OccurrenceStatus.POSTED, clock.utcnow(), [e.id for e in outcome.entries]
        )
        after = await self._advance(schedule, pending, result)
        schedule, account = await self.get(viewer, command.schedule_id)
        return Posted(after or schedule, account, outcome)

    # --- the scheduler's side ----------------------------------------------------------------

    async def run_occurrence(
        self, schedule: ScheduleRecord, occurrence: Occurrence
    ) -> ScheduleRecord | None:
        """Post one due occurrence as the schedule's creator, or keep why it was refused;
        then move the schedule on. The schedule after, or None if it changed meanwhile.
        An outage is raised as it is: nothing is recorded, the next run tries again."""
        try:
            outcome = await self._post(schedule, occurrence, occurrence.due)
        except (UnavailableError, RequestTimeoutError):
            raise
        except AppError as error:
            result = _result(occurrence, OccurrenceStatus.FAILED, clock.utcnow())
            result.code, result.reason = error.code, error.message
        else:
            entries = [e.id for e in outcome.entries]
            result = _result(occurrence, OccurrenceStatus.POSTED, clock.utcnow(), entries)
        return await self._advance(schedule, occurrence, result)

    async def _post(self, schedule: ScheduleRecord, occurrence: Occurrence, on: date) -> Outcome:
        viewer = Viewer(user_id=schedule.created_by, login_id=SCHEDULER_LOGIN)
        key = occurrence_key(schedule.id, occurrence.scheduled)
        try:
            return await self._movement(schedule, viewer, key, on)
        except ConflictError as conflict:
            # Posted before with other details (the schedule was edited, or "post now"
            # booked it on another day): it is posted; answer with that posting.
            if conflict.field != ["idempotencyKey"]:
                raise
            found = await IdempotencyRepository().find(schedule.created_by, key)
            if found is None:
                raise
            return await self._posted_before(viewer, found.result.accounts, found.result.entries)

    async def _posted_before(
        self, viewer: Viewer, account_ids: list[ObjectId], entry_ids: list[ObjectId]
    ) -> Outcome:
        found = [await self.accounts.for_member(i, viewer.user_id) for i in account_ids]
        by_id = await EntryRepository().by_ids(entry_ids)
        return Outcome(
            accounts=[a for a in found if a is not None], entries=[by_id[i] for i in entry_ids]
        )

    async def _movement(
        self, schedule: ScheduleRecord, viewer: Viewer, key: str, on: date
    ) -> Outcome:
        currency = schedule.currency

        def amount(minor: int | None) -> str:
            return format_amount(minor or 0, currency)

        def parts(records: list[AllocationRecord]) -> tuple[ledger.AmountFor, ...]:
            return tuple(ledger.AmountFor(r.envelope_id, amount(r.amount)) for r in records)

        details = EntryDetails(
            payee=schedule.payee, memo=schedule.memo, tags=tuple(schedule.tags), booking_date=on
        )
        movements = self.movements
        match schedule.kind:
            case ScheduleKind.INCOME:
                income = ledger.Income(
                    schedule.account_id, amount(schedule.amount), parts(schedule.allocations),
                    details,
                )  # fmt: skip
                return await movements.income(viewer, income, key)
            case ScheduleKind.PAYDAY:
                assert schedule.payment_source_id is not None  # noqa: S101 (a payday's)
                given = None if schedule.amount is None else amount(schedule.amount)
                payday = ledger.Payday(schedule.payment_source_id, given, details)
                return await movements.payday(viewer, payday, key)
            case ScheduleKind.EXPENSE:
                splits = parts(schedule.splits) if schedule.splits is not None else None
                expense = ledger.Expense(
                    schedule.account_id, amount(schedule.amount), schedule.envelope_id, splits,
                    details,
                )  # fmt: skip
                return await movements.expense(viewer, expense, key)
            case ScheduleKind.MOVE:
                assert schedule.from_envelope_id is not None  # noqa: S101 (a move's)
                assert schedule.to_envelope_id is not None  # noqa: S101 (a move's)
                move = ledger.Move(
                    schedule.account_id, schedule.from_envelope_id, schedule.to_envelope_id,
                    amount(schedule.amount), details,
                )  # fmt: skip
                return await movements.move(viewer, move, key)
            case _:
                assert schedule.counterpart_account_id is not None  # noqa: S101 (a transfer's)
                received = None
                if schedule.received_amount is not None and schedule.received_currency:
                    received = format_amount(schedule.received_amount, schedule.received_currency)
                transfer = ledger.Transfer(
                    schedule.account_id, schedule.counterpart_account_id, amount(schedule.amount),
                    received, schedule.from_envelope_id, schedule.to_envelope_id, details,
                )  # fmt: skip
                return await movements.transfer(viewer, transfer, key)

    @transactional
    async def _advance(
        self, schedule: ScheduleRecord, occurrence: Occurrence, result: OccurrenceRecord
    ) -> ScheduleRecord | None:
        """`_advance_in` a transaction of its own, which bumps the schedule's account (the
        bookkeeping of a posting is a change of the account, for delta sync)."""
        async with self.uow.db.transaction() as tx:
            rev = await AccountRepository(tx.session).bump(schedule.account_id)
            after = await self._advance_in(tx.session, rev or 0, schedule, occurrence, result)
            if after is not None and self.hub and result.status is OccurrenceStatus.FAILED:
                await self.hub.publish(tx.session, [_failed(schedule, occurrence, result)])
            await tx.commit()
            return after

    async def _advance_in(
        self,
        session: Session,
        rev: int,
        schedule: ScheduleRecord,
        occurrence: Occurrence,
        result: OccurrenceRecord,
    ) -> ScheduleRecord | None:
        """Move the schedule past `occurrence` (and past later ones skipped ahead of time),
        in `session`, stamped `rev`."""
        skipped, rule = schedule.skipped_days(), schedule.rule()
        results, passed = [result], []
        following = rule.after(occurrence.scheduled)
        while following is not None and following.scheduled in skipped:
            passed.append(following.scheduled)
            results.append(_result(following, OccurrenceStatus.SKIPPED, result.at))
            following = rule.after(following.scheduled)
        return await ScheduleRepository(session).advance(
            schedule.id,
            occurrence.scheduled,
            following.scheduled if following else None,
            following.due if following else None,
            results,
            result.at,
            passed,
            rev=rev,
        )

    # --- helpers -----------------------------------------------------------------------------

    def _first_from_today(self, schedule: ScheduleRecord) -> Occurrence | None:
        """The first occurrence due today or later, after every occurrence dealt with."""
        rule = schedule.rule()
        last = max((day_of(r.scheduled) for r in schedule.results), default=None)
        found = rule.first_due_from(self.today())
        while found is not None and last is not None and found.scheduled <= last:
            found = rule.after(found.scheduled)
        return found

    async def _locked(
        self, tx: LedgerTransaction, schedule_id: ObjectId
    ) -> tuple[ScheduleRecord, LockedAccount]:
        schedule = await ScheduleRepository(tx.session).get(schedule_id)
        if schedule is None:
            raise NotFoundError(NO_SCHEDULE, field=["id"])
        account = await tx.lock(schedule.account_id, Permission.RECORD, "id", NO_SCHEDULE)
        return schedule, account

    async def _save_state(
        self, tx: LedgerTransaction, account: LockedAccount, schedule: ScheduleRecord
    ) -> None:
        schedule.updated_at, schedule.rev = tx.recorded_at, account.rev
        await ScheduleRepository(tx.session).set_fields(
            schedule.id,
            {
                "paused": schedule.paused,
                "next_on": schedule.next_on,
                "next_due": schedule.next_due,
                "skipped": schedule.skipped,
                "updated_at": schedule.updated_at,
            },
            rev=account.rev,
        )

    async def _schedule(
        self, tx: LedgerTransaction, account: LockedAccount, spec: ScheduleSpec, creator: ObjectId
    ) -> ScheduleRecord:
        """A schedule of `account` as `spec` says, checked against the account (and the
        receiving account of a transfer, locked for the caller too)."""
        account.ledger.check_open()
        for name, field in _FIELDS.items():
            if getattr(spec, name) is not None and name not in _TAKES[spec.kind]:
                raise ValidationError(
                    f"{field} is not used by a {spec.kind} schedule.", field=[field]
                )
        rule = recurrence(spec.recurrence)
        details = spec.details
        schedule = ScheduleRecord(
            account_id=account.id,
            created_by=creator,
            name=clean_name(spec.name),
            kind=spec.kind,
            currency=account.currency,
            payee=clean_text(details.payee, MAX_PAYEE_LENGTH, "payee"),
            memo=clean_text(details.memo, MAX_MEMO_LENGTH, "memo"),
            tags=clean_tags(details.tags),
            recurrence=RecurrenceRecord.of(rule),
            mode=spec.mode,
            created_at=tx.recorded_at,
            updated_at=tx.recorded_at,
        )
        currency = account.currency
        if spec.kind is not ScheduleKind.PAYDAY:
            given = _required(spec.amount, "amount", spec.kind)
            schedule.amount = parse_amount(given, currency)
        elif spec.amount is not None:
            schedule.amount = parse_amount(spec.amount, currency)
        match spec.kind:
            case ScheduleKind.INCOME:
                schedule.allocations = _parts(account, spec.allocations or (), "allocations")
                if sum(a.amount for a in schedule.allocations) > (schedule.amount or 0):
                    raise ValidationError(
                        "The allocations add up to more than the amount.", field=["allocations"]
                    )
            case ScheduleKind.PAYDAY:
                source_id = _required(spec.payment_source_id, "paymentSourceId", spec.kind)
                source = await tx.sources.get(source_id)
                if source is None or source.account_id != account.id:
                    raise NotFoundError(NO_SOURCE, field=["paymentSourceId"])
                schedule.payment_source_id = source.id
            case ScheduleKind.EXPENSE:
                if (spec.envelope_id is None) == (spec.splits is None):
                    raise ValidationError("Give either envelopeId or splits.", field=["envelopeId"])
                if spec.envelope_id is not None:
                    account.ledger.usable(spec.envelope_id)
                    schedule.envelope_id = spec.envelope_id
                else:
                    schedule.splits = _parts(account, spec.splits or (), "splits")
                    if sum(s.amount for s in schedule.splits) != schedule.amount:
                        raise ValidationError(
                            "The splits must add up to the amount.", field=["splits"]
                        )
            case ScheduleKind.MOVE:
                giving = _required(spec.from_envelope_id, "fromEnvelopeId", spec.kind)
                taking = _required(spec.to_envelope_id, "toEnvelopeId", spec.kind)
                account.ledger.usable(giving, ["fromEnvelopeId"])
                account.ledger.usable(taking, ["toEnvelopeId"])
                if giving == taking:
                    raise ValidationError(
                        "Money moves between two different envelopes.", field=["toEnvelopeId"]
                    )
                schedule.from_envelope_id, schedule.to_envelope_id = giving, taking
            case ScheduleKind.TRANSFER:
                await self._transfer(tx, account, spec, schedule)
        return schedule

    async def _transfer(
        self,
        tx: LedgerTransaction,
        account: LockedAccount,
        spec: ScheduleSpec,
        schedule: ScheduleRecord,
    ) -> None:
        target_id = _required(spec.to_account_id, "toAccountId", spec.kind)
        if target_id == account.id:
            raise ValidationError(
                "Both sides are the same account: schedule a move.", field=["toAccountId"]
            )
        target = await tx.lock(target_id, Permission.RECORD, "toAccountId")
        if target.ledger.closed:
            raise ValidationError(
                "The receiving account is closed: reopen it first.", field=["toAccountId"]
            )
        if spec.from_envelope_id is not None:
            account.ledger.usable(spec.from_envelope_id, ["fromEnvelopeId"])
        if spec.to_envelope_id is not None:
            target.ledger.usable(spec.to_envelope_id, ["toEnvelopeId"])
        schedule.counterpart_account_id = target.id
        schedule.from_envelope_id, schedule.to_envelope_id = (
            spec.from_envelope_id,
            spec.to_envelope_id,
        )
        if spec.received_amount is None:
            if target.currency != account.currency:
                raise ValidationError(
                    f"The accounts hold {account.currency} and {target.currency}: "
                    "give the received amount.",
                    field=["receivedAmount"],
                )
            return
        received = parse_amount(spec.received_amount, target.currency, "receivedAmount")
        if target.currency == account.currency and received != schedule.amount:
            raise ValidationError(
                "Within one currency the received amount is the amount sent.",
                field=["receivedAmount"],
            )
        schedule.received_amount, schedule.received_currency = received, target.currency


def _required(value: T | None, field: str, kind: ScheduleKind) -> T:
    if value is None:
        raise ValidationError(f"A {kind} schedule needs {field}.", field=[field])
    return value


def _parts(
    account: LockedAccount, items: tuple[ledger.AmountFor, ...], name: str
) -> list[AllocationRecord]:
    parts: list[AllocationRecord] = []
    for i, item in enumerate(items):
        field = [name, str(i), "envelopeId"]
        account.ledger.usable(item.envelope_id, field)
        if any(p.envelope_id == item.envelope_id for p in parts):
            raise ValidationError("An envelope is listed twice.", field=field)
        amount = parse_amount(item.amount, account.currency, [name, str(i), "amount"])
        parts.append(AllocationRecord(envelope_id=item.envelope_id, amount=amount))
    return parts


def _point_at(schedule: ScheduleRecord, occurrence: Occurrence | None) -> None:
    schedule.next_on = stored_day(occurrence.scheduled) if occurrence else None
    schedule.next_due = stored_day(occurrence.due) if occurrence else None
    schedule.skipped = []


def _result(
    occurrence: Occurrence,
    status: OccurrenceStatus,
    at: datetime,
    entry_ids: list[ObjectId] | None = None,
) -> OccurrenceRecord:
    return OccurrenceRecord(
        scheduled=stored_day(occurrence.scheduled),
        due=stored_day(occurrence.due),
        status=status,
        entry_ids=entry_ids or [],
        at=at,
    )
