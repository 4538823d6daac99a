"""Request rate limits on /graphql, per client IP and per signed-in user, across processes.

A sliding minute, estimated from two fixed windows: a key may make one more request while

    previous minute's count * (share of the previous minute still inside the last 60 s)
    + this minute's count + 1  ≤  limit.

Refused requests are not counted, so a client that keeps retrying still gets `limit`
requests a minute through, and `Retry-After` is exact for a client that waits for it.
Both keys of a request are counted in parallel, one MongoDB round trip each
(`RequestCounters`); a request must fit both.

Leases: a round trip counts up to a 50th of the key's limit at once (as many as fit), and
the process admits that many more requests of the key in the same window without asking
MongoDB again: with the default limits, one round trip per key per 12 or 24 requests
instead of one per request. Requests leased but unused when the window ends stay counted,
so a client spread over many processes can be limited a little early, never late. Limits
below 100 a minute lease nothing and are exact. The user is the `sub` of a valid access
token, checked by signature and expiry only (no database read): a bad token counts for the
IP alone, like an anonymous request.

Fail open: when MongoDB does not answer within `budget_seconds`, the request is admitted
with a warning (it then gets the database's own UNAVAILABLE answer), and the limiter stands
aside for `pause_seconds`, so an outage neither slows every request down nor floods the log.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime

from app.core.errors import RateLimitedError, UnauthenticatedError
from app.core.settings import Settings
from app.persistence.failures import DatabaseError, time_budget
from app.persistence.mongo import Database
from app.persistence.repositories.rate_limits import RequestCounters, WindowCounts
from app.services.tokens import AccessTokens

log = logging.getLogger("envelopes.rate_limit")

WINDOW_SECONDS = 60
LEASE_FRACTION = 50
MAX_LEASES = 10_000


def fits(previous: int, current: int, limit: int, at: float) -> bool:
    """Whether one more request fits `at` seconds after the current window began, if no
    other request comes meanwhile (the windows roll over as the counter documents do)."""
    while at >= WINDOW_SECONDS:
        previous, current, at = current, 0, at - WINDOW_SECONDS
    return previous * (1 - at / WINDOW_SECONDS) + current + 1 <= limit


def retry_after_seconds(previous: int, current: int, limit: int, elapsed: float) -> int:
    """Whole seconds (≥ 1) until one more request fits for a key with `previous` and
    `current` requests counted, `elapsed` seconds into the current window."""
    window = WINDOW_SECONDS
    if current + 1 <= limit and previous > 0:
        # Only the previous window's weight is in the way: wait until enough of it slid out.
        fits_at = window * (1 - (limit - current - 1) / previous)
        wait = fits_at - elapsed
    else:
        # Not before the next window, where this window's count becomes the previous one.
        fits_at = window * (1 - (limit - 1) / current) if current else 0.0
        wait = window - elapsed + fits_at
    # The same floating-point sums as the counters' pipeline decide the exact second.
    seconds = max(1, math.ceil(wait))
    while not fits(previous, current, limit, elapsed + seconds):
        seconds += 1
    while seconds > 1 and fits(previous, current, limit, elapsed + seconds - 1):
        seconds -= 1
    return seconds


def lease_size(limit: int) -> int:
    """How many requests a process counts at once for a key (a 50th of its limit): the
    others are admitted from the lease without a round trip to MongoDB. A small limit is
    counted request by request, so it is exact."""
    return max(1, limit // LEASE_FRACTION)


class RequestRateLimiter:
    def __init__(
        self,
        counters: RequestCounters,
        tokens: AccessTokens,
        per_user: int,
        per_ip: int,
        *,
        clock: Callable[[], float] = time.time,
        budget_seconds: float = 1.0,
        pause_seconds: float = 5.0,
    ) -> None:
        self._counters = counters
        self._tokens = tokens
        self._per_user = per_user
        self._per_ip = per_ip
        self.clock = clock  # wall clock: windows must line up across processes
        self._budget = budget_seconds
        self._pause = pause_seconds
        self._paused_until = 0.0
        # key -> [window, requests counted in MongoDB but not yet used by this process]
        self._leases: dict[str, list[int]] = {}

    @classmethod
    def build(cls, settings: Settings, db: Database) -> RequestRateLimiter:
        return cls(
            RequestCounters(db),
            AccessTokens(settings.secret, settings.access_token_ttl_seconds),
            settings.rate_limit_per_user_per_minute,
            settings.rate_limit_per_ip_per_minute,
        )

    async def check(self, ip: str | None, authorization: str | None) -> None:
        """Count the request; RATE_LIMITED (with `retry_after`) when a key is over its limit."""
        keys = self._keys(ip, authorization)
        if not keys or time.monotonic() < self._paused_until:
            return
        now = self.clock()
        window_float, elapsed = divmod(now, WINDOW_SECONDS)
        window = int(window_float)
        # Keys with requests leased to this process in this window need no round trip.
        wanted = [(key, limit) for key, limit in keys if not self._take_leased(key, window)]
        if not wanted:
            return
        try:
            counts = await self._hit(wanted, window, elapsed)
        except DatabaseError as error:
            self._paused_until = time.monotonic() + self._pause
            log.warning("rate limiter skipped for %ss: %s", self._pause, type(error).__name__)
            return
        for count, (key, _) in zip(counts, wanted, strict=True):
            if count.granted > 1:  # this request, and a lease of more
                self._lease(key, window, count.granted - 1)
        waits = [
            retry_after_seconds(c.previous, c.current, limit, elapsed)
            for c, (_, limit) in zip(counts, wanted, strict=True)
            if not c.admitted
        ]
        if waits:
            retry_after = max(waits)
            raise RateLimitedError(
                f"Too many requests. Try again in {retry_after} seconds.", retry_after=retry_after
            )

    def _take_leased(self, key: str, window: int) -> bool:
        lease = self._leases.get(key)
        if lease is None or lease[0] != window or lease[1] < 1:
            return False
        lease[1] -= 1
        return True

    def _lease(self, key: str, window: int, count: int) -> None:
        lease = self._leases.get(key)
        if lease is not None and lease[0] == window:
            lease[1] += count
        else:
            self._leases[key] = [window, count]
        if len(self._leases) > MAX_LEASES:  # forget the oldest keys (their leases lapse)
            for old in list(self._leases)[: len(self._leases) - MAX_LEASES]:
                del self._leases[old]

    def _keys(self, ip: str | None, authorization: str | None) -> list[tuple[str, int]]:
        keys = []
        user = self._user_of(authorization)
        if user is not None:
            keys.append((f"user:{user}", self._per_user))
        if ip:
            keys.append((f"ip:{ip}", self._per_ip))
        return keys

    def _user_of(self, authorization: str | None) -> str | None:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            return str(self._tokens.decode(token.strip()).user_id)
        except UnauthenticatedError:
            return None

    async def _hit(
        self, keys: list[tuple[str, int]], window: int, elapsed: float
    ) -> list[WindowCounts]:
        weight = 1 - elapsed / WINDOW_SECONDS
        expires_at = datetime.fromtimestamp((window + 2) * WINDOW_SECONDS, UTC)
        with time_budget(self._budget):
            hits = [
                self._counters.hit(k, window, weight, n, expires_at, lease_size(n)) for k, n in keys
            ]
            if len(hits) == 1:
                return [await hits[0]]
            results = await asyncio.gather(*hits, return_exceptions=True)  # both finish
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if isinstance(r, WindowCounts)]
