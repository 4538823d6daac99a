"""The GraphQL schema: one root type per operation kind, composed from the feature packages
in the order their fields appear in `schema/schema.graphql`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    specified_rules,
)
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from app.core.settings import Settings
from app.graphql.alerts.mutations import AlertMutation
from app.graphql.alerts.queries import AlertQuery
from app.graphql.alerts.types import Alert
from app.graphql.auth.mutations import AuthMutation
from app.graphql.auth.queries import AuthQuery
from app.graphql.auth.types import LoginSession, User
from app.graphql.categorisation.mutations import CategorisationMutation
from app.graphql.categorisation.queries import CategorisationQuery
from app.graphql.engine.cost import QueryCosts
from app.graphql.engine.fast_execution import PlainFieldExecutor
from app.graphql.engine.limits import RequestLimits, alias_limit_rule, depth_limit_rule
from app.graphql.insights.dashboard import DashboardQuery
from app.graphql.insights.opportunities.mutations import OpportunityMutation
from app.graphql.insights.rates import ExchangeRate, ExchangeRateMutation, ExchangeRateQuery
from app.graphql.ledger.accounts.mutations import AccountMutation, OpenAccountMutation
from app.graphql.ledger.accounts.queries import AccountQuery
from app.graphql.ledger.accounts.types import Account
from app.graphql.ledger.backups.mutations import BackupMutation
from app.graphql.ledger.backups.queries import BackupQuery
from app.graphql.ledger.backups.types import RestoreJob
from app.graphql.ledger.budgets.mutations import BudgetMutation
from app.graphql.ledger.budgets.queries import BudgetQuery
from app.graphql.ledger.cash_flow.mutations import PlanningMutation
from app.graphql.ledger.cash_flow.queries import CashFlowQueries
from app.graphql.ledger.cash_flow.types import PlanningFlow, PlanningNode
from app.graphql.ledger.envelopes.mutations import EnvelopeMutation
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.ledger.history.mutations import HistoryMutation
from app.graphql.ledger.history.queries import HistoryQuery
from app.graphql.ledger.history.types import Transaction
from app.graphql.ledger.imports.mutations import ImportMutation
from app.graphql.ledger.imports.queries import ImportQuery
from app.graphql.ledger.imports.types import ImportJob
from app.graphql.ledger.members.mutations import MemberMutation
from app.graphql.ledger.movements.mutations import MovementMutation
from app.graphql.ledger.payment_sources.mutations import PaymentSourceMutation
from app.graphql.ledger.payment_sources.queries import PaymentSourceQuery
from app.graphql.ledger.payment_sources.types import PaymentSource
from app.graphql.ledger.reconciliation.mutations import ReconciliationMutation
from app.graphql.ledger.review.mutations import ReviewMutation
from app.graphql.ledger.review.queries import ReviewQueueQuery
from app.graphql.ledger.rules.mutations import RuleMutation
from app.graphql.ledger.rules.queries import RuleQuery
from app.graphql.ledger.rules.types import Rule
from app.graphql.ledger.schedules.mutations import ScheduleMutation
from app.graphql.ledger.schedules.queries import ScheduleQuery
from app.graphql.ledger.schedules.types import Schedule
from app.graphql.ledger.sync.queries import SyncQuery
from app.graphql.ledger.webhooks.mutations import WebhookMutation
from app.graphql.ledger.webhooks.types import Webhook, WebhookDelivery
from app.graphql.live.subscriptions import LiveSubscription
from app.graphql.nodes import NodeQuery
from app.graphql.scalars import DATE_SCALAR, DECIMAL_SCALAR, Decimal


@strawberry.type
class Query(
    AuthQuery,
    AccountQuery,
    HistoryQuery,
    PaymentSourceQuery,
    BudgetQuery,
    NodeQuery,
    ScheduleQuery,
    ImportQuery,
    RuleQuery,
    ReviewQueueQuery,
    CategorisationQuery,
    SyncQuery,
    BackupQuery,
    DashboardQuery,
    ExchangeRateQuery,
    CashFlowQueries,
    AlertQuery,
):
    pass


@strawberry.type
class Mutation(
    AuthMutation,
    OpenAccountMutation,
    MovementMutation,
    AccountMutation,
    EnvelopeMutation,
    MemberMutation,
    PaymentSourceMutation,
    BudgetMutation,
    ReconciliationMutation,
    ScheduleMutation,
    HistoryMutation,
    ImportMutation,
    RuleMutation,
    ReviewMutation,
    CategorisationMutation,
    BackupMutation,
    ExchangeRateMutation,
    PlanningMutation,
    OpportunityMutation,
    WebhookMutation,
    AlertMutation,
):
    pass


@strawberry.type
class Subscription(
    LiveSubscription,
):
    pass


class EnvelopesSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Errors are logged where they are shaped (`app.graphql.engine.router`), which knows
        expected errors from bugs."""


def limit_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    return [depth_limit_rule(settings.max_query_depth), alias_limit_rule(settings.max_aliases)]


def validation_rules(settings: Settings) -> tuple[type[ASTValidationRule], ...]:
    """Every rule a document is validated with: the specification's, our limits, Strawberry's
    own (`@oneOf` inputs, `Maybe` nulls) and, in production, no introspection. The same set
    Strawberry's `execute` applies with the extensions below (`app.graphql.engine.http`
    validates itself, once per document)."""
    rules: list[type[ASTValidationRule]] = [*specified_rules, *limit_rules(settings)]
    if not settings.introspection_enabled:
        rules.append(NoSchemaIntrospectionCustomRule)
    return (*rules, MaybeNullValidationRule, OneOfInputValidationRule)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema; its extensions serve the WebSocket (subscriptions). POST and GET /graphql
    run through `app.graphql.engine.http`, which applies the same limits itself."""
    rules = limit_rules(settings)
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
        subscription=Subscription,
        types=[
            User,
            LoginSession,
            Account,
            Envelope,
            Transaction,
            PaymentSource,
            Schedule,
            ImportJob,
            Rule,
            RestoreJob,
            ExchangeRate,
            PlanningNode,
            PlanningFlow,
            Webhook,
            WebhookDelivery,
            Alert,
        ],
        extensions=extensions,
        execution_context_class=PlainFieldExecutor,
    )
