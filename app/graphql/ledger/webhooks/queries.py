"""How `node(id)` loads a webhook or a delivery (admins and the owner of its account)."""

from __future__ import annotations

from app.core.ids import ObjectId
from app.graphql.context import Info
from app.graphql.ledger.webhooks.types import Webhook, WebhookDelivery
from app.graphql.relay import Node


async def load_webhook(info: Info, webhook_id: ObjectId) -> Node | None:
    webhooks = info.context.services.webhooks
    found = await info.context.visible(lambda viewer: webhooks.get(viewer, webhook_id))
    return Webhook.from_document(*found) if found else None


async def load_webhook_delivery(info: Info, delivery_id: ObjectId) -> Node | None:
    webhooks = info.context.services.webhooks
    found = await info.context.visible(lambda viewer: webhooks.delivery(viewer, delivery_id))
    return WebhookDelivery.from_document(found) if found else None
