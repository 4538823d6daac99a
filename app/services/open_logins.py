"""Logins this process recently found open, so a burst of requests checks MongoDB once.

Every authenticated request must belong to a login that was not signed out or revoked. A
front end sends requests in bursts; asking MongoDB for each one costs a round trip. A login
confirmed open is remembered for `ttl_seconds` (1 s by default, 0 turns it off), together
with its user's profile (which the answer usually shows as `recordedBy`). Sign-outs and
revocations made through this process forget the login at once; one made through another
process takes effect here within `ttl_seconds`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from app.core.ids import ObjectId
from app.persistence.documents.auth import UserProfile

MAX_ENTRIES = 10_000


class OpenLogins:
    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl_seconds
        self.clock = clock
        # login id -> (user id, open until, the user's profile)
        self._until: dict[ObjectId, tuple[ObjectId, float, UserProfile]] = {}

    def known(self, login_id: ObjectId, user_id: ObjectId) -> UserProfile | None:
        """The user's profile if the login is remembered open, else None."""
        found = self._until.get(login_id)
        if found is None or found[0] != user_id or self.clock() >= found[1]:
            return None
        return found[2]

    def remember(self, login_id: ObjectId, user_id: ObjectId, user: UserProfile) -> None:
        if self.ttl <= 0:
            return
        now = self.clock()
        if len(self._until) >= MAX_ENTRIES:
            self._until = {k: v for k, v in self._until.items() if v[1] > now}
            if len(self._until) >= MAX_ENTRIES:
                self._until.clear()
        self._until[login_id] = (user_id, now + self.ttl, user)

    def forget(self, login_id: ObjectId) -> None:
        self._until.pop(login_id, None)

    def forget_user(self, user_id: ObjectId, keep: ObjectId | None = None) -> None:
        """Forget every login of `user_id` but `keep`."""
        for login_id, (owner, _, _) in list(self._until.items()):
            if owner == user_id and login_id != keep:
                del self._until[login_id]
