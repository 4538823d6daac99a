"""Scheduled transactions through GraphQL (real MongoDB): every operation, the scheduler's
passes (catch-up, exactly once, failures kept with their reason), and every refusal, each
checked to change nothing.

"Today" is fixed (`TODAY`) by setting the clock of the schedule service and the scheduler;
the scheduler's loop is off in tests, its passes run by hand (`services.scheduler.run_pass`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from app.graphql.relay import to_global_id
from app.services.container import Services
from app.services.scheduling.worker import LEASE_NAME, Scheduler, SchedulerSettings
from tests.api.ledger.test_money_movements import budget, entries, fund, unknown_id
from tests.conftest import ApiFactory
from tests.graphql_client import GraphQLClient
from tests.ledger_client import Member, operation

TODAY = date(2025, 6, 16)  # a Monday
Row = dict[str, Any]

SCHEDULE_OPERATIONS = {
    "CreateSchedule", "UpdateSchedule", "DeleteSchedule", "PauseSchedule", "ResumeSchedule",
    "SkipOccurrence", "PostOccurrenceNow", "Schedule", "AccountSchedules", "AccountUpcoming",
}  # fmt: skip


@pytest.fixture
def services(api: tuple[FastAPI, GraphQLClient]) -> Services:
    found: Services = api[0].state.services
    found.schedules.today = lambda: TODAY
    found.scheduler.today = lambda: TODAY
    return found


def iso(day: date) -> str:
    return day.isoformat()


def monthly(start: date, **more: Any) -> Row:
    return {"frequency": "MONTHLY", "startDate": iso(start), **more}


async def create(member: Member, account_id: str, **fields: Any) -> Row:
    values = {"name": "Rent", "kind": "EXPENSE", "amount": "10.00", **fields}
    values.setdefault("recurrence", monthly(TODAY))
    schedule: Row = (await member.do("CreateSchedule", accountId=account_id, **values))["schedule"]
    return schedule


async def schedule_of(member: Member, schedule_id: str, **variables: Any) -> Row:
    found: Row = (await member.query("Schedule", id=schedule_id, **variables))["schedule"]
    return found


def booked(rows: list[Row], kind: str) -> list[tuple[str, str]]:
    return sorted(
        (r["bookingDate"], r["amount"]["amount"]) for r in rows if r["kind"] == kind
    )  # fmt: skip


async def ledger_state(member: Member, *account_ids: str) -> list[Any]:
    return [(await member.balances(a), len(await entries(member, a))) for a in account_ids]


async def schedules_state(member: Member, account_id: str) -> Any:
    return (await member.query("AccountSchedules", id=account_id))["account"]["schedules"]


@asynccontextmanager
async def unchanged(member: Member, *account_ids: str) -> AsyncIterator[None]:
    """Nothing inside changes a balance, writes an entry or changes a schedule."""
    before = (
        await ledger_state(member, *account_ids),
        [await schedules_state(member, a) for a in account_ids],
    )
    yield
    after = (
        await ledger_state(member, *account_ids),
        [await schedules_state(member, a) for a in account_ids],
    )
    assert after == before


# --- create and read ---------------------------------------------------------------------------


class TestCreateAndRead:
    async def test_every_kind_is_saved_and_listed(self, ana: Member, services: Services) -> None:
        account, ids = await budget(ana, envelopes=("Food", "Rent", "Savings"))
        other = await ana.open_account(name="Savings", type="SAVINGS")
        source = await ana.do(
            "CreatePaymentSource", accountId=account, name="Salary", expectedAmount="2000",
            allocations=[{"envelopeId": ids["Rent"], "amount": "900"}],
        )  # fmt: skip
        income = await create(
            ana, account, name="Side job", kind="INCOME", amount="300", payee="Client",
            allocations=[{"envelopeId": ids["Food"], "amount": "100"}], tags=["work"],
            recurrence={"frequency": "WEEKLY", "startDate": iso(TODAY), "interval": 2},
        )  # fmt: skip
        assert income["allocations"] == [
            {"envelope": {"id": ids["Food"], "name": "Food"}, "amount": {"amount": "100.00"}}
        ]
        assert income["tags"] == ["work"]
        assert [u["date"] for u in income["upcoming"]] == [iso(TODAY), iso(TODAY + timedelta(14)),
                                                           iso(TODAY + timedelta(28))]  # fmt: skip
        payday = await create(
            ana, account, name="Payday", kind="PAYDAY", amount=None,
            paymentSourceId=source["paymentSource"]["id"],
            recurrence={"frequency": "SEMI_MONTHLY", "startDate": iso(TODAY),
                        "daysOfMonth": [15, -1], "weekend": "BEFORE"},
        )  # fmt: skip
        assert payday["amount"] is None
        assert payday["paymentSourceId"] == source["paymentSource"]["id"]
        # 30 June 2025 is a Monday; 15 July a Tuesday; 31 May was a Saturday (not pending).
        assert payday["nextOccurrence"] == {"scheduledDate": "2025-06-30", "date": "2025-06-30"}
        expense = await create(
            ana, account, name="Groceries", kind="EXPENSE", amount="60",
            splits=[{"envelopeId": ids["Food"], "amount": "40"},
                    {"envelopeId": ids["Rent"], "amount": "20"}],
            recurrence=monthly(TODAY, dayOfMonth=-1, endAfter=3),
        )  # fmt: skip
        assert [s["amount"]["amount"] for s in expense["splits"]] == ["40.00", "20.00"]
        assert expense["recurrence"]["endAfter"] == 3
        move = await create(
            ana, account, name="Save", kind="MOVE", amount="5", fromEnvelopeId=ids["Available"],
            toEnvelopeId=ids["Savings"], mode="REMIND",
            recurrence={"frequency": "DAILY", "startDate": iso(TODAY), "interval": 3,
                        "endDate": iso(TODAY + timedelta(days=9))},
        )  # fmt: skip
        assert move["mode"] == "REMIND"
        assert move["toEnvelope"]["id"] == move["toEnvelopeId"] == ids["Savings"]
        assert len(move["upcoming"]) == 4
        transfer = await create(
            ana, account, name="To savings", kind="TRANSFER", amount="50", toAccountId=other["id"],
            recurrence={"frequency": "YEARLY", "startDate": "2024-02-29"},
        )  # fmt: skip
        assert transfer["toAccountId"] == other["id"]
        assert transfer["nextOccurrence"]["scheduledDate"] == "2024-02-29"
        once = await create(
            ana,
            account,
            name="Once",
            kind="INCOME",
            recurrence={"frequency": "ONCE", "startDate": iso(TODAY)},
        )

        listed = await schedules_state(ana, account)
        assert [s["name"] for s in listed] == [
            "Side job", "Payday", "Groceries", "Save", "To savings", "Once",
        ]  # fmt: skip
        read = await schedule_of(ana, move["id"], until=iso(TODAY + timedelta(days=3)))
        assert [u["date"] for u in read["upcoming"]] == [iso(TODAY), iso(TODAY + timedelta(3))]
        assert read["account"]["id"] == account
        node = await ana.query("Node", id=once["id"])
        assert node["node"]["__typename"] == "Schedule"

    async def test_viewers_read_schedules_but_may_not_write(
        self, ana: Member, ben: Member, services: Services
    ) -> None:
        account, ids = await budget(ana)
        schedule = await create(ana, account, envelopeId=ids["Food"])
        await ana.do("ShareAccount", accountId=account, email="ben@example.com", role="VIEWER")
        assert (await schedule_of(ben, schedule["id"]))["name"] == "Rent"
        async with unchanged(ana, account):
            for name, input in [
                ("CreateSchedule", {"accountId": account, "name": "x", "kind": "EXPENSE",
                                    "amount": "1", "envelopeId": ids["Food"],
                                    "recurrence": monthly(TODAY)}),
                ("UpdateSchedule", {"id": schedule["id"], "name": "x", "kind": "EXPENSE",
                                    "amount": "1", "envelopeId": ids["Food"],
                                    "recurrence": monthly(TODAY)}),
                ("DeleteSchedule", {"id": schedule["id"]}),
                ("PauseSchedule", {"id": schedule["id"]}),
                ("ResumeSchedule", {"id": schedule["id"]}),
                ("SkipOccurrence", {"id": schedule["id"]}),
                ("PostOccurrenceNow", {"id": schedule["id"]}),
            ]:  # fmt: skip
                error = await ben.refused(name, **input)
                assert error["code"] == "FORBIDDEN", (name, error)
        await ana.do("ChangeMemberRole", accountId=account, userId=ben.user["id"], role="EDITOR")
        await ben.do("PauseSchedule", id=schedule["id"])


# --- the scheduler -----------------------------------------------------------------------------


class TestScheduler:
    async def test_catch_up_posts_every_due_occurrence_once_on_its_own_date(
        self, ana: Member, services: Services
    ) -> None:
        account, ids = await budget(ana, opening="1000.00")
        await fund(ana, account, ids, "Rent", "500")
        rent = await create(
            ana, account, envelopeId=ids["Rent"], amount="100", payee="Landlord",
            recurrence=monthly(date(2025, 2, 28), dayOfMonth=31, weekend="AFTER"),
        )  # fmt: skip
        pay = await create(
            ana, account, name="Pay", kind="INCOME", amount="50",
            recurrence={"frequency": "WEEKLY", "startDate": "2025-05-26"},
        )  # fmt: skip

        assert await services.scheduler.run_pass() == 4 + 4
        assert await services.scheduler.run_pass() == 0

        rows = await entries(ana, account)
        # 31 May 2025 was a Saturday: due on Monday 2 June.
        assert booked(rows, "EXPENSE") == [
            ("2025-02-28", "-100.00"), ("2025-03-31", "-100.00"), ("2025-04-30", "-100.00"),
            ("2025-06-02", "-100.00"),
        ]  # fmt: skip
        assert booked(rows, "INCOME") == [
            ("2025-05-26", "50.00"), ("2025-06-02", "50.00"), ("2025-06-09", "50.00"),
            ("2025-06-16", "50.00"),
        ]  # fmt: skip
        assert all(r["payee"] == "Landlord" for r in rows if r["kind"] == "EXPENSE")
        assert all(r["recordedBy"]["displayName"] == "Ana" for r in rows)
        read = await schedule_of(ana, rent["id"])
        assert read["postedCount"] == 4
        assert read["nextOccurrence"] == {"scheduledDate": "2025-06-30", "date": "2025-06-30"}
        assert [o["status"] for o in read["occurrences"]] == ["POSTED"] * 4
        assert read["occurrences"][0]["scheduledDate"] == "2025-05-31"
        assert read["occurrences"][0]["date"] == "2025-06-02"
        posted_ids = {i for o in read["occurrences"] for i in o["transactionIds"]}
        assert posted_ids == {r["id"] for r in rows if r["kind"] == "EXPENSE"}
        assert (await schedule_of(ana, pay["id"]))["nextOccurrence"]["date"] == "2025-06-23"
        assert await ana.balances(account) == {
            "Available": "700.00", "Food": "0.00", "Rent": "100.00", "*": "800.00",
        }  # fmt: skip

    async def test_a_process_dying_between_posting_and_bookkeeping_does_not_post_twice(
        self, ana: Member, services: Services, mongo: Any
    ) -> None:
        account, _ids = await budget(ana, opening="1000.00")
        schedule = await create(
            ana, account, kind="INCOME", amount="7", recurrence=monthly(date(2025, 4, 1))
        )
        assert await services.scheduler.run_pass() == 3
        # As if the bookkeeping of the last two postings had never happened.
        [stored] = list(mongo.schedules.find())
        mongo.schedules.update_one(
            {"_id": stored["_id"]},
            {"$set": {"next_on": stored["results"][1]["scheduled"],
                      "next_due": stored["results"][1]["due"],
                      "results": stored["results"][:1], "posted_count": 1}},
        )  # fmt: skip
        before = await ledger_state(ana, account)
        assert await services.scheduler.run_pass() == 2
        assert await ledger_state(ana, account) == before
        read = await schedule_of(ana, schedule["id"])
        assert read["postedCount"] == 3
        assert len({i for o in read["occurrences"] for i in o["transactionIds"]}) == 3

    async def test_refused_postings_are_kept_as_failures_and_the_schedule_moves_on(
        self, ana: Member, services: Services
    ) -> None:
        account, ids = await budget(ana, opening="100.00", envelopes=("Food", "Old"))
        await fund(ana, account, ids, "Food", "25")
        food = await create(
            ana, account, envelopeId=ids["Food"], amount="10", name="Food",
            recurrence={"frequency": "WEEKLY", "startDate": "2025-05-19"},
        )  # fmt: skip
        old = await create(
            ana, account, envelopeId=ids["Old"], amount="1", name="Old",
            recurrence=monthly(date(2025, 6, 1)),
        )  # fmt: skip
        await ana.do("ArchiveEnvelope", accountId=account, envelopeId=ids["Old"])

        assert await services.scheduler.run_pass() == 5 + 1
        assert await services.scheduler.run_pass() == 0

        read = await schedule_of(ana, food["id"])
        assert [o["status"] for o in reversed(read["occurrences"])] == [
            "POSTED", "POSTED", "FAILED", "FAILED", "FAILED",
        ]  # fmt: skip
        failure = read["occurrences"][0]
        assert failure["code"] == "INSUFFICIENT_FUNDS"
        assert "Food" in failure["reason"]
        assert failure["transactionIds"] == []
        assert (read["postedCount"], read["failedCount"]) == (2, 3)
        assert read["nextOccurrence"]["date"] == "2025-06-23"
        archived = (await schedule_of(ana, old["id"]))["occurrences"][0]
        assert (archived["status"], archived["code"]) == ("FAILED", "VALIDATION")
        assert "archived" in archived["reason"]
        assert (await ana.balances(account))["Food"] == "5.00"

    async def test_a_closed_account_and_a_creator_who_left_fail_with_their_reason(
        self, ana: Member, ben: Member, services: Services
    ) -> None:
        closed, _ = await budget(ana, opening="0")
        on_closed = await create(ana, closed, kind="INCOME", amount="1")
        await ana.do("CloseAccount", accountId=closed)
        shared, _ids = await budget(ana)
        await ana.do("ShareAccount", accountId=shared, email="ben@example.com", role="EDITOR")
        by_ben = await create(ben, shared, kind="INCOME", amount="1")
        await ben.do("LeaveAccount", accountId=shared)

        assert await services.scheduler.run_pass() == 2
        [closed_result] = (await schedule_of(ana, on_closed["id"]))["occurrences"]
        assert (closed_result["code"], closed_result["status"]) == ("VALIDATION", "FAILED")
        assert "closed" in closed_result["reason"]
        [left] = (await schedule_of(ana, by_ben["id"]))["occurrences"]
        assert (left["status"], left["code"]) == ("FAILED", "NOT_FOUND")

    async def test_reminders_and_paused_schedules_are_not_posted(
        self, ana: Member, services: Services
    ) -> None:
        account, _ids = await budget(ana)
        remind = await create(ana, account, kind="INCOME", mode="REMIND",
                              recurrence=monthly(date(2025, 5, 1)))  # fmt: skip
        paused = await create(ana, account, kind="INCOME", recurrence=monthly(date(2025, 5, 1)))
        await ana.do("PauseSchedule", id=paused["id"])
        assert await services.scheduler.run_pass() == 0
        # A reminder's overdue occurrences are listed first.
        upcoming = (await schedule_of(ana, remind["id"]))["upcoming"]
        assert [u["date"] for u in upcoming] == ["2025-05-01", "2025-06-01", "2025-07-01"]

        # Resumed, it goes on from today: what fell due while paused is not posted.
        resumed = (await ana.do("ResumeSchedule", id=paused["id"]))["schedule"]
        assert resumed["paused"] is False
        assert resumed["nextOccurrence"]["date"] == "2025-07-01"
        assert await services.scheduler.run_pass() == 0

    async def test_a_schedule_paused_during_a_pass_posts_no_more(
        self, ana: Member, services: Services, mongo: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        account, _ids = await budget(ana)
        await create(ana, account, kind="INCOME", amount="1", recurrence=monthly(date(2025, 1, 1)))
        run = services.schedules.run_occurrence

        async def run_then_pause(*args: Any) -> Any:
            done = await run(*args)
            mongo.schedules.update_many({}, {"$set": {"paused": True}})  # a member pauses it
            return done

        monkeypatch.setattr(services.schedules, "run_occurrence", run_then_pause)
        assert await services.scheduler.run_pass() == 1
        assert (await ana.balances(account))["*"] == "101.00"

    async def test_the_lease_lets_one_process_work_at_a_time(
        self, services: Services, mongo: Any
    ) -> None:
        first = services.scheduler
        second = Scheduler(
            first.works, first.leases, SchedulerSettings(0.05, lease_seconds=0.5, batch_size=10)
        )
        assert await first.holds_lease()
        assert not await second.holds_lease()
        assert await second.run_pass() == 0
        assert mongo.leases.find_one({"_id": LEASE_NAME})["holder"] == first.holder
        await first.release()
        assert await second.holds_lease()
        assert not await first.holds_lease()
        await asyncio.sleep(0.6)  # the second one's lease expires: anyone may take it
        assert await first.holds_lease()


async def test_the_loop_runs_in_the_app_when_enabled(make_api: ApiFactory) -> None:
    async with make_api(scheduler_enabled=True, scheduler_interval_seconds=0.05) as (_app, gql):
        ana = await Member.register(gql, "ana@example.com", "Ana")
        account, _ids = await budget(ana)
        yesterday = date.today() - timedelta(days=1)  # noqa: DTZ011 (the app's clock)
        await create(ana, account, kind="INCOME", amount="5",
                     recurrence={"frequency": "DAILY", "startDate": iso(yesterday),
                                 "endAfter": 2})  # fmt: skip
        for _ in range(200):
            if (await ana.balances(account))["*"] == "110.00":
                break
            await asyncio.sleep(0.05)
        assert (await ana.balances(account))["*"] == "110.00"


# --- post now, skip, pause, edit, delete -------------------------------------------------------


class TestChanges:
    async def test_post_now_posts_the_pending_occurrence_which_then_never_posts_again(
        self, ana: Member, services: Services
    ) -> None:
        account, _ids = await budget(ana)
        schedule = await create(ana, account, kind="INCOME", amount="20", mode="REMIND",
                                recurrence=monthly(date(2025, 6, 1)))  # fmt: skip
        posted = await ana.do("PostOccurrenceNow", id=schedule["id"])
        [entry] = posted["transactions"]
        assert (entry["bookingDate"], entry["amount"]["amount"]) == ("2025-06-01", "20.00")
        assert posted["account"]["balance"]["amount"] == "120.00"
        assert posted["schedule"]["nextOccurrence"]["date"] == "2025-07-01"
        assert posted["schedule"]["occurrences"][0]["status"] == "POSTED"
        # Early: booked today.
        early = await ana.do("PostOccurrenceNow", id=schedule["id"])
        assert early["transactions"][0]["bookingDate"] == iso(TODAY)
        # Switched to automatic, the scheduler leaves the posted ones alone.
        await ana.do("UpdateSchedule", id=schedule["id"], name="Rent", kind="INCOME",
                     amount="20", recurrence=monthly(date(2025, 6, 1)))  # fmt: skip
        assert await services.scheduler.run_pass() == 0
        assert (await ana.balances(account))["*"] == "140.00"

    async def test_post_now_racing_the_scheduler_posts_once(
        self, ana: Member, services: Services, mongo: Any
    ) -> None:
        account, _ids = await budget(ana)
        await create(ana, account, kind="INCOME", amount="20", recurrence=monthly(TODAY))
        [stored] = list(mongo.schedules.find())
        schedule_id = stored["_id"]
        await services.scheduler.run_pass()
        # The scheduler's bookkeeping "lost": the member posts the same occurrence now.
        mongo.schedules.update_one({"_id": schedule_id}, {"$set": {
            "next_on": stored["next_on"], "next_due": stored["next_due"]}})  # fmt: skip
        posted = await ana.do("PostOccurrenceNow", id=to_global_id("Schedule", schedule_id))
        assert (await ana.balances(account))["*"] == "120.00"
        assert len(posted["transactions"]) == 1

    async def test_refused_post_now_changes_nothing(self, ana: Member, services: Services) -> None:
        account, ids = await budget(ana)
        schedule = await create(ana, account, envelopeId=ids["Food"], amount="10", mode="REMIND")
        async with unchanged(ana, account):
            error = await ana.refused("PostOccurrenceNow", id=schedule["id"])
        assert error["code"] == "INSUFFICIENT_FUNDS"

    async def test_skip_the_next_or_a_later_occurrence(
        self, ana: Member, services: Services
    ) -> None:
        account, _ids = await budget(ana)
        weekly = {"frequency": "WEEKLY", "startDate": iso(TODAY)}
        schedule = await create(ana, account, kind="INCOME", amount="1", recurrence=weekly)
        skipped = (await ana.do("SkipOccurrence", id=schedule["id"]))["schedule"]
        assert skipped["nextOccurrence"]["date"] == iso(TODAY + timedelta(7))
        later = iso(TODAY + timedelta(14))
        ahead = (await ana.do("SkipOccurrence", id=schedule["id"], date=later))["schedule"]
        assert [(u["date"], u["skipped"]) for u in ahead["upcoming"][:3]] == [
            (iso(TODAY + timedelta(7)), False), (later, True), (iso(TODAY + timedelta(21)), False),
        ]  # fmt: skip
        async with unchanged(ana, account):
            twice = await ana.refused("SkipOccurrence", id=schedule["id"], date=later)
            assert twice["code"] == "CONFLICT"
            not_one = await ana.refused(
                "SkipOccurrence", id=schedule["id"], date=iso(TODAY + timedelta(8))
            )
            assert (not_one["code"], not_one["field"]) == ("VALIDATION", ["date"])
            past = await ana.refused("SkipOccurrence", id=schedule["id"], date=iso(TODAY))
            assert past["code"] == "VALIDATION"
        # Three weeks on, the scheduler posts one, passes the skipped one, posts the next.
        services.scheduler.today = lambda: TODAY + timedelta(21)
        assert await services.scheduler.run_pass() == 2
        read = await schedule_of(ana, schedule["id"])
        assert [(o["date"], o["status"]) for o in reversed(read["occurrences"])] == [
            (iso(TODAY), "SKIPPED"), (iso(TODAY + timedelta(7)), "POSTED"),
            (later, "SKIPPED"), (iso(TODAY + timedelta(21)), "POSTED"),
        ]  # fmt: skip
        ended = await create(ana, account, kind="INCOME",
                             recurrence={"frequency": "ONCE", "startDate": iso(TODAY)})  # fmt: skip
        await ana.do("SkipOccurrence", id=ended["id"])
        async with unchanged(ana, account):
            over = await ana.refused("SkipOccurrence", id=ended["id"])
            assert over["code"] == "VALIDATION"
            over = await ana.refused("PostOccurrenceNow", id=ended["id"])
            assert over["code"] == "VALIDATION"

    async def test_edits_apply_to_future_occurrences(self, ana: Member, services: Services) -> None:
        account, _ids = await budget(ana, opening="1000")
        schedule = await create(ana, account, kind="INCOME", amount="10",
                                recurrence=monthly(date(2025, 5, 1)))  # fmt: skip
        await services.scheduler.run_pass()
        updated = (await ana.do(
            "UpdateSchedule", id=schedule["id"], name="Bigger", kind="INCOME", amount="30",
            recurrence={"frequency": "WEEKLY", "startDate": "2025-01-06"},
        ))["schedule"]  # fmt: skip
        assert updated["name"] == "Bigger"
        assert updated["postedCount"] == 2
        # The new rule's past occurrences are not posted: the next one is today's.
        assert updated["nextOccurrence"]["date"] == iso(TODAY)
        assert await services.scheduler.run_pass() == 1
        assert booked(await entries(ana, account), "INCOME") == [
            ("2025-05-01", "10.00"), ("2025-06-01", "10.00"), (iso(TODAY), "30.00"),
        ]  # fmt: skip
        # The same rule, a new amount: the pending occurrence stays.
        same = (await ana.do(
            "UpdateSchedule", id=schedule["id"], name="Bigger", kind="INCOME", amount="31",
            recurrence={"frequency": "WEEKLY", "startDate": "2025-01-06"},
        ))["schedule"]  # fmt: skip
        assert same["nextOccurrence"]["date"] == iso(TODAY + timedelta(7))
        assert same["amount"]["amount"] == "31.00"

    async def test_delete_keeps_what_was_posted(self, ana: Member, services: Services) -> None:
        account, _ids = await budget(ana)
        schedule = await create(ana, account, kind="INCOME", recurrence=monthly(TODAY))
        await services.scheduler.run_pass()
        deleted = await ana.do("DeleteSchedule", id=schedule["id"])
        assert deleted["deletedScheduleId"] == schedule["id"]
        assert deleted["account"]["schedules"] == []
        assert (await ana.balances(account))["*"] == "110.00"
        reply = await ana.send("Schedule", {"id": schedule["id"]})
        assert reply.error_codes() == ["NOT_FOUND"]


# --- refusals ----------------------------------------------------------------------------------


class TestRefusals:
    @pytest.mark.parametrize(
        ("fields", "code", "field"),
        [
            ({"amount": "0"}, "VALIDATION", ["amount"]),
            ({"amount": "-5"}, "VALIDATION", ["amount"]),
            ({"amount": "1.234"}, "VALIDATION", ["amount"]),
            ({"amount": None}, "VALIDATION", ["amount"]),
            ({"recurrence": monthly(TODAY, interval=0)}, "VALIDATION", ["recurrence", "interval"]),
            ({"recurrence": {"frequency": "SEMI_MONTHLY", "startDate": iso(TODAY),
                             "daysOfMonth": [15, 31]}},
             "VALIDATION", ["recurrence", "daysOfMonth"]),
            ({"recurrence": monthly(TODAY, endDate=iso(TODAY - timedelta(1)))},
             "VALIDATION", ["recurrence", "endDate"]),
            ({"recurrence": monthly(TODAY, dayOfMonth=32)},
             "VALIDATION", ["recurrence", "dayOfMonth"]),
            ({"name": "  "}, "VALIDATION", ["name"]),
            ({"toAccountId": "own"}, "VALIDATION", ["toAccountId"]),
            ({"envelopeId": "archived"}, "VALIDATION", ["envelopeId"]),
            ({"envelopeId": None}, "VALIDATION", ["envelopeId"]),
            ({"envelopeId": None, "splits": [{"envelopeId": "food", "amount": "3"}]},
             "VALIDATION", ["splits"]),
            ({"envelopeId": "made-up"}, "NOT_FOUND", ["envelopeId"]),
            ({"kind": "MOVE", "envelopeId": None, "fromEnvelopeId": "food",
              "toEnvelopeId": "food"}, "VALIDATION", ["toEnvelopeId"]),
            ({"kind": "PAYDAY", "envelopeId": None, "paymentSourceId": "made-up"},
             "NOT_FOUND", ["paymentSourceId"]),
            ({"kind": "TRANSFER", "envelopeId": None, "toAccountId": "closed"},
             "VALIDATION", ["toAccountId"]),
            ({"kind": "TRANSFER", "envelopeId": None, "toAccountId": "usd"},
             "VALIDATION", ["receivedAmount"]),
            ({"kind": "TRANSFER", "envelopeId": None}, "VALIDATION", ["toAccountId"]),
        ],
    )  # fmt: skip
    async def test_bad_input_is_refused_and_changes_nothing(
        self, ana: Member, services: Services, fields: Row, code: str, field: list[str]
    ) -> None:
        account, ids = await budget(ana, envelopes=("Food", "Old"))
        await ana.do("ArchiveEnvelope", accountId=account, envelopeId=ids["Old"])
        closed = await ana.open_account(name="Closed")
        await ana.do("CloseAccount", accountId=closed["id"])
        usd = await ana.open_account(name="Dollars", currency="USD")
        names = {
            "food": ids["Food"], "archived": ids["Old"], "own": account, "closed": closed["id"],
            "usd": usd["id"], "made-up": unknown_id("Envelope"),
        }  # fmt: skip
        if fields.get("paymentSourceId") == "made-up":
            names["made-up"] = unknown_id("PaymentSource")

        def resolve(value: Any) -> Any:
            if isinstance(value, list):
                return [resolve(v) for v in value]
            if isinstance(value, dict):
                return {k: resolve(v) for k, v in value.items()}
            return names.get(value, value) if isinstance(value, str) else value

        values = {"accountId": account, "name": "Bad", "kind": "EXPENSE", "amount": "10",
                  "envelopeId": ids["Food"], "recurrence": monthly(TODAY)}  # fmt: skip
        values.update(resolve(fields))
        values = {k: v for k, v in values.items() if v is not None}
        async with unchanged(ana, account):
            error = await ana.refused("CreateSchedule", **values)
        assert (error["code"], error["field"]) == (code, field), error

    async def test_a_closed_account_is_refused(self, ana: Member, services: Services) -> None:
        account, _ids = await budget(ana, opening="0")
        await ana.do("CloseAccount", accountId=account)
        error = await ana.refused("CreateSchedule", accountId=account, name="x", kind="INCOME",
                                  amount="1", recurrence=monthly(TODAY))  # fmt: skip
        assert (error["code"], error["field"]) == ("VALIDATION", ["accountId"])
        assert await schedules_state(ana, account) == []

    async def test_another_users_ids_are_answered_like_made_up_ones(
        self, ana: Member, ben: Member, services: Services
    ) -> None:
        account, ids = await budget(ana)
        schedule = await create(ana, account, envelopeId=ids["Food"])
        mine, my_ids = await budget(ben)
        made_up = unknown_id("Schedule")
        for target in (schedule["id"], made_up):
            reply = await ben.send("Schedule", {"id": target})
            assert reply.error_codes() == ["NOT_FOUND"]
            assert (await ben.query("Node", id=target))["node"] is None
        async with unchanged(ana, account):
            for name in ("DeleteSchedule", "PauseSchedule", "ResumeSchedule", "SkipOccurrence",
                         "PostOccurrenceNow"):  # fmt: skip
                theirs = await ben.refused(name, id=schedule["id"])
                assert theirs == await ben.refused(name, id=made_up)
                assert theirs["code"] == "NOT_FOUND"
            spec = {"name": "x", "kind": "EXPENSE", "amount": "1", "recurrence": monthly(TODAY)}
            theirs = await ben.refused(
                "UpdateSchedule", id=schedule["id"], envelopeId=my_ids["Food"], **spec
            )
            assert theirs == await ben.refused(
                "UpdateSchedule", id=made_up, envelopeId=my_ids["Food"], **spec
            )
            for wrong, fake in [
                ({"accountId": account, "envelopeId": my_ids["Food"]},
                 {"accountId": unknown_id("Account"), "envelopeId": my_ids["Food"]}),
                ({"accountId": mine, "envelopeId": ids["Food"]},
                 {"accountId": mine, "envelopeId": unknown_id("Envelope")}),
            ]:  # fmt: skip
                theirs = await ben.refused("CreateSchedule", **wrong, **spec)
                assert theirs == await ben.refused("CreateSchedule", **fake, **spec)
                assert theirs["code"] == "NOT_FOUND"
            transfer = {**spec, "kind": "TRANSFER", "accountId": mine}
            theirs = await ben.refused("CreateSchedule", toAccountId=account, **transfer)
            fake = await ben.refused(
                "CreateSchedule", toAccountId=unknown_id("Account"), **transfer
            )
            assert theirs == fake
            assert theirs["code"] == "NOT_FOUND"

    async def test_signed_out_callers_and_bad_horizons(
        self, ana: Member, gql: GraphQLClient, services: Services
    ) -> None:
        account, _ids = await budget(ana)
        schedule = await create(ana, account, kind="INCOME")
        anonymous = await gql.execute(operation("PauseSchedule"), {"input": {"id": schedule["id"]}})
        assert anonymous.error_codes() == ["UNAUTHENTICATED"]
        for variables in ({"horizonDays": -1}, {"horizonDays": 4000}, {"first": 101},
                          {"horizonDays": 3, "until": "2025-07-01"},
                          {"until": "2040-01-01"}):  # fmt: skip
            reply = await ana.send("Schedule", {"id": schedule["id"], **variables})
            assert reply.error_codes() == ["VALIDATION"], variables
        assert (await schedule_of(ana, schedule["id"]))["paused"] is False

    async def test_fields_another_kind_takes_are_refused(
        self, ana: Member, services: Services
    ) -> None:
        account, ids = await budget(ana)
        error = await ana.refused("CreateSchedule", accountId=account, name="x", kind="INCOME",
                                  amount="1", envelopeId=ids["Food"],
                                  recurrence=monthly(TODAY))  # fmt: skip
        assert (error["code"], error["field"]) == ("VALIDATION", ["envelopeId"])


async def test_account_upcoming_lists_the_running_schedules_soonest_first(
    ana: Member, services: Services
) -> None:
    account = await ana.open_account(openingBalance="100.00", envelopeNames=["Rent", "Gym"])
    ids = await ana.envelope_ids(account["id"])
    day = timedelta(days=1)
    await create(
        ana, account["id"], name="Rent", envelopeId=ids["Rent"], recurrence=monthly(TODAY + 3 * day)
    )
    weekly = {"frequency": "WEEKLY", "startDate": iso(TODAY + day)}
    await create(ana, account["id"], name="Gym", envelopeId=ids["Gym"], recurrence=weekly)
    paused = await create(
        ana,
        account["id"],
        name="Paused",
        envelopeId=ids["Gym"],
        recurrence=monthly(TODAY + 2 * day),
    )
    await ana.do("PauseSchedule", id=paused["id"])

    async def upcoming(**variables: Any) -> list[tuple[str, str]]:
        found = await ana.query("AccountUpcoming", id=account["id"], **variables)
        return [(o["schedule"]["name"], o["date"]) for o in found["account"]["upcoming"]]

    assert await upcoming(horizonDays=14) == [
        ("Gym", iso(TODAY + day)), ("Rent", iso(TODAY + 3 * day)), ("Gym", iso(TODAY + 8 * day)),
    ]  # fmt: skip
    assert await upcoming(horizonDays=14, first=1) == [("Gym", iso(TODAY + day))]
    assert await upcoming(until=iso(TODAY + 2 * day)) == [("Gym", iso(TODAY + day))]
    reply = await ana.send("AccountUpcoming", {"id": account["id"], "horizonDays": -1})
    assert reply.errors
    assert reply.errors[0]["extensions"]["code"] == "VALIDATION"
