from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pymongo import MongoClient

from app.core.settings import Settings
from app.main import create_app
from tests.graphql_client import GraphQLClient
from tests.mongo_server import replica_set

TEST_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
CLIENT_IP = "198.51.100.7"


@pytest.fixture(scope="session")
def mongo_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with replica_set(tmp_path_factory.mktemp("mongo")) as uri:
        yield uri


@pytest.fixture(scope="session")
def database_name() -> str:
    return f"envelopes_test_{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="session")
def sync_client(mongo_uri: str) -> Iterator[MongoClient[dict[str, Any]]]:
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_uri, tz_aware=True)
    yield client
    client.close()


@pytest.fixture
def mongo(sync_client: MongoClient[dict[str, Any]], database_name: str) -> Iterator[Any]:
    """The test database, emptied after each test (indexes are kept)."""
    db = sync_client[database_name]
    yield db
    for name in db.list_collection_names():
        db[name].delete_many({})


@pytest.fixture(scope="session", autouse=True)
def _drop_test_database(
    sync_client: MongoClient[dict[str, Any]], database_name: str
) -> Iterator[None]:
    yield
    sync_client.drop_database(database_name)


@pytest.fixture
def settings(mongo_uri: str, database_name: str, mongo: Any) -> Settings:
    return make_settings(mongo_uri, database_name)


def make_settings(mongo_uri: str, database_name: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "mongodb_uri": mongo_uri,
        "mongodb_database": database_name,
        "jwt_secret": TEST_SECRET,
        # Cheap argon2id parameters: the tests hash many passwords.
        "password_hash_time_cost": 1,
        "password_hash_memory_kib": 1024,
        "password_hash_parallelism": 1,
        "log_format": "text",
        # The suite fires thousands of requests from one IP in seconds; the rate-limit
        # tests turn it on with small limits.
        "rate_limit_enabled": False,
        # The scheduler's loop stays off; the scheduling tests turn it on or run its passes.
        "scheduler_enabled": False,
        # Under the concurrency test's contention a request can take over 10 s on a small
        # shared machine; the timeout tests set their own (tiny) budgets.
        "request_timeout_seconds": 60,
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def running_api(
    settings: Settings, client_ip: str = CLIENT_IP
) -> AsyncIterator[tuple[FastAPI, GraphQLClient]]:
    """The real app, lifespan included, behind an httpx client (ASGI transport)."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(client_ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://envelopes.test") as http:
            yield app, GraphQLClient(http)


ApiFactory = Callable[..., AbstractAsyncContextManager[tuple[FastAPI, GraphQLClient]]]


@pytest.fixture
def make_api(mongo_uri: str, database_name: str, mongo: Any) -> ApiFactory:
    """An app with settings overrides: `async with make_api(production=True) as (app, gql)`."""

    def factory(client_ip: str = CLIENT_IP, **overrides: Any) -> Any:
        return running_api(make_settings(mongo_uri, database_name, **overrides), client_ip)

    return factory


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[tuple[FastAPI, GraphQLClient]]:
    async with running_api(settings) as pair:
        yield pair


@pytest.fixture
def gql(api: tuple[FastAPI, GraphQLClient]) -> GraphQLClient:
    return api[1]


@pytest.fixture
def http(gql: GraphQLClient) -> httpx.AsyncClient:
    return gql.http


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]
