"""Mutations of webhooks (admins and the owner)."""

from __future__ import annotations

import strawberry

from app.domain.alerts import EventKind
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.webhooks.types import Webhook, WebhookDelivery
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id, to_global_id
from app.persistence.documents.webhooks import DeliveryDocument
from app.services.webhooks.registry import (
    CreateWebhook,
    DeliveryRef,
    Keyed,
    Saved,
    UpdateWebhook,
    WebhookRef,
)


@strawberry.input
class CreateWebhookInput:
    account_id: strawberry.ID
    url: str = strawberry.field(description="https:// (or http://) on a public address.")
    events: list[EventKind]
    description: str | None = None

    def to_command(self) -> CreateWebhook:
        return CreateWebhook(
            account_id=decode_id(self.account_id, "Account", "accountId"),
            url=self.url,
            events=tuple(self.events),
            description=self.description,
        )


@strawberry.input(description="Fields left out stay as they are.")
class UpdateWebhookInput:
    id: strawberry.ID
    url: str | None = None
    events: list[EventKind] | None = None
    description: str | None = None
    enabled: bool | None = strawberry.field(
        default=None, description="Turning it on again starts a new count of failures."
    )

    def to_command(self) -> UpdateWebhook:
        return UpdateWebhook(
            webhook_id=decode_id(self.id, "Webhook", "id"),
            url=self.url,
            events=None if self.events is None else tuple(self.events),
            description=self.description,
            enabled=self.enabled,
        )


@strawberry.input
class WebhookInput:
    id: strawberry.ID

    def to_command(self) -> WebhookRef:
        return WebhookRef(decode_id(self.id, "Webhook", "id"))


@strawberry.input
class WebhookDeliveryInput:
    id: strawberry.ID

    def to_command(self) -> DeliveryRef:
        return DeliveryRef(decode_id(self.id, "WebhookDelivery", "id"))


@strawberry.type
class WebhookSecretPayload(Payload):
    webhook: Webhook | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="The signing secret: shown this once, keep it with the receiver.",
    )
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Keyed, caller: Caller) -> WebhookSecretPayload:
        return cls(
            webhook=Webhook.from_document(result.webhook, result.account), secret=result.secret
        )


@strawberry.type
class WebhookPayload(Payload):
    webhook: Webhook | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Saved, caller: Caller) -> WebhookPayload:
        return cls(webhook=Webhook.from_document(*result))


@strawberry.type
class DeleteWebhookPayload(Payload):
    deleted_webhook_id: strawberry.ID | None = None
    account: Account | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: Saved, caller: Caller) -> DeleteWebhookPayload:
        webhook, account = result
        return cls(
            deleted_webhook_id=to_global_id("Webhook", webhook.id),
            account=Account.from_document(account, caller.user_id),
        )


@strawberry.type
class WebhookDeliveryPayload(Payload):
    delivery: WebhookDelivery | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: DeliveryDocument, caller: Caller) -> WebhookDeliveryPayload:
        return cls(delivery=WebhookDelivery.from_document(result))


@strawberry.type
class WebhookMutation:
    create_webhook = mutation_field(
        "Send the account's chosen events to a URL (admins); answers the signing secret once.",
        CreateWebhookInput,
        WebhookSecretPayload,
        lambda services: services.webhooks.create,
    )
    update_webhook = mutation_field(
        "Change a webhook's URL, events, description, or turn it off and on (admins).",
        UpdateWebhookInput,
        WebhookPayload,
        lambda services: services.webhooks.update,
    )
    rotate_webhook_secret = mutation_field(
        "A new signing secret, answered once; the old one stops at once (admins).",
        WebhookInput,
        WebhookSecretPayload,
        lambda services: services.webhooks.rotate_secret,
    )
    delete_webhook = mutation_field(
        "Delete a webhook and its delivery log (admins).",
        WebhookInput,
        DeleteWebhookPayload,
        lambda services: services.webhooks.delete,
    )
    redeliver_webhook_delivery = mutation_field(
        "Send a delivered or failed delivery again, now, with a fresh count of attempts.",
        WebhookDeliveryInput,
        WebhookDeliveryPayload,
        lambda services: services.webhooks.redeliver,
    )
