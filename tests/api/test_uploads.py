"""`POST /uploads`: a file sent before the mutation that works on it (an import, a restore).
The bytes land in GridFS in the test's real MongoDB; only their sender can use the id."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.core.errors import NotFoundError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.graphql.relay import decode_id
from tests.conftest import ApiFactory
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member


async def post(
    http: httpx.AsyncClient, token: str | None, body: bytes, **params: Any
) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return await http.post("/uploads", params=params, content=body, headers=headers)


class TestUploads:
    async def test_a_file_is_stored_whole_for_its_sender(
        self, gql: GraphQLClient, mongo: Any
    ) -> None:
        ana = await Member.register(gql, "ana@example.com", "Ana")
        body = bytes(range(256)) * 4000  # 1 MB: several GridFS chunks
        reply = await post(gql.http, ana.token, body, kind="import", name="März Auszug.csv")
        assert reply.status_code == 201
        answer = reply.json()
        assert (answer["name"], answer["size"]) == ("März Auszug.csv", len(body))
        stored = mongo["uploads.files"].find_one({"_id": ObjectId(answer["fileId"])})
        assert stored["length"] == len(body)
        chunks = mongo["uploads.chunks"].find({"files_id": stored["_id"]}).sort("n", 1)
        assert b"".join(c["data"] for c in chunks) == body

    async def test_without_a_token_nothing_is_stored(self, gql: GraphQLClient, mongo: Any) -> None:
        reply = await post(gql.http, None, b"date,amount\n")
        assert reply.status_code == 401
        assert reply.json()["code"] == "UNAUTHENTICATED"
        assert mongo["uploads.files"].count_documents({}) == 0

    async def test_an_unknown_kind_is_refused(self, gql: GraphQLClient) -> None:
        ana = await Member.register(gql, "ana@example.com", "Ana")
        reply = await post(gql.http, ana.token, b"x", kind="photo")
        assert (reply.status_code, reply.json()["code"]) == (400, "VALIDATION")


class TestLimits:
    @pytest.fixture
    async def small(self, make_api: ApiFactory) -> Any:
        async with make_api(upload_max_bytes=4096) as (app, gql):
            yield app, gql

    async def test_a_file_over_the_limit_is_refused_and_nothing_kept(
        self, small: Any, mongo: Any
    ) -> None:
        _app, gql = small
        ana = await Member.register(gql, "ana@example.com", "Ana")
        reply = await post(gql.http, ana.token, b"x" * 5000)
        assert reply.status_code == 413
        assert reply.json() == {
            "code": "TOO_LARGE",
            "message": "The file is larger than the 0.00390625 MiB allowed.",
        }
        assert mongo["uploads.files"].count_documents({}) == 0
        assert mongo["uploads.chunks"].count_documents({}) == 0

    async def test_a_streamed_body_past_the_limit_is_cut_off_and_removed(
        self, small: Any, mongo: Any
    ) -> None:
        _app, gql = small

        async def body() -> Any:  # no Content-Length: the limit is found while storing
            for _ in range(20):
                yield b"y" * 1000

        ana = await Member.register(gql, "ana@example.com", "Ana")
        reply = await gql.http.post(
            "/uploads", content=body(), headers={"Authorization": f"Bearer {ana.token}"}
        )
        assert (reply.status_code, reply.json()["code"]) == (413, "TOO_LARGE")
        assert mongo["uploads.files"].count_documents({}) == 0
        assert mongo["uploads.chunks"].count_documents({}) == 0

    async def test_the_backup_limit_is_its_own(self, small: Any) -> None:
        _app, gql = small
        ana = await Member.register(gql, "ana@example.com", "Ana")
        reply = await post(gql.http, ana.token, b"z" * 5000, kind="backup")
        assert reply.status_code == 201


class TestOwnership:
    async def test_another_users_file_reads_as_missing(
        self, api: tuple[Any, GraphQLClient]
    ) -> None:
        app, gql = api
        ana = await Member.register(gql, "ana@example.com", "Ana")
        ben = await Member.register(gql, "ben@example.com", "Ben")
        file_id = ObjectId(await ana.upload(b"date,amount\n2026-01-02,-3.50\n"))
        uploads = app.state.services.uploads
        found = await uploads.find(
            Viewer(decode_id(ana.user["id"], "User", "id"), ObjectId()), file_id
        )
        assert (found.name, found.size) == ("statement.csv", 29)
        assert await uploads.read(found) == b"date,amount\n2026-01-02,-3.50\n"
        with pytest.raises(NotFoundError):
            await uploads.find(Viewer(decode_id(ben.user["id"], "User", "id"), ObjectId()), file_id)
