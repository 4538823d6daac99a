"""Drive the ledger through its example operations (`schema/operations/**`), as a signed-in
user: the tests send exactly the documents a client would."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from tests.graphql_client import GraphQLClient, Response

OPERATIONS = Path(__file__).resolve().parents[1] / "schema" / "operations"


@cache
def operation(name: str) -> str:
    [path] = OPERATIONS.rglob(f"{name}.graphql")
    return path.read_text()


class Member:
    """One signed-in user of the ledger."""

    def __init__(self, gql: GraphQLClient, token: str, user: dict[str, Any]) -> None:
        self.gql = gql
        self.token = token
        self.user = user

    @classmethod
    async def register(cls, gql: GraphQLClient, email: str, name: str = "Test User") -> Member:
        payload = await gql.register(email, display_name=name)
        return cls(gql, payload["accessToken"], payload["user"])

    async def upload(
        self, content: bytes, name: str = "statement.csv", kind: str = "import"
    ) -> str:
        """Send a file to `POST /uploads`; its file id (the upload must be accepted)."""
        reply = await self.gql.http.post(
            "/uploads",
            params={"kind": kind, "name": name},
            content=content,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert reply.status_code == 201, reply.text
        file_id: str = reply.json()["fileId"]
        return file_id

    async def send(self, name: str, variables: dict[str, Any] | None = None) -> Response:
        return await self.gql.execute(operation(name), variables or {}, token=self.token)

    async def attempt(self, name: str, /, **input: Any) -> dict[str, Any]:
        """Run a mutation with `input`; return its payload, whatever its userErrors."""
        reply = await self.send(name, {"input": input})
        [payload] = reply.data.values()
        result: dict[str, Any] = payload
        return result

    async def do(self, name: str, /, **input: Any) -> dict[str, Any]:
        """Run a mutation that must succeed."""
        payload = await self.attempt(name, **input)
        assert payload["userErrors"] == [], payload
        return payload

    async def refused(self, name: str, /, **input: Any) -> dict[str, Any]:
        """Run a mutation that must fail; return its single user error."""
        payload = await self.attempt(name, **input)
        assert len(payload["userErrors"]) == 1, payload
        error: dict[str, Any] = payload["userErrors"][0]
        return error

    async def query(self, name: str, /, **variables: Any) -> dict[str, Any]:
        data = (await self.send(name, variables)).data
        return data

    async def open_account(self, **input: Any) -> dict[str, Any]:
        values = {"name": "Checking", "type": "CHECKING", "currency": "EUR", **input}
        account: dict[str, Any] = (await self.do("OpenAccount", **values))["account"]
        return account

    async def account(self, account_id: str) -> dict[str, Any]:
        account: dict[str, Any] = (await self.query("Account", id=account_id))["account"]
        return account

    async def envelope_ids(self, account_id: str) -> dict[str, str]:
        """Envelope name → id, archived ones included."""
        account = await self.account(account_id)
        return {e["name"]: e["id"] for e in account["envelopes"]}

    async def balances(self, account_id: str) -> dict[str, str]:
        """Envelope name → balance amount, plus the account balance under "*"."""
        account = await self.account(account_id)
        found = {e["name"]: e["balance"]["amount"] for e in account["envelopes"]}
        return {**found, "*": account["balance"]["amount"]}
