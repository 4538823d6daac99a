"""Share an account with the people of a household, and manage their roles.

The rules are in `app.domain.members`. Each change rewrites the account's member list in one
transaction after locking the account, so two admins changing members at once cannot lose
each other's change, and the account always has exactly one owner.
"""

from __future__ import annotations

from app.core.errors import ConflictError, NotFoundError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain import members
from app.domain.identity import clean_email, email_key
from app.domain.members import Permission, Role
from app.persistence.documents.accounts import AccountRecord, MemberRecord
from app.persistence.locked_account import LockedAccount
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import UnitOfWork
from app.services.ledger.commands import AccountRef, ChangeMemberRole, MemberRef, ShareAccount

NO_MEMBER = "No such member of this account."


def _member(account: LockedAccount, user_id: ObjectId) -> MemberRecord:
    found = account.document.member(user_id)
    if found is None:
        raise NotFoundError(NO_MEMBER, field=["userId"])
    return found


class MemberService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @transactional
    async def share(self, viewer: Viewer, command: ShareAccount) -> AccountRecord:
        """Give a registered user a role (admin, editor or viewer) in the account."""
        members.check_grantable(command.role)
        key = email_key(clean_email(command.email))
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            user = await tx.profiles.by_email_key(key)
            if user is None:
                raise NotFoundError("No Envelopes user has this email.", field=["email"])
            if account.document.member(user.id) is not None:
                raise ConflictError("This person is already a member.", field=["email"])
            account.document.members.append(
                MemberRecord(user_id=user.id, role=command.role, added_at=tx.recorded_at)
            )
            return (await tx.commit()).accounts[0]

    @transactional
    async def change_role(self, viewer: Viewer, command: ChangeMemberRole) -> AccountRecord:
        members.check_grantable(command.role)
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            member = _member(account, command.user_id)
            members.check_member_change(account.role, member.role)
            member.role = command.role
            return (await tx.commit()).accounts[0]

    @transactional
    async def remove(self, viewer: Viewer, command: MemberRef) -> AccountRecord:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            member = _member(account, command.user_id)
            members.check_member_change(account.role, member.role)
            account.document.members.remove(member)
            return (await tx.commit()).accounts[0]

    @transactional
    async def leave(self, viewer: Viewer, command: AccountRef) -> ObjectId:
        """Returns the id of the account left."""
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.READ)
            members.check_can_leave(account.role)
            account.document.members.remove(_member(account, viewer.user_id))
            await tx.commit()
            return account.id

    @transactional
    async def transfer_ownership(self, viewer: Viewer, command: MemberRef) -> AccountRecord:
        """The new owner must already be a member; the previous owner stays as an admin."""
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.OWN)
            member = _member(account, command.user_id)
            if command.user_id == viewer.user_id:
                raise ConflictError("You already own this account.", field=["userId"])
            _member(account, viewer.user_id).role = Role.ADMIN
            member.role = Role.OWNER
            account.document.owner_id = command.user_id
            return (await tx.commit()).accounts[0]
