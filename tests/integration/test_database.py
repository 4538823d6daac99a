"""The persistence layer against a real replica set: transactions and indexes."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.core.settings import Settings
from app.persistence.mongo import Database
from app.persistence.transactions import transactional


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    db = Database(settings)
    await db.connect()
    yield db
    await db.close()


async def test_a_failing_transaction_leaves_nothing_behind(database: Database) -> None:
    @transactional
    async def half_done() -> None:
        async with database.transaction() as tx:
            await database.db.first.insert_one({"step": 1}, session=tx.session)
            await database.db.second.insert_one({"step": 2}, session=tx.session)
            raise RuntimeError("something went wrong after two writes")

    with pytest.raises(RuntimeError):
        await half_done()
    assert await database.db.first.count_documents({}) == 0
    assert await database.db.second.count_documents({}) == 0


async def test_a_committed_transaction_writes_every_document(database: Database) -> None:
    @transactional
    async def both() -> str:
        async with database.transaction() as tx:
            await database.db.first.insert_one({"step": 1}, session=tx.session)
            await database.db.second.insert_one({"step": 2}, session=tx.session)
            await tx.commit()
            return "done"

    assert await both() == "done"
    assert await database.db.first.count_documents({}) == 1
    assert await database.db.second.count_documents({}) == 1


async def test_writes_are_acknowledged_by_a_majority(database: Database) -> None:
    assert database.client.write_concern.document == {"w": "majority"}


async def test_the_declared_indexes_exist(database: Database, mongo: Any) -> None:
    users = mongo.users.index_information()
    assert users["email_key_unique"]["unique"] is True
    assert mongo.refresh_tokens.index_information()["token_hash_unique"]["unique"] is True
    for collection in ("logins", "refresh_tokens", "login_failures"):
        ttl = mongo[collection].index_information()["expiry_ttl"]
        assert ttl["expireAfterSeconds"] == 0


@pytest.mark.parametrize(
    ("collection", "query", "sort"),
    [
        ("users", {"email_key": "ana@example.com"}, None),
        ("refresh_tokens", {"token_hash": "abc"}, None),
        ("login_failures", {"key": "email:ana@example.com", "at": {"$gt": 0}}, [("at", 1)]),
        ("logins", {"user_id": "u", "revoked_at": None}, [("created_at", -1), ("_id", -1)]),
    ],
)
async def test_every_auth_query_is_served_by_an_index(
    database: Database, mongo: Any, collection: str, query: dict[str, Any], sort: Any
) -> None:
    cursor = mongo[collection].find(query)
    if sort:
        cursor = cursor.sort(sort)
    plan = cursor.explain()["queryPlanner"]["winningPlan"]
    assert "COLLSCAN" not in str(plan)
    assert "IXSCAN" in str(plan)
