"""Every MongoDB query of sign-up, sign-in and token handling lives here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from app.core.errors import ConflictError
from app.persistence.documents.auth import (
    LoginDocument,
    LoginFailureDocument,
    RefreshTokenDocument,
    UserDocument,
    UserProfile,
)
from app.persistence.keyset import Page, PageRequest, SortSpec, fetch_page
from app.persistence.transactions import Session


class UserRepository:
    async def add(self, user: UserDocument, session: Session) -> UserDocument:
        try:
            return await user.insert(session=session)
        except DuplicateKeyError:
            raise ConflictError(
                "An account with this email already exists.", field=["email"]
            ) from None

    async def by_email_key(self, key: str) -> UserDocument | None:
        return await UserDocument.find_one({"email_key": key})

    async def by_id(self, user_id: ObjectId) -> UserDocument | None:
        return await UserDocument.get(user_id)

    async def set_password(
        self, user_id: ObjectId, password_hash: str, at: datetime, session: Session
    ) -> None:
        await UserDocument.get_pymongo_collection().update_one(
            {"_id": user_id},
            {"$set": {"password_hash": password_hash, "password_changed_at": at}},
            session=session,
        )


class LoginRepository:
    async def add(self, login: LoginDocument, session: Session) -> LoginDocument:
        return await login.insert(session=session)

    async def by_id(
        self, login_id: ObjectId, session: Session | None = None
    ) -> LoginDocument | None:
        return await LoginDocument.get(login_id, session=session)

    async def open_login_user(self, login_id: ObjectId, user_id: ObjectId) -> UserProfile | None:
        """The profile of the login's user when the login exists, belongs to `user_id` and
        was not revoked; None otherwise. Asked on every authenticated request, so one round
        trip: the user comes by `$lookup`."""
        pipeline: list[dict[str, Any]] = [
            {"$match": {"_id": login_id, "user_id": user_id, "revoked_at": None}},
            {"$limit": 1},
            {
                "$lookup": {
                    "from": UserDocument.Settings.name,
                    "localField": "user_id",
                    "foreignField": "_id",
                    "pipeline": [{"$project": UserProfile.PROJECTION}],
                    "as": "user",
                }
            },
            {"$project": {"_id": 0, "user": 1}},
        ]
        cursor = await LoginDocument.get_pymongo_collection().aggregate(pipeline)
        rows = await cursor.to_list(1)
        users = rows[0]["user"] if rows else []
        return UserProfile.model_validate(users[0]) if users else None

    async def touch(
        self, login_id: ObjectId, at: datetime, expires_at: datetime, session: Session
    ) -> None:
        await LoginDocument.get_pymongo_collection().update_one(
            {"_id": login_id}, {"$set": {"last_used_at": at, "expires_at": expires_at}},
            session=session,
        )  # fmt: skip

    async def revoke(
        self,
        login_id: ObjectId,
        at: datetime,
        reason: str,
        session: Session | None = None,
        user_id: ObjectId | None = None,
    ) -> bool:
        """End the login if it is open (and, given `user_id`, that user's); True if it was."""
        owner = {} if user_id is None else {"user_id": user_id}
        result = await LoginDocument.get_pymongo_collection().update_one(
            {"_id": login_id, "revoked_at": None, **owner},
            {"$set": {"revoked_at": at, "revoked_reason": reason}},
            session=session,
        )
        return result.modified_count == 1

    async def revoke_of_user(
        self, login_id: ObjectId, user_id: ObjectId, at: datetime, reason: str
    ) -> bool:
        """End a login of `user_id` (one ended before stays as it was); False when the user
        has no such login."""
        mine = {"_id": login_id, "user_id": user_id}
        if await self.revoke(login_id, at, reason, user_id=user_id):
            return True
        return await LoginDocument.get_pymongo_collection().count_documents(mine, limit=1) == 1

    async def revoke_all_of_user_except(
        self,
        user_id: ObjectId,
        keep: ObjectId,
        at: datetime,
        reason: str,
        session: Session,
    ) -> int:
        result = await LoginDocument.get_pymongo_collection().update_many(
            {"user_id": user_id, "_id": {"$ne": keep}, "revoked_at": None},
            {"$set": {"revoked_at": at, "revoked_reason": reason}},
            session=session,
        )
        return result.modified_count


class RefreshTokenRepository:
    async def add(self, token: RefreshTokenDocument, session: Session) -> None:
        await token.insert(session=session)

    async def by_hash(
        self, token_hash: str, session: Session | None = None
    ) -> RefreshTokenDocument | None:
        return await RefreshTokenDocument.find_one({"token_hash": token_hash}, session=session)

    async def mark_rotated(self, token_id: ObjectId, at: datetime, session: Session) -> bool:
        """Guarded: only a token not yet rotated can be rotated, exactly once."""
        result = await RefreshTokenDocument.get_pymongo_collection().update_one(
            {"_id": token_id, "rotated_at": None}, {"$set": {"rotated_at": at}}, session=session
        )
        return result.modified_count == 1


class LoginFailureRepository:
    async def add(self, keys: list[str], at: datetime, expires_at: datetime) -> None:
        await LoginFailureDocument.insert_many(
            [LoginFailureDocument(key=k, at=at, expires_at=expires_at) for k in keys]
        )

    async def recent(self, key: str, since: datetime, limit: int) -> list[datetime]:
        """Times of the first `limit` failures for `key` after `since`, oldest first."""
        cursor = LoginFailureDocument.get_pymongo_collection().find(
            {"key": key, "at": {"$gt": since}}, {"at": 1, "_id": 0}
        )
        rows = await cursor.sort("at", 1).limit(limit).to_list()
        return [row["at"] for row in rows]


SESSION_SORT: SortSpec = [("created_at", -1), ("_id", -1)]


async def active_logins_page(
    user_id: ObjectId, now: datetime, request: PageRequest, size: int
) -> Page[LoginDocument]:
    """The user's signed-in devices, newest first (served by the user_id/created_at index)."""
    query = {"user_id": user_id, "revoked_at": None, "expires_at": {"$gt": now}}
    return await fetch_page(
        LoginDocument.get_pymongo_collection(),
        query,
        SESSION_SORT,
        request,
        size,
        LoginDocument.model_validate,
    )
