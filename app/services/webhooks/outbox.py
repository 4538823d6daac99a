"""The webhooks' event sink: for each event an enabled webhook of its account wants, a
delivery (the outbox), written in the transaction of the change that raised the event.

The body is fixed here, once: `{"id", "type", "createdAt", "accountId", "data"}` as JSON,
and every attempt sends (and signs) exactly these bytes. The event's `id` is the same for
every webhook that receives it, and for a redelivery: receivers dedupe by it (or by the
`Envelopes-Delivery` header, one per webhook and event).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence

from app.core.ids import ObjectId
from app.persistence.documents.webhooks import DeliveryDocument
from app.persistence.repositories.webhooks import DeliveryRepository, WebhookRepository
from app.persistence.transactions import Session
from app.services.alerts.events import AccountEvent


def event_id(event: AccountEvent) -> str:
    """A stable id of the event: from its key (unique per event), or, for an event without
    a subject, its key and time."""
    name = event.key if event.subject else f"{event.key}@{event.at.isoformat()}"
    return "evt_" + hashlib.sha256(name.encode()).hexdigest()[:32]


def body_of(event: AccountEvent, identity: str) -> str:
    return json.dumps(
        {
            "id": identity,
            "type": event.kind.value,
            "createdAt": event.at.isoformat().replace("+00:00", "Z"),
            "accountId": str(event.account_id),
            "data": event.data,
        },
        separators=(",", ":"),
        sort_keys=False,
        default=str,
    )


class WebhookOutbox:
    """`EventSink` of webhooks (registered on the alerts' hub after alerts' own sink)."""

    async def publish(self, session: Session, events: Sequence[AccountEvent]) -> None:
        by_account: dict[ObjectId, list[AccountEvent]] = defaultdict(list)
        for event in events:
            by_account[event.account_id].append(event)
        hooks, deliveries = WebhookRepository(session), DeliveryRepository(session)
        for account_id, raised in by_account.items():
            kinds = sorted({event.kind.value for event in raised})
            wanting = await hooks.wanting(account_id, kinds)
            rows: list[DeliveryDocument] = []
            for event in raised:
                identity = event_id(event)
                body = body_of(event, identity)
                rows += [
                    DeliveryDocument(
                        webhook_id=webhook.id,
                        account_id=account_id,
                        event_id=identity,
                        event_type=event.kind.value,
                        body=body,
                        next_attempt_at=event.at,
                        created_at=event.at,
                    )
                    for webhook in wanting
                    if event.kind.value in webhook.events
                ]
            await deliveries.insert(rows)
