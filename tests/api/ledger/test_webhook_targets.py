"""Webhook targets with the default settings (loopback not allowed): every non-public
address is refused with URL_REFUSED, at creation and when the URL is changed, whether
written as an address or as a name that resolves to one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from app.services.webhooks.addresses import Addresses
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member
from tests.webhook_receiver import Receiver, receiver_on_loopback

REFUSED = [
    "http://127.0.0.1:{port}/hook",
    "http://127.8.9.10/hook",
    "http://[::1]:{port}/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://localhost:{port}/hook",  # a name that resolves to loopback
    "https://10.0.0.8/hook",
    "http://192.168.1.1/hook",
    "http://172.16.5.4/hook",
    "http://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "http://[fe80::1]/hook",
    "http://0.0.0.0:{port}/hook",
    "http://100.64.0.1/hook",
    "http://224.0.0.1/hook",
]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_on_loopback() as found:
        yield found


@pytest.mark.parametrize("template", REFUSED)
async def test_non_public_targets_are_refused(
    ana: Member, receiver: Receiver, template: str, mongo: Any
) -> None:
    account = (await ana.open_account())["id"]
    url = template.format(port=receiver.port)
    error = await ana.refused(
        "CreateWebhook", accountId=account, url=url, events=["TRANSACTION_RECORDED"]
    )
    assert (error["code"], error["field"]) == ("URL_REFUSED", ["url"])
    assert "public addresses only" in error["message"]
    assert mongo["webhooks"].count_documents({}) == 0


async def test_a_name_that_does_not_resolve_is_refused(ana: Member) -> None:
    account = (await ana.open_account())["id"]
    error = await ana.refused(
        "CreateWebhook",
        accountId=account,
        url="https://no-such-host.invalid/hook",
        events=["TRANSACTION_RECORDED"],
    )
    assert error["code"] == "URL_REFUSED"
    assert "does not resolve" in error["message"]


async def test_changing_the_url_to_a_refused_one_is_refused(
    ana: Member, receiver: Receiver, api: tuple[FastAPI, GraphQLClient]
) -> None:
    """The webhook was made while loopback was allowed (as if the setting changed since)."""
    webhooks = api[0].state.services.webhooks
    account = (await ana.open_account())["id"]
    webhooks.addresses = Addresses(allow_loopback=True)
    created = await ana.do(
        "CreateWebhook", accountId=account, url=receiver.url(), events=["BALANCE_LOW"]
    )
    webhooks.addresses = Addresses(allow_loopback=False)
    webhook = created["webhook"]["id"]
    error = await ana.refused("UpdateWebhook", id=webhook, url=receiver.url(host="localhost"))
    assert (error["code"], error["field"]) == ("URL_REFUSED", ["url"])
    listed = (await ana.query("AccountWebhooks", id=account))["account"]["webhooks"]
    assert [w["url"] for w in listed] == [receiver.url()]
