"""Webhooks over HTTP, delivered to a real receiver on loopback (the API here allows
loopback, as self-hosting does; `test_webhook_targets.py` checks the refusals without it).

The scheduler's loop is off in tests: the delivery worker's passes run by hand, on a clock
the test moves (`Worker`), so retries come due without waiting.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import shutil
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from app.core.clock import utcnow
from app.core.ids import ObjectId
from app.domain.webhooks import MAX_ATTEMPTS, Address, verify
from app.graphql.relay import node_id
from app.services.alerts.events import AccountEvent, EventKind
from app.services.container import Services
from app.services.webhooks.addresses import Addresses
from app.services.webhooks.delivery import WebhookDeliveries
from app.services.webhooks.outbox import WebhookOutbox
from tests.api.ledger.test_households import share
from tests.api.ledger.test_money_movements import unknown_id
from tests.conftest import ApiFactory
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member
from tests.webhook_receiver import Receiver, receiver_on_loopback

WEBHOOK_OPERATIONS = {
    "CreateWebhook", "UpdateWebhook", "RotateWebhookSecret", "DeleteWebhook",
    "RedeliverWebhookDelivery", "AccountWebhooks", "WebhookDeliveries",
}  # fmt: skip
Row = dict[str, Any]


def raw_id(global_id: str) -> str:
    found = node_id(global_id)
    assert found is not None
    return str(found[1])


@pytest.fixture
async def api(make_api: ApiFactory) -> AsyncIterator[tuple[FastAPI, GraphQLClient]]:
    async with make_api(webhooks_allow_loopback=True) as pair:
        yield pair


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_on_loopback() as found:
        yield found


class Worker:
    """The delivery worker of the app under test, on a clock the test moves."""

    def __init__(self, deliveries: WebhookDeliveries) -> None:
        self.deliveries = deliveries
        self.moment = utcnow()
        deliveries.now = lambda: self.moment

    async def run(self) -> int:
        """A pass now (or at the moment the test moved the clock to, if later)."""
        self.moment = max(self.moment, utcnow())
        return await self.deliveries.run_due(date.today(), 50)  # noqa: DTZ011 (unused)

    async def run_at(self, moment: datetime) -> int:
        self.moment = moment
        return await self.run()


@pytest.fixture
def services(api: tuple[FastAPI, GraphQLClient]) -> Services:
    found: Services = api[0].state.services
    return found


@pytest.fixture
def worker(services: Services) -> Worker:
    return Worker(services.webhook_deliveries)


async def open_with_webhook(
    member: Member, receiver: Receiver, events: list[str] | None = None, **more: Any
) -> tuple[str, Row, str]:
    """(account id, webhook, secret) of a new account with a webhook to `receiver`."""
    account = (await member.open_account(openingBalance="100.00"))["id"]
    created = await member.do(
        "CreateWebhook",
        accountId=account,
        url=receiver.url(),
        events=events or ["TRANSACTION_RECORDED"],
        **more,
    )
    return account, created["webhook"], created["secret"]


async def spend(member: Member, account: str, amount: str = "12.50") -> Row:
    payload = await member.do("RecordExpense", accountId=account, amount=amount, payee="Cafe")
    transaction: Row = payload["transaction"]
    return transaction


async def log_of(member: Member, webhook_id: str, **variables: Any) -> Row:
    node: Row = (await member.query("WebhookDeliveries", id=webhook_id, **variables))["node"]
    return node


async def deliveries(member: Member, webhook_id: str) -> list[Row]:
    return [edge["node"] for edge in (await log_of(member, webhook_id))["deliveries"]["edges"]]


class TestRegistry:
    async def test_creating_answers_the_secret_once_and_lists_the_webhook(
        self, ana: Member, receiver: Receiver, mongo: Any
    ) -> None:
        account, webhook, secret = await open_with_webhook(
            ana, receiver, ["ENVELOPE_OVERSPENT", "TRANSACTION_RECORDED"], description="Books"
        )
        assert secret.startswith("whsec_")
        assert len(secret) > 40
        assert webhook["url"] == receiver.url()
        assert webhook["events"] == ["ENVELOPE_OVERSPENT", "TRANSACTION_RECORDED"]
        assert (webhook["enabled"], webhook["description"]) == (True, "Books")
        listed = (await ana.query("AccountWebhooks", id=account))["account"]["webhooks"]
        assert [w["id"] for w in listed] == [webhook["id"]]
        stored = mongo["accounts"].find_one()
        assert stored["webhook_kinds"] == ["envelope.overspent", "transaction.recorded"]

    async def test_turning_off_and_changing_events_keeps_the_accounts_kinds(
        self, ana: Member, receiver: Receiver, mongo: Any
    ) -> None:
        _, webhook, _ = await open_with_webhook(ana, receiver)
        changed = await ana.do("UpdateWebhook", id=webhook["id"], events=["BALANCE_LOW"])
        assert changed["webhook"]["events"] == ["BALANCE_LOW"]
        assert mongo["accounts"].find_one()["webhook_kinds"] == ["balance.low"]
        off = (await ana.do("UpdateWebhook", id=webhook["id"], enabled=False))["webhook"]
        assert (off["enabled"], off["disabledReason"]) == (False, "Turned off by a member.")
        assert mongo["accounts"].find_one()["webhook_kinds"] == []
        on = (await ana.do("UpdateWebhook", id=webhook["id"], enabled=True))["webhook"]
        assert (on["enabled"], on["disabledReason"]) == (True, None)

    async def test_rotating_answers_a_new_secret(self, ana: Member, receiver: Receiver) -> None:
        _, webhook, secret = await open_with_webhook(ana, receiver)
        rotated = await ana.do("RotateWebhookSecret", id=webhook["id"])
        assert rotated["secret"].startswith("whsec_")
        assert rotated["secret"] != secret

    async def test_deleting_removes_it_and_its_log(
        self, ana: Member, receiver: Receiver, worker: Worker, mongo: Any
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        deleted = await ana.do("DeleteWebhook", id=webhook["id"])
        assert deleted["deletedWebhookId"] == webhook["id"]
        assert deleted["account"]["webhooks"] == []
        assert mongo["webhook_deliveries"].count_documents({}) == 0
        assert mongo["accounts"].find_one()["webhook_kinds"] == []
        assert await worker.run() == 0

    @pytest.mark.parametrize(
        ("fields", "code", "field"),
        [
            ({"events": []}, "VALIDATION", ["events"]),
            ({"url": "ftp://example.com/in"}, "URL_REFUSED", ["url"]),
            ({"url": "https://user:pw@example.com/"}, "VALIDATION", ["url"]),
            ({"url": "not a url"}, "VALIDATION", ["url"]),
            ({"description": "x" * 201}, "VALIDATION", ["description"]),
        ],
    )
    async def test_bad_input_is_refused(
        self, ana: Member, receiver: Receiver, fields: Row, code: str, field: list[str]
    ) -> None:
        account = (await ana.open_account())["id"]
        values = {"url": receiver.url(), "events": ["TRANSACTION_RECORDED"], **fields}
        error = await ana.refused("CreateWebhook", accountId=account, **values)
        assert (error["code"], error["field"]) == (code, field)

    async def test_viewers_and_editors_may_not_see_or_manage_webhooks(
        self, ana: Member, ben: Member, receiver: Receiver
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        for role in ("VIEWER", "EDITOR"):
            if role == "VIEWER":
                await share(ana, account, ben, role)
            else:
                await ana.do(
                    "ChangeMemberRole", accountId=account, userId=ben.user["id"], role=role
                )
            values = {"url": receiver.url(), "events": ["TRANSACTION_RECORDED"]}
            assert (await ben.refused("CreateWebhook", accountId=account, **values))[
                "code"
            ] == "FORBIDDEN"
            assert (await ben.refused("UpdateWebhook", id=webhook["id"], enabled=False))[
                "code"
            ] == "FORBIDDEN"
            assert (await ben.refused("RotateWebhookSecret", id=webhook["id"]))["code"] == (
                "FORBIDDEN"
            )
            assert (await ben.refused("DeleteWebhook", id=webhook["id"]))["code"] == "FORBIDDEN"
            reply = await ben.send("AccountWebhooks", {"id": account})
            assert [e["extensions"]["code"] for e in reply.errors] == ["FORBIDDEN"]

    async def test_an_admin_manages_them(
        self, ana: Member, ben: Member, receiver: Receiver
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await share(ana, account, ben, "ADMIN")
        await ben.do("UpdateWebhook", id=webhook["id"], description="Ben's")
        listed = (await ben.query("AccountWebhooks", id=account))["account"]["webhooks"]
        assert [w["description"] for w in listed] == ["Ben's"]

    async def test_another_users_ids_behave_like_unknown_ones(
        self, ana: Member, ben: Member, receiver: Receiver, worker: Worker
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        await worker.run()
        [delivery] = await deliveries(ana, webhook["id"])
        values = {"url": receiver.url(), "events": ["TRANSACTION_RECORDED"]}
        for refusal, unknown in [
            (await ben.refused("CreateWebhook", accountId=account, **values),
             await ben.refused("CreateWebhook", accountId=unknown_id("Account"), **values)),
            (await ben.refused("UpdateWebhook", id=webhook["id"], enabled=False),
             await ben.refused("UpdateWebhook", id=unknown_id("Webhook"), enabled=False)),
            (await ben.refused("DeleteWebhook", id=webhook["id"]),
             await ben.refused("DeleteWebhook", id=unknown_id("Webhook"))),
            (await ben.refused("RotateWebhookSecret", id=webhook["id"]),
             await ben.refused("RotateWebhookSecret", id=unknown_id("Webhook"))),
            (await ben.refused("RedeliverWebhookDelivery", id=delivery["id"]),
             await ben.refused("RedeliverWebhookDelivery", id=unknown_id("WebhookDelivery"))),
        ]:  # fmt: skip
            assert refusal == unknown
            assert refusal["code"] == "NOT_FOUND"
        assert (await log_of(ben, webhook["id"])) is None
        assert (await ben.query("Node", id=delivery["id"]))["node"] is None


class TestDelivery:
    async def test_a_recorded_expense_is_posted_signed_with_the_secret(
        self, ana: Member, receiver: Receiver, services: Services
    ) -> None:
        account, webhook, secret = await open_with_webhook(ana, receiver)
        entry = await spend(ana, account)
        Worker(services.webhook_deliveries)
        assert await services.scheduler.run_pass() >= 1  # the scheduler runs the worker
        [got] = receiver.received
        assert verify(secret, got.headers["envelopes-signature"], got.body, int(time.time()))
        assert not verify(
            secret, got.headers["envelopes-signature"], got.body + b" ", int(time.time())
        )
        body = json.loads(got.body)
        assert set(body) == {"id", "type", "createdAt", "accountId", "data"}
        assert body["type"] == got.headers["envelopes-event"] == "transaction.recorded"
        assert body["id"].startswith("evt_")
        assert body["accountId"] == raw_id(account)
        assert raw_id(entry["id"]) in json.dumps(body["data"])
        [delivery] = await deliveries(ana, webhook["id"])
        assert got.headers["envelopes-delivery"] == raw_id(delivery["id"])
        assert delivery["status"] == "DELIVERED"
        assert delivery["body"].encode() == got.body
        assert [a["statusCode"] for a in delivery["attempts"]] == [200]
        assert delivery["eventId"] == body["id"]
        assert got.headers["content-type"] == "application/json"

    async def test_events_a_webhook_did_not_choose_are_not_sent(
        self, ana: Member, receiver: Receiver, worker: Worker, mongo: Any
    ) -> None:
        account, _webhook, _ = await open_with_webhook(ana, receiver, ["IMPORT_FINISHED"])
        await spend(ana, account)
        assert mongo["webhook_deliveries"].count_documents({}) == 0
        assert await worker.run() == 0
        assert receiver.received == []

    async def test_a_webhook_turned_off_gets_nothing(
        self, ana: Member, receiver: Receiver, worker: Worker, mongo: Any
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await ana.do("UpdateWebhook", id=webhook["id"], enabled=False)
        await spend(ana, account)
        assert mongo["webhook_deliveries"].count_documents({}) == 0

    async def test_failures_are_retried_with_backoff_until_delivered(
        self, ana: Member, receiver: Receiver, worker: Worker, mongo: Any
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        receiver.statuses = [500, 503]
        assert await worker.run() == 1
        [delivery] = await deliveries(ana, webhook["id"])
        assert (delivery["status"], delivery["attemptsLeft"]) == ("PENDING", MAX_ATTEMPTS - 1)
        [failed] = delivery["attempts"]
        assert (failed["statusCode"], failed["error"]) == (500, "HTTP 500")
        first_wait = datetime.fromisoformat(delivery["nextAttemptAt"]) - worker.moment
        assert timedelta(seconds=24) <= first_wait <= timedelta(seconds=36)
        assert await worker.run() == 0  # not due yet
        assert await worker.run_at(datetime.fromisoformat(delivery["nextAttemptAt"])) == 1
        [delivery] = await deliveries(ana, webhook["id"])
        second_wait = datetime.fromisoformat(delivery["nextAttemptAt"]) - worker.moment
        assert timedelta(seconds=48) <= second_wait <= timedelta(seconds=72)
        assert await worker.run_at(datetime.fromisoformat(delivery["nextAttemptAt"])) == 1
        [delivery] = await deliveries(ana, webhook["id"])
        assert delivery["status"] == "DELIVERED"
        assert [a["statusCode"] for a in delivery["attempts"]] == [500, 503, 200]
        assert delivery["nextAttemptAt"] is None
        stored = mongo["webhook_deliveries"].find_one()
        assert stored["expires_at"] - stored["delivered_at"] == timedelta(days=30)
        assert len({r.headers["envelopes-delivery"] for r in receiver.received}) == 1
        assert len({r.body for r in receiver.received}) == 1
        hook = await log_of(ana, webhook["id"])
        assert hook["consecutiveFailures"] == 0

    async def test_a_redirect_is_a_failure_not_followed(
        self, ana: Member, receiver: Receiver, worker: Worker
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        receiver.statuses = [302]
        await worker.run()
        [delivery] = await deliveries(ana, webhook["id"])
        assert [a["error"] for a in delivery["attempts"]] == ["HTTP 302"]
        assert len(receiver.received) == 1

    async def test_an_unreachable_receiver_is_logged_as_an_error(
        self, ana: Member, receiver: Receiver, worker: Worker
    ) -> None:
        account = (await ana.open_account())["id"]
        with receiver_on_loopback() as gone:
            url = gone.url()
        created = await ana.do(
            "CreateWebhook", accountId=account, url=url, events=["TRANSACTION_RECORDED"]
        )
        await ana.do("RecordIncome", accountId=account, amount="5")
        await worker.run()
        [delivery] = await deliveries(ana, created["webhook"]["id"])
        [attempt] = delivery["attempts"]
        assert attempt["statusCode"] is None
        assert attempt["error"].startswith("Could not connect")

    async def test_a_name_is_called_at_an_address_checked_with_its_own_host_header(
        self, ana: Member, receiver: Receiver, worker: Worker
    ) -> None:
        """`localhost` resolves to ::1 and 127.0.0.1; the receiver listens on the second:
        the delivery tries the checked addresses in order and names the host it was given."""
        account = (await ana.open_account())["id"]
        url = receiver.url(host="localhost")
        await ana.do("CreateWebhook", accountId=account, url=url, events=["TRANSACTION_RECORDED"])
        await ana.do("RecordIncome", accountId=account, amount="5")
        assert await worker.run() == 1
        [got] = receiver.received
        assert got.headers["host"] == f"localhost:{receiver.port}"
        assert got.path == "/hook"

    async def test_after_its_last_attempt_the_webhook_is_disabled_with_an_alert(
        self, ana: Member, receiver: Receiver, worker: Worker, mongo: Any
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        receiver.statuses = [500] * MAX_ATTEMPTS
        await worker.run()
        for _ in range(MAX_ATTEMPTS - 1):
            [delivery] = await deliveries(ana, webhook["id"])
            assert await worker.run_at(datetime.fromisoformat(delivery["nextAttemptAt"])) == 1
        [delivery] = await deliveries(ana, webhook["id"])
        assert (delivery["status"], len(delivery["attempts"])) == ("FAILED", MAX_ATTEMPTS)
        total = worker.moment - datetime.fromisoformat(delivery["createdAt"])
        assert timedelta(hours=14) < total < timedelta(hours=26)
        hook = await log_of(ana, webhook["id"])
        assert hook["enabled"] is False
        assert hook["disabledReason"].endswith(f"failed {MAX_ATTEMPTS} times in a row.")
        assert hook["consecutiveFailures"] == MAX_ATTEMPTS
        assert mongo["accounts"].find_one()["webhook_kinds"] == []
        [alert] = mongo["alerts"].find({"kind": "webhook.disabled"}).to_list()
        assert alert["user_id"] == mongo["accounts"].find_one()["owner_id"]
        assert alert["data"]["webhookId"] == raw_id(webhook["id"])
        await spend(ana, account)  # now disabled: nothing more is queued
        assert mongo["webhook_deliveries"].count_documents({}) == 1

    async def test_pending_deliveries_of_a_webhook_turned_off_end_unsent(
        self, ana: Member, receiver: Receiver, worker: Worker
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        await ana.do("UpdateWebhook", id=webhook["id"], enabled=False)
        assert await worker.run() == 0
        [delivery] = await deliveries(ana, webhook["id"])
        assert (delivery["status"], delivery["nextAttemptAt"]) == ("FAILED", None)
        assert [a["error"] for a in delivery["attempts"]] == ["The webhook was turned off."]
        refused = await ana.refused("RedeliverWebhookDelivery", id=delivery["id"])
        assert (refused["code"], refused["message"]) == ("CONFLICT", "Enable the webhook first.")
        await ana.do("UpdateWebhook", id=webhook["id"], enabled=True)
        assert await worker.run() == 0  # turning it on again does not send what was dropped
        assert receiver.received == []

    async def test_a_delivery_claimed_before_the_webhook_was_turned_off_is_not_sent(
        self, ana: Member, receiver: Receiver, worker: Worker, mongo: Any
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        mongo["webhooks"].update_one({}, {"$set": {"enabled": False}})
        assert await worker.run() == 1
        [delivery] = await deliveries(ana, webhook["id"])
        assert delivery["status"] == "FAILED"
        assert delivery["attempts"][0]["error"] == "The webhook is disabled."
        assert receiver.received == []

    async def test_a_delivered_one_is_redelivered_on_request(
        self, ana: Member, receiver: Receiver, worker: Worker
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        await worker.run()
        [delivery] = await deliveries(ana, webhook["id"])
        again = (await ana.do("RedeliverWebhookDelivery", id=delivery["id"]))["delivery"]
        assert (again["status"], again["attemptsLeft"]) == ("PENDING", MAX_ATTEMPTS)
        refused = await ana.refused("RedeliverWebhookDelivery", id=delivery["id"])
        assert refused["code"] == "CONFLICT"  # still pending
        assert await worker.run() == 1
        assert len(receiver.received) == 2
        assert receiver.received[0].body == receiver.received[1].body

    async def test_two_workers_never_send_one_delivery_at_once(
        self, ana: Member, receiver: Receiver, services: Services, worker: Worker
    ) -> None:
        account, _, _ = await open_with_webhook(ana, receiver)
        for amount in ("1", "2", "3"):
            await spend(ana, account, amount)
        other = WebhookDeliveries(
            services.db, services.alerts.hub, services.webhook_deliveries.addresses
        )
        other.now = worker.deliveries.now
        worker.moment = utcnow()
        done = await asyncio.gather(worker.run(), other.run_due(date.today(), 50))  # noqa: DTZ011
        assert sum(done) == 3
        assert len(receiver.received) == 3
        assert len({r.headers["envelopes-delivery"] for r in receiver.received}) == 3

    async def test_an_address_refused_at_delivery_time_is_not_called(
        self, ana: Member, receiver: Receiver, worker: Worker
    ) -> None:
        """The name is checked again before each delivery (it may resolve elsewhere now)."""
        account, webhook, _ = await open_with_webhook(ana, receiver)
        await spend(ana, account)
        worker.deliveries.addresses = Addresses(allow_loopback=False)
        await worker.run()
        [delivery] = await deliveries(ana, webhook["id"])
        [attempt] = delivery["attempts"]
        assert attempt["statusCode"] is None
        assert attempt["error"].startswith("Refused: ")
        assert "loopback" in attempt["error"]
        assert receiver.received == []

    async def test_the_log_pages_newest_first(
        self, ana: Member, receiver: Receiver, worker: Worker
    ) -> None:
        account, webhook, _ = await open_with_webhook(ana, receiver)
        for amount in ("1", "2", "3"):
            await spend(ana, account, amount)
        first = (await log_of(ana, webhook["id"], first=2))["deliveries"]
        assert first["pageInfo"]["hasNextPage"] is True
        rest = await log_of(ana, webhook["id"], first=2, after=first["pageInfo"]["endCursor"])
        edges = first["edges"] + rest["deliveries"]["edges"]
        created = [edge["node"]["createdAt"] for edge in edges]
        assert len(created) == 3
        assert created == sorted(created, reverse=True)
        assert rest["deliveries"]["pageInfo"]["hasNextPage"] is False


class TestOutbox:
    async def test_an_event_published_again_is_not_queued_twice(
        self, ana: Member, receiver: Receiver, services: Services, mongo: Any
    ) -> None:
        """A resumed import job announces its end again: one delivery per webhook and event."""
        account, _, _ = await open_with_webhook(ana, receiver, ["IMPORT_FINISHED"])
        event = AccountEvent(
            account_id=ObjectId(raw_id(account)),
            kind=EventKind.IMPORT_FINISHED,
            data={"fileName": "bank.csv"},
            entry_ids=(),
            at=utcnow(),
            subject="job-1",
        )
        for _ in range(2):
            async with services.db.transaction() as tx:
                await WebhookOutbox().publish(tx.session, [event, event])
                await tx.commit()
        [row] = mongo["webhook_deliveries"].find().to_list()
        body = json.loads(row["body"])
        assert (body["type"], body["data"]) == ("import.finished", {"fileName": "bank.csv"})

    async def test_what_a_failed_change_queued_is_gone_with_it(
        self, ana: Member, receiver: Receiver, services: Services, mongo: Any
    ) -> None:
        account, _, _ = await open_with_webhook(ana, receiver, ["IMPORT_FAILED"])
        event = AccountEvent(
            ObjectId(raw_id(account)), EventKind.IMPORT_FAILED, {}, (), utcnow(), "job-2"
        )

        async def change_that_fails() -> None:
            async with services.db.transaction() as tx:
                await WebhookOutbox().publish(tx.session, [event])
                raise RuntimeError("the change failed after its events")

        with pytest.raises(RuntimeError):
            await change_that_fails()
        assert mongo["webhook_deliveries"].count_documents({}) == 0


def certificate(tmp: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server, client) TLS contexts of a self-signed certificate for `name`."""
    key, cert = tmp / f"{name}.key", tmp / f"{name}.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
         "-addext", f"subjectAltName=DNS:{name}"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert, key)
    return server, ssl.create_default_context(cafile=str(cert))


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl to make a certificate")
class TestHttps:
    """An https receiver is called at the address checked, and its certificate is verified
    against the URL's host name (sent as SNI), not the address."""

    async def deliver(
        self, ana: Member, services: Services, worker: Worker, tmp_path: Path, cert_for: str
    ) -> tuple[Receiver, Row]:
        server, client = certificate(tmp_path, cert_for)

        async def resolver(host: str, port: int) -> list[Address]:
            assert host == "hooks.test"
            return [ipaddress.ip_address("127.0.0.1")]

        addresses = Addresses(allow_loopback=True, resolver=resolver)
        services.webhooks.addresses = worker.deliveries.addresses = addresses
        worker.deliveries.verify = client
        with receiver_on_loopback(tls=server) as receiver:
            account = (await ana.open_account())["id"]
            created = await ana.do(
                "CreateWebhook",
                accountId=account,
                url=receiver.url(host="hooks.test"),
                events=["TRANSACTION_RECORDED"],
            )
            await ana.do("RecordIncome", accountId=account, amount="5")
            await worker.run()
        [delivery] = await deliveries(ana, created["webhook"]["id"])
        return receiver, delivery

    async def test_a_valid_certificate_for_the_name_delivers(
        self, ana: Member, services: Services, worker: Worker, tmp_path: Path
    ) -> None:
        receiver, delivery = await self.deliver(ana, services, worker, tmp_path, "hooks.test")
        assert delivery["status"] == "DELIVERED"
        [got] = receiver.received
        assert got.headers["host"] == f"hooks.test:{receiver.port}"

    async def test_a_certificate_for_another_name_is_refused(
        self, ana: Member, services: Services, worker: Worker, tmp_path: Path
    ) -> None:
        receiver, delivery = await self.deliver(ana, services, worker, tmp_path, "other.test")
        [attempt] = delivery["attempts"]
        assert attempt["statusCode"] is None
        assert "certificate" in attempt["error"].lower()
        assert receiver.received == []
