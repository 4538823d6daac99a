"""The GraphQL-over-HTTP specification on /graphql: the `graphql-http` package's audit suite
against a live API process, and each rule of `app.graphql.engine.http` over HTTP."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI

from app.graphql.engine.http import GraphQLHTTPEndpoint
from app.graphql.engine.persisted import document_hash
from tests.api_process import ROOT, ApiProcess, process_environment, start_api, stop
from tests.conftest import ApiFactory
from tests.graphql_client import REGISTER, GraphQLClient

GRAPHQL_RESPONSE = "application/graphql-response+json"
AUDIT_SCRIPT = ROOT / "tests" / "http_audit" / "audit.mjs"
AUDIT_PACKAGE = ROOT / "web" / "node_modules" / "graphql-http" / "package.json"
STRICT = {"Accept": GRAPHQL_RESPONSE}
LEGACY = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def live_api(mongo_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiProcess]:
    log = tmp_path_factory.mktemp("http-spec") / "api.log"
    api = start_api(process_environment(mongo_uri, "http_spec"), log)
    try:
        yield api
    finally:
        stop(api)


@pytest.mark.skipif(shutil.which("node") is None, reason="no Node.js on this machine")
def test_every_must_and_should_audit_of_graphql_http_passes(live_api: ApiProcess) -> None:
    assert AUDIT_PACKAGE.is_file(), "graphql-http is missing: npm ci in web/"
    run = subprocess.run(
        ["node", str(AUDIT_SCRIPT), f"{live_api.url}/graphql"],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    results: list[dict[str, Any]] = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(results) > 40
    failed = [
        f"{r['id']} {r['name']}: {r['reason']}"
        for r in results
        if r["status"] != "ok" and not r["name"].startswith("MAY")
    ]
    assert failed == [], "\n".join(failed)
    for r in results:  # MAYs may fail; shown with -s
        if r["status"] != "ok":
            print(f"{r['id']} {r['name']}: {r['reason']}")


async def post(http: httpx.AsyncClient, body: Any, **headers: str) -> httpx.Response:
    return await http.post("/graphql", json=body, headers=headers)


def media_type(reply: httpx.Response) -> str:
    return reply.headers["content-type"].split(";")[0].strip()


class TestContentNegotiation:
    @pytest.mark.parametrize(
        ("accept", "expected"),
        [
            (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
            ("application/json", "application/json"),
            ("*/*", "application/json"),
            ("application/*", "application/json"),
            (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
            (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
            (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        ],
    )
    async def test_the_answer_has_the_accepted_media_type(
        self, http: httpx.AsyncClient, accept: str, expected: str
    ) -> None:
        reply = await post(http, {"query": "{ __typename }"}, Accept=accept)
        assert reply.status_code == 200
        assert media_type(reply) == expected
        assert "charset=utf-8" in reply.headers["content-type"]
        assert reply.json()["data"] == {"__typename": "Query"}

    async def test_without_accept_the_answer_is_application_json(
        self, http: httpx.AsyncClient
    ) -> None:
        request = http.build_request("POST", "/graphql", json={"query": "{ __typename }"})
        del request.headers["accept"]
        reply = await http.send(request)
        assert reply.status_code == 200
        assert media_type(reply) == "application/json"

    async def test_an_unacceptable_media_type_is_406(self, http: httpx.AsyncClient) -> None:
        reply = await post(http, {"query": "{ __typename }"}, Accept="text/plain")
        assert reply.status_code == 406
        assert media_type(reply) == "application/json"
        assert reply.json()["errors"][0]["extensions"]["code"] == "NOT_ACCEPTABLE"


class TestRequestErrorsByMediaType:
    """Failures before execution: 400 without `data` under graphql-response+json, 200 with
    `data: null` under application/json; both with codes and `extensions.cost`."""

    CASES = [
        ({"query": "{"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": "query($id: ID!) { __typename }", "variables": {"id": None}}, None),
        ({"query": "query A { __typename }", "operationName": "B"}, None),
        ({"query": "query A { __typename } query B { __typename }"}, None),
    ]

    @pytest.mark.parametrize(("body", "code"), CASES)
    async def test_graphql_response_json_answers_400_without_data(
        self, http: httpx.AsyncClient, body: dict[str, Any], code: str | None
    ) -> None:
        reply = await post(http, body, **STRICT)
        assert reply.status_code == 400
        assert media_type(reply) == GRAPHQL_RESPONSE
        answer = reply.json()
        assert "data" not in answer
        assert answer["errors"]
        assert answer["extensions"]["cost"]["maximum"] == 5000
        if code:
            assert [e["extensions"]["code"] for e in answer["errors"]] == [code]

    @pytest.mark.parametrize(("body", "code"), CASES)
    async def test_application_json_answers_200_with_null_data(
        self, http: httpx.AsyncClient, body: dict[str, Any], code: str | None
    ) -> None:
        reply = await post(http, body, **LEGACY)
        assert reply.status_code == 200
        assert media_type(reply) == "application/json"
        answer = reply.json()
        assert answer["data"] is None
        assert answer["errors"]
        if code:
            assert [e["extensions"]["code"] for e in answer["errors"]] == [code]

    async def test_an_execution_error_is_200_with_data_in_both(
        self, http: httpx.AsyncClient
    ) -> None:
        for headers in (STRICT, LEGACY):
            reply = await post(http, {"query": "{ me { id } }"}, **headers)
            assert reply.status_code == 200
            answer = reply.json()
            assert "data" in answer
            assert [e["extensions"]["code"] for e in answer["errors"]] == ["UNAUTHENTICATED"]

    async def test_too_costly_is_a_request_error(self, make_api: ApiFactory) -> None:
        query = "{ me { sessions(first: 100) { edges { node { id } } } } }"
        async with make_api(max_query_cost=10) as (_, gql):
            strict = await post(gql.http, {"query": query}, **STRICT)
            legacy = await post(gql.http, {"query": query}, **LEGACY)
        assert strict.status_code == 400
        assert "data" not in strict.json()
        assert legacy.status_code == 200
        assert legacy.json()["data"] is None
        for reply in (strict, legacy):
            [error] = reply.json()["errors"]
            assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
            assert reply.json()["extensions"]["cost"]["requested"] > 10


class TestBadRequests:
    """Transport failures: a JSON body with `extensions.code`, never plain text."""

    async def failure(self, reply: httpx.Response, status: int, code: str) -> dict[str, Any]:
        assert reply.status_code == status, reply.text
        assert media_type(reply) in ("application/json", GRAPHQL_RESPONSE)
        answer: dict[str, Any] = reply.json()
        [error] = answer["errors"]
        assert error["extensions"]["code"] == code
        assert error["message"]
        assert "data" not in answer
        return answer

    async def test_bad_json_is_400(self, http: httpx.AsyncClient) -> None:
        reply = await http.post(
            "/graphql",
            content=b'{"query": "{ __typename }"',
            headers={"Content-Type": "application/json"},
        )
        await self.failure(reply, 400, "BAD_REQUEST")

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"qeury": "{ __typename }"},
            {"query": 7},
            {"query": None},
            {"query": "{ __typename }", "variables": "{}"},
            {"query": "{ __typename }", "variables": [1]},
            {"query": "{ __typename }", "extensions": "x"},
            {"query": "{ __typename }", "operationName": 3},
            [{"query": "{ __typename }"}],
            "query",
        ],
    )
    async def test_bad_parameters_are_400(self, http: httpx.AsyncClient, body: Any) -> None:
        for headers in (STRICT, LEGACY):
            await self.failure(await post(http, body, **headers), 400, "BAD_REQUEST")

    async def test_a_body_over_a_mebibyte_is_413_and_never_parsed(
        self, http: httpx.AsyncClient
    ) -> None:
        padding = " " * (1024 * 1024)
        reply = await http.post(
            "/graphql",
            content=b'{"query": "{ __typename }"' + padding.encode() + b"}",
            headers={"Content-Type": "application/json"},
        )
        await self.failure(reply, 413, "TOO_LARGE")
        fits = await http.post(
            "/graphql",
            content=b'{"query": "{ __typename }"' + padding[:-100].encode() + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert fits.json()["data"] == {"__typename": "Query"}

    async def test_an_empty_body_is_400(self, http: httpx.AsyncClient) -> None:
        reply = await http.post("/graphql", headers={"Content-Type": "application/json"})
        await self.failure(reply, 400, "BAD_REQUEST")

    @pytest.mark.parametrize(
        "content_type",
        [None, "text/plain", "application/graphql", "application/json; charset=latin-1"],
    )
    async def test_other_content_types_are_415(
        self, http: httpx.AsyncClient, content_type: str | None
    ) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        reply = await http.post("/graphql", content=b'{"query": "{ __typename }"}', headers=headers)
        await self.failure(reply, 415, "UNSUPPORTED_MEDIA_TYPE")

    @pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"'])
    async def test_a_utf8_charset_is_accepted(self, http: httpx.AsyncClient, charset: str) -> None:
        reply = await http.post(
            "/graphql",
            content='{"query": "{ __typename } # Run🏃"}'.encode(),
            headers={"Content-Type": f"application/json; charset={charset}"},
        )
        assert reply.json() == {
            "data": {"__typename": "Query"},
            "extensions": {"cost": {"requested": 0, "maximum": 5000}},
        }

    @pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
    async def test_other_methods_are_405(self, http: httpx.AsyncClient, method: str) -> None:
        reply = await http.request(method, "/graphql", json={"query": "{ __typename }"})
        await self.failure(reply, 405, "METHOD_NOT_ALLOWED")
        assert reply.headers["allow"] == "GET, POST"


class TestGet:
    async def get(self, http: httpx.AsyncClient, **params: str) -> httpx.Response:
        return await http.get(f"/graphql?{urlencode(params)}", headers=STRICT)

    async def test_a_query_runs_over_get(self, http: httpx.AsyncClient) -> None:
        reply = await self.get(
            http,
            query="query Q($n: String!) { __type(name: $n) { name } }",
            variables=json.dumps({"n": "Query"}),
            operationName="Q",
            extensions="{}",
        )
        assert reply.status_code == 200
        assert reply.json()["data"] == {"__type": {"name": "Query"}}

    async def test_a_mutation_over_get_is_405_and_changes_nothing(
        self, http: httpx.AsyncClient, gql: GraphQLClient
    ) -> None:
        variables = {
            "input": {"email": "get@example.com", "password": "x" * 20, "displayName": "G"}
        }
        reply = await self.get(http, query=REGISTER, variables=json.dumps(variables))
        assert reply.status_code == 405
        assert reply.headers["allow"] == "POST"
        assert reply.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
        registered = await gql.execute(REGISTER, variables)
        assert registered.data["register"]["userErrors"] == []

    async def test_a_query_named_among_mutations_runs_over_get(
        self, http: httpx.AsyncClient
    ) -> None:
        document = "query Q { __typename } mutation M { __typename }"
        assert (await self.get(http, query=document, operationName="Q")).status_code == 200
        assert (await self.get(http, query=document, operationName="M")).status_code == 405

    @pytest.mark.parametrize("variables", ["{", "[1]", '"x"'])
    async def test_bad_variables_in_the_url_are_400(
        self, http: httpx.AsyncClient, variables: str
    ) -> None:
        reply = await self.get(http, query="{ __typename }", variables=variables)
        assert reply.status_code == 400
        assert reply.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"

    async def test_a_get_without_query_is_400(self, http: httpx.AsyncClient) -> None:
        reply = await http.get("/graphql", headers=STRICT)
        assert reply.status_code == 400
        assert reply.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


class TestKeptBehaviour:
    async def test_a_subscription_over_http_is_refused_with_a_code(
        self, http: httpx.AsyncClient
    ) -> None:
        reply = await post(http, {"query": "subscription { alertRaised { id } }"}, **LEGACY)
        assert reply.status_code == 400
        [error] = reply.json()["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "WebSocket" in error["message"]

    async def test_a_repeated_document_is_prepared_once(self, make_api: ApiFactory) -> None:
        text = "query Once { __typename }"
        async with make_api() as (app, gql):
            endpoint = _endpoint(app)
            first = await gql.execute(text)
            prepared = endpoint.documents.get(text)
            second = await gql.execute(text)
            again = endpoint.documents.get(text)
        assert (
            first.body
            == second.body
            == {
                "data": {"__typename": "Query"},
                "extensions": {"cost": {"requested": 0, "maximum": 5000}},
            }
        )
        assert again is prepared
        assert prepared.operations[None].operation is not None


def _endpoint(app: FastAPI) -> GraphQLHTTPEndpoint:
    found = [getattr(route, "app", None) for route in app.router.routes]
    [endpoint] = [e for e in found if isinstance(e, GraphQLHTTPEndpoint)]
    return endpoint


def persisted(text: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": document_hash(text)}}


class TestPersistedOperations:
    """Apollo's automatic persisted queries and trusted documents, through the endpoint."""

    TEXT = "query Typename { __typename }"

    async def test_a_hash_is_learned_from_its_text_then_runs_alone(
        self, http: httpx.AsyncClient
    ) -> None:
        by_hash = {"extensions": persisted(self.TEXT)}
        missed = await post(http, by_hash, **STRICT)
        learned = await post(http, {"query": self.TEXT, **by_hash}, **STRICT)
        hashed = await post(http, by_hash, **STRICT)
        over_get = await http.get(
            f"/graphql?{urlencode({'extensions': json.dumps(persisted(self.TEXT))})}",
            headers=STRICT,
        )
        assert missed.status_code == 400
        assert missed.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        assert missed.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        for reply in (learned, hashed, over_get):
            assert reply.status_code == 200
            assert reply.json()["data"] == {"__typename": "Query"}

    async def test_a_text_that_is_not_its_hash_is_refused(self, http: httpx.AsyncClient) -> None:
        body = {"query": "{ __typename }", "extensions": persisted(self.TEXT)}
        reply = await post(http, body, **LEGACY)
        assert reply.status_code == 400
        assert reply.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"

    async def test_required_trusted_documents_run_only_the_manifest(
        self, make_api: ApiFactory, tmp_path: Path
    ) -> None:
        manifest = tmp_path / "persisted-documents.json"
        manifest.write_text(json.dumps({document_hash(self.TEXT): self.TEXT}))
        async with make_api(trusted_documents="required", trusted_documents_manifest=manifest) as (
            app,
            gql,
        ):
            by_hash = await post(gql.http, {"extensions": persisted(self.TEXT)}, **STRICT)
            by_text = await post(gql.http, {"query": self.TEXT}, **STRICT)
            other = await post(gql.http, {"query": "{ __typename }"}, **STRICT)
            prepared = _endpoint(app).documents._pinned
        assert by_hash.json()["data"] == by_text.json()["data"] == {"__typename": "Query"}
        assert other.status_code == 403
        assert other.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_TRUSTED"
        assert "data" not in other.json()
        assert list(prepared) == [self.TEXT]  # prepared once, kept for good
