"""Rule mutations: create, update, delete and reorder your own rules."""

from __future__ import annotations

import strawberry

from app.graphql.ledger.rules.types import Rule, RuleFields
from app.graphql.mutations import Caller, Payload, UserError, mutation_field
from app.graphql.relay import decode_id, to_global_id
from app.persistence.documents.rules import RuleDocument
from app.services.categorisation.rules import CreateRule, ReorderRules, RuleRef, UpdateRule


@strawberry.input(description="A new rule, run after your other rules.")
class CreateRuleInput(RuleFields):
    def to_command(self) -> CreateRule:
        return CreateRule(self.spec())


@strawberry.input(description="Every field of the rule, as it is to be.")
class UpdateRuleInput(RuleFields):
    id: strawberry.ID

    def to_command(self) -> UpdateRule:
        return UpdateRule(decode_id(self.id, "Rule", "id"), self.spec())


@strawberry.input
class DeleteRuleInput:
    id: strawberry.ID

    def to_command(self) -> RuleRef:
        return RuleRef(decode_id(self.id, "Rule", "id"))


@strawberry.input
class ReorderRulesInput:
    ids: list[strawberry.ID] = strawberry.field(
        description="Every one of your rules once, in the order they are to run."
    )

    def to_command(self) -> ReorderRules:
        return ReorderRules(
            tuple(decode_id(id, "Rule", ["ids", str(i)]) for i, id in enumerate(self.ids))
        )


@strawberry.type
class RulePayload(Payload):
    rule: Rule | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, rule: RuleDocument, caller: Caller) -> RulePayload:
        return cls(rule=Rule.from_document(rule, caller.user_id))


@strawberry.type
class DeleteRulePayload(Payload):
    deleted_rule_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, rule: RuleDocument, caller: Caller) -> DeleteRulePayload:
        return cls(deleted_rule_id=to_global_id("Rule", rule.id))


@strawberry.type
class ReorderRulesPayload(Payload):
    rules: list[Rule] = strawberry.field(default_factory=list)
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, rules: list[RuleDocument], caller: Caller) -> ReorderRulesPayload:
        return cls(rules=[Rule.from_document(rule, caller.user_id) for rule in rules])


@strawberry.type
class RuleMutation:
    create_rule = mutation_field(
        "A categorisation rule of yours, last in order. VALIDATION names the part at fault "
        "(e.g. [conditions, 0, value]); NOT_FOUND for an envelope or account not of yours; "
        "FORBIDDEN for an account shared with you (its owner's rules apply to it).",
        CreateRuleInput,
        RulePayload,
        lambda services: services.rules.create,
    )
    update_rule = mutation_field(
        "Change one of your rules (every field). FORBIDDEN for a rule of another member's "
        "that you can read.",
        UpdateRuleInput,
        RulePayload,
        lambda services: services.rules.update,
    )
    delete_rule = mutation_field(
        "Delete one of your rules.",
        DeleteRuleInput,
        DeleteRulePayload,
        lambda services: services.rules.delete,
    )
    reorder_rules = mutation_field(
        "Put your rules in a new order.",
        ReorderRulesInput,
        ReorderRulesPayload,
        lambda services: services.rules.reorder,
    )
