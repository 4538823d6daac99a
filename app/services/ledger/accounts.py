"""Open, list, read, update, close and reopen accounts.

Rules: the opening balance lands in Available as the account's first entry (sequence 1) in
the same transaction as the account; only credit card and loan accounts may open below zero
and allow envelopes below zero by default; only an account whose envelopes are all at zero
can be closed, and a closed account refuses every money movement until it is reopened.
"""

from __future__ import annotations

from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.accounts import AccountType
from app.domain.entries import MAX_PAYEE_LENGTH, EntryKind, booking_datetime, clean_text
from app.domain.envelopes import Envelope, Ledger, Line, clean_name
from app.domain.members import Permission, Role
from app.domain.money import check_currency, parse_signed
from app.persistence.documents.accounts import AccountRecord, MemberRecord
from app.persistence.outcome import Outcome
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.transactions import transactional
from app.persistence.unit_of_work import UnitOfWork
from app.services.ledger.commands import AccountRef, OpenAccount, UpdateAccount

AVAILABLE = "Available"


class AccountService:
    def __init__(self, uow: UnitOfWork, accounts: AccountRepository) -> None:
        self.uow = uow
        self.accounts = accounts

    @transactional
    async def open(self, viewer: Viewer, command: OpenAccount, key: str | None = None) -> Outcome:
        account_type = AccountType.parse(command.type)
        currency = check_currency(command.currency)
        name = clean_name(command.name)
        institution = clean_text(command.institution, MAX_PAYEE_LENGTH, "institution")
        opening = parse_signed(command.opening_balance, currency, "openingBalance")
        if opening < 0 and not account_type.is_debt:
            raise ValidationError(
                "Only credit card and loan accounts open below zero.", field=["openingBalance"]
            )
        overdraft = command.allow_overdraft
        if overdraft is None:
            overdraft = account_type.is_debt
        names = [clean_name(n, "envelopeNames") for n in command.envelope_names]

        async with self.uow.begin(viewer, command, key) as tx:
            ledger = Ledger(currency, [Envelope(ObjectId(), AVAILABLE, builtin=True)], overdraft)
            for envelope_name in names:
                ledger.add(Envelope(ObjectId(), envelope_name), field="envelopeNames")
            now = tx.recorded_at
            document = AccountRecord(
                name=name,
                type=account_type,
                institution=institution,
                currency=currency,
                on_budget=command.on_budget,
                allow_overdraft=overdraft,
                owner_id=viewer.user_id,
                members=[MemberRecord(user_id=viewer.user_id, role=Role.OWNER, added_at=now)],
                member_ids=[viewer.user_id],
                envelopes=[],
                balance=0,
                seq=0,
                month_totals=True,
                payee_totals=True,
                created_at=now,
                updated_at=now,
            )
            account = tx.open(document, ledger)
            lines = [Line(ledger.available.id, opening)] if opening else []
            ledger.available.balance = opening  # the one entry exempt from the overdraft rule
            account.record(
                EntryKind.OPENING,
                lines,
                size=abs(opening),
                booking_date=booking_datetime(None, now.date()),
            )
            return await tx.commit()

    async def list(self, viewer: Viewer, include_closed: bool) -> list[AccountRecord]:
        return await self.accounts.of_member(viewer.user_id, include_closed)

    async def get(self, viewer: Viewer, account_id: ObjectId, field: str = "id") -> AccountRecord:
        account = await self.accounts.for_member(account_id, viewer.user_id)
        if account is None:
            raise NotFoundError("No such account.", field=[field])
        return account

    async def with_envelope(self, viewer: Viewer, envelope_id: ObjectId) -> AccountRecord | None:
        return await self.accounts.with_envelope(envelope_id, viewer.user_id)

    @transactional
    async def update(self, viewer: Viewer, command: UpdateAccount) -> AccountRecord:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.MANAGE)
            document = account.document
            if command.name is not None:
                document.name = clean_name(command.name)
            if command.institution is not None:
                document.institution = clean_text(
                    command.institution, MAX_PAYEE_LENGTH, "institution"
                )
            if command.on_budget is not None:
                document.on_budget = command.on_budget
            if command.allow_overdraft is False and account.ledger.negative_envelopes():
                raise ValidationError(
                    "Envelopes below zero: "
                    f"{', '.join(account.ledger.negative_envelopes())}; cover them first.",
                    field=["allowOverdraft"],
                )
            if command.allow_overdraft is not None:
                document.allow_overdraft = command.allow_overdraft
            return (await tx.commit()).accounts[0]

    @transactional
    async def close(self, viewer: Viewer, command: AccountRef) -> AccountRecord:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.OWN)
            account.ledger.check_open()
            account.ledger.check_closable()
            account.document.closed_at = tx.recorded_at
            return (await tx.commit()).accounts[0]

    @transactional
    async def reopen(self, viewer: Viewer, command: AccountRef) -> AccountRecord:
        async with self.uow.begin(viewer) as tx:
            account = await tx.lock(command.account_id, Permission.OWN)
            if not account.ledger.closed:
                raise ValidationError("The account is open.", field=["accountId"])
            account.document.closed_at = None
            return (await tx.commit()).accounts[0]
