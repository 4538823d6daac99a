"""What a change of the ledger produced."""

from __future__ import annotations

from dataclasses import dataclass

from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.entries import TransactionRecord
from app.persistence.documents.idempotency import KeyResult


@dataclass(frozen=True)
class Outcome:
    """The accounts a change touched (as it left them; the sending account of a transfer
    first) and the entries it wrote, in the order recorded."""

    accounts: list[AccountRecord]
    entries: list[TransactionRecord]

    def reference(self) -> KeyResult:
        """What an idempotency key remembers of the outcome, to answer a repeat."""
        return KeyResult(
            accounts=[a.id for a in self.accounts], entries=[e.id for e in self.entries]
        )
