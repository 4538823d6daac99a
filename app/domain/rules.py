"""Categorisation rules: which envelope a transaction goes to, under which payee, with which
tags, and why.

A rule is checked once (`Rule.make`); `categorise(transaction, rules)` then runs the rules in
their order:

- A rule applies to a transaction of one of its `accounts` (none listed: every account) whose
  conditions hold, all of them or any one (`Combine`). The account scope is not one of the
  conditions: it holds whatever ALL/ANY says, so a rule for the joint account never fires on
  another account because some other condition held. A rule without conditions applies to
  every transaction of its accounts (a catch-all at the end of the list).
- Conditions (`app.domain.conditions`) compare folded text, never run a regular expression
  (`matches` takes a bounded glob), and test the amount's size and its direction apart.
- The actions of an applying rule take effect in their order. The envelope or split set last
  wins. Renames chain, and the conditions of later rules see the renamed payee, so a first
  rule can turn "CARD 1234 TESCO*STORES 12/03" into "Tesco" and the next ones test
  `payee equals Tesco`. Tags are added once each (whatever their case), in order.
- A rule with `stop` ends the evaluation after its own actions: no later rule changes anything.

The outcome (`Categorisation`) carries every applying rule with the conditions that held and
what each action changed, also where a later rule overrode it: that is what people see as
"why".
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol, Self, TypeVar

from app.core.errors import ValidationError
from app.domain.conditions import Condition, Transaction
from app.domain.entries import MAX_PAYEE_LENGTH, MAX_TAGS, clean_tags
from app.domain.envelopes import EnvelopeId, clean_name
from app.domain.money import format_amount
from app.domain.splits import Percent, Portion, check_percents, split_amount

MAX_CONDITIONS, MAX_ACTIONS = 20, 10
RuleId = Hashable


class Combine(StrEnum):
    ALL = "all"
    ANY = "any"


# --- actions and what they changed ------------------------------------------------------


@dataclass(frozen=True)
class SetEnvelope:
    envelope_id: EnvelopeId

    def checked(self) -> SetEnvelope:
        return self


@dataclass(frozen=True)
class SplitByPercent:
    parts: tuple[Percent, ...]

    def checked(self) -> SplitByPercent:
        check_percents(self.parts)
        return self


@dataclass(frozen=True)
class RenamePayee:
    payee: str

    def checked(self) -> RenamePayee:
        payee = " ".join(self.payee.split())
        if not payee:
            raise ValidationError("The new payee cannot be empty.", field=["payee"])
        if len(payee) > MAX_PAYEE_LENGTH:
            raise ValidationError(f"At most {MAX_PAYEE_LENGTH} characters.", field=["payee"])
        return RenamePayee(payee)


@dataclass(frozen=True)
class AddTags:
    tags: tuple[str, ...]

    def checked(self) -> AddTags:
        tags = tuple(clean_tags(self.tags))
        if not tags:
            raise ValidationError("Give at least one tag.", field=["tags"])
        return AddTags(tags)


Action = SetEnvelope | SplitByPercent | RenamePayee | AddTags


@dataclass(frozen=True)
class Change:
    """What one action did: the allocation it set, the payee it replaced, the tags it
    added (none when they were there already)."""

    action: Action
    allocation: tuple[Portion, ...] = ()
    previous_payee: str | None = None
    added_tags: tuple[str, ...] = ()

    def describe(self, currency: str, envelope_name: Callable[[EnvelopeId], str]) -> str:
        match self.action:
            case SetEnvelope(envelope_id):
                return f"envelope set to {envelope_name(envelope_id)}"
            case SplitByPercent():
                shares = ", ".join(
                    f"{envelope_name(p.envelope_id)} {format_amount(p.amount, currency)}"
                    for p in self.allocation
                )
                return f"split into {shares}"
            case RenamePayee(payee):
                return f'payee "{self.previous_payee or ""}" renamed to "{payee}"'
            case AddTags():
                added = ", ".join(self.added_tags) or "none new"
                return f"tags added: {added}"


# --- rules and their evaluation ---------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    id: RuleId
    name: str
    conditions: tuple[Condition, ...]
    actions: tuple[Action, ...]
    combine: Combine = Combine.ALL
    accounts: frozenset[Hashable] = frozenset()  # empty: every account
    stop: bool = False

    @classmethod
    def make(
        cls,
        id: RuleId,
        name: str,
        conditions: Sequence[Condition],
        actions: Sequence[Action],
        combine: Combine = Combine.ALL,
        accounts: frozenset[Hashable] = frozenset(),
        stop: bool = False,
    ) -> Rule:
        """A checked rule; VALIDATION with the path of the first bad part."""
        name = clean_name(name)
        if len(conditions) > MAX_CONDITIONS:
            raise ValidationError(
                f"A rule has at most {MAX_CONDITIONS} conditions.", field=["conditions"]
            )
        if not actions:
            raise ValidationError("A rule needs at least one action.", field=["actions"])
        if len(actions) > MAX_ACTIONS:
            raise ValidationError(f"A rule has at most {MAX_ACTIONS} actions.", field=["actions"])
        return cls(
            id,
            name,
            _checked("conditions", conditions),
            _checked("actions", actions),
            combine,
            accounts,
            stop,
        )

    def held(self, t: Transaction) -> tuple[Condition, ...] | None:
        """The conditions that held when the rule applies to `t`, None when it does not."""
        if self.accounts and t.account_id not in self.accounts:
            return None
        held = tuple(c for c in self.conditions if c.holds(t))
        if not self.conditions:
            return held
        enough = len(held) == len(self.conditions) if self.combine is Combine.ALL else bool(held)
        return held if enough else None


class _Checkable(Protocol):
    def checked(self) -> Self: ...


_Part = TypeVar("_Part", bound=_Checkable)


def _checked(name: str, parts: Sequence[_Part]) -> tuple[_Part, ...]:
    """Each part checked; a refusal names the part's path in the rule."""
    checked = []
    for i, part in enumerate(parts):
        try:
            checked.append(part.checked())
        except ValidationError as error:
            field = [name, str(i), *(error.field or [])]
            raise ValidationError(error.message, field=field) from None
    return tuple(checked)


@dataclass(frozen=True)
class Applied:
    """One rule that applied: the conditions that held and what its actions changed."""

    rule_id: RuleId
    rule_name: str
    conditions: tuple[Condition, ...]
    changes: tuple[Change, ...]
    stopped: bool

    def describe(self, currency: str, envelope_name: Callable[[EnvelopeId], str] = str) -> str:
        why = "; ".join(c.describe(currency) for c in self.conditions) or "every transaction"
        what = "; ".join(c.describe(currency, envelope_name) for c in self.changes)
        stop = " Later rules were not tried." if self.stopped else ""
        return f'Rule "{self.rule_name}" applied ({why}): {what}.{stop}'


@dataclass(frozen=True)
class Categorisation:
    """The outcome: payee, envelope portions (sizes, summing to the amount's size; none
    when no rule set an envelope), tags, and the rules that applied, in order."""

    payee: str | None
    allocation: tuple[Portion, ...]
    tags: tuple[str, ...]
    applied: tuple[Applied, ...]

    @property
    def envelope_id(self) -> EnvelopeId | None:
        """The one envelope, when the allocation is not a split."""
        return self.allocation[0].envelope_id if len(self.allocation) == 1 else None


def categorise(transaction: Transaction, rules: Sequence[Rule]) -> Categorisation:
    """Run the rules in order over `transaction` (see the module docstring)."""
    state = Categorisation(transaction.payee, (), tuple(transaction.tags), ())
    for rule in rules:
        held = rule.held(replace(transaction, payee=state.payee))
        if held is None:
            continue
        changes = []
        for action in rule.actions:
            state, change = _act(state, action, abs(transaction.amount))
            changes.append(change)
        applied = Applied(rule.id, rule.name, held, tuple(changes), rule.stop)
        state = replace(state, applied=(*state.applied, applied))
        if rule.stop:
            break
    return state


def _act(state: Categorisation, action: Action, size: int) -> tuple[Categorisation, Change]:
    match action:
        case SetEnvelope(envelope_id):
            allocation = (Portion(envelope_id, size),)
            return replace(state, allocation=allocation), Change(action, allocation)
        case SplitByPercent(parts):
            amounts = split_amount(size, [p.basis_points for p in parts])
            portions = tuple(Portion(p.envelope_id, a) for p, a in zip(parts, amounts, strict=True))
            return replace(state, allocation=portions), Change(action, portions)
        case RenamePayee(payee):
            return replace(state, payee=payee), Change(action, previous_payee=state.payee)
        case AddTags(tags):
            kept = {t.casefold() for t in state.tags}
            added: list[str] = []
            for tag in tags:
                if tag.casefold() not in kept and len(state.tags) + len(added) < MAX_TAGS:
                    kept.add(tag.casefold())
                    added.append(tag)
            new_tags = (*state.tags, *added)
            return replace(state, tags=new_tags), Change(action, added_tags=tuple(added))
