"""Marking alerts read; changing the alert settings."""

from __future__ import annotations

import strawberry

from app.core.errors import ValidationError
from app.core.viewer import Viewer
from app.domain.alerts import AlertKind
from app.graphql.alerts.queries import settings_for
from app.graphql.alerts.types import Alert, AlertSettings
from app.graphql.context import Info
from app.graphql.mutations import Caller, Payload, UserError, run_mutation
from app.graphql.relay import decode_id
from app.graphql.scalars import Decimal
from app.persistence.documents.alerts import AlertRecord
from app.services.alerts.service import ThresholdChange, UpdateAlertSettings


@strawberry.input
class MarkAlertsReadInput:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The alerts to mark read (at most 1000)."
    )
    all: bool = strawberry.field(default=False, description="Mark every unread alert read.")


@strawberry.type(description="The alerts as they are now, and how many are still unread.")
class MarkAlertsReadPayload(Payload):
    alerts: list[Alert] = strawberry.field(default_factory=list)
    unread_alert_count: int | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: tuple[list[AlertRecord], int], caller: Caller) -> MarkAlertsReadPayload:
        alerts, unread = result
        return cls(alerts=[Alert.from_record(a) for a in alerts], unread_alert_count=unread)


@strawberry.input
class AlertThresholdInput:
    account_id: strawberry.ID
    balance_below: Decimal | None = strawberry.field(
        default=None, description="In the account's currency; null: off."
    )
    transaction_above: Decimal | None = strawberry.field(
        default=None, description="More than zero, in the account's currency; null: off."
    )


@strawberry.input
class UpdateAlertSettingsInput:
    enabled_kinds: list[AlertKind] | None = strawberry.field(
        default=None, description="The kinds you want; the others are off. Null: unchanged."
    )
    plan_share: int | None = strawberry.field(
        default=None, description="Percent of a period's plan, 1 to 1000. Null: unchanged."
    )
    thresholds: list[AlertThresholdInput] | None = strawberry.field(
        default=None,
        description="Replaces your thresholds on the accounts named; the others stay.",
    )

    def to_command(self) -> UpdateAlertSettings:
        thresholds = None
        if self.thresholds is not None:
            thresholds = [
                ThresholdChange(
                    account_id=decode_id(
                        t.account_id, "Account", ["thresholds", str(i), "accountId"]
                    ),
                    balance_below=t.balance_below,
                    transaction_above=t.transaction_above,
                )
                for i, t in enumerate(self.thresholds)
            ]
        kinds = None if self.enabled_kinds is None else [k.value for k in self.enabled_kinds]
        return UpdateAlertSettings(kinds, self.plan_share, thresholds)


@strawberry.type(description="Your alert settings as they are now.")
class UpdateAlertSettingsPayload(Payload):
    settings: AlertSettings | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def answer(cls, result: AlertSettings, caller: Caller) -> UpdateAlertSettingsPayload:
        return cls(settings=result)


@strawberry.type
class AlertMutation:
    @strawberry.mutation(
        description="Mark alerts read: the ones named (NOT_FOUND for one that is not yours) "
        "or all of them; VALIDATION unless exactly one of the two is given."
    )
    async def mark_alerts_read(
        self, info: Info, input: MarkAlertsReadInput
    ) -> MarkAlertsReadPayload:
        service = info.context.services.alerts

        async def mark(viewer: Viewer) -> tuple[list[AlertRecord], int]:
            if (input.ids is None) == (not input.all) or (input.ids is not None and input.all):
                raise ValidationError("Give either ids or all: true.", field=["ids"])
            ids = None
            if input.ids is not None:
                ids = [decode_id(i, "Alert", ["ids", str(n)]) for n, i in enumerate(input.ids)]
            alerts = await service.mark_read(viewer, ids)
            return alerts, await service.unread_count(viewer)

        return await run_mutation(info, MarkAlertsReadPayload, mark)

    @strawberry.mutation(
        description="Change which alerts you get: kinds, the plan share, thresholds per "
        "account; VALIDATION for amounts or a share out of range, NOT_FOUND for an account "
        "that is not yours."
    )
    async def update_alert_settings(
        self, info: Info, input: UpdateAlertSettingsInput
    ) -> UpdateAlertSettingsPayload:
        service = info.context.services.alerts

        async def update(viewer: Viewer) -> AlertSettings:
            await service.update_settings(viewer, input.to_command())
            return await settings_for(info)

        return await run_mutation(info, UpdateAlertSettingsPayload, update)
