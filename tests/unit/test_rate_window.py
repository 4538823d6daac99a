"""The sliding-minute rule of the rate limiter (app/services/rate_limit.py): Retry-After is
the first whole second at which one more request fits."""

from __future__ import annotations

import pytest

from app.services.rate_limit import WINDOW_SECONDS, retry_after_seconds


def fits(previous: int, current: int, limit: int, at: float) -> bool:
    """Whether one more request fits `at` seconds after the current window began, if no
    other request comes meanwhile (the windows roll over as the limiter's documents do)."""
    while at >= WINDOW_SECONDS:
        previous, current, at = current, 0, at - WINDOW_SECONDS
    return previous * (1 - at / WINDOW_SECONDS) + current + 1 <= limit


CASES = [
    (previous, current, limit, elapsed)
    for limit in (1, 2, 3, 5, 10)
    for previous in range(limit + 1)
    for current in range(limit + 1)
    for elapsed in (0.0, 0.5, 15.0, 59.5)
    if not fits(previous, current, limit, elapsed)
]


@pytest.mark.parametrize(("previous", "current", "limit", "elapsed"), CASES)
def test_retry_after_is_the_first_second_that_fits(
    previous: int, current: int, limit: int, elapsed: float
) -> None:
    wait = retry_after_seconds(previous, current, limit, elapsed)
    assert fits(previous, current, limit, elapsed + wait)
    assert wait == 1 or not fits(previous, current, limit, elapsed + wait - 1)


def test_a_full_minute_fits_again_once_enough_of_it_slid_out() -> None:
    # 10 of 10 used 15 s into the minute: 45 s to its end, then 6 s for a tenth of it to go.
    assert retry_after_seconds(0, 10, 10, 15.0) == 45 + 6
