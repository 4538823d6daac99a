"""The `Webhook` and `WebhookDelivery` types (admins and the owner see them)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.domain.alerts import EventKind
from app.domain.webhooks import MAX_ATTEMPTS
from app.graphql.context import Info
from app.graphql.relay import Node, PageInfo, page_request, to_global_id
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.webhooks import (
    AttemptRecord,
    DeliveryDocument,
    WebhookDocument,
    failures,
)

if TYPE_CHECKING:
    from app.graphql.ledger.accounts.types import Account

strawberry.enum(
    EventKind,
    name="EventKind",
    description="What happened to an account: what alerts are raised for and webhooks are sent.",
)


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


@strawberry.type(description="One attempt to deliver an event.")
class WebhookAttempt:
    at: datetime
    status_code: int | None = strawberry.field(description="The receiver's HTTP status.")
    error: str | None = strawberry.field(description="Why it failed, when it did.")
    duration_ms: int

    @classmethod
    def from_record(cls, record: AttemptRecord) -> WebhookAttempt:
        return cls(
            at=record.at,
            status_code=record.status_code,
            error=record.error,
            duration_ms=record.duration_ms,
        )


@strawberry.type(description="An event sent (or to be sent) to a webhook, and its attempts.")
class WebhookDelivery(Node):
    event_id: str = strawberry.field(description="The body's `id`, for receivers to dedupe.")
    event: EventKind
    status: WebhookDeliveryStatus
    body: str = strawberry.field(description="The JSON body, exactly as it is sent.")
    attempts: list[WebhookAttempt] = strawberry.field(description="Oldest first.")
    attempts_left: int
    next_attempt_at: datetime | None = strawberry.field(description="PENDING: when.")
    created_at: datetime
    delivered_at: datetime | None
    webhook_id: strawberry.ID

    @classmethod
    def from_document(cls, delivery: DeliveryDocument) -> WebhookDelivery:
        pending = delivery.status == "PENDING"
        return cls(
            id=to_global_id("WebhookDelivery", delivery.id),
            event_id=delivery.event_id,
            event=EventKind(delivery.event_type),
            status=WebhookDeliveryStatus(delivery.status.value),
            body=delivery.body,
            attempts=[WebhookAttempt.from_record(a) for a in delivery.attempts],
            attempts_left=max(MAX_ATTEMPTS - failures(delivery), 0) if pending else 0,
            next_attempt_at=delivery.next_attempt_at if pending else None,
            created_at=delivery.created_at,
            delivered_at=delivery.delivered_at,
            webhook_id=to_global_id("Webhook", delivery.webhook_id),
        )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo


@strawberry.type(
    description="A URL the account's chosen events are POSTed to, signed with its secret "
    "(header `Envelopes-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>`)."
)
class Webhook(Node):
    url: str
    events: list[EventKind]
    description: str | None
    enabled: bool
    disabled_reason: str | None = strawberry.field(
        description="Why it is off: a member turned it off, or its deliveries kept failing."
    )
    disabled_at: datetime | None
    consecutive_failures: int = strawberry.field(
        description="Attempts failed since the last delivered one."
    )
    last_success_at: datetime | None
    created_at: datetime
    updated_at: datetime
    document: strawberry.Private[WebhookDocument]
    account_record: strawberry.Private[AccountRecord]

    @classmethod
    def from_document(cls, webhook: WebhookDocument, account: AccountRecord) -> Webhook:
        return cls(
            id=to_global_id("Webhook", webhook.id),
            url=webhook.url,
            events=[EventKind(kind) for kind in webhook.events],
            description=webhook.description,
            enabled=webhook.enabled,
            disabled_reason=webhook.disabled_reason,
            disabled_at=webhook.disabled_at,
            consecutive_failures=webhook.consecutive_failures,
            last_success_at=webhook.last_success_at,
            created_at=webhook.created_at,
            updated_at=webhook.updated_at,
            document=webhook,
            account_record=account,
        )

    @strawberry.field(description="The account whose events it receives.")
    async def account(
        self, info: Info
    ) -> Annotated[Account, strawberry.lazy("app.graphql.ledger.accounts.types")]:
        from app.graphql.ledger.accounts.types import Account

        viewer = await info.context.viewer()
        return Account.from_document(self.account_record, viewer.user_id)

    @strawberry.field(description="The delivery log, newest first.")
    async def deliveries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> WebhookDeliveryConnection:
        request, size = page_request(first, after, None, None)
        page = await info.context.services.webhooks.deliveries_of(self.document, request, size)
        return WebhookDeliveryConnection(
            edges=[
                WebhookDeliveryEdge(cursor=c, node=WebhookDelivery.from_document(d))
                for d, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.from_page(page),
        )
