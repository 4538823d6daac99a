"""How users appear to the members of their accounts (projections of `users`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bson import ObjectId
from pymongo.asynchronous.collection import AsyncCollection

from app.persistence.documents.auth import UserDocument, UserProfile
from app.persistence.transactions import Session


class ProfileRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.collection: AsyncCollection[dict[str, Any]] = UserDocument.get_pymongo_collection()

    async def by_ids(self, ids: Iterable[ObjectId]) -> dict[ObjectId, UserProfile]:
        wanted = list(set(ids))
        rows = await self.collection.find({"_id": {"$in": wanted}}, UserProfile.PROJECTION).to_list(
            len(wanted)
        )
        profiles = [UserProfile.model_validate(row) for row in rows]
        return {profile.id: profile for profile in profiles}

    def members_lookup(self) -> dict[str, Any]:
        """The profiles of an account's members, as the body of a `$lookup` stage joined to
        the read of the account (`AccountRepository.for_member_joined`)."""
        return {
            "from": self.collection.name,
            "localField": "member_ids",
            "foreignField": "_id",
            "pipeline": [{"$project": UserProfile.PROJECTION}],
        }

    async def by_email_key(self, key: str) -> UserProfile | None:
        row = await self.collection.find_one(
            {"email_key": key}, UserProfile.PROJECTION, session=self.session
        )
        return None if row is None else UserProfile.model_validate(row)
