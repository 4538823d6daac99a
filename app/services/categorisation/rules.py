"""Categorisation rules: listed, created, changed, reordered and deleted by their owner.

Rules belong to a user (the owner of a household's accounts, see
`app.persistence.documents.rules`). Anyone signed in keeps their own rules; a rule names only
accounts its owner owns and envelopes of those accounts. The members of an account read the
rules that apply to it (its owner's); only the owner changes them: another member gets
FORBIDDEN, and someone who cannot see the rule gets NOT_FOUND, as for a rule that does not
exist. Each change is one transaction that first bumps the owner's rule counter, so two
changes of one owner's rules never interleave.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.clock import utcnow
from app.core.errors import ForbiddenError, NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.rules import RuleDocument
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.rules import MAX_RULES, RuleRepository
from app.persistence.transactions import transactional
from app.services.categorisation.rule_book import RuleSpec, applies_to, checked

NO_RULE = "No such rule."


@dataclass(frozen=True)
class CreateRule:
    spec: RuleSpec


@dataclass(frozen=True)
class RuleRef:
    rule_id: ObjectId


@dataclass(frozen=True)
class UpdateRule(RuleRef):
    spec: RuleSpec


@dataclass(frozen=True)
class ReorderRules:
    rule_ids: tuple[ObjectId, ...]


class RuleService:
    def __init__(self, db: Database, accounts: AccountRepository) -> None:
        self.db = db
        self.accounts = accounts

    async def mine(self, viewer: Viewer) -> list[RuleDocument]:
        """The caller's own rules, in order."""
        return await RuleRepository().of_owner(viewer.user_id)

    async def for_account(self, account: AccountRecord) -> list[RuleDocument]:
        """The rules that apply to `account` (read for the caller already), in order."""
        rules = await RuleRepository().of_owner(account.owner_id)
        return [rule for rule in rules if applies_to(rule, account)]

    async def visible(self, viewer: Viewer, rule_id: ObjectId) -> RuleDocument:
        """A rule the caller owns, or that applies to an account they are a member of."""
        rule = await RuleRepository().get(rule_id)
        if rule is None or not await self._may_read(viewer, rule):
            raise NotFoundError(NO_RULE, field=["id"])
        return rule

    async def _may_read(self, viewer: Viewer, rule: RuleDocument) -> bool:
        if rule.owner_id == viewer.user_id:
            return True
        shared = await self.accounts.of_member(viewer.user_id, include_closed=True)
        return any(applies_to(rule, account) for account in shared)

    @transactional
    async def create(self, viewer: Viewer, command: CreateRule) -> RuleDocument:
        visible = await self.accounts.of_member(viewer.user_id, include_closed=False)
        parts = checked(command.spec, viewer.user_id, visible)
        async with self.db.transaction() as tx:
            rules = RuleRepository(tx.session)
            await rules.touch(viewer.user_id)
            existing = await rules.of_owner(viewer.user_id)
            if len(existing) >= MAX_RULES:
                raise ValidationError(f"You can have at most {MAX_RULES} rules.", field=["name"])
            now = utcnow()
            rule = RuleDocument(
                owner_id=viewer.user_id,
                position=max((r.position for r in existing), default=-1) + 1,
                created_at=now,
                updated_at=now,
                **vars(parts),
            )
            await rules.insert(rule)
            await tx.commit()
            return rule

    @transactional
    async def update(self, viewer: Viewer, command: UpdateRule) -> RuleDocument:
        visible = await self.accounts.of_member(viewer.user_id, include_closed=False)
        async with self.db.transaction() as tx:
            rules = RuleRepository(tx.session)
            stored = await self._owned(viewer, rules, command.rule_id)
            parts = checked(command.spec, viewer.user_id, visible)
            await rules.touch(viewer.user_id)
            rule = stored.model_copy(update={**vars(parts), "updated_at": utcnow()})
            await rules.replace(rule)
            await tx.commit()
            return rule

    @transactional
    async def delete(self, viewer: Viewer, command: RuleRef) -> RuleDocument:
        """The rule as it was."""
        async with self.db.transaction() as tx:
            rules = RuleRepository(tx.session)
            rule = await self._owned(viewer, rules, command.rule_id)
            await rules.touch(viewer.user_id)
            await rules.delete(rule.id)
            await tx.commit()
            return rule

    @transactional
    async def reorder(self, viewer: Viewer, command: ReorderRules) -> list[RuleDocument]:
        """`rule_ids` lists every rule of the caller's once, in the new order."""
        async with self.db.transaction() as tx:
            rules = RuleRepository(tx.session)
            await rules.touch(viewer.user_id)
            existing = {rule.id: rule for rule in await rules.of_owner(viewer.user_id)}
            for i, rule_id in enumerate(command.rule_ids):
                if rule_id not in existing:
                    rule = await rules.get(rule_id)
                    if rule is not None and await self._may_read(viewer, rule):
                        raise ForbiddenError(
                            "Only the rule's owner can reorder it.", field=["ids", str(i)]
                        )
                    raise NotFoundError(NO_RULE, field=["ids", str(i)])
            order = list(command.rule_ids)
            if len(order) != len(set(order)) or set(order) != set(existing):
                raise ValidationError("List every one of your rules exactly once.", field=["ids"])
            await rules.set_positions(order)
            await tx.commit()
            return [
                existing[rule_id].model_copy(update={"position": i})
                for i, rule_id in enumerate(order)
            ]

    async def _owned(
        self, viewer: Viewer, rules: RuleRepository, rule_id: ObjectId
    ) -> RuleDocument:
        rule = await rules.get(rule_id)
        if rule is None or not await self._may_read(viewer, rule):
            raise NotFoundError(NO_RULE, field=["id"])
        if rule.owner_id != viewer.user_id:
            raise ForbiddenError("Only the rule's owner can change it.", field=["id"])
        return rule
