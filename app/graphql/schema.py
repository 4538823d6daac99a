"""The GraphQL schema: one root type per operation kind, composed from feature packages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from app.core.settings import Settings
from app.graphql.auth.mutations import AuthMutation
from app.graphql.auth.queries import AuthQuery
from app.graphql.auth.types import LoginSession, User
from app.graphql.cost import QueryCosts
from app.graphql.fast_execution import PlainFieldExecutor
from app.graphql.ledger.account_mutations import AccountMutation
from app.graphql.ledger.account_type import Account
from app.graphql.ledger.household_mutations import HouseholdMutation
from app.graphql.ledger.money_mutations import MoneyMutation
from app.graphql.ledger.queries import LedgerQuery
from app.graphql.ledger.scalars import DATE_SCALAR, DECIMAL_SCALAR, Decimal
from app.graphql.ledger.types import Envelope, PaymentSource, Transaction
from app.graphql.limits import RequestLimits, alias_limit_rule, depth_limit_rule
from app.graphql.nodes import NodeQuery


@strawberry.type
class Query(AuthQuery, LedgerQuery, NodeQuery):
    pass


@strawberry.type
class Mutation(AuthMutation, MoneyMutation, AccountMutation, HouseholdMutation):
    pass


class EnvelopesSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Errors are logged where they are shaped (`app.graphql.router`), which knows
        expected errors from bugs."""


def build_schema(settings: Settings) -> strawberry.Schema:
    rules: list[type[ASTValidationRule]] = [
        depth_limit_rule(settings.max_query_depth),
        alias_limit_rule(settings.max_aliases),
    ]
    costs = QueryCosts(settings.query_cost_list_size)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: RequestLimits(costs, settings),
    ]
    if not settings.introspection_enabled:
        extensions.append(DisableIntrospection)
    return EnvelopesSchema(
        config=StrawberryConfig(scalar_map={Decimal: DECIMAL_SCALAR, date: DATE_SCALAR}),
        query=Query,
        mutation=Mutation,
        types=[User, LoginSession, Account, Envelope, Transaction, PaymentSource],
        extensions=extensions,
        execution_context_class=PlainFieldExecutor,
    )
