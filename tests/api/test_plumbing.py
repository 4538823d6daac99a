import logging
from typing import Any

import httpx
import pytest

from app.graphql.relay import to_global_id
from app.services.auth import AuthService
from tests.conftest import ApiFactory
from tests.graphql_client import ME, GraphQLClient


class TestErrorMasking:
    async def test_an_unexpected_exception_is_masked_and_logged_with_the_request_id(
        self,
        gql: GraphQLClient,
        monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        signed_up = await gql.register("ana@example.com")

        async def broken(self: AuthService, viewer: Any) -> Any:
            raise RuntimeError("database password is hunter2")

        monkeypatch.setattr(AuthService, "current_user", broken)
        with caplog.at_level(logging.ERROR, logger="envelopes.graphql"):
            reply = await gql.execute(ME, token=signed_up["accessToken"])
        [error] = reply.errors
        assert error["message"] == "Unexpected error"
        assert error["extensions"]["code"] == "INTERNAL"
        request_id = reply.headers["x-request-id"]
        assert error["extensions"]["requestId"] == request_id
        assert "hunter2" not in str(reply.body)
        [record] = [r for r in caplog.records if r.name == "envelopes.graphql"]
        assert record.exc_info is not None
        assert "hunter2" in str(record.exc_info[1])
        assert record.request_id == request_id

    async def test_a_client_request_id_is_kept(self, http: httpx.AsyncClient) -> None:
        reply = await http.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"X-Request-ID": "client-req-0042"}
        )
        assert reply.headers["x-request-id"] == "client-req-0042"

    async def test_a_malformed_request_id_is_replaced(self, http: httpx.AsyncClient) -> None:
        reply = await http.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
        assert reply.headers["x-request-id"] != "bad id\twith spaces"
        assert len(reply.headers["x-request-id"]) == 32

    async def test_syntax_and_validation_errors_carry_codes(self, gql: GraphQLClient) -> None:
        assert (await gql.execute("{ me { id ")).error_codes() == ["GRAPHQL_PARSE_FAILED"]
        assert (await gql.execute("{ nope }")).error_codes() == ["GRAPHQL_VALIDATION_FAILED"]


class TestLimits:
    async def test_a_query_deeper_than_the_limit_is_refused_before_execution(
        self, make_api: ApiFactory
    ) -> None:
        async with make_api(max_query_depth=3) as (_, gql):
            reply = await gql.execute("{ me { sessions { edges { node { id } } } } }")
        assert reply.body["data"] is None
        [error] = reply.errors
        assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
        assert "exceeds the maximum of 3" in error["message"]

    async def test_the_default_depth_allows_real_queries(self, gql: GraphQLClient) -> None:
        signed_up = await gql.register("ana@example.com")
        reply = await gql.execute(
            "{ me { sessions { edges { node { id } } } } }", token=signed_up["accessToken"]
        )
        assert len(reply.data["me"]["sessions"]["edges"]) == 1

    async def test_too_many_aliases_are_refused(self, gql: GraphQLClient) -> None:
        query = "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"
        reply = await gql.execute(query)
        assert reply.error_codes() == ["TOO_MANY_ALIASES"]
        assert "16 aliases" in reply.errors[0]["message"]

    async def test_aliases_within_the_limit_are_fine(self, gql: GraphQLClient) -> None:
        query = "{ " + " ".join(f"a{i}: __typename" for i in range(15)) + " }"
        assert (await gql.execute(query)).data["a14"] == "Query"

    async def test_an_oversized_document_is_refused_by_the_token_limit(
        self, gql: GraphQLClient
    ) -> None:
        query = "{ " + " ".join("__typename" for _ in range(2500)) + " }"
        reply = await gql.execute(query)
        assert reply.error_codes() == ["GRAPHQL_PARSE_FAILED"]
        assert "tokens" in reply.errors[0]["message"]


class TestNodes:
    async def test_node_returns_the_viewer_by_global_id(self, gql: GraphQLClient) -> None:
        signed_up = await gql.register("ana@example.com")
        user_id = signed_up["user"]["id"]
        reply = await gql.execute(
            "query($id: ID!) { node(id: $id) { __typename id ... on User { email } } }",
            {"id": user_id},
            token=signed_up["accessToken"],
        )
        assert reply.data["node"] == {
            "__typename": "User",
            "id": user_id,
            "email": "ana@example.com",
        }

    async def test_another_user_and_a_made_up_id_look_the_same(self, gql: GraphQLClient) -> None:
        ana = await gql.register("ana@example.com")
        bob = await gql.register("bob@example.com")
        made_up = to_global_id("User", "65f0000000000000000000aa")
        reply = await gql.execute(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            {"ids": [bob["user"]["id"], made_up, "garbage", to_global_id("Nope", "1")]},
            token=ana["accessToken"],
        )
        assert reply.data["nodes"] == [None, None, None, None]

    async def test_node_needs_a_signed_in_caller(self, gql: GraphQLClient) -> None:
        reply = await gql.execute('{ node(id: "x") { id } }')
        assert reply.error_codes() == ["UNAUTHENTICATED"]

    async def test_more_than_a_hundred_ids_are_refused(self, gql: GraphQLClient) -> None:
        ana = await gql.register("ana@example.com")
        reply = await gql.execute(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            {"ids": ["x"] * 101},
            token=ana["accessToken"],
        )
        assert reply.error_codes() == ["VALIDATION"]


SESSIONS = """
query($first: Int, $after: String, $last: Int, $before: String) {
  me { sessions(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id current } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  } }
}"""


class TestSessionsConnection:
    async def walk(self, gql: GraphQLClient, token: str, forward: bool) -> list[str]:
        seen: list[str] = []
        cursor: str | None = None
        while True:
            variables = {"first": 2, "after": cursor} if forward else {"last": 2, "before": cursor}
            page = (await gql.execute(SESSIONS, variables, token=token)).data["me"]["sessions"]
            ids = [edge["node"]["id"] for edge in page["edges"]]
            seen.extend(ids if forward else reversed(ids))
            info = page["pageInfo"]
            if not (info["hasNextPage"] if forward else info["hasPreviousPage"]):
                return seen
            cursor = info["endCursor"] if forward else info["startCursor"]

    async def test_paging_both_ways_sees_every_login_once(self, gql: GraphQLClient) -> None:
        first = await gql.register("ana@example.com")
        for _ in range(4):
            await gql.login("ana@example.com")
        forward = await self.walk(gql, first["accessToken"], forward=True)
        backward = await self.walk(gql, first["accessToken"], forward=False)
        assert len(forward) == len(set(forward)) == 5
        assert backward == list(reversed(forward))

    async def test_the_current_login_is_marked(self, gql: GraphQLClient) -> None:
        first = await gql.register("ana@example.com")
        await gql.login("ana@example.com")
        page = (await gql.execute(SESSIONS, {"first": 10}, token=first["accessToken"])).data
        flags = [edge["node"]["current"] for edge in page["me"]["sessions"]["edges"]]
        assert flags == [False, True]  # newest first; the first login is the caller

    async def test_a_page_larger_than_a_hundred_is_refused(self, gql: GraphQLClient) -> None:
        first = await gql.register("ana@example.com")
        reply = await gql.execute(SESSIONS, {"first": 101}, token=first["accessToken"])
        [error] = reply.errors
        assert error["extensions"] == {"code": "VALIDATION", "field": ["first"]}

    async def test_a_forged_cursor_is_a_validation_error(self, gql: GraphQLClient) -> None:
        first = await gql.register("ana@example.com")
        reply = await gql.execute(
            SESSIONS, {"first": 1, "after": "not-a-cursor"}, token=first["accessToken"]
        )
        assert reply.error_codes() == ["VALIDATION"]


class TestProductionMode:
    async def test_introspection_and_the_playground_are_off(self, make_api: ApiFactory) -> None:
        async with make_api(production=True) as (_, gql):
            reply = await gql.execute("{ __schema { queryType { name } } }")
            page = await gql.http.get("/graphql", headers={"Accept": "text/html"})
            asset = await gql.http.get("/playground/init.js")
            still_works = await gql.execute("{ __typename }")
        assert set(reply.error_codes()) == {"GRAPHQL_VALIDATION_FAILED"}
        assert "introspection" in reply.errors[0]["message"].lower()
        assert reply.body["data"] is None
        assert page.status_code in (404, 405)
        assert asset.status_code == 404
        assert still_works.data == {"__typename": "Query"}
