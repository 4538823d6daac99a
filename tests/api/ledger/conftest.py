import pytest

from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member


@pytest.fixture
async def ana(gql: GraphQLClient) -> Member:
    return await Member.register(gql, "ana@example.com", "Ana")


@pytest.fixture
async def ben(gql: GraphQLClient) -> Member:
    return await Member.register(gql, "ben@example.com", "Ben")
