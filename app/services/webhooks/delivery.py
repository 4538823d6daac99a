"""The delivery worker: due work of the scheduler that sends the outbox's deliveries.

Each pass claims due deliveries one atomic write each (a claim holds for `LEASE`: another
process takes a delivery over only after that, and then the first one's result is not
recorded), and sends them concurrently: a POST of the stored body to the address checked
just before (`Addresses`), no redirects followed, `TIMEOUT` seconds at most, signed
(`app.domain.webhooks.signature`) with the webhook's current secret. A 2xx answer delivers
it; anything else is logged and retried later with exponential backoff, until the delivery's
attempts run out (`MAX_ATTEMPTS`, about 21 h). When one runs out and its webhook delivered
nothing since that delivery was raised, the webhook is disabled (its pending deliveries end)
and a `webhook.disabled` event goes through the hub (an alert to the account's members), in
one transaction that also keeps the account's `webhook_kinds`.

A receiver can get a delivery twice (the answer lost, a process cut off mid-send): it
dedupes by the `Envelopes-Delivery` header or the body's `id`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

import httpx

from app.core import clock
from app.domain.webhooks import gives_up, retry_delay, signature
from app.persistence.documents.webhooks import (
    AttemptRecord,
    DeliveryDocument,
    DeliveryStatus,
    WebhookDocument,
    failures,
)
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.webhooks import DeliveryRepository, WebhookRepository
from app.persistence.transactions import transactional
from app.services.alerts.events import AccountEvent, EventHub, EventKind
from app.services.webhooks.addresses import Addresses, Target

# Jitter from a generator of its own, not the random module's shared one (which other code,
# e.g. a property-based test driving this API in its own process, may rely on).
_JITTER = random.Random()  # noqa: S311 (spreading retries, not a secret)

log = logging.getLogger("envelopes.webhooks")

LEASE = timedelta(seconds=60)  # more than TIMEOUT: a claim outlives its attempt
TIMEOUT = 10.0
USER_AGENT = "Envelopes-Webhooks/1"


class WebhookDeliveries:
    """`DueWork`: the deliveries due now, the longest due first."""

    name = "webhooks"

    def __init__(
        self,
        db: Database,
        hub: EventHub,
        addresses: Addresses,
        now: Callable[[], datetime] = clock.utcnow,
        timeout: float = TIMEOUT,
    ) -> None:
        self.db = db
        self.hub = hub
        self.addresses = addresses
        self.now = now
        self.timeout = timeout
        self.deliveries = DeliveryRepository()
        self.webhooks = WebhookRepository()
        # Whom https receivers' certificates must chain to: the system's CAs (tests trust
        # their own).
        self.verify: ssl.SSLContext | bool = True

    async def run_due(self, today: date, limit: int) -> int:
        claim, claimed = uuid.uuid4().hex, []
        for _ in range(limit):
            delivery = await self.deliveries.claim(self.now(), LEASE, claim)
            if delivery is None:
                break
            claimed.append(delivery)
        if claimed:
            async with httpx.AsyncClient(
                follow_redirects=False, trust_env=False, timeout=self.timeout, verify=self.verify
            ) as client:
                results = await asyncio.gather(
                    *(self._attempt(client, d) for d in claimed), return_exceptions=True
                )
            for result in results:  # an outage mid-way: those deliveries' claims run out,
                if isinstance(result, Exception):  # then they are attempted again
                    log.error("webhook delivery failed", exc_info=result)
        return len(claimed)

    async def _attempt(self, client: httpx.AsyncClient, delivery: DeliveryDocument) -> None:
        webhook = await self.webhooks.get(delivery.webhook_id)
        if webhook is None or not webhook.enabled:
            refused = AttemptRecord(at=self.now(), error="The webhook is disabled.", duration_ms=0)
            await self.deliveries.record_attempt(delivery, refused, DeliveryStatus.FAILED, None)
            return
        target, why = await self.addresses.check_or_none(webhook.url)
        if target is None:
            attempt = AttemptRecord(at=self.now(), error=f"Refused: {why}", duration_ms=0)
        else:
            attempt = await self._send(client, target, webhook, delivery)
        await self._record(webhook, delivery, attempt)

    async def _send(
        self,
        client: httpx.AsyncClient,
        target: Target,
        webhook: WebhookDocument,
        delivery: DeliveryDocument,
    ) -> AttemptRecord:
        body, at, started = delivery.body.encode(), self.now(), time.monotonic()
        url = httpx.URL(target.url)
        headers = {
            "Host": url.netloc.decode("ascii"),
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Envelopes-Event": delivery.event_type,
            "Envelopes-Delivery": str(delivery.id),
            "Envelopes-Signature": signature(webhook.secret, int(time.time()), body),
        }
        status: int | None = None
        error: str | None = None
        for address in target.addresses:  # the addresses checked, not a new lookup
            request = client.build_request(
                "POST",
                url.copy_with(host=str(address)),
                content=body,
                headers=headers,
                extensions={"sni_hostname": target.host},
            )
            status, error, unreachable = await self._post(client, request)
            if not unreachable:
                break
        took = round((time.monotonic() - started) * 1000)
        return AttemptRecord(at=at, status_code=status, error=error, duration_ms=took)

    async def _post(
        self, client: httpx.AsyncClient, request: httpx.Request
    ) -> tuple[int | None, str | None, bool]:
        """(status, error, whether no connection was made) of one request."""
        try:
            response = await client.send(request, stream=True)  # the answer's body is unread
            await response.aclose()
        except httpx.ConnectError as failure:
            return None, f"Could not connect: {failure}"[:300], True
        except httpx.TimeoutException:
            return None, f"No answer within {self.timeout:g} s.", False
        except httpx.HTTPError as failure:
            return None, f"{type(failure).__name__}: {failure}"[:300], False
        status = response.status_code
        return status, None if 200 <= status < 300 else f"HTTP {status}", False

    async def _record(
        self, webhook: WebhookDocument, delivery: DeliveryDocument, attempt: AttemptRecord
    ) -> None:
        if attempt.error is None:
            if await self.deliveries.record_attempt(
                delivery, attempt, DeliveryStatus.DELIVERED, None
            ):
                await self.webhooks.record_success(webhook.id, attempt.at)
            return
        failed = failures(delivery) + 1
        last = gives_up(failed)
        status = DeliveryStatus.FAILED if last else DeliveryStatus.PENDING
        later = None if last else self.now() + retry_delay(failed, _JITTER.uniform(-1, 1))
        if not await self.deliveries.record_attempt(delivery, attempt, status, later):
            return  # taken over meanwhile: the other process records its own attempt
        await self.webhooks.record_failure(webhook.id)
        if last and (
            webhook.last_success_at is None or webhook.last_success_at < delivery.created_at
        ):
            await self.disable(webhook, f"Delivery {delivery.id} failed {failed} times in a row.")

    @transactional
    async def disable(self, webhook: WebhookDocument, reason: str) -> bool:
        """Turn the webhook off, end its pending deliveries and raise `webhook.disabled`, in
        one transaction; False if it was off already."""
        at = self.now()
        async with self.db.transaction() as tx:
            hooks = WebhookRepository(tx.session)
            if not await hooks.switch_off(webhook.id, reason, at):
                return False
            await AccountRepository(tx.session).bump(webhook.account_id)
            name = await hooks.account_name(webhook.account_id)
            kinds = await hooks.wanted_by_account(webhook.account_id)
            await hooks.set_account_events(webhook.account_id, kinds)
            await DeliveryRepository(tx.session).give_up_pending(
                webhook.id, "The webhook was disabled.", at
            )
            event = AccountEvent(
                account_id=webhook.account_id,
                kind=EventKind.WEBHOOK_DISABLED,
                data={
                    "accountId": str(webhook.account_id),
                    "accountName": name,
                    "webhookId": str(webhook.id),
                    "url": webhook.url,
                    "reason": reason,
                },
                entry_ids=(),
                at=at,
                subject=f"{webhook.id}:{at.isoformat()}",
            )
            await self.hub.publish(tx.session, [event])
            await tx.commit()
        log.warning("webhook disabled", extra={"webhook": str(webhook.id), "reason": reason})
        return True
