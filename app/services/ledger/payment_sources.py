"""Payment sources: payday templates of an account (who pays, the expected amount, and fixed
amounts per envelope, in order). Admins manage them; editors record paydays from them
(`MovementService.payday`). The allocations never add up to more than the expected amount
and name distinct, usable envelopes of the account.
"""

from __future__ import annotations

from bson import ObjectId

from app.core.errors import NotFoundError, ValidationError
from app.domain.envelopes import Allocation, clean_name
from app.domain.members import Permission
from app.domain.money import parse_amount
from app.persistence.ledger_repository import LedgerRepository, Row
from app.persistence.mongo import Session
from app.services.auth import Viewer
from app.services.ledger.commands import PaymentSourceSpec
from app.services.ledger.entry_fields import MAX_PAYEE_LENGTH, clean_text
from app.services.ledger.unit import LedgerUnit, LockedAccount

MAX_SOURCES = 50
NO_SOURCE = "No such payment source."


def _template(account: LockedAccount, spec: PaymentSourceSpec) -> Row:
    currency = account.currency
    expected = parse_amount(spec.expected_amount, currency, "expectedAmount")
    allocations = []
    seen: set[ObjectId] = set()
    for i, item in enumerate(spec.allocations):
        field = ["allocations", str(i), "envelopeId"]
        account.ledger.usable(item.envelope_id, field)
        if item.envelope_id in seen:
            raise ValidationError("An envelope is listed twice.", field=field)
        seen.add(item.envelope_id)
        amount = parse_amount(item.amount, currency, ["allocations", str(i), "amount"])
        allocations.append(Allocation(item.envelope_id, amount))
    if sum(a.amount for a in allocations) > expected:
        raise ValidationError(
            "The allocations add up to more than the expected amount.", field=["allocations"]
        )
    return {
        "name": clean_name(spec.name),
        "payer": clean_text(spec.payer, MAX_PAYEE_LENGTH, "payer"),
        "expected_amount": expected,
        "allocations": [{"envelope_id": a.envelope_id, "amount": a.amount} for a in allocations],
        "updated_at": account.recorded_at,
    }


class PaymentSourceService:
    def __init__(self, unit: LedgerUnit, repo: LedgerRepository) -> None:
        self.unit = unit
        self.repo = repo

    async def of_account(self, account: Row) -> list[Row]:
        """`account` was read for the caller already (the GraphQL parent object)."""
        return await self.repo.sources_of(account["_id"])

    async def get(self, viewer: Viewer, source_id: ObjectId) -> tuple[Row, Row]:
        source = await self.repo.source(source_id)
        account = (
            await self.repo.account_for(source["account_id"], viewer.user_id) if source else None
        )
        if source is None or account is None:
            raise NotFoundError(NO_SOURCE, field=["id"])
        return source, account

    async def create(
        self, viewer: Viewer, account_id: ObjectId, spec: PaymentSourceSpec
    ) -> tuple[Row, Row]:
        async def change(session: Session) -> tuple[Row, Row]:
            account = await self.unit.lock(session, viewer, account_id, Permission.MANAGE)
            if await self.repo.count_sources(account.id, session) >= MAX_SOURCES:
                raise ValidationError(
                    f"An account has at most {MAX_SOURCES} payment sources.", field=["accountId"]
                )
            row = {
                "_id": ObjectId(),
                "account_id": account.id,
                "created_at": account.recorded_at,
                **_template(account, spec),
            }
            await self.repo.insert_source(row, session)
            return row, account.row

        return await self.unit.db.transaction(change)

    async def _locked_source(
        self, session: Session, viewer: Viewer, source_id: ObjectId
    ) -> tuple[Row, LockedAccount]:
        source = await self.repo.source(source_id, session)
        if source is None:
            raise NotFoundError(NO_SOURCE, field=["id"])
        account = await self.unit.lock(
            session, viewer, source["account_id"], Permission.MANAGE, "id", NO_SOURCE
        )
        return source, account

    async def update(
        self, viewer: Viewer, source_id: ObjectId, spec: PaymentSourceSpec
    ) -> tuple[Row, Row]:
        async def change(session: Session) -> tuple[Row, Row]:
            source, account = await self._locked_source(session, viewer, source_id)
            fields = _template(account, spec)
            await self.repo.update_source(source_id, fields, session)
            return {**source, **fields}, account.row

        return await self.unit.db.transaction(change)

    async def delete(self, viewer: Viewer, source_id: ObjectId) -> Row:
        async def change(session: Session) -> Row:
            _, account = await self._locked_source(session, viewer, source_id)
            await self.repo.delete_source(source_id, session)
            return account.row

        return await self.unit.db.transaction(change)
