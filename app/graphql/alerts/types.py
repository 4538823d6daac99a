"""The `Alert` type (a Node), its connection, and the viewer's alert settings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.core.errors import NotFoundError
from app.core.ids import ObjectId, parse_object_id
from app.domain.alerts import AlertKind
from app.graphql.context import Info
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.types import Transaction
from app.graphql.relay import Node, PageInfo, to_global_id
from app.graphql.scalars import Decimal, Money, money
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.alerts import AlertRecord, AlertSettingsDocument

if TYPE_CHECKING:
    from app.graphql.ledger.accounts.types import Account

strawberry.enum(AlertKind, description="What an alert is about.")

# The figure an alert of each kind is about, in its data.
_AMOUNT_OF = {
    AlertKind.ENVELOPE_OVERSPENT: "balance",
    AlertKind.PLAN_EXCEEDED: "spent",
    AlertKind.GOAL_BEHIND: "stillNeeded",
    AlertKind.BALANCE_LOW: "balance",
    AlertKind.TRANSACTION_LARGE: "amount",
    AlertKind.SCHEDULE_FAILED: "amount",
}

AccountType = Annotated["Account", strawberry.lazy("app.graphql.ledger.accounts.types")]


async def _account(info: Info, account_id: ObjectId | None) -> AccountRecord | None:
    """The account, if the viewer is (still) a member."""
    if account_id is None:
        return None
    viewer = await info.context.viewer()
    try:
        return await info.context.services.accounts.get(viewer, account_id)
    except NotFoundError:
        return None


@strawberry.type(description="Something that happened that you asked to hear about.")
class Alert(Node):
    kind: AlertKind
    message: str
    created_at: datetime
    read_at: datetime | None
    record: strawberry.Private[AlertRecord]

    @classmethod
    def from_record(cls, record: AlertRecord) -> Alert:
        return cls(
            id=to_global_id("Alert", record.id),
            kind=AlertKind(record.kind),
            message=record.message,
            created_at=record.created_at,
            read_at=record.read_at,
            record=record,
        )

    @strawberry.field(description="Has it been marked read?")
    def read(self) -> bool:
        return self.record.read_at is not None

    @strawberry.field(
        description="Its figure: the envelope's or account's balance, the "
        "period's spending, what a goal still needs, the transaction's amount."
    )
    def amount(self) -> Money | None:
        name = _AMOUNT_OF.get(self.kind)
        found: Any = self.record.data.get(name) if name else None
        if not isinstance(found, dict) or "amount" not in found:
            return None
        return Money(amount=Decimal(found["amount"]), currency=found["currency"])

    @strawberry.field(description="The account; null once you are no longer a member.")
    async def account(self, info: Info) -> AccountType | None:
        from app.graphql.ledger.accounts.types import Account

        found = await _account(info, self.record.account_id)
        viewer = await info.context.viewer()
        return Account.from_document(found, viewer.user_id) if found else None

    @strawberry.field(description="The envelope it is about, if any (and still visible).")
    async def envelope(self, info: Info) -> Envelope | None:
        raw = self.record.data.get("envelopeId")
        envelope_id = parse_object_id(raw) if isinstance(raw, str) else None
        if envelope_id is None:
            return None
        account = await _account(info, self.record.account_id)
        found = account.envelope(envelope_id) if account else None
        if account is None or found is None or found.deleted:
            return None
        return Envelope.from_record(found, account.currency)

    @strawberry.field(description="The transactions that raised it (those you may see).")
    async def entries(self, info: Info) -> list[Transaction]:
        viewer = await info.context.viewer()
        history = info.context.services.history
        found = [await history.visible_entry(viewer, i) for i in self.record.entry_ids[:20]]
        return [Transaction.from_record(*pair) for pair in found if pair is not None]


@strawberry.type
class AlertEdge:
    cursor: str
    node: Alert


@strawberry.type
class AlertConnection:
    edges: list[AlertEdge]
    page_info: PageInfo


@strawberry.type(description="Your thresholds on one account (null: off).")
class AlertThreshold:
    account: AccountType
    balance_below: Money | None = strawberry.field(
        description="Alert when the balance falls below this."
    )
    transaction_above: Money | None = strawberry.field(
        description="Alert on a transaction larger than this."
    )


@strawberry.type(description="Which alerts you get.")
class AlertSettings:
    enabled_kinds: list[AlertKind] = strawberry.field(
        description="Balance and large-transaction alerts also need a threshold on the account."
    )
    plan_share: int = strawberry.field(
        description="Percent of a period's plan that spending must pass to raise PLAN_EXCEEDED."
    )
    thresholds: list[AlertThreshold]

    @classmethod
    def from_settings(
        cls, settings: AlertSettingsDocument, accounts: list[AccountRecord], user_id: ObjectId
    ) -> AlertSettings:
        from app.graphql.ledger.accounts.types import Account

        by_id = {a.id: a for a in accounts}
        thresholds = []
        for t in settings.thresholds:
            account = by_id.get(t.account_id)
            if account is None:
                continue
            currency = account.currency
            thresholds.append(
                AlertThreshold(
                    account=Account.from_document(account, user_id),
                    balance_below=None
                    if t.balance_below is None
                    else money(t.balance_below, currency),
                    transaction_above=None
                    if t.transaction_above is None
                    else money(t.transaction_above, currency),
                )
            )
        off = set(settings.kinds_off)
        return cls(
            enabled_kinds=[k for k in AlertKind if k.value not in off],
            plan_share=settings.plan_share,
            thresholds=thresholds,
        )
