"""The stored account: its settings, its envelopes and its members in one document.

An account embeds its envelopes and members (a household reads them together, and every money
movement changes the account document in the same transaction as it inserts its entries).
The mapping between this stored shape and the pure rules of `app.domain` lives here:
`ledger()` gives the envelope rules their state, `keep()` takes it back, `role_of()` reads a
member's role.
"""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from bson import ObjectId
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from app.domain.accounts import AccountType
from app.domain.budgets import Goal, GoalKind, Plan, PlanVersion, Rollover
from app.domain.cadences import MONTHLY, Cadence, CadenceKind
from app.domain.envelopes import Envelope, EnvelopeId, Ledger
from app.domain.members import Role
from app.persistence.documents.alerts import AlertWatchRecord
from app.persistence.documents.base import Stored, StoredId, stored_day


class CadenceRecord(BaseModel):
    kind: CadenceKind
    anchor: datetime
    days: list[int] = []

    @classmethod
    def of(cls, cadence: Cadence) -> CadenceRecord:
        return cls(kind=cadence.kind, anchor=stored_day(cadence.anchor), days=list(cadence.days))

    def cadence(self) -> Cadence:
        return Cadence(self.kind, self.anchor.date(), tuple(self.days))


class PlanRecord(BaseModel):
    """One version of an envelope's plan, in effect from `since` (an account period's
    start) until the next version; `amount` None: no plan from then on."""

    since: datetime
    amount: int | None = None
    cadence: CadenceRecord | None = None
    rollover: Rollover = Rollover.KEEP

    @classmethod
    def of(cls, version: PlanVersion) -> PlanRecord:
        plan = version.plan
        if plan is None:
            return cls(since=stored_day(version.since))
        return cls(
            since=stored_day(version.since),
            amount=plan.amount,
            cadence=CadenceRecord.of(plan.cadence),
            rollover=plan.rollover,
        )

    def version(self) -> PlanVersion:
        plan = None
        if self.amount is not None and self.cadence is not None:
            plan = Plan(self.amount, self.cadence.cadence(), self.rollover)
        return PlanVersion(self.since.date(), plan)


class GoalRecord(BaseModel):
    kind: GoalKind
    target: int
    target_date: datetime | None = None
    priority: int
    set_at: datetime

    @classmethod
    def of(cls, goal: Goal, at: datetime) -> GoalRecord:
        target_date = None if goal.target_date is None else stored_day(goal.target_date)
        return cls(
            kind=goal.kind,
            target=goal.target,
            target_date=target_date,
            priority=goal.priority,
            set_at=at,
        )

    def goal(self) -> Goal:
        day = None if self.target_date is None else self.target_date.date()
        return Goal(self.kind, self.target, day, self.priority)


class EnvelopeRecord(BaseModel):
    id: StoredId
    name: str
    balance: int = 0
    archived: bool = False
    builtin: bool = False
    deleted: bool = False
    # Budgeting: the plan's versions, oldest first (see `app.domain.budgets`), and the goal.
    plans: list[PlanRecord] = []
    goal: GoalRecord | None = None
    # Delta sync: the account's `version` when the envelope last changed (stamped by
    # `LockedAccount.settle`); a deleted envelope's is when it was deleted.
    rev: int = 0

    def plan_history(self) -> list[PlanVersion]:
        return [record.version() for record in self.plans]

    def to_stored(self) -> dict[str, object]:
        """As stored: flat fields from the attributes, the budgeting ones dumped."""
        row: dict[str, object] = dict(self.__dict__)
        row["plans"] = [plan.model_dump() for plan in self.plans]
        row["goal"] = None if self.goal is None else self.goal.model_dump()
        return row


class MemberRecord(BaseModel):
    user_id: StoredId
    role: Role
    added_at: datetime


class AccountRecord(Stored):
    """An account as stored.

    Invariant: `balance` = Σ balances of the live envelopes = Σ `amount` of the entries;
    `seq` is the sequence number of the latest entry (entries are numbered 1, 2, 3… gapless).
    `member_ids` mirrors `members` for an indexed "accounts I may see" lookup. Every change
    bumps `version` first, which makes concurrent changes of one account conflict (and retry)
    at their first write instead of after their work."""

    name: str
    type: AccountType
    institution: str | None = None
    currency: str
    on_budget: bool = True
    allow_overdraft: bool = False
    closed_at: datetime | None = None
    owner_id: StoredId
    members: list[MemberRecord]
    member_ids: list[StoredId]
    envelopes: list[EnvelopeRecord]
    balance: int
    seq: int
    version: int = 0
    # The account's identity in the hashed import ids of its bank rows (see
    # app/services/imports/formats/import_ids.py): its first id. A restore gives the account
    # a new id but keeps this, so a statement imported before the backup is still known.
    import_key: str | None = None

    @property
    def import_identity(self) -> str:
        return self.import_key or str(self.id)

    # True once `month_totals` holds every entry of the account (new accounts start so;
    # older ones are filled in by `MonthTotals.backfill` at start-up).
    month_totals: bool = False
    # Budgeting: the cadence of the account's budget periods (None: monthly from the 1st),
    # and the next sweep of *sweep* envelopes: the period [sweep_from, next_sweep), due on
    # `next_sweep` (None: no envelope sweeps).
    budget_cadence: CadenceRecord | None = None
    next_sweep: datetime | None = None
    sweep_from: datetime | None = None  # the first day of the period `next_sweep` ends
    # Reconciliation (app/services/ledger/reconciliation.py). `cleared_balance` = Σ amount of
    # the cleared and reconciled entries; `reconciled_balance` = the latest standing
    # statement's balance, through `reconciled_through` (its date), made by the
    # reconciliation `reconciliation_id` (None: never reconciled, or every one reopened).
    cleared_balance: int = 0
    reconciled_balance: int = 0
    reconciled_through: datetime | None = None
    reconciliation_id: StoredId | None = None
    # Alerts and webhooks (app/services/alerts): what the members' alert settings ask of a
    # change (None: every member has the defaults; kept by the alerts' settings and by
    # changes of the members), and the event kinds some webhook of the account wants (kept
    # by webhooks). A change reads these to tell whether it has anything to report.
    alert_watch: AlertWatchRecord | None = None
    webhook_kinds: list[str] = []
    created_at: datetime
    updated_at: datetime

    def ledger(self) -> Ledger:
        """The envelope rules' view of this account (a copy: `keep` writes it back)."""
        return Ledger(
            currency=self.currency,
            envelopes=[
                Envelope(e.id, e.name, e.balance, e.archived, e.builtin, e.deleted)
                for e in self.envelopes
            ],
            allow_overdraft=self.allow_overdraft,
            closed=self.closed_at is not None,
        )

    def keep(self, ledger: Ledger) -> None:
        """Take back the envelopes of `ledger`, checking the central invariant."""
        if ledger.balance != self.balance:
            raise AssertionError("envelope sum and ledger balance disagree")  # a bug, masked
        records: dict[object, EnvelopeRecord] = {record.id: record for record in self.envelopes}
        self.envelopes = [_record_of(e, records.get(e.id)) for e in ledger.envelopes]

    def cadence(self) -> Cadence:
        """The cadence of the account's budget periods."""
        return MONTHLY if self.budget_cadence is None else self.budget_cadence.cadence()

    def member(self, user_id: object) -> MemberRecord | None:
        return next((m for m in self.members if m.user_id == user_id), None)

    def role_of(self, user_id: object) -> Role:
        """The role of a member (the account was read for one of its members)."""
        member = self.member(user_id)
        if member is None:
            raise LookupError("not a member")
        return member.role

    def envelope(self, envelope_id: object) -> EnvelopeRecord | None:
        """Any envelope of the account, deleted ones too (old entries name them)."""
        return next((e for e in self.envelopes if e.id == envelope_id), None)

    def live_envelopes(self, include_archived: bool = False) -> list[EnvelopeRecord]:
        return [e for e in self.envelopes if not e.deleted and (include_archived or not e.archived)]

    def available(self) -> EnvelopeRecord:
        return next(e for e in self.envelopes if e.builtin)


class AccountDocument(AccountRecord, Document):
    """The `accounts` collection of `AccountRecord`s."""

    class Settings:
        name = "accounts"
        indexes = [
            IndexModel([("member_ids", ASCENDING), ("created_at", ASCENDING)]),
            IndexModel([("envelopes.id", ASCENDING)], name="envelope_id"),
            IndexModel(
                [("next_sweep", ASCENDING)],
                name="next_sweep",
                partialFilterExpression={"next_sweep": {"$type": "date"}},
            ),
        ]


def _record_of(envelope: Envelope, record: EnvelopeRecord | None) -> EnvelopeRecord:
    """The record of an envelope as the rules left it (the old one when nothing changed)."""
    e = envelope
    if record is not None and (
        (record.name, record.balance, record.archived, record.builtin, record.deleted)
        == (e.name, e.balance, e.archived, e.builtin, e.deleted)
    ):
        return record
    return EnvelopeRecord(
        id=stored_id(e.id),
        name=e.name,
        balance=e.balance,
        archived=e.archived,
        builtin=e.builtin,
        deleted=e.deleted,
        plans=[] if record is None else record.plans,
        goal=None if record is None else record.goal,
        rev=0 if record is None else record.rev,
    )


def stored_id(envelope_id: EnvelopeId) -> ObjectId:
    """The rules take any hashable id; a stored account's envelopes have ObjectIds."""
    if not isinstance(envelope_id, ObjectId):
        raise TypeError(f"envelope id {envelope_id!r} is not an ObjectId")
    return envelope_id
