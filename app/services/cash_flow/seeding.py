"""Seed a household's planning model from the ledger's computed picture of a period.

The picture of the household's accounts (those its owner owns that the caller sees) becomes
nodes and flows: income sources and "Transfers in" are INCOME nodes; each account a node of
its type (savings accounts SAVINGS, loans and credit cards DEBT, the others ACCOUNT, with
their institution and balance); each envelope that spent an EXPENSE node (its payees fold
into it) and "Transfers out" too; "From balance" and "Kept in accounts" SAVINGS nodes. A
node's amount is the money that went through it; every link but those to payees is a flow.

Seeding replaces the model (nodes and flows, in one transaction) when `replace` is set; a
model that is not empty is otherwise left as it is, with CONFLICT: a hand-made plan is never
lost by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.clock import utcnow
from app.core.errors import ConflictError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.accounts import AccountType
from app.domain.members import Permission, require
from app.domain.planning import MAX_FLOWS, MAX_NODES, PlanningKind
from app.domain.sankey import NodeKind, Sankey
from app.persistence.documents.accounts import AccountRecord
from app.persistence.documents.planning import PlanningFlowDocument, PlanningNodeDocument
from app.persistence.mongo import Database
from app.persistence.repositories.planning import PlanningRepository
from app.persistence.transactions import transactional
from app.services.cash_flow.pictures import CashFlowPictures, CashFlowQuery, account_key
from app.services.cash_flow.planning import PlanningService
from app.services.cash_flow.planning_specs import PlanningModel

KINDS = {
    NodeKind.INCOME: PlanningKind.INCOME,
    NodeKind.TRANSFERS_IN: PlanningKind.INCOME,
    NodeKind.ACCOUNT: PlanningKind.ACCOUNT,
    NodeKind.ENVELOPE: PlanningKind.EXPENSE,
    NodeKind.TRANSFERS_OUT: PlanningKind.EXPENSE,
    NodeKind.FROM_BALANCE: PlanningKind.SAVINGS,
    NodeKind.TO_BALANCE: PlanningKind.SAVINGS,
}
ACCOUNT_KINDS = {
    AccountType.SAVINGS: PlanningKind.SAVINGS,
    AccountType.LOAN: PlanningKind.DEBT,
    AccountType.CREDIT_CARD: PlanningKind.DEBT,
}


@dataclass(frozen=True)
class SeedPlanning:
    start: date
    end: date
    currency: str
    replace: bool = False
    account_id: ObjectId | None = None  # the household of this account's owner; None: yours


def seeded(
    owner_id: ObjectId, sankey: Sankey, accounts: list[AccountRecord]
) -> tuple[list[PlanningNodeDocument], list[PlanningFlowDocument]]:
    """The picture as the model's nodes and flows (see the module docstring)."""
    now, by_key = utcnow(), {account_key(a.id): a for a in accounts}
    nodes: dict[int, PlanningNodeDocument] = {}
    for i, node in enumerate(sankey.nodes):
        if node.kind not in KINDS:
            continue
        account = by_key.get(node.id)
        kind = KINDS[node.kind]
        if account is not None:
            kind = ACCOUNT_KINDS.get(account.type, kind)
        nodes[i] = PlanningNodeDocument(
            owner_id=owner_id,
            kind=kind.value,
            label=node.label,
            institution=account.institution if account else None,
            amount=max(sankey.inflow(i), sankey.outflow(i)) or None,
            balance=account.balance if account else None,
            created_at=now,
            updated_at=now,
        )
    flows = [
        PlanningFlowDocument(
            owner_id=owner_id,
            source_id=nodes[link.source].id,
            target_id=nodes[link.target].id,
            amount=link.value,
            created_at=now,
            updated_at=now,
        )
        for link in sankey.links
        if link.source in nodes and link.target in nodes
    ]
    return list(nodes.values()), flows


class PlanningSeeds:
    def __init__(self, db: Database, planning: PlanningService, pictures: CashFlowPictures) -> None:
        self.db = db
        self.planning = planning
        self.pictures = pictures

    @transactional
    async def seed(self, viewer: Viewer, command: SeedPlanning) -> PlanningModel:
        owner_id, role = await self.planning.household(viewer, command.account_id)
        require(role, Permission.RECORD)
        query = CashFlowQuery(command.start, command.end, command.currency, top_payees=0)
        picture = await self.pictures.picture(
            viewer, query, include=lambda account: account.owner_id == owner_id
        )
        nodes, flows = seeded(owner_id, picture.sankey, picture.accounts)
        if len(nodes) > MAX_NODES or len(flows) > MAX_FLOWS:
            raise ValidationError(
                f"The period's picture has more than {MAX_NODES} nodes or {MAX_FLOWS} flows, "
                "more than a plan holds: choose a shorter period.",
                field=["to"],
            )
        async with self.db.transaction() as tx:
            repository = PlanningRepository(tx.session)
            await repository.lock(owner_id)
            if not command.replace and await repository.nodes_of(owner_id):
                raise ConflictError(
                    "The planning model is not empty: seed with replace to start over.",
                    field=["replace"],
                )
            await repository.clear(owner_id)
            await repository.insert(nodes, flows)
            await repository.set_currency(owner_id, picture.currency)
            await tx.commit()
        return PlanningModel(owner_id, role, picture.currency, nodes, flows)
