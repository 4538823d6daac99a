"""Budgeting mutations: the account's cadence, plans and goals (admins), and filling
envelopes from them (editors; idempotency key as for every money mutation)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.domain.budgets import GoalKind, Rollover
from app.graphql.ledger.accounts.mutations import AccountInput, AccountPayload
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.budgets.types import CadenceInput
from app.graphql.ledger.budgets.view import Period
from app.graphql.ledger.envelopes.mutations import EnvelopeInput
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.types import Transaction, transactions_of
from app.graphql.mutations import (
    Caller,
    Payload,
    UserError,
    idempotency_key,
    keyed_mutation_field,
    mutation_field,
)
from app.graphql.scalars import Decimal, Money, money
from app.persistence.outcome import Outcome
from app.services.ledger import commands
from app.services.ledger.budgets import Funding


@strawberry.input
class SetBudgetCadenceInput(AccountInput):
    cadence: CadenceInput

    def to_command(self) -> commands.SetBudgetCadence:
        return commands.SetBudgetCadence(self.account(), self.cadence.to_spec())


@strawberry.input
class SetPlanInput(EnvelopeInput):
    amount: Decimal = strawberry.field(description="Per period of the plan's cadence.")
    cadence: CadenceInput | None = strawberry.field(
        default=None, description="Default: the account's budget cadence."
    )
    rollover: Rollover = Rollover.KEEP

    def to_command(self) -> commands.SetPlan:
        spec = self.cadence.to_spec() if self.cadence else None
        return commands.SetPlan(
            self.account(), self.envelope(), self.amount, spec, self.rollover.value
        )


@strawberry.input
class SetGoalInput(EnvelopeInput):
    kind: GoalKind
    target: Decimal = strawberry.field(
        description="The amount to hold (SAVE, KEEP_AT_LEAST) or to put in every period."
    )
    target_date: date | None = strawberry.field(default=None, description="SAVE goals only.")
    priority: int | None = strawberry.field(
        default=None, description="Filling order, 1 (first) to 1000; default 100."
    )

    def to_command(self) -> commands.SetGoal:
        return commands.SetGoal(
            self.account(),
            self.envelope(),
            self.kind.value,
            self.target,
            self.target_date,
            self.priority,
        )


@strawberry.input
class FundEnvelopesInput(AccountInput):
    period: date | None = strawberry.field(
        default=None, description="The first day of a budget period; default: the current one."
    )
    dry_run: bool = strawberry.field(
        default=False, description="Answer what would be done, and change nothing."
    )
    idempotency_key: str | None = idempotency_key()

    def to_command(self) -> commands.FundEnvelopes:
        return commands.FundEnvelopes(self.account(), self.period, self.dry_run)


@strawberry.type
class EnvelopePayload(Payload):
    account: Account | None = None
    envelope: Envelope | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: tuple[Outcome, object], caller: Caller) -> EnvelopePayload:
        outcome, envelope_id = result
        account = outcome.accounts[0]
        record = account.envelope(envelope_id)
        return cls(
            account=Account.from_document(account, caller.user_id),
            envelope=None if record is None else Envelope.from_record(record, account.currency),
        )


@strawberry.type(description="What filling one envelope gave, or would give.")
class FundedEnvelope:
    envelope: Envelope
    needed: Money
    assigned: Money
    shortfall: Money = strawberry.field(description="What it got less than it needed.")


@strawberry.type
class FundEnvelopesPayload(Payload):
    account: Account | None = None
    period: Period | None = None
    dry_run: bool = False
    transaction: Transaction | None = strawberry.field(
        default=None,
        description="The move from Available into the envelopes (none when nothing was needed; "
        "in a dry run, not written).",
    )
    envelopes: list[FundedEnvelope] = strawberry.field(
        default_factory=list, description="In the order they were filled."
    )
    assigned: Money | None = None
    shortfall: Money | None = strawberry.field(
        default=None, description="What the envelopes got less than they needed, in all."
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, funding: Funding, caller: Caller) -> FundEnvelopesPayload:
        account = funding.outcome.accounts[0]
        currency = account.currency
        entries = [] if funding.dry_run else transactions_of(funding.outcome)
        envelopes = []
        for share in funding.shares:
            record = account.envelope(share.envelope_id)
            if record is not None:
                envelopes.append(
                    FundedEnvelope(
                        envelope=Envelope.from_record(record, currency),
                        needed=money(share.needed, currency),
                        assigned=money(share.assigned, currency),
                        shortfall=money(share.shortfall, currency),
                    )
                )
        return cls(
            account=Account.from_document(account, caller.user_id),
            period=Period.of(funding.period, account.cadence()),
            dry_run=funding.dry_run,
            transaction=entries[0] if entries else None,
            envelopes=envelopes,
            assigned=money(funding.assigned, currency),
            shortfall=money(sum(s.shortfall for s in funding.shares), currency),
        )


@strawberry.type
class BudgetMutation:
    set_budget_cadence = mutation_field(
        "How often the account's budget periods start (admins); default monthly from the 1st.",
        SetBudgetCadenceInput,
        AccountPayload,
        lambda services: services.budgets.set_cadence,
    )
    set_plan = mutation_field(
        "Give an envelope a plan, or change it: it applies from the current budget period on; "
        "earlier periods keep the plan they had (admins). Available has no plan.",
        SetPlanInput,
        EnvelopePayload,
        lambda services: services.budgets.set_plan,
    )
    remove_plan = mutation_field(
        "No plan from the current budget period on (admins).",
        EnvelopeInput,
        EnvelopePayload,
        lambda services: services.budgets.remove_plan,
    )
    set_goal = mutation_field(
        "Give an envelope a goal, or change it (admins).",
        SetGoalInput,
        EnvelopePayload,
        lambda services: services.budgets.set_goal,
    )
    remove_goal = mutation_field(
        "Take an envelope's goal away (admins).",
        EnvelopeInput,
        EnvelopePayload,
        lambda services: services.budgets.remove_goal,
    )
    fund_envelopes = keyed_mutation_field(
        "Move from Available into every envelope what its plan and goal still need in the "
        "period, in goal priority order (then the board's order) while Available lasts: one "
        "entry with a line per envelope (editors). With dryRun, only answer what it would do.",
        FundEnvelopesInput,
        FundEnvelopesPayload,
        lambda services: services.budgets.fund,
    )
