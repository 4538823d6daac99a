"""Share an account with the people of a household, and manage their roles.

The rules are in `app.domain.members`. Each change rewrites the account's member list in one
transaction after locking the account, so two admins changing members at once cannot lose
each other's change, and the account always has exactly one owner.
"""

from __future__ import annotations

from bson import ObjectId

from app.core.errors import ConflictError, NotFoundError
from app.domain import members
from app.domain.identity import clean_email, email_key
from app.domain.members import Permission, Role
from app.persistence.ledger_repository import LedgerRepository, Row
from app.persistence.mongo import Session
from app.services.auth import Viewer
from app.services.ledger.unit import LedgerUnit, LockedAccount

NO_MEMBER = "No such member of this account."


def _member(account: LockedAccount, user_id: ObjectId) -> Row:
    for member in account.row["members"]:
        if member["user_id"] == user_id:
            found: Row = member
            return found
    raise NotFoundError(NO_MEMBER, field=["userId"])


class MemberService:
    def __init__(self, unit: LedgerUnit, repo: LedgerRepository) -> None:
        self.unit = unit
        self.repo = repo

    async def _save(self, session: Session, account: LockedAccount) -> Row:
        row = account.row
        await self.repo.set_members(
            account.id, row["members"], row["owner_id"], account.recorded_at, session
        )
        row["member_ids"] = [m["user_id"] for m in row["members"]]
        return row

    async def share(self, viewer: Viewer, account_id: ObjectId, email: str, role: Role) -> Row:
        """Give a registered user a role (admin, editor or viewer) in the account."""
        members.check_grantable(role)
        key = email_key(clean_email(email))

        async def change(session: Session) -> Row:
            account = await self.unit.lock(session, viewer, account_id, Permission.MANAGE)
            user = await self.repo.user_by_email_key(key, session)
            if user is None:
                raise NotFoundError("No Envelopes user has this email.", field=["email"])
            if any(m["user_id"] == user["_id"] for m in account.row["members"]):
                raise ConflictError("This person is already a member.", field=["email"])
            account.row["members"].append(
                {"user_id": user["_id"], "role": role.value, "added_at": account.recorded_at}
            )
            return await self._save(session, account)

        return await self.unit.db.transaction(change)

    async def change_role(
        self, viewer: Viewer, account_id: ObjectId, user_id: ObjectId, role: Role
    ) -> Row:
        members.check_grantable(role)

        async def change(session: Session) -> Row:
            account = await self.unit.lock(session, viewer, account_id, Permission.MANAGE)
            member = _member(account, user_id)
            members.check_member_change(account.role, Role(member["role"]))
            member["role"] = role.value
            return await self._save(session, account)

        return await self.unit.db.transaction(change)

    async def remove(self, viewer: Viewer, account_id: ObjectId, user_id: ObjectId) -> Row:
        async def change(session: Session) -> Row:
            account = await self.unit.lock(session, viewer, account_id, Permission.MANAGE)
            member = _member(account, user_id)
            members.check_member_change(account.role, Role(member["role"]))
            account.row["members"].remove(member)
            return await self._save(session, account)

        return await self.unit.db.transaction(change)

    async def leave(self, viewer: Viewer, account_id: ObjectId) -> None:
        async def change(session: Session) -> None:
            account = await self.unit.lock(session, viewer, account_id, Permission.READ)
            members.check_can_leave(account.role)
            account.row["members"].remove(_member(account, viewer.user_id))
            await self._save(session, account)

        await self.unit.db.transaction(change)

    async def transfer_ownership(
        self, viewer: Viewer, account_id: ObjectId, user_id: ObjectId
    ) -> Row:
        """The new owner must already be a member; the previous owner stays as an admin."""

        async def change(session: Session) -> Row:
            account = await self.unit.lock(session, viewer, account_id, Permission.OWN)
            member = _member(account, user_id)
            if user_id == viewer.user_id:
                raise ConflictError("You already own this account.", field=["userId"])
            _member(account, viewer.user_id)["role"] = Role.ADMIN.value
            member["role"] = Role.OWNER.value
            account.row["owner_id"] = user_id
            return await self._save(session, account)

        return await self.unit.db.transaction(change)
