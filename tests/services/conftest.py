"""Use cases called directly, without HTTP or GraphQL, against the real replica set: the seam
every later feature (budgeting, imports, live alerts) builds on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from app.core.settings import Settings
from app.core.viewer import ClientInfo, Viewer
from app.persistence.mongo import Database
from app.services.container import Services

SignUp = Callable[[str], Awaitable[Viewer]]


@pytest.fixture
async def services(settings: Settings) -> AsyncIterator[Services]:
    db = Database(settings)
    await db.connect()
    try:
        yield Services.build(settings, db)
    finally:
        await db.close()


@pytest.fixture
def sign_up(services: Services) -> SignUp:
    """A new user, signed in: the viewer their requests would carry."""

    async def sign_up(email: str) -> Viewer:
        signed_in = await services.auth.register(email, "a long passphrase", "Test", ClientInfo())
        return services.auth.claimed(signed_in.access_token)

    return sign_up


@pytest.fixture
async def ana(sign_up: SignUp) -> Viewer:
    return await sign_up("ana@example.com")


def balances(mongo: Any, account_id: object) -> dict[str, int]:
    """The stored balance of every envelope of an account, by name, and of the account."""
    account = mongo.accounts.find_one({"_id": account_id})
    found = {e["name"]: e["balance"] for e in account["envelopes"] if not e["deleted"]}
    return {**found, "(account)": account["balance"]}
