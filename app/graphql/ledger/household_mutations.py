"""Mutations of a household: members and their roles, payment sources (payday templates)."""

from __future__ import annotations

import strawberry
from bson import ObjectId

from app.domain.members import Role
from app.graphql.context import Info
from app.graphql.errors import user_errors_as_payload
from app.graphql.ledger.account_mutations import account_payload
from app.graphql.ledger.account_type import Account
from app.graphql.ledger.ids import raw_id
from app.graphql.ledger.inputs import (
    AccountInput,
    ChangeMemberRoleInput,
    CreatePaymentSourceInput,
    MemberInput,
    ShareAccountInput,
    UpdatePaymentSourceInput,
)
from app.graphql.ledger.payloads import (
    AccountPayload,
    DeletePaymentSourcePayload,
    LeaveAccountPayload,
    PaymentSourcePayload,
    global_id,
)
from app.graphql.ledger.types import PaymentSource


@strawberry.input
class PaymentSourceInput:
    id: strawberry.ID


@strawberry.type
class HouseholdMutation:
    @strawberry.mutation(description="Share the account with a registered user (admins).")
    async def share_account(self, info: Info, input: ShareAccountInput) -> AccountPayload:
        members = info.context.services.members
        return await account_payload(
            info,
            lambda v: members.share(
                v, input_account(input.account_id), input.email, Role(input.role.value)
            ),
        )

    @strawberry.mutation(description="Give a member another role (admins; not the owner).")
    async def change_member_role(self, info: Info, input: ChangeMemberRoleInput) -> AccountPayload:
        members = info.context.services.members
        return await account_payload(
            info,
            lambda v: members.change_role(
                v,
                input_account(input.account_id),
                raw_id(input.user_id, "User", "userId"),
                Role(input.role.value),
            ),
        )

    @strawberry.mutation(description="Remove a member (admins; not the owner).")
    async def remove_member(self, info: Info, input: MemberInput) -> AccountPayload:
        members = info.context.services.members
        return await account_payload(
            info,
            lambda v: members.remove(
                v, input_account(input.account_id), raw_id(input.user_id, "User", "userId")
            ),
        )

    @strawberry.mutation(description="Hand the account to another member; you become admin.")
    async def transfer_ownership(self, info: Info, input: MemberInput) -> AccountPayload:
        members = info.context.services.members
        return await account_payload(
            info,
            lambda v: members.transfer_ownership(
                v, input_account(input.account_id), raw_id(input.user_id, "User", "userId")
            ),
        )

    @strawberry.mutation(description="Stop being a member (the owner transfers ownership first).")
    async def leave_account(self, info: Info, input: AccountInput) -> LeaveAccountPayload:
        viewer = await info.context.viewer()
        members = info.context.services.members

        async def run() -> LeaveAccountPayload:
            await members.leave(viewer, input.raw())
            return LeaveAccountPayload(account_id=input.account_id)

        return await user_errors_as_payload(LeaveAccountPayload.failed, run)

    @strawberry.mutation(description="Save a payday template (admins).")
    async def create_payment_source(
        self, info: Info, input: CreatePaymentSourceInput
    ) -> PaymentSourcePayload:
        viewer = await info.context.viewer()
        sources = info.context.services.payment_sources

        async def run() -> PaymentSourcePayload:
            account_id = input_account(input.account_id)
            row, account = await sources.create(viewer, account_id, input.spec())
            return PaymentSourcePayload(payment_source=PaymentSource.from_row(row, account))

        return await user_errors_as_payload(PaymentSourcePayload.failed, run)

    @strawberry.mutation(description="Replace a payday template's details (admins).")
    async def update_payment_source(
        self, info: Info, input: UpdatePaymentSourceInput
    ) -> PaymentSourcePayload:
        viewer = await info.context.viewer()
        sources = info.context.services.payment_sources

        async def run() -> PaymentSourcePayload:
            source_id = raw_id(input.id, "PaymentSource", "id")
            row, account = await sources.update(viewer, source_id, input.spec())
            return PaymentSourcePayload(payment_source=PaymentSource.from_row(row, account))

        return await user_errors_as_payload(PaymentSourcePayload.failed, run)

    @strawberry.mutation(description="Delete a payday template (admins); its paydays stay.")
    async def delete_payment_source(
        self, info: Info, input: PaymentSourceInput
    ) -> DeletePaymentSourcePayload:
        viewer = await info.context.viewer()
        sources = info.context.services.payment_sources

        async def run() -> DeletePaymentSourcePayload:
            source_id = raw_id(input.id, "PaymentSource", "id")
            account = await sources.delete(viewer, source_id)
            return DeletePaymentSourcePayload(
                deleted_payment_source_id=global_id("PaymentSource", source_id),
                account=Account.from_row(account, viewer.user_id),
            )

        return await user_errors_as_payload(DeletePaymentSourcePayload.failed, run)


def input_account(account_id: str) -> ObjectId:
    return raw_id(account_id, "Account", "accountId")
