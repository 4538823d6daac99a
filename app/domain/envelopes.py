"""The envelope method as pure rules: no database, no framework.

An account's money lives in its envelopes; *Available* is the built-in one that holds money not
yet assigned. The invariants kept here:

- the account balance is the sum of its live envelopes' balances, and every movement is a list
  of signed `Line`s whose envelopes change by exactly those amounts;
- where the account does not allow overdraft, no line may take an envelope below zero
  (`InsufficientFundsError`, nothing applied);
- archived and deleted envelopes take no money; *Available* is never archived or deleted;
- envelope ids are stable and never reused: a deleted envelope stays as a tombstone so that
  old entries still name it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from app.core.errors import InsufficientFundsError, NotFoundError, ValidationError
from app.domain.money import format_amount

MAX_NAME_LENGTH = 100
MAX_ENVELOPES = 200
EnvelopeId = Hashable


@dataclass
class Envelope:
    id: EnvelopeId
    name: str
    balance: int = 0
    archived: bool = False
    builtin: bool = False
    deleted: bool = False

    @property
    def live(self) -> bool:
        return not self.deleted


@dataclass(frozen=True)
class Line:
    """A signed change of one envelope's balance."""

    envelope_id: EnvelopeId
    amount: int


@dataclass(frozen=True)
class Allocation:
    """A requested positive amount for one envelope, with the input path to blame."""

    envelope_id: EnvelopeId
    amount: int
    field: tuple[str, ...] = ()


def clean_name(name: str, field: str = "name", max_length: int = MAX_NAME_LENGTH) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValidationError("The name cannot be empty.", field=[field])
    if len(cleaned) > max_length:
        raise ValidationError(f"At most {max_length} characters.", field=[field])
    return cleaned


@dataclass
class Ledger:
    """The money state of one account: its envelopes in display order."""

    currency: str
    envelopes: list[Envelope]
    allow_overdraft: bool = False
    closed: bool = False
    by_id: dict[EnvelopeId, Envelope] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {e.id: e for e in self.envelopes}

    @property
    def balance(self) -> int:
        return sum(e.balance for e in self.envelopes if e.live)

    @property
    def available(self) -> Envelope:
        return next(e for e in self.envelopes if e.builtin)

    def live(self) -> list[Envelope]:
        return [e for e in self.envelopes if e.live]

    def envelope(self, envelope_id: EnvelopeId, field: Sequence[str] = ("envelopeId",)) -> Envelope:
        """A live envelope of this account; NOT_FOUND otherwise (also for other accounts')."""
        found = self.by_id.get(envelope_id)
        if found is None or found.deleted:
            raise NotFoundError("No such envelope in this account.", field=field)
        return found

    def usable(self, envelope_id: EnvelopeId, field: Sequence[str] = ("envelopeId",)) -> Envelope:
        """An envelope that may take or give money: live and not archived."""
        found = self.envelope(envelope_id, field)
        if found.archived:
            raise ValidationError(
                f"Envelope '{found.name}' is archived: unarchive it first.", field=field
            )
        return found

    def check_open(self) -> None:
        if self.closed:
            raise ValidationError("The account is closed: reopen it first.", field=["accountId"])

    def apply(self, lines: Sequence[Line]) -> None:
        """Apply all lines or none. Lines must name usable envelopes."""
        after = self._balances_after(lines)
        if not self.allow_overdraft:
            for envelope_id, balance in after.items():
                envelope = self.by_id[envelope_id]
                if balance < 0 and balance < envelope.balance:
                    raise InsufficientFundsError(
                        f"Envelope '{envelope.name}' holds "
                        f"{format_amount(envelope.balance, self.currency)} {self.currency}; "
                        "this account does not allow envelopes below zero.",
                        field=["amount"],
                    )
        for envelope_id, balance in after.items():
            self.by_id[envelope_id].balance = balance

    # --- movements: each returns the lines it applied ---------------------------------

    def income(self, amount: int, allocations: Sequence[Allocation]) -> list[Line]:
        """Allocations go to their envelopes; the remainder lands in Available."""
        _check_distinct(allocations)
        allocated = sum(a.amount for a in allocations)
        if allocated > amount:
            raise ValidationError(
                "The allocations add up to more than the income.", field=["allocations"]
            )
        lines = [Line(a.envelope_id, a.amount) for a in allocations]
        for a in allocations:
            self.usable(a.envelope_id, a.field)
        if amount > allocated:
            lines.append(Line(self.available.id, amount - allocated))
        return self._applied(lines)

    def expense(self, amount: int, splits: Sequence[Allocation]) -> list[Line]:
        """Money leaves the account out of one or several envelopes."""
        _check_distinct(splits)
        if sum(s.amount for s in splits) != amount:
            raise ValidationError("The splits must add up to the amount.", field=["splits"])
        for s in splits:
            self.usable(s.envelope_id, s.field)
        return self._applied([Line(s.envelope_id, -s.amount) for s in splits])

    def move(self, source: EnvelopeId, target: EnvelopeId, amount: int) -> list[Line]:
        if source == target:
            raise ValidationError(
                "Source and target are the same envelope.", field=["toEnvelopeId"]
            )
        self.usable(source, ["fromEnvelopeId"])
        self.usable(target, ["toEnvelopeId"])
        return self._applied([Line(source, -amount), Line(target, amount)])

    def assign(self, allocations: Sequence[Allocation]) -> list[Line]:
        """Move money from Available into envelopes (filling them from their plans): a line
        per envelope, then Available's."""
        _check_distinct(allocations)
        for a in allocations:
            if a.amount <= 0:
                raise ValidationError("Each amount must be more than zero.", field=list(a.field))
            if self.usable(a.envelope_id, a.field).builtin:
                raise ValidationError(
                    "Available cannot be filled from itself.", field=list(a.field)
                )
        lines = [Line(a.envelope_id, a.amount) for a in allocations]
        lines.append(Line(self.available.id, -sum(a.amount for a in allocations)))
        return self._applied(lines)

    def reverse(self, lines: Sequence[Line]) -> list[Line]:
        """The undo of earlier lines; refused if an envelope is gone or archived."""
        for line in lines:
            found = self.by_id.get(line.envelope_id)
            if found is None or found.deleted:
                raise ValidationError(
                    "An envelope of this entry was deleted; it cannot be undone.", field=["id"]
                )
            self.usable(line.envelope_id, ["id"])
        return self._applied([Line(line.envelope_id, -line.amount) for line in lines])

    def adjust(self, amount: int) -> list[Line]:
        """A reconciliation's adjustment: the signed `amount` into (or out of) Available.
        The bank statement is the truth, so it is never refused for overdraft: Available may
        go below zero even where the account does not allow it. The account must be open."""
        if amount == 0:
            raise ValidationError("An adjustment needs a difference.", field=["statementBalance"])
        self.check_open()
        self.available.balance += amount
        return [Line(self.available.id, amount)]

    def book(self, lines: Sequence[Line]) -> list[Line]:
        """An imported bank row's lines: the bank already moved the money, so it is never
        refused for overdraft (an envelope, Available too, may go below zero even where the
        account does not allow it); the envelopes must be usable and the account open."""
        for envelope_id, balance in self._balances_after(lines).items():
            self.by_id[envelope_id].balance = balance
        return list(lines)

    def _balances_after(self, lines: Sequence[Line]) -> dict[EnvelopeId, int]:
        """The balances the lines' envelopes would have (open account, usable envelopes)."""
        self.check_open()
        after: dict[EnvelopeId, int] = {}
        for line in lines:
            envelope = self.usable(line.envelope_id)
            after[line.envelope_id] = after.get(line.envelope_id, envelope.balance) + line.amount
        return after

    def _applied(self, lines: list[Line]) -> list[Line]:
        self.apply(lines)
        return lines

    # --- envelope management -----------------------------------------------------------

    def check_new_name(self, name: str, field: str = "name", renaming: EnvelopeId = None) -> None:
        key = name.casefold()
        for e in self.live():
            if e.name.casefold() == key and e.id != renaming:
                raise ValidationError(f"An envelope is already named '{e.name}'.", field=[field])

    def add(self, envelope: Envelope, field: str = "names") -> None:
        if len(self.live()) >= MAX_ENVELOPES:
            raise ValidationError(
                f"An account holds at most {MAX_ENVELOPES} envelopes.", field=[field]
            )
        self.check_new_name(envelope.name, field)
        self.envelopes.append(envelope)
        self.by_id[envelope.id] = envelope

    def archive(self, envelope_id: EnvelopeId) -> Envelope:
        envelope = self.envelope(envelope_id)
        if envelope.builtin:
            raise ValidationError("Available cannot be archived.", field=["envelopeId"])
        if envelope.balance != 0:
            raise ValidationError(
                "Only an empty envelope can be archived: move its money first.",
                field=["envelopeId"],
            )
        envelope.archived = True
        return envelope

    def unarchive(self, envelope_id: EnvelopeId) -> Envelope:
        envelope = self.envelope(envelope_id)
        self.check_new_name(envelope.name, "envelopeId", renaming=envelope.id)
        envelope.archived = False
        return envelope

    def delete(self, envelope_id: EnvelopeId) -> Envelope:
        """Mark an empty envelope deleted; move its remainder first (`move`)."""
        envelope = self.envelope(envelope_id)
        if envelope.builtin:
            raise ValidationError("Available cannot be deleted.", field=["envelopeId"])
        if envelope.balance != 0:
            raise ValidationError(
                "The envelope is not empty: pass moveRemainderTo, or move its money first.",
                field=["envelopeId"],
            )
        envelope.deleted = True
        return envelope

    def reorder(self, order: Sequence[EnvelopeId]) -> None:
        """`order` lists every live envelope once; deleted ones keep their place at the end."""
        live_ids = [e.id for e in self.live()]
        if len(order) != len(set(order)) or set(order) != set(live_ids):
            raise ValidationError(
                "List every envelope of the account exactly once.", field=["envelopeIds"]
            )
        tombstones = [e for e in self.envelopes if e.deleted]
        self.envelopes = [self.by_id[i] for i in order] + tombstones

    def check_closable(self) -> None:
        full = [e.name for e in self.live() if e.balance != 0]
        if full:
            raise ValidationError(
                "Only an account whose envelopes are all at zero can be closed; "
                f"not empty: {', '.join(full)}.",
                field=["accountId"],
            )

    def negative_envelopes(self) -> list[str]:
        return [e.name for e in self.live() if e.balance < 0]


def _check_distinct(allocations: Sequence[Allocation]) -> None:
    seen: set[EnvelopeId] = set()
    for a in allocations:
        if a.envelope_id in seen:
            raise ValidationError("An envelope is listed twice.", field=list(a.field))
        seen.add(a.envelope_id)


def payday_allocations(template: Sequence[Allocation], actual: int) -> list[Allocation]:
    """How a payday of `actual` fills a payment source's envelopes.

    The template's fixed amounts are given in the template's order while money lasts: a short
    pay fills the first envelopes fully and the next one partly, the rest get nothing. Whatever
    is left after every allocation (a larger pay than expected) goes to Available.
    """
    left = actual
    result = []
    for a in template:
        share = min(a.amount, left)
        if share > 0:
            result.append(Allocation(a.envelope_id, share, a.field))
        left -= share
    return result
