"""Setting up through the API: the shipped operation documents, users and their accounts.

Everything a benchmark measures later is created here the way a client would create it
(register, openAccount with envelope names, recordIncome), so the stored documents are the
service's own. Only the million-entry history is written straight into MongoDB (`seed`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from bson import ObjectId

from app.graphql.relay import from_global_id
from bench.infra import ROOT

OPERATIONS = ROOT / "schema" / "operations"
PASSWORD = "bench passphrase 0123"  # noqa: S105 (a throwaway user of a throwaway database)


@cache
def operation(name: str) -> str:
    """The text of a shipped operation, e.g. `ledger/MoveMoney`."""
    return (OPERATIONS / f"{name}.graphql").read_text()


def raw_id(global_id: str) -> ObjectId:
    decoded = from_global_id(global_id)
    if decoded is None:
        raise ValueError(f"not a global id: {global_id}")
    return ObjectId(decoded[1])


class GraphQLError(RuntimeError):
    """A setup call did not succeed."""


class Api:
    """A plain GraphQL-over-HTTP client for setting up and for one-off checks."""

    def __init__(self, url: str) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=120)

    async def close(self) -> None:
        await self.http.aclose()

    async def call(self, name: str, variables: dict[str, Any], token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        payload = {"query": operation(name), "variables": variables}
        response = await self.http.post("/graphql", json=payload, headers=headers)
        answer = response.json()
        if response.status_code != 200 or answer.get("errors"):
            raise GraphQLError(f"{name}: {response.status_code} {answer}")
        data = answer["data"]
        for value in data.values():
            if isinstance(value, dict) and value.get("userErrors"):
                raise GraphQLError(f"{name}: {value['userErrors']}")
        return data

    async def register(self, email: str, name: str) -> tuple[str, ObjectId]:
        """(access token, user id) of a new user."""
        data = await self.call(
            "auth/Register", {"input": {"email": email, "password": PASSWORD, "displayName": name}}
        )
        return data["register"]["accessToken"], raw_id(data["register"]["user"]["id"])

    async def login(self, email: str) -> str:
        data = await self.call("auth/Login", {"input": {"email": email, "password": PASSWORD}})
        token: str = data["login"]["accessToken"]
        return token


@dataclass
class Household:
    """A user with one account: its ids as the API shows them and as stored."""

    token: str
    user_id: ObjectId
    account_gid: str
    envelope_gids: dict[str, str]  # name -> global id

    @property
    def account_id(self) -> ObjectId:
        return raw_id(self.account_gid)

    def envelope_id(self, name: str) -> ObjectId:
        return raw_id(self.envelope_gids[name])


async def open_household(
    api: Api, email: str, envelopes: list[str], account_type: str = "CHECKING",
    token_and_user: tuple[str, ObjectId] | None = None,
) -> Household:  # fmt: skip
    """Register (unless a user is given) and open an account with these envelopes."""
    token, user_id = token_and_user or await api.register(email, email.split("@")[0])
    opened = await api.call(
        "ledger/OpenAccount",
        {"input": {"name": f"{account_type.title()} of {email}", "type": account_type,
                   "currency": "EUR", "envelopeNames": envelopes}},
        token,
    )  # fmt: skip
    account = opened["openAccount"]["account"]
    gids = {e["name"]: e["id"] for e in account["envelopes"]}
    return Household(token, user_id, account["id"], gids)


async def fund(api: Api, household: Household, amount: str, into: dict[str, str]) -> None:
    """recordIncome of `amount`, with these allocations (envelope name -> amount)."""
    allocations = [{"envelopeId": household.envelope_gids[n], "amount": a} for n, a in into.items()]
    await api.call(
        "ledger/RecordIncome",
        {"input": {"accountId": household.account_gid, "amount": amount,
                   "allocations": allocations, "payee": "Bench"}},
        household.token,
    )  # fmt: skip


async def gather_limited(limit: int, jobs: list[Any]) -> list[Any]:
    """Await coroutines with at most `limit` at a time."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return await asyncio.gather(*(one(job) for job in jobs))
