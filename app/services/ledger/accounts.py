"""Open, list, read, update, close and reopen accounts.

Rules: the opening balance lands in Available as the account's first entry (sequence 1) in
the same transaction as the account; only credit card and loan accounts may open below zero
and allow envelopes below zero by default; only an account whose envelopes are all at zero
can be closed, and a closed account refuses every money movement until it is reopened.
"""

from __future__ import annotations

from bson import ObjectId

from app.core.errors import NotFoundError, ValidationError
from app.domain.envelopes import Envelope, Ledger, Line, clean_name
from app.domain.members import Permission, Role
from app.domain.money import check_currency, parse_signed
from app.persistence.ledger_repository import LedgerRepository, Row
from app.persistence.mongo import Session
from app.services.auth import Viewer
from app.services.ledger.commands import OpenAccount, UpdateAccount
from app.services.ledger.entry_fields import MAX_PAYEE_LENGTH, booking_datetime, clean_text
from app.services.ledger.unit import LedgerUnit, LockedAccount, Outcome, envelope_rows, utcnow

ACCOUNT_TYPES = ("checking", "savings", "credit_card", "cash", "loan", "other")
DEBT_TYPES = ("credit_card", "loan")
AVAILABLE = "Available"


class AccountService:
    def __init__(self, unit: LedgerUnit, repo: LedgerRepository) -> None:
        self.unit = unit
        self.repo = repo

    async def open(self, viewer: Viewer, command: OpenAccount, key: str | None) -> Outcome:
        if command.type not in ACCOUNT_TYPES:
            raise ValidationError("Unknown account type.", field=["type"])
        currency = check_currency(command.currency)
        name = clean_name(command.name)
        institution = clean_text(command.institution, MAX_PAYEE_LENGTH, "institution")
        opening = parse_signed(command.opening_balance, currency, "openingBalance")
        if opening < 0 and command.type not in DEBT_TYPES:
            raise ValidationError(
                "Only credit card and loan accounts open below zero.", field=["openingBalance"]
            )
        overdraft = command.allow_overdraft
        if overdraft is None:
            overdraft = command.type in DEBT_TYPES
        names = [clean_name(n, "envelopeNames") for n in command.envelope_names]

        async def change(session: Session) -> Outcome:
            now = utcnow()
            ledger = Ledger(currency, [Envelope(ObjectId(), AVAILABLE, builtin=True)], overdraft)
            for envelope_name in names:
                ledger.add(Envelope(ObjectId(), envelope_name), field="envelopeNames")
            row: Row = {
                "_id": ObjectId(),
                "name": name,
                "type": command.type,
                "institution": institution,
                "currency": currency,
                "on_budget": command.on_budget,
                "allow_overdraft": overdraft,
                "closed_at": None,
                "owner_id": viewer.user_id,
                "members": [{"user_id": viewer.user_id, "role": Role.OWNER.value, "added_at": now}],
                "member_ids": [viewer.user_id],
                "envelopes": envelope_rows(ledger),
                "balance": 0,
                "seq": 0,
                "version": 0,
                "month_totals": True,
                "created_at": now,
                "updated_at": now,
            }
            await self.repo.insert_account(row, session)
            account = LockedAccount(row, ledger, Role.OWNER, now)
            lines = [Line(ledger.available.id, opening)] if opening else []
            ledger.available.balance = opening  # the one entry exempt from the overdraft rule
            account.record(
                "opening",
                lines,
                recorded_by=viewer.user_id,
                booking_date=booking_datetime(None, now.date()),
                size=abs(opening),
            )
            return await self.unit.save(session, account)

        return await self.unit.run(viewer, "openAccount", command, key, change)

    async def list(self, viewer: Viewer, include_closed: bool) -> list[Row]:
        return await self.repo.accounts_for(viewer.user_id, include_closed)

    async def get(self, viewer: Viewer, account_id: ObjectId, field: str = "id") -> Row:
        row = await self.repo.account_for(account_id, viewer.user_id)
        if row is None:
            raise NotFoundError("No such account.", field=[field])
        return row

    async def with_envelope(self, viewer: Viewer, envelope_id: ObjectId) -> Row | None:
        return await self.repo.account_with_envelope(envelope_id, viewer.user_id)

    async def update(self, viewer: Viewer, command: UpdateAccount) -> Row:
        async def change(session: Session) -> Row:
            account = await self.unit.lock(session, viewer, command.account_id, Permission.MANAGE)
            fields: Row = {"updated_at": account.recorded_at}
            if command.name is not None:
                fields["name"] = clean_name(command.name)
            if command.institution is not None:
                fields["institution"] = clean_text(
                    command.institution, MAX_PAYEE_LENGTH, "institution"
                )
            if command.on_budget is not None:
                fields["on_budget"] = command.on_budget
            if command.allow_overdraft is False and account.ledger.negative_envelopes():
                raise ValidationError(
                    "Envelopes below zero: "
                    f"{', '.join(account.ledger.negative_envelopes())}; cover them first.",
                    field=["allowOverdraft"],
                )
            if command.allow_overdraft is not None:
                fields["allow_overdraft"] = command.allow_overdraft
            await self.repo.update_account(account.id, fields, session)
            return {**account.row, **fields}

        return await self.unit.db.transaction(change)

    async def close(self, viewer: Viewer, account_id: ObjectId) -> Row:
        async def change(session: Session) -> Row:
            account = await self.unit.lock(session, viewer, account_id, Permission.OWN)
            account.ledger.check_open()
            account.ledger.check_closable()
            fields = {"closed_at": account.recorded_at, "updated_at": account.recorded_at}
            await self.repo.update_account(account.id, fields, session)
            return {**account.row, **fields}

        return await self.unit.db.transaction(change)

    async def reopen(self, viewer: Viewer, account_id: ObjectId) -> Row:
        async def change(session: Session) -> Row:
            account = await self.unit.lock(session, viewer, account_id, Permission.OWN)
            if not account.ledger.closed:
                raise ValidationError("The account is open.", field=["accountId"])
            fields = {"closed_at": None, "updated_at": account.recorded_at}
            await self.repo.update_account(account.id, fields, session)
            return {**account.row, **fields}

        return await self.unit.db.transaction(change)
