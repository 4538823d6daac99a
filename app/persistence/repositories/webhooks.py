"""Webhooks and their deliveries (see `app.persistence.documents.webhooks`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.accounts import AccountDocument
from app.persistence.documents.webhooks import (
    LOG_DAYS,
    AttemptRecord,
    DeliveryDocument,
    DeliveryStatus,
    WebhookDocument,
)
from app.persistence.keyset import Page, PageRequest, fetch_page
from app.persistence.transactions import Session

MAX_LISTED = 100
KEEP = timedelta(days=LOG_DAYS)
_LOG_ORDER = [("created_at", DESCENDING), ("_id", DESCENDING)]


def _delivery(row: dict[str, Any]) -> DeliveryDocument:
    return DeliveryDocument.model_validate(row)


class WebhookRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = WebhookDocument.get_pymongo_collection()

    async def of_account(self, account_id: ObjectId) -> list[WebhookDocument]:
        cursor = self.collection.find({"account_id": account_id}, session=self.session)
        rows = await cursor.sort([("created_at", ASCENDING), ("_id", ASCENDING)]).to_list(
            MAX_LISTED
        )
        return [WebhookDocument.model_validate(row) for row in rows]

    async def wanting(self, account_id: ObjectId, kinds: Sequence[str]) -> list[WebhookDocument]:
        """The account's enabled webhooks that want any of `kinds`."""
        cursor = self.collection.find(
            {"account_id": account_id, "enabled": True, "events": {"$in": list(kinds)}},
            session=self.session,
        )
        return [WebhookDocument.model_validate(row) for row in await cursor.to_list(MAX_LISTED)]

    async def get(self, webhook_id: ObjectId) -> WebhookDocument | None:
        row = await self.collection.find_one({"_id": webhook_id}, session=self.session)
        return None if row is None else WebhookDocument.model_validate(row)

    async def insert(self, webhook: WebhookDocument) -> None:
        await self.collection.insert_one(webhook.model_dump(by_alias=True), session=self.session)

    async def replace(self, webhook: WebhookDocument) -> None:
        fields = webhook.model_dump(by_alias=True, exclude={"id", "account_id", "created_at"})
        await self.collection.update_one(
            {"_id": webhook.id}, {"$set": fields}, session=self.session
        )

    async def delete(self, webhook_id: ObjectId) -> None:
        await self.collection.delete_one({"_id": webhook_id}, session=self.session)

    async def set_account_events(self, account_id: ObjectId, kinds: list[str]) -> None:
        """Keep the account's `webhook_kinds` (call in the change that locked it)."""
        await AccountDocument.get_pymongo_collection().update_one(
            {"_id": account_id}, {"$set": {"webhook_kinds": kinds}}, session=self.session
        )

    async def account_name(self, account_id: ObjectId) -> str:
        row = await AccountDocument.get_pymongo_collection().find_one(
            {"_id": account_id}, {"name": 1}, session=self.session
        )
        return "" if row is None else str(row["name"])

    async def wanted_by_account(self, account_id: ObjectId) -> list[str]:
        """The event kinds the account's enabled webhooks want (its `webhook_kinds`)."""
        kinds = await self.collection.distinct(
            "events", {"account_id": account_id, "enabled": True}, session=self.session
        )
        return sorted(str(kind) for kind in kinds)

    async def switch_off(self, webhook_id: ObjectId, reason: str, at: datetime) -> bool:
        """Disable the webhook; False if it was disabled (or deleted) already."""
        result = await self.collection.update_one(
            {"_id": webhook_id, "enabled": True},
            {"$set": {"enabled": False, "disabled_reason": reason, "disabled_at": at}},
            session=self.session,
        )
        return result.modified_count == 1

    async def record_success(self, webhook_id: ObjectId, at: datetime) -> None:
        await self.collection.update_one(
            {"_id": webhook_id},
            {"$set": {"consecutive_failures": 0, "last_success_at": at}},
            session=self.session,
        )

    async def record_failure(self, webhook_id: ObjectId) -> WebhookDocument | None:
        row = await self.collection.find_one_and_update(
            {"_id": webhook_id},
            {"$inc": {"consecutive_failures": 1}},
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        return None if row is None else WebhookDocument.model_validate(row)


class DeliveryRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = DeliveryDocument.get_pymongo_collection()

    async def insert(self, deliveries: Sequence[DeliveryDocument]) -> None:
        """Write the deliveries, but not those written before (by webhook and event: an
        event published again). Read first: in a transaction, a duplicate key error would
        abort the whole change."""
        if not deliveries:
            return
        known = await self.collection.find(
            {
                "webhook_id": {"$in": list({d.webhook_id for d in deliveries})},
                "event_id": {"$in": list({d.event_id for d in deliveries})},
            },
            {"webhook_id": 1, "event_id": 1},
            session=self.session,
        ).to_list(None)
        seen = {(row["webhook_id"], row["event_id"]) for row in known}
        new: dict[tuple[ObjectId, str], DeliveryDocument] = {}
        for delivery in deliveries:
            key = (delivery.webhook_id, delivery.event_id)
            if key not in seen:
                new.setdefault(key, delivery)
        if new:
            await self.collection.insert_many(
                [d.model_dump(by_alias=True) for d in new.values()], session=self.session
            )

    async def get(self, delivery_id: ObjectId) -> DeliveryDocument | None:
        row = await self.collection.find_one({"_id": delivery_id}, session=self.session)
        return None if row is None else DeliveryDocument.model_validate(row)

    async def page(
        self, webhook_id: ObjectId, request: PageRequest, size: int
    ) -> Page[DeliveryDocument]:
        """The webhook's deliveries, newest first."""
        return await fetch_page(
            self.collection, {"webhook_id": webhook_id}, _LOG_ORDER, request, size, _delivery
        )

    async def claim(self, now: datetime, lease: timedelta, claim: str) -> DeliveryDocument | None:
        """The pending delivery due longest, claimed for `lease` (see the documents' doc)."""
        row = await self.collection.find_one_and_update(
            {"status": DeliveryStatus.PENDING.value, "next_attempt_at": {"$lte": now}},
            {"$set": {"next_attempt_at": now + lease, "claim": claim}},
            sort=[("next_attempt_at", ASCENDING)],
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        return None if row is None else DeliveryDocument.model_validate(row)

    async def record_attempt(
        self,
        delivery: DeliveryDocument,
        attempt: AttemptRecord,
        status: DeliveryStatus,
        next_attempt_at: datetime | None,
    ) -> bool:
        """Log `attempt` and its outcome, if the delivery is still claimed by `delivery.claim`
        (False: another process took it over after the lease ran out)."""
        fields: dict[str, Any] = {"status": status.value, "next_attempt_at": next_attempt_at}
        if status is DeliveryStatus.DELIVERED:
            fields["delivered_at"] = attempt.at
        if status is not DeliveryStatus.PENDING:
            fields["expires_at"] = attempt.at + KEEP
        result = await self.collection.update_one(
            {"_id": delivery.id, "claim": delivery.claim, "status": DeliveryStatus.PENDING.value},
            {"$set": {**fields, "claim": None}, "$push": {"attempts": attempt.model_dump()}},
            session=self.session,
        )
        return result.modified_count == 1

    async def give_up_pending(self, webhook_id: ObjectId, reason: str, at: datetime) -> None:
        """End the webhook's pending deliveries (it was disabled or deleted)."""
        await self.collection.update_many(
            {"webhook_id": webhook_id, "status": DeliveryStatus.PENDING.value},
            {
                "$set": {
                    "status": DeliveryStatus.FAILED.value,
                    "next_attempt_at": None,
                    "expires_at": at + KEEP,
                },
                "$push": {
                    "attempts": AttemptRecord(at=at, error=reason, duration_ms=0).model_dump()
                },
            },
            session=self.session,
        )

    async def redeliver(self, delivery_id: ObjectId, at: datetime) -> DeliveryDocument | None:
        """Queue a finished delivery again, due at once, with a fresh budget of attempts
        counted from now (its log keeps the earlier ones); None if it is pending."""
        row = await self.collection.find_one_and_update(
            {"_id": delivery_id, "status": {"$ne": DeliveryStatus.PENDING.value}},
            [
                {
                    "$set": {
                        "status": DeliveryStatus.PENDING.value,
                        "next_attempt_at": at,
                        "claim": None,
                        "expires_at": None,
                        "retry_from": {"$size": "$attempts"},
                    }
                }
            ],
            session=self.session,
            return_document=ReturnDocument.AFTER,
        )
        return None if row is None else _delivery(row)

    async def delete_of(self, webhook_id: ObjectId) -> None:
        await self.collection.delete_many({"webhook_id": webhook_id}, session=self.session)
