"""Persisted operations over HTTP: Apollo's automatic persisted queries (the default) and
trusted documents (a real API process with ENVELOPES_TRUSTED_DOCUMENTS=required)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.graphql.engine.persisted import document_hash
from tests.api_process import ApiProcess, process_environment, start_api, stop
from tests.graphql_client import PASSWORD, GraphQLClient
from tests.live_client import live_socket

ROOT = Path(__file__).resolve().parents[2]
MANIFEST: dict[str, str] = json.loads(
    (ROOT / "web" / "src" / "gql" / "persisted-documents.json").read_text()
)
GRAPHQL_RESPONSE = "application/graphql-response+json"
TYPENAME = "query Probe { __typename }"


def manifest_entry(name: str) -> tuple[str, str]:
    """The web app's operation `name` in the build's manifest: (hash, text)."""
    pattern = re.compile(rf"\b(query|mutation|subscription) {name}\b")
    [entry] = [(key, text) for key, text in MANIFEST.items() if pattern.search(text)]
    return entry


def by_hash(key: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": key}}


async def post(
    http: httpx.AsyncClient,
    query: str | None = None,
    extensions: dict[str, Any] | None = None,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"variables": variables or {}}
    if query is not None:
        body["query"] = query
    if extensions is not None:
        body["extensions"] = extensions
    headers = {"Accept": GRAPHQL_RESPONSE}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return await http.post("/graphql", json=body, headers=headers)


def codes(reply: httpx.Response) -> list[str]:
    return [error["extensions"]["code"] for error in reply.json().get("errors", [])]


def sign_up_variables(email: str) -> dict[str, Any]:
    return {"input": {"email": email, "password": PASSWORD, "displayName": "Ana"}}


async def sign_up(http: httpx.AsyncClient, email: str) -> dict[str, Any]:
    key, _ = manifest_entry("WebSignUp")
    reply = await post(http, extensions=by_hash(key), variables=sign_up_variables(email))
    payload: dict[str, Any] = reply.json()["data"]["register"]
    assert payload["userErrors"] == [], payload
    return payload


async def signs_in(http: httpx.AsyncClient, email: str) -> bool:
    key, _ = manifest_entry("WebSignIn")
    variables = {"input": {"email": email, "password": PASSWORD}}
    reply = await post(http, extensions=by_hash(key), variables=variables)
    return reply.json()["data"]["login"]["accessToken"] is not None


class TestAutomaticPersistedQueries:
    async def test_a_miss_then_the_full_document_then_the_hash_alone(
        self, gql: GraphQLClient
    ) -> None:
        query = f"query Probe{uuid.uuid4().hex} {{ __typename }}"
        key = document_hash(query)

        miss = await post(gql.http, extensions=by_hash(key))
        registered = await post(gql.http, query, by_hash(key))
        hit = await post(gql.http, extensions=by_hash(key))

        assert miss.status_code == 400
        assert "data" not in miss.json()
        [error] = miss.json()["errors"]
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        assert registered.json()["data"] == {"__typename": "Query"}
        assert hit.status_code == 200
        assert hit.json()["data"] == {"__typename": "Query"}

    async def test_a_document_that_does_not_have_the_hash_is_refused_and_does_not_run(
        self, gql: GraphQLClient
    ) -> None:
        _, sign_up_text = manifest_entry("WebSignUp")
        wrong = document_hash("query Something { __typename }")
        variables = sign_up_variables("ana@example.com")

        reply = await post(gql.http, sign_up_text, by_hash(wrong), variables)

        assert reply.status_code == 400
        assert codes(reply) == ["PERSISTED_QUERY_HASH_MISMATCH"]
        assert not await signs_in(gql.http, "ana@example.com")
        # …and the hash stays unknown: the mismatch taught the API nothing.
        assert codes(await post(gql.http, extensions=by_hash(wrong))) == [
            "PERSISTED_QUERY_NOT_FOUND"
        ]

    async def test_another_protocol_version_is_refused(self, gql: GraphQLClient) -> None:
        extensions = {"persistedQuery": {"version": 2, "sha256Hash": document_hash(TYPENAME)}}
        reply = await post(gql.http, TYPENAME, extensions)
        assert reply.status_code == 400
        assert codes(reply) == ["PERSISTED_QUERY_VERSION_UNSUPPORTED"]

    async def test_the_web_apps_operations_run_by_hash_without_registering(
        self, gql: GraphQLClient
    ) -> None:
        signed_up = await sign_up(gql.http, "ana@example.com")
        key, _ = manifest_entry("Viewer")
        reply = await post(gql.http, extensions=by_hash(key), token=signed_up["accessToken"])
        assert reply.json()["data"]["me"]["email"] == "ana@example.com"

    async def test_documents_sent_as_text_still_run(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(TYPENAME)
        assert reply.data == {"__typename": "Query"}


@pytest.fixture(scope="module")
def trusted_api(
    mongo_uri: str, database_name: str, sync_client: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiProcess]:
    """An API process that runs only trusted documents: the web app's manifest, and the
    example operations of schema/operations/ allowed by the operator."""
    name = f"{database_name}_trusted"
    log = tmp_path_factory.mktemp("trusted") / "api.log"
    environment = process_environment(
        mongo_uri,
        name,
        TRUSTED_DOCUMENTS="required",
        TRUSTED_DOCUMENTS_EXTRA=str(ROOT / "schema" / "operations"),
    )
    api = start_api(environment, log)
    try:
        yield api
    finally:
        stop(api)
        sync_client.drop_database(name)


@pytest.fixture
async def trusted(trusted_api: ApiProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=trusted_api.url, timeout=60) as http:
        yield http


def email() -> str:
    return f"ana-{uuid.uuid4().hex[:8]}@example.com"


class TestTrustedDocuments:
    async def test_the_web_apps_operations_run_by_hash(self, trusted: httpx.AsyncClient) -> None:
        address = email()
        signed_up = await sign_up(trusted, address)
        key, _ = manifest_entry("Viewer")
        reply = await post(trusted, extensions=by_hash(key), token=signed_up["accessToken"])
        assert reply.json()["data"]["me"]["email"] == address

    async def test_a_manifest_document_sent_as_its_text_runs(
        self, trusted: httpx.AsyncClient
    ) -> None:
        _, text = manifest_entry("WebSignUp")
        address = email()
        reply = await post(trusted, text, variables=sign_up_variables(address))
        assert reply.json()["data"]["register"]["userErrors"] == []
        assert await signs_in(trusted, address)

    async def test_any_other_document_is_refused_and_nothing_runs(
        self, trusted: httpx.AsyncClient
    ) -> None:
        _, text = manifest_entry("WebSignUp")
        address = email()
        edited = text.replace("__typename accessToken", "accessToken", 1)

        reply = await post(trusted, edited, variables=sign_up_variables(address))

        assert reply.status_code == 403
        assert codes(reply) == ["OPERATION_NOT_TRUSTED"]
        assert "data" not in reply.json()
        assert not await signs_in(trusted, address)

    async def test_apq_registration_is_refused(self, trusted: httpx.AsyncClient) -> None:
        key = document_hash(TYPENAME)
        registering = await post(trusted, TYPENAME, by_hash(key))
        by_hash_only = await post(trusted, extensions=by_hash(key))
        assert codes(registering) == ["OPERATION_NOT_TRUSTED"]
        assert codes(by_hash_only) == ["OPERATION_NOT_TRUSTED"]

    async def test_the_operators_allowed_documents_run(self, trusted: httpx.AsyncClient) -> None:
        signed_up = await sign_up(trusted, email())
        text = (ROOT / "schema" / "operations" / "Node.graphql").read_text()
        user_id = signed_up["user"]["id"]
        reply = await post(trusted, text, variables={"id": user_id}, token=signed_up["accessToken"])
        assert reply.json()["data"]["node"]["id"] == user_id

    async def test_graphiql_is_off(self, trusted: httpx.AsyncClient) -> None:
        page = await trusted.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code >= 400
        assert "graphiql" not in page.text.lower()

    async def test_only_trusted_subscriptions_run_on_the_socket(
        self, trusted: httpx.AsyncClient, trusted_api: ApiProcess
    ) -> None:
        signed_up = await sign_up(trusted, email())
        _, text = manifest_entry("AlertBellRaised")
        untrusted = text.replace("__typename createdAt", "createdAt")
        async with live_socket(trusted_api.url, signed_up["accessToken"]) as socket:
            refused = await socket.subscribe_document(untrusted)
            message = await socket.message(refused)
        assert message["type"] == "error"
        assert [error["extensions"]["code"] for error in message["payload"]] == [
            "OPERATION_NOT_TRUSTED"
        ]
