"""What an imported row (or an entry recorded without an envelope) is proposed to become, and
why: a rule, the learned model, or nothing.

`Categoriser.propose` runs the household's rules (`app.domain.rules.categorise`) over each
row. When no rule set an envelope, the learned model's suggestion is taken if its confidence
reaches the household's threshold (the suggester says whether it does); otherwise the row has
no envelope (it comes from Available and is flagged for review), and the suggestion is still
shown with its confidence. A proposal naming an envelope that is not live in the account
(archived or deleted since the rule was written) counts as no envelope.

The rules and the model are reached through two small protocols, so the import job, the
recording of an entry without an envelope, and "apply rules to existing entries" share this
one decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from app.core.ids import ObjectId
from app.domain.conditions import Transaction
from app.domain.rules import Applied, Categorisation, Rule, categorise
from app.domain.splits import Portion
from app.persistence.documents.accounts import AccountRecord


class ProposalReason(StrEnum):
    RULE = "rule"
    LEARNED = "learned"
    NONE = "none"


@dataclass(frozen=True)
class Suggestion:
    """The learned model's envelope for a row, how sure it is (0 to 1), and whether that
    reaches the household's threshold for applying it by itself."""

    envelope_id: ObjectId
    confidence: float
    applies: bool


@dataclass(frozen=True)
class Proposal:
    payee: str | None
    allocation: tuple[Portion, ...]  # sizes summing to the row's size; () when no envelope
    tags: tuple[str, ...]
    reason: ProposalReason
    explanation: str
    applied: tuple[Applied, ...] = ()  # the rules that applied, in order
    suggestion: Suggestion | None = None

    @property
    def envelope_id(self) -> ObjectId | None:
        if len(self.allocation) != 1:
            return None
        envelope_id = self.allocation[0].envelope_id
        return envelope_id if isinstance(envelope_id, ObjectId) else None


class RuleSource(Protocol):
    async def rules_for(self, account: AccountRecord) -> Sequence[Rule]:
        """The rules that may apply to `account`'s transactions, in their order."""
        ...


class Suggester(Protocol):
    async def suggest(
        self, account: AccountRecord, rows: Sequence[Transaction]
    ) -> list[Suggestion | None]:
        """One suggestion (or None) per row, in the rows' order."""
        ...


class NoRules:
    async def rules_for(self, account: AccountRecord) -> Sequence[Rule]:
        return ()


class NoSuggestions:
    async def suggest(
        self, account: AccountRecord, rows: Sequence[Transaction]
    ) -> list[Suggestion | None]:
        return [None] * len(rows)


class Categoriser:
    def __init__(self, rules: RuleSource, suggester: Suggester) -> None:
        self.rules, self.suggester = rules, suggester

    async def propose(self, account: AccountRecord, rows: Sequence[Transaction]) -> list[Proposal]:
        rules = await self.rules_for(account)
        outcomes = [categorise(row, rules) for row in rows]
        undecided = [
            i for i, outcome in enumerate(outcomes) if not _live(account, outcome.allocation)
        ]
        suggestions: list[Suggestion | None] = [None] * len(rows)
        if undecided:
            found = await self.suggester.suggest(account, [rows[i] for i in undecided])
            for i, suggestion in zip(undecided, found, strict=True):
                if suggestion is not None and account.envelope(suggestion.envelope_id):
                    suggestions[i] = suggestion
        return [
            _proposal(account, row, outcome, suggestion)
            for row, outcome, suggestion in zip(rows, outcomes, suggestions, strict=True)
        ]

    async def rules_for(self, account: AccountRecord) -> Sequence[Rule]:
        return await self.rules.rules_for(account)


def _live(account: AccountRecord, allocation: Sequence[Portion]) -> bool:
    if not allocation:
        return False
    for portion in allocation:
        envelope = account.envelope(portion.envelope_id)
        if envelope is None or envelope.archived or envelope.deleted:
            return False
    return True


def _proposal(
    account: AccountRecord,
    row: Transaction,
    outcome: Categorisation,
    suggestion: Suggestion | None,
) -> Proposal:
    names: dict[object, str] = {e.id: e.name for e in account.envelopes}
    rules_said = " ".join(
        a.describe(account.currency, lambda i: names.get(i, "?")) for a in outcome.applied
    )
    if _live(account, outcome.allocation):
        return Proposal(
            outcome.payee,
            outcome.allocation,
            outcome.tags,
            ProposalReason.RULE,
            rules_said,
            outcome.applied,
            suggestion,
        )
    if suggestion is not None and suggestion.applies:
        name = names.get(suggestion.envelope_id, "?")
        why = f"Learned from your history: {name} ({round(suggestion.confidence * 100)} % sure)."
        allocation = (Portion(suggestion.envelope_id, abs(row.amount)),)
        return Proposal(
            outcome.payee,
            allocation,
            outcome.tags,
            ProposalReason.LEARNED,
            " ".join(filter(None, [rules_said, why])),
            outcome.applied,
            suggestion,
        )
    why = "No rule chose an envelope"
    if suggestion is not None:
        name = names.get(suggestion.envelope_id, "?")
        why += (
            f"; the model suggests {name} but is only {round(suggestion.confidence * 100)} % sure"
        )
    why += ": it comes from Available and waits for review."
    return Proposal(
        outcome.payee,
        (),
        outcome.tags,
        ProposalReason.NONE,
        " ".join(filter(None, [rules_said, why])),
        outcome.applied,
        suggestion,
    )
