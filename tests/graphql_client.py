"""A small GraphQL-over-HTTP client for the tests, on top of httpx."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "correct horse battery"


@dataclass
class Response:
    status: int
    body: dict[str, Any]
    headers: httpx.Headers

    @property
    def data(self) -> dict[str, Any]:
        assert "errors" not in self.body, self.body
        data: dict[str, Any] = self.body["data"]
        return data

    @property
    def errors(self) -> list[dict[str, Any]]:
        errors: list[dict[str, Any]] = self.body.get("errors", [])
        return errors

    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        operation_name: str | None = None,
    ) -> Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        reply = await self.http.post("/graphql", json=payload, headers=headers)
        return Response(reply.status_code, reply.json(), reply.headers)

    async def register(
        self, email: str, password: str = PASSWORD, display_name: str = "Test User"
    ) -> dict[str, Any]:
        reply = await self.execute(
            REGISTER, {"input": {"email": email, "password": password, "displayName": display_name}}
        )
        payload: dict[str, Any] = reply.data["register"]
        assert payload["userErrors"] == [], payload
        return payload

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        reply = await self.execute(LOGIN, {"input": {"email": email, "password": password}})
        payload: dict[str, Any] = reply.data["login"]
        return payload


AUTH_FIELDS = """
  accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt
  user { id email displayName avatarColor }
  userErrors { field message code }
"""
REGISTER = f"mutation($input: RegisterInput!) {{ register(input: $input) {{ {AUTH_FIELDS} }} }}"
LOGIN = f"mutation($input: LoginInput!) {{ login(input: $input) {{ {AUTH_FIELDS} }} }}"
REFRESH = (
    f"mutation($input: RefreshTokenInput!) {{ refreshToken(input: $input) {{ {AUTH_FIELDS} }} }}"
)
LOGOUT = """
mutation($input: LogoutInput!) { logout(input: $input) { ok userErrors { field message code } } }
"""
CHANGE_PASSWORD = """
mutation($input: ChangePasswordInput!) {
  changePassword(input: $input) {
    signedOutSessions user { id email } userErrors { field message code }
  }
}"""
ME = "query { me { id email displayName avatarColor createdAt } }"
