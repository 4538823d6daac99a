"""The plain-field executor answers exactly what graphql-core's own executor answers: the
same data, the same errors at the same paths, the same null propagation. Each query runs
on two copies of one schema, one per executor, and the results are compared whole."""

from __future__ import annotations

import asyncio
from datetime import date
from enum import Enum, StrEnum
from typing import Any, NewType

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.graphql.engine.fast_execution import PREFETCHED, PlainFieldExecutor


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.enum
class Mood(StrEnum):
    """Like the domain's enums (`EntryKind`): members equal to their strings."""

    CALM = "calm"
    BUSY = "busy"


# Like the API's `Decimal`: a string scalar serialised by `str`.
Code = NewType("Code", str)
CODE_SCALAR = strawberry.scalar(name="Code", serialize=str, parse_value=str)


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Money:
    amount: str
    currency: str


@strawberry.type
class Person(Named):
    age: int | None
    colour: Colour
    born: date
    tags: list[str]
    wallet: Money
    savings: list[Money]
    friend: Person | None = None
    mood: Mood | None = None
    code: Code = Code("X1")
    codes: list[Code | None] | None = None
    moods: list[Mood] = strawberry.field(default_factory=list)
    prefetched_nickname: strawberry.Private[str | None] = None
    calls: strawberry.Private[list[str]] = strawberry.field(default_factory=list)

    @strawberry.field(metadata={PREFETCHED: "prefetched_nickname"})
    async def nickname(self) -> str:
        """Like `Transaction.recorded_by`: the value loaded ahead, else loaded now."""
        self.calls.append("nickname")
        if self.prefetched_nickname is not None:
            return self.prefetched_nickname
        await asyncio.sleep(0)
        return f"loaded {self.name}"

    @strawberry.field
    def greeting(self, loud: bool = False) -> str:
        return f"HELLO {self.name}" if loud else f"hello {self.name}"


class StrLike(str):
    """Equal to a string (and hashed alike), but not one."""


def person(**changes: Any) -> Person:
    values: dict[str, Any] = {
        "name": "Ana",
        "age": 41,
        "colour": Colour.RED,
        "born": date(1985, 3, 1),
        "tags": ["a", "b"],
        "wallet": Money(amount="1.00", currency="EUR"),
        "savings": [Money(amount="2.00", currency="EUR"), Money(amount="3.50", currency="USD")],
    }
    values.update(changes)
    return Person(**values)


PEOPLE: dict[str, Any] = {}


@strawberry.type
class Query:
    @strawberry.field
    def people(self) -> list[Person]:
        return PEOPLE["people"]  # type: ignore[no-any-return]

    @strawberry.field
    def someone(self) -> Person | None:
        return PEOPLE["people"][0]  # type: ignore[no-any-return]

    @strawberry.field
    def named(self) -> list[Named]:
        return PEOPLE["people"]  # type: ignore[no-any-return]


def schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    config = StrawberryConfig(scalar_map={Code: CODE_SCALAR})
    fast = strawberry.Schema(
        query=Query, types=[Person], execution_context_class=PlainFieldExecutor, config=config
    )
    stock = strawberry.Schema(
        query=Query,
        types=[Person],
        execution_context_class=StrawberryGraphQLCoreExecutionContext,
        config=config,
    )
    return fast, stock


FAST, STOCK = schemas()

EVERYTHING = """
query {
  people {
    __typename name age colour born tags mood moods code codes
    wallet { amount currency }
    savings { amount currency __typename }
    friend { name wallet { amount } friend { name } }
    nickname
    greeting
    loud: greeting(loud: true)
  }
}
"""


async def both(query: str, people: list[Person]) -> tuple[dict[str, Any], dict[str, Any]]:
    results = []
    for schema in (FAST, STOCK):
        PEOPLE["people"] = people
        result = await schema.execute(query)
        results.append(
            {
                "data": result.data,
                "errors": [
                    {"message": e.message, "path": e.path, "locations": e.locations}
                    for e in result.errors or []
                ],
            }
        )
    return results[0], results[1]


CASES: dict[str, list[Person]] = {
    "plain values": [person(), person(name="Ben", age=None, friend=person(name="Cy"))],
    "prefetched": [person(prefetched_nickname="Annie"), person(name="Ben")],
    "empty list": [person(tags=[], savings=[])],
    "null in a non-null leaf": [person(), person(name=None)],
    "null in a non-null object": [person(wallet=None)],
    "null inside a nested non-null": [person(friend=person(name="Cy", wallet=None))],
    "null item in a list of non-null": [person(savings=[Money(amount="1", currency="EUR"), None])],
    "a leaf of the wrong type": [person(age="forty")],
    "an enum that is no member": [person(colour="green")],
    "an object of the wrong type": [person(wallet="not money")],
    "a string where a list belongs": [person(tags="abc")],
    "no date": [person(born="yesterday")],
    "an int beyond 32 bits": [person(age=2**40)],
    "a boolean where an int belongs": [person(age=True)],
    "a number where a string belongs": [person(name=5)],
    "a float where an int belongs": [person(age=41.0), person(age=41.5)],
    "enums, the same values over and over": [
        person(mood=Mood.CALM, moods=[Mood.BUSY, Mood.CALM, Mood.BUSY]),
        person(mood=Mood.BUSY, colour=Colour.BLUE, moods=[Mood.CALM] * 3),
    ],
    "an enum's value instead of its member": [
        person(colour="red", mood="busy", moods=["calm", Mood.CALM])
    ],
    "a member of another enum": [person(colour=Mood.CALM)],
    "a value equal to a member's, of another class": [person(mood=StrLike("calm"))],
    "an unhashable enum value": [person(mood=["calm"])],
    "a wrong value in a list of enums": [person(moods=[Mood.CALM, "tired"])],
    "a scalar serialised by str": [person(code="A7", codes=["B", None, StrLike("C")])],
    "a scalar serialised by str, given other values": [person(code=7, codes=[1.5, True])],
    "a null in a non-null scalar serialised by str": [person(code=None)],
}


@pytest.mark.parametrize("case", CASES)
async def test_both_executors_answer_the_same(case: str) -> None:
    fast, stock = await both(EVERYTHING, CASES[case])
    assert fast == stock


async def test_the_plain_case_has_data_and_no_error() -> None:
    fast, _ = await both(EVERYTHING, CASES["plain values"])
    assert fast["errors"] == []
    assert fast["data"]["people"][1]["friend"]["name"] == "Cy"
    assert fast["data"]["people"][0]["savings"][1] == {
        "amount": "3.50",
        "currency": "USD",
        "__typename": "Money",
    }


async def test_an_error_case_reports_an_error() -> None:
    fast, _ = await both(EVERYTHING, CASES["null in a non-null leaf"])
    assert [e["path"] for e in fast["errors"]] == [["people", 1, "name"]]
    assert fast["data"] is None  # non-null all the way up


async def test_a_prefetched_value_skips_the_resolver_and_a_missing_one_runs_it() -> None:
    people = [person(prefetched_nickname="Annie"), person(name="Ben")]
    PEOPLE["people"] = people
    for someone in people:
        someone.calls.clear()
    result = await FAST.execute("{ people { nickname } }")
    assert result.data == {"people": [{"nickname": "Annie"}, {"nickname": "loaded Ben"}]}
    assert people[0].calls == []
    assert people[1].calls == ["nickname"]


@pytest.mark.parametrize(
    "query",
    [
        "{ someone { ...P } } fragment P on Person { name wallet { amount } tags }",
        "{ someone { ... on Person { name } name age } }",
        "{ named { __typename name ... on Person { colour friend { name } } } }",
        "{ a: someone { n: name w: wallet { c: currency } } b: someone { age } }",
        "{ someone { name @include(if: false) age @skip(if: false) } }",
    ],
)
async def test_fragments_aliases_interfaces_and_directives_answer_the_same(query: str) -> None:
    fast, stock = await both(query, CASES["plain values"])
    assert fast == stock
    assert fast["errors"] == []


async def test_plans_kept_between_requests_still_answer_the_same() -> None:
    """The second run of one document uses the plans of the first."""
    for case in (
        "plain values",
        "null inside a nested non-null",
        "plain values",
        "no date",
        "enums, the same values over and over",
        "an enum's value instead of its member",
        "a wrong value in a list of enums",
        "a value equal to a member's, of another class",
        "enums, the same values over and over",
    ):
        fast, stock = await both(EVERYTHING, CASES[case])
        assert fast == stock, case


async def test_variables_of_skip_and_include_are_honoured_on_every_request() -> None:
    query = """
    query ($withAge: Boolean!, $withWallet: Boolean!) {
      people { name age @include(if: $withAge) wallet @include(if: $withWallet) { amount } }
    }
    """
    PEOPLE["people"] = CASES["plain values"]
    seen = []
    for with_age, with_wallet in ((True, False), (False, True), (True, True), (False, False)):
        variables = {"withAge": with_age, "withWallet": with_wallet}
        fast = await FAST.execute(query, variable_values=variables)
        stock = await STOCK.execute(query, variable_values=variables)
        assert fast.data == stock.data
        assert not fast.errors
        seen.append(sorted(fast.data["people"][0]))  # type: ignore[index]
    assert seen == [
        ["age", "name"],
        ["name", "wallet"],
        ["age", "name", "wallet"],
        ["name"],
    ]


async def test_a_request_keeps_the_field_sets_its_plans_are_found_by() -> None:
    """A request finds its plans by the id of their grouped field set, and each entry holds
    that set: a set freed mid-request could otherwise hand its id to another one, of another
    type, whose fields the plan does not name (seen in the browser suite as an IndexError at
    ['account', 'transactions'] when a plan came from an earlier request)."""
    executors: list[PlainFieldExecutor] = []

    class Recording(PlainFieldExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            executors.append(self)

    schema = strawberry.Schema(
        query=Query,
        types=[Person],
        execution_context_class=Recording,
        config=StrawberryConfig(scalar_map={Code: CODE_SCALAR}),
    )
    PEOPLE["people"] = CASES["plain values"]
    for _ in range(2):  # the second request takes the first one's shared plans
        result = await schema.execute(EVERYTHING)
        assert result.errors is None
    plans = executors[-1]._plans
    assert plans
    assert all(id(fields) == key for key, (fields, _plan) in plans.items())
