"""Recording, changing and deleting a household's exchange rates, and its base currency."""

from __future__ import annotations

from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member, operation

RATE_OPERATIONS = {
    "ExchangeRates",
    "RecordExchangeRate",
    "UpdateExchangeRate",
    "DeleteExchangeRate",
    "SetBaseCurrency",
    "Dashboard",
}


async def record(member: Member, source: str, target: str, day: str, rate: str) -> dict[str, str]:
    payload = await member.do(
        "RecordExchangeRate", to=target, date=day, rate=rate, **{"from": source}
    )
    found: dict[str, str] = payload["exchangeRate"]
    return found


async def rates(member: Member) -> list[dict[str, str]]:
    found: list[dict[str, str]] = (await member.query("ExchangeRates"))["exchangeRates"]
    return found


class TestRecordingRates:
    async def test_a_recorded_rate_is_listed_canonically(self, ana: Member) -> None:
        rate = await record(ana, "usd", "EUR", "2025-01-01", "0.91250")
        assert rate["from"] == "USD"
        assert rate["to"] == "EUR"
        assert rate["rate"] == "0.9125"
        assert await rates(ana) == [rate]

    async def test_recording_a_pair_again_on_a_day_replaces_its_rate(self, ana: Member) -> None:
        first = await record(ana, "USD", "EUR", "2025-01-01", "0.9")
        again = await record(ana, "USD", "EUR", "2025-01-01", "0.95")
        later = await record(ana, "USD", "EUR", "2025-02-01", "0.8")
        assert again["id"] == first["id"]
        assert [(r["date"], r["rate"]) for r in await rates(ana)] == [
            ("2025-01-01", "0.95"),
            ("2025-02-01", "0.8"),
        ]
        assert later["id"] != first["id"]

    async def test_bad_rates_and_currencies_are_validation_errors(self, ana: Member) -> None:
        cases = [
            ({"from": "USD", "to": "EUR", "rate": "0"}, ["rate"]),
            ({"from": "USD", "to": "EUR", "rate": "-1"}, ["rate"]),
            ({"from": "USD", "to": "EUR", "rate": "1.12345678901"}, ["rate"]),
            ({"from": "USD", "to": "EUR", "rate": "1e3"}, ["rate"]),
            ({"from": "XXX", "to": "EUR", "rate": "1"}, ["from"]),
            ({"from": "EUR", "to": "EUR", "rate": "1"}, ["to"]),
        ]
        for values, field in cases:
            error = await ana.refused("RecordExchangeRate", date="2025-01-01", **values)
            assert (error["code"], error["field"]) == ("VALIDATION", field), values
        assert await rates(ana) == []


class TestChangingRates:
    async def test_a_rate_moves_to_another_day_and_value(self, ana: Member) -> None:
        rate = await record(ana, "GBP", "EUR", "2025-01-01", "1.2")
        payload = await ana.do("UpdateExchangeRate", id=rate["id"], date="2025-01-15", rate="1.19")
        assert payload["exchangeRate"] == {**rate, "date": "2025-01-15", "rate": "1.19"}

    async def test_moving_onto_a_day_that_has_a_rate_is_a_conflict(self, ana: Member) -> None:
        first = await record(ana, "GBP", "EUR", "2025-01-01", "1.2")
        await record(ana, "GBP", "EUR", "2025-02-01", "1.1")
        error = await ana.refused("UpdateExchangeRate", id=first["id"], date="2025-02-01", rate="1")
        assert error["code"] == "CONFLICT"

    async def test_a_deleted_rate_is_gone(self, ana: Member) -> None:
        rate = await record(ana, "GBP", "EUR", "2025-01-01", "1.2")
        payload = await ana.do("DeleteExchangeRate", id=rate["id"])
        assert payload["deletedExchangeRateId"] == rate["id"]
        assert await rates(ana) == []
        error = await ana.refused("DeleteExchangeRate", id=rate["id"])
        assert error["code"] == "NOT_FOUND"


class TestWhoseRates:
    async def test_rates_are_the_recording_households_own(self, ana: Member, ben: Member) -> None:
        rate = await record(ana, "USD", "EUR", "2025-01-01", "0.9")
        assert await rates(ben) == []
        update = await ben.refused("UpdateExchangeRate", id=rate["id"], date="2025-01-02", rate="2")
        delete = await ben.refused("DeleteExchangeRate", id=rate["id"])
        assert update["code"] == delete["code"] == "NOT_FOUND"
        assert await rates(ana) == [rate]

    async def test_another_households_rate_is_no_node(self, ana: Member, ben: Member) -> None:
        rate = await record(ana, "USD", "EUR", "2025-01-01", "0.9")
        query = "query($id: ID!) { node(id: $id) { id ... on ExchangeRate { rate } } }"
        mine = await ana.gql.execute(query, {"id": rate["id"]}, token=ana.token)
        theirs = await ben.gql.execute(query, {"id": rate["id"]}, token=ben.token)
        assert mine.data["node"] == {"id": rate["id"], "rate": "0.9"}
        assert theirs.data["node"] is None


class TestBaseCurrency:
    async def test_it_defaults_to_the_first_accounts_currency_then_eur(
        self, ana: Member, ben: Member
    ) -> None:
        await ana.open_account(name="Dollars", currency="USD")
        await ana.open_account(name="Euros", currency="EUR")
        assert (await ana.query("ExchangeRates"))["baseCurrency"] == "USD"
        assert (await ben.query("ExchangeRates"))["baseCurrency"] == "EUR"

    async def test_it_can_be_chosen(self, ana: Member) -> None:
        payload = await ana.do("SetBaseCurrency", currency="gbp")
        assert payload["baseCurrency"] == "GBP"
        assert (await ana.query("ExchangeRates"))["baseCurrency"] == "GBP"
        error = await ana.refused("SetBaseCurrency", currency="EURO")
        assert (error["code"], error["field"]) == ("VALIDATION", ["currency"])

    async def test_it_needs_a_signed_in_caller(self, gql: GraphQLClient) -> None:
        reply = await gql.execute(operation("ExchangeRates"), {})
        assert reply.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
