"""`running_again()`: how a scope tells a use case's first run from another (a first run of
a keyed change skips looking its key up, see `app.persistence.unit_of_work`)."""

from __future__ import annotations

from app.core.errors import ConflictError
from app.persistence.transactions import TryAgain, running_again, transactional


async def test_a_first_run_is_not_running_again_and_a_rerun_is() -> None:
    seen: list[bool] = []

    @transactional
    async def use_case() -> str:
        seen.append(running_again())
        if len(seen) < 3:
            raise TryAgain(ConflictError("taken"))
        return "done"

    assert await use_case() == "done"
    assert seen == [False, True, True]


async def test_a_use_case_called_by_a_rerun_starts_as_a_first_run() -> None:
    inner_seen: list[bool] = []

    @transactional
    async def inner() -> None:
        inner_seen.append(running_again())

    @transactional
    async def outer() -> bool:
        await inner()
        if len(inner_seen) == 1:
            raise TryAgain(ConflictError("taken"))
        return running_again()

    assert await outer() is True  # the outer's rerun is still one after the inner returned
    assert inner_seen == [False, False]
    assert running_again() is False  # outside any use case
