"""Payment sources: payday templates of an account (who pays, the expected amount, and fixed
amounts per envelope, in order). Admins manage them; editors record paydays from them
(`MovementService.payday`). The allocations never add up to more than the expected amount
and name distinct, usable envelopes of the account.
"""

from __future__ import annotations

from datetime import datetime

from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.entries import MAX_PAYEE_LENGTH, clean_text
from app.domain.envelopes import clean_name
from app.domain.members import Permission
from app.domain.money import parse_amount
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.payment_sources import AllocationRecord, PaymentSourceDocument
from app.persistence.locked_account import LockedAccount
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.payment_sources import PaymentSourceRepository
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import LedgerTransaction, UnitOfWork
from app.services.ledger.commands import (
    CreatePaymentSource,
    PaymentSourceRef,
    PaymentSourceSpec,
    UpdatePaymentSource,
)

MAX_SOURCES = 50
NO_SOURCE = "No such payment source."


Saved = tuple[PaymentSourceDocument, AccountRecord]  # a template, and its account


def _template(
    account: LockedAccount, spec: PaymentSourceSpec, now: datetime
) -> PaymentSourceDocument:
    """A new template of the account, as `spec` says (checked against the account)."""
    currency = account.currency
    expected = parse_amount(spec.expected_amount, currency, "expectedAmount")
    allocations: list[AllocationRecord] = []
    for i, item in enumerate(spec.allocations):
        field = ["allocations", str(i), "envelopeId"]
        account.ledger.usable(item.envelope_id, field)
        if any(a.envelope_id == item.envelope_id for a in allocations):
            raise ValidationError("An envelope is listed twice.", field=field)
        amount = parse_amount(item.amount, currency, ["allocations", str(i), "amount"])
        allocations.append(AllocationRecord(envelope_id=item.envelope_id, amount=amount))
    if sum(a.amount for a in allocations) > expected:
        raise ValidationError(
            "The allocations add up to more than the expected amount.", field=["allocations"]
        )
    return PaymentSourceDocument(
        account_id=account.id,
        name=clean_name(spec.name),
        payer=clean_text(spec.payer, MAX_PAYEE_LENGTH, "payer"),
        expected_amount=expected,
        allocations=allocations,
        created_at=now,
        updated_at=now,
    )


class PaymentSourceService:
    def __init__(
        self, uow: UnitOfWork, accounts: AccountRepository, sources: PaymentSourceRepository
    ) -> None:
        self.uow = uow
        self.accounts = accounts
        self.sources = sources

    async def of_account(self, account: AccountRecord) -> list[PaymentSourceDocument]:
        """`account` was read for the caller already (the GraphQL parent object)."""
        return await self.sources.of_account(account.id)

    async def get(self, viewer: Viewer, source_id: ObjectId) -> Saved:
        source = await self.sources.get(source_id)
        account = (
            await self.accounts.for_member(source.account_id, viewer.user_id) if source else None
        )
        if source is None or account is None:
            raise NotFoundError(NO_SOURCE, field=["id"])
        return source, account

    @transactional
    async def create(self, viewer: Viewer, command: CreatePaymentSource) -> Saved:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            if await tx.sources.count(account.id) >= MAX_SOURCES:
                raise ValidationError(
                    f"An account has at most {MAX_SOURCES} payment sources.", field=["accountId"]
                )
            source = _template(account, command.spec, tx.recorded_at)
            await tx.sources.insert(source, rev=account.rev)
            await tx.commit()
            return source, account.document

    async def _locked_source(
        self, tx: LedgerTransaction, source_id: ObjectId
    ) -> tuple[PaymentSourceDocument, LockedAccount]:
        source = await tx.sources.get(source_id)
        if source is None:
            raise NotFoundError(NO_SOURCE, field=["id"])
        account = await tx.lock(source.account_id, Permission.MANAGE, "id", NO_SOURCE)
        return source, account

    @transactional
    async def update(self, viewer: Viewer, command: UpdatePaymentSource) -> Saved:
        async with self.uow.begin(viewer) as tx:
            stored, account = await self._locked_source(tx, command.source_id)
            source = _template(account, command.spec, tx.recorded_at)
            source.id, source.created_at = stored.id, stored.created_at
            await tx.sources.replace(source, rev=account.rev)
            await tx.commit()
            return source, account.document

    @transactional
    async def delete(self, viewer: Viewer, command: PaymentSourceRef) -> Saved:
        """Returns the template as it was, and its account."""
        async with self.uow.begin(viewer) as tx:
            source, account = await self._locked_source(tx, command.source_id)
            await tx.sources.delete(source, rev=account.rev)
            await tx.commit()
            return source, account.document
