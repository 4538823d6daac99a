"""Webhooks of an account: created, changed, re-keyed and deleted by its admins and owner.

Only admins and the owner see an account's webhooks (a URL may carry a token of the
receiver's); the signing secret is shown once, when it is made (create, rotate). Every change
locks the account and keeps its `webhook_kinds` (the kinds its enabled webhooks want) in
the same transaction, so the commit of a money change decides from the account alone
whether any webhook wants its events. Deleting a webhook deletes its delivery log.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.errors import ConflictError, NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.alerts import EventKind
from app.domain.members import Permission, require
from app.domain.webhooks import MAX_DESCRIPTION_LENGTH, MAX_WEBHOOKS
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.webhooks import DeliveryDocument, WebhookDocument
from app.persistence.keyset import Page, PageRequest
from app.persistence.locked_account import LockedAccount
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.webhooks import DeliveryRepository, WebhookRepository
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
from app.services.webhooks.addresses import Addresses

NO_WEBHOOK = "No such webhook."
NO_DELIVERY = "No such delivery."
SECRET_BYTES = 32


@dataclass(frozen=True)
class CreateWebhook:
    account_id: ObjectId
    url: str
    events: tuple[EventKind, ...]
    description: str | None = None


@dataclass(frozen=True)
class UpdateWebhook:
    """Fields left None stay as they are."""

    webhook_id: ObjectId
    url: str | None = None
    events: tuple[EventKind, ...] | None = None
    description: str | None = None
    enabled: bool | None = None


@dataclass(frozen=True)
class WebhookRef:
    webhook_id: ObjectId


@dataclass(frozen=True)
class DeliveryRef:
    delivery_id: ObjectId


Saved = tuple[WebhookDocument, AccountRecord]


@dataclass(frozen=True)
class Keyed:
    """A webhook with its signing secret, shown this once."""

    webhook: WebhookDocument
    account: AccountRecord
    secret: str


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(SECRET_BYTES)


def _events(kinds: Sequence[EventKind]) -> list[str]:
    if not kinds:
        raise ValidationError("Choose at least one event.", field=["events"])
    return sorted({kind.value for kind in kinds})


def _description(text: str | None) -> str | None:
    cleaned = (text or "").strip()
    if len(cleaned) > MAX_DESCRIPTION_LENGTH or not cleaned.isprintable():
        raise ValidationError(
            f"A description is at most {MAX_DESCRIPTION_LENGTH} printable characters.",
            field=["description"],
        )
    return cleaned or None


class WebhookService:
    def __init__(
        self,
        uow: UnitOfWork,
        accounts: AccountRepository,
        webhooks: WebhookRepository,
        deliveries: DeliveryRepository,
        addresses: Addresses,
    ) -> None:
        self.uow = uow
        self.accounts = accounts
        self.webhooks = webhooks
        self.deliveries = deliveries
        self.addresses = addresses

    async def of_account(self, viewer: Viewer, account: AccountRecord) -> list[WebhookDocument]:
        """`account` was read for the caller (the GraphQL parent); FORBIDDEN below admin."""
        require(account.role_of(viewer.user_id), Permission.MANAGE)
        return await self.webhooks.of_account(account.id)

    async def get(self, viewer: Viewer, webhook_id: ObjectId) -> Saved:
        webhook = await self.webhooks.get(webhook_id)
        account = (
            await self.accounts.for_member(webhook.account_id, viewer.user_id) if webhook else None
        )
        if webhook is None or account is None:
            raise NotFoundError(NO_WEBHOOK, field=["id"])
        require(account.role_of(viewer.user_id), Permission.MANAGE)
        return webhook, account

    async def delivery(self, viewer: Viewer, delivery_id: ObjectId) -> DeliveryDocument:
        delivery = await self.deliveries.get(delivery_id)
        if delivery is None:
            raise NotFoundError(NO_DELIVERY, field=["id"])
        try:
            await self.get(viewer, delivery.webhook_id)
        except NotFoundError:
            raise NotFoundError(NO_DELIVERY, field=["id"]) from None
        return delivery

    async def deliveries_of(
        self, webhook: WebhookDocument, request: PageRequest, size: int
    ) -> Page[DeliveryDocument]:
        """`webhook` was read for the caller (the GraphQL parent)."""
        return await self.deliveries.page(webhook.id, request, size)

    @transactional
    async def create(self, viewer: Viewer, command: CreateWebhook) -> Keyed:
        await self._manages(viewer, command.account_id, "accountId", "No such account.")
        target = await self.addresses.check(command.url)
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            hooks = WebhookRepository(tx.session)
            known = await hooks.of_account(account.id)
            if len(known) >= MAX_WEBHOOKS:
                raise ConflictError(
                    f"An account has at most {MAX_WEBHOOKS} webhooks.", field=["accountId"]
                )
            webhook = WebhookDocument(
                account_id=account.id,
                url=target.url,
                events=_events(command.events),
                description=_description(command.description),
                secret=new_secret(),
                created_by=viewer.user_id,
                created_at=tx.recorded_at,
                updated_at=tx.recorded_at,
            )
            await hooks.insert(webhook)
            await _keep_account_events(hooks, account, [*known, webhook])
            await tx.commit()
            return Keyed(webhook, account.document, webhook.secret)

    @transactional
    async def update(self, viewer: Viewer, command: UpdateWebhook) -> Saved:
        url = None
        if command.url is not None:
            await self.get(viewer, command.webhook_id)
            url = (await self.addresses.check(command.url)).url
        async with self.uow.begin(viewer) as tx:
            webhook, account, hooks = await self._locked(tx, command.webhook_id)
            if url is not None:
                webhook.url = url
            if command.events is not None:
                webhook.events = _events(command.events)
            if command.description is not None:
                webhook.description = _description(command.description)
            if command.enabled is not None and command.enabled != webhook.enabled:
                webhook.enabled = command.enabled
                webhook.consecutive_failures = 0
                webhook.disabled_reason = None if command.enabled else "Turned off by a member."
                webhook.disabled_at = None if command.enabled else tx.recorded_at
                if not command.enabled:  # what was queued for it is not sent later
                    await DeliveryRepository(tx.session).give_up_pending(
                        webhook.id, "The webhook was turned off.", tx.recorded_at
                    )
            webhook.updated_at = tx.recorded_at
            await hooks.replace(webhook)
            await _keep_account_events(hooks, account, await hooks.of_account(account.id))
            await tx.commit()
            return webhook, account.document

    @transactional
    async def rotate_secret(self, viewer: Viewer, command: WebhookRef) -> Keyed:
        """A new signing secret; the old one stops signing at once."""
        async with self.uow.begin(viewer) as tx:
            webhook, account, hooks = await self._locked(tx, command.webhook_id)
            webhook.secret = new_secret()
            webhook.updated_at = tx.recorded_at
            await hooks.replace(webhook)
            await tx.commit()
            return Keyed(webhook, account.document, webhook.secret)

    @transactional
    async def delete(self, viewer: Viewer, command: WebhookRef) -> Saved:
        async with self.uow.begin(viewer) as tx:
            webhook, account, hooks = await self._locked(tx, command.webhook_id)
            await hooks.delete(webhook.id)
            await DeliveryRepository(tx.session).delete_of(webhook.id)
            await _keep_account_events(hooks, account, await hooks.of_account(account.id))
            await tx.commit()
            return webhook, account.document

    @transactional
    async def redeliver(self, viewer: Viewer, command: DeliveryRef) -> DeliveryDocument:
        """Send a delivered or failed delivery again (its webhook must be enabled)."""
        delivery = await self.deliveries.get(command.delivery_id)
        if delivery is None:
            raise NotFoundError(NO_DELIVERY, field=["id"])
        async with self.uow.begin(viewer) as tx:
            webhook, _, _ = await self._locked(tx, delivery.webhook_id, NO_DELIVERY)
            if not webhook.enabled:
                raise ConflictError("Enable the webhook first.", field=["id"])
            again = await DeliveryRepository(tx.session).redeliver(delivery.id, tx.recorded_at)
            if again is None:
                raise ConflictError("This delivery is still being attempted.", field=["id"])
            await tx.commit()
            return again

    async def _manages(
        self, viewer: Viewer, account_id: ObjectId, field: str, missing: str
    ) -> None:
        """NOT_FOUND unless the caller is a member, FORBIDDEN below admin: checked before
        a URL's name is looked up, so only the account's admins make the server resolve one
        (the change checks again under its lock)."""
        account = await self.accounts.for_member(account_id, viewer.user_id)
        if account is None:
            raise NotFoundError(missing, field=[field])
        require(account.role_of(viewer.user_id), Permission.MANAGE)

    async def _locked(
        self, tx: LedgerTransaction, webhook_id: ObjectId, missing: str = NO_WEBHOOK
    ) -> tuple[WebhookDocument, LockedAccount, WebhookRepository]:
        hooks = WebhookRepository(tx.session)
        webhook = await hooks.get(webhook_id)
        if webhook is None:
            raise NotFoundError(missing, field=["id"])
        account = await tx.lock(webhook.account_id, Permission.MANAGE, "id", missing)
        return webhook, account, hooks


async def _keep_account_events(
    hooks: WebhookRepository, account: LockedAccount, webhooks: Sequence[WebhookDocument]
) -> None:
    kinds = sorted({kind for hook in webhooks if hook.enabled for kind in hook.events})
    if kinds != account.document.webhook_kinds:
        account.document.webhook_kinds = kinds
        await hooks.set_account_events(account.id, kinds)
