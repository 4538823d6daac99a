"""Sign-in throttling: at most N failures per email and per client IP in a sliding window.

The failures are documents in MongoDB (expired by a TTL index), so the limit holds across
every API process. Only failures count; a success does not reset the window.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from app.core.errors import RateLimitedError
from app.persistence.repositories.auth import LoginFailureRepository


class LoginThrottle:
    def __init__(self, failures: LoginFailureRepository, limit: int, window_seconds: int) -> None:
        self._failures = failures
        self._limit = limit
        self._window = timedelta(seconds=window_seconds)

    @staticmethod
    def keys(email_key: str, ip: str | None) -> list[str]:
        keys = [f"email:{email_key}"]
        if ip:
            keys.append(f"ip:{ip}")
        return keys

    async def check(self, keys: list[str], now: datetime) -> None:
        """Refuse with RATE_LIMITED while any key has `limit` failures in the window."""
        for key in keys:
            failures = await self._failures.recent(key, now - self._window, self._limit)
            if len(failures) >= self._limit:
                retry_after = max(1, math.ceil((failures[0] + self._window - now).total_seconds()))
                raise RateLimitedError(
                    f"Too many failed sign-in attempts. Try again in {retry_after} seconds.",
                    retry_after=retry_after,
                )

    async def record_failure(self, keys: list[str], now: datetime) -> None:
        await self._failures.add(keys, now, now + self._window)
