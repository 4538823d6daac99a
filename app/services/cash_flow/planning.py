"""The planning model of a household: nodes and flows, created, changed and deleted by its
members (see `app.domain.planning` for the rules a model keeps).

A household is an owner and the accounts they own; its model is keyed by the owner. The
caller's role in a household is the owner's for their own, else the highest of their roles
in the owner's open accounts: viewers read the model, editors and above change it. A caller
who is not a member of any of the owner's accounts gets NOT_FOUND, as for a node that does
not exist; a flow between nodes of two households names a node that is NOT_FOUND.

Every change is one transaction that first bumps the household's model document
(`PlanningRepository.lock`), then reads what it checks (the flows, for a cycle) in that
transaction: of two changes at once, one commits and the other runs again and sees it.
"""

from __future__ import annotations

from typing import Any

from app.core.clock import utcnow
from app.core.errors import NotFoundError, ValidationError
from app.core.ids import ObjectId
from app.core.viewer import Viewer
from app.domain.members import Permission, Role, require
from app.domain.money import parse_amount
from app.domain.planning import (
    MAX_FLOWS,
    MAX_NODES,
    check_acyclic,
    check_ends,
    check_flow_label,
)
from app.persistence.documents.planning import (
    PlanningFlowDocument,
    PlanningNodeDocument,
)
from app.persistence.mongo import Database
from app.persistence.repositories.accounts import AccountRepository
from app.persistence.repositories.planning import PlanningRepository
from app.persistence.transactions import transactional
from app.services.cash_flow.planning_specs import (
    CreateFlow,
    CreateNode,
    DeletedNode,
    FlowRef,
    FlowSpec,
    NodeRef,
    PlanningModel,
    SavedFlow,
    SavedNode,
    UpdateFlow,
    UpdateNode,
    model_currency,
    node_fields,
)

NO_NODE, NO_FLOW = "No such planning node.", "No such planning flow."
ROLES = [Role.VIEWER, Role.EDITOR, Role.ADMIN, Role.OWNER]  # weakest first


class PlanningService:
    def __init__(self, db: Database, accounts: AccountRepository) -> None:
        self.db = db
        self.accounts = accounts

    async def role_in(self, viewer: Viewer, owner_id: ObjectId) -> Role | None:
        """The caller's role in the owner's household; None: not a member of it."""
        if owner_id == viewer.user_id:
            return Role.OWNER
        shared = await self.accounts.of_member(viewer.user_id, include_closed=False)
        roles = [a.role_of(viewer.user_id) for a in shared if a.owner_id == owner_id]
        return max(roles, key=ROLES.index, default=None)

    async def household(
        self, viewer: Viewer, account_id: ObjectId | None, field: str = "accountId"
    ) -> tuple[ObjectId, Role]:
        """The owner of the household meant (that of the account, or the caller's own), and
        the caller's role in it."""
        if account_id is None:
            return viewer.user_id, Role.OWNER
        account = await self.accounts.for_member(account_id, viewer.user_id)
        if account is None:
            raise NotFoundError("No such account.", field=[field])
        role = await self.role_in(viewer, account.owner_id)
        return account.owner_id, role or Role.VIEWER

    async def model(self, viewer: Viewer, account_id: ObjectId | None = None) -> PlanningModel:
        owner_id, role = await self.household(viewer, account_id)
        repository = PlanningRepository()
        return PlanningModel(
            owner_id,
            role,
            await repository.currency(owner_id),
            await repository.nodes_of(owner_id),
            await repository.flows_of(owner_id),
        )

    async def visible_node(self, viewer: Viewer, node_id: ObjectId) -> SavedNode:
        """A node of a household the caller is a member of (NOT_FOUND otherwise)."""
        repository = PlanningRepository()
        node = await repository.node(node_id)
        if node is None or await self.role_in(viewer, node.owner_id) is None:
            raise NotFoundError(NO_NODE, field=["id"])
        return SavedNode(node, await repository.currency(node.owner_id))

    async def visible_flow(self, viewer: Viewer, flow_id: ObjectId) -> SavedFlow:
        repository = PlanningRepository()
        flow = await repository.flow(flow_id)
        currency = None if flow is None else await repository.currency(flow.owner_id)
        if flow is None or currency is None or await self.role_in(viewer, flow.owner_id) is None:
            raise NotFoundError(NO_FLOW, field=["id"])
        return SavedFlow(flow, currency)

    async def _editable(self, viewer: Viewer, owner_id: ObjectId, missing: str) -> None:
        role = await self.role_in(viewer, owner_id)
        if role is None:
            raise NotFoundError(missing, field=["id"])
        require(role, Permission.RECORD)

    # --- nodes ----------------------------------------------------------------------------

    @transactional
    async def create_node(self, viewer: Viewer, command: CreateNode) -> SavedNode:
        owner_id, role = await self.household(viewer, command.account_id)
        require(role, Permission.RECORD)
        async with self.db.transaction() as tx:
            repository = PlanningRepository(tx.session)
            model = await repository.lock(owner_id)
            if len(await repository.nodes_of(owner_id)) >= MAX_NODES:
                raise ValidationError(f"A model has at most {MAX_NODES} nodes.", field=["label"])
            fields, currency = node_fields(command.spec, model.currency)
            now = utcnow()
            node = PlanningNodeDocument(owner_id=owner_id, created_at=now, updated_at=now, **fields)
            await repository.save_node(node)
            if currency is not None and model.currency is None:
                await repository.set_currency(owner_id, currency)
            await tx.commit()
            return SavedNode(node, model.currency or currency)

    @transactional
    async def update_node(self, viewer: Viewer, command: UpdateNode) -> SavedNode:
        async with self.db.transaction() as tx:
            repository = PlanningRepository(tx.session)
            stored = await self._node(viewer, repository, command.node_id, ["id"])
            model = await repository.lock(stored.owner_id)
            fields, currency = node_fields(command.spec, model.currency)
            node = stored.model_copy(update={**fields, "updated_at": utcnow()})
            await repository.save_node(node)
            if currency is not None and model.currency is None:
                await repository.set_currency(stored.owner_id, currency)
            await tx.commit()
            return SavedNode(node, model.currency or currency)

    @transactional
    async def delete_node(self, viewer: Viewer, command: NodeRef) -> DeletedNode:
        """The node as it was, and the flows deleted with it (all in one transaction)."""
        async with self.db.transaction() as tx:
            repository = PlanningRepository(tx.session)
            node = await self._node(viewer, repository, command.node_id, ["id"])
            await repository.lock(node.owner_id)
            flow_ids = await repository.delete_node(node)
            if not await repository.nodes_of(node.owner_id):
                await repository.set_currency(node.owner_id, None)
            await tx.commit()
            return DeletedNode(node, flow_ids)

    async def _node(
        self, viewer: Viewer, repository: PlanningRepository, node_id: ObjectId, field: list[str]
    ) -> PlanningNodeDocument:
        node = await repository.node(node_id)
        if node is None or await self.role_in(viewer, node.owner_id) is None:
            raise NotFoundError(NO_NODE, field=field)
        await self._editable(viewer, node.owner_id, NO_NODE)
        return node

    # --- flows ----------------------------------------------------------------------------

    @transactional
    async def create_flow(self, viewer: Viewer, command: CreateFlow) -> SavedFlow:
        async with self.db.transaction() as tx:
            repository = PlanningRepository(tx.session)
            source = await self._node(viewer, repository, command.spec.source_id, ["from"])
            now = utcnow()
            fields, currency = await self._flow_fields(
                repository, source.owner_id, command.spec, None
            )
            flow = PlanningFlowDocument(
                owner_id=source.owner_id, created_at=now, updated_at=now, **fields
            )
            await repository.save_flow(flow)
            await tx.commit()
            return SavedFlow(flow, currency)

    @transactional
    async def update_flow(self, viewer: Viewer, command: UpdateFlow) -> SavedFlow:
        async with self.db.transaction() as tx:
            repository = PlanningRepository(tx.session)
            stored = await self._flow(viewer, repository, command.flow_id)
            fields, currency = await self._flow_fields(
                repository, stored.owner_id, command.spec, stored.id
            )
            flow = stored.model_copy(update={**fields, "updated_at": utcnow()})
            await repository.save_flow(flow)
            await tx.commit()
            return SavedFlow(flow, currency)

    @transactional
    async def delete_flow(self, viewer: Viewer, command: FlowRef) -> PlanningFlowDocument:
        async with self.db.transaction() as tx:
            repository = PlanningRepository(tx.session)
            flow = await self._flow(viewer, repository, command.flow_id)
            await repository.lock(flow.owner_id)
            await repository.delete_flow(flow.id)
            await tx.commit()
            return flow

    async def _flow(
        self, viewer: Viewer, repository: PlanningRepository, flow_id: ObjectId
    ) -> PlanningFlowDocument:
        flow = await repository.flow(flow_id)
        if flow is None or await self.role_in(viewer, flow.owner_id) is None:
            raise NotFoundError(NO_FLOW, field=["id"])
        await self._editable(viewer, flow.owner_id, NO_FLOW)
        return flow

    async def _flow_fields(
        self,
        repository: PlanningRepository,
        owner_id: ObjectId,
        spec: FlowSpec,
        replacing: ObjectId | None,
    ) -> tuple[dict[str, Any], str]:
        """The flow's checked fields, in the locked model (another household's node is
        NOT_FOUND; a flow to itself VALIDATION, one closing a cycle CYCLE)."""
        model = await repository.lock(owner_id)
        for node_id, field in ((spec.source_id, "from"), (spec.target_id, "to")):
            node = await repository.node(node_id)
            if node is None or node.owner_id != owner_id:
                raise NotFoundError(NO_NODE, field=[field])
        check_ends(spec.source_id, spec.target_id)
        currency = model_currency(spec.currency, model.currency, needed=True)
        if currency is None:
            raise ValidationError("Give the currency of the amount.", field=["currency"])
        amount = parse_amount(spec.amount, currency, "amount")
        flows = [f for f in await repository.flows_of(owner_id) if f.id != replacing]
        if replacing is None and len(flows) >= MAX_FLOWS:
            raise ValidationError(f"A model has at most {MAX_FLOWS} flows.", field=["amount"])
        ends = [(f.source_id, f.target_id) for f in flows]
        check_acyclic([*ends, (spec.source_id, spec.target_id)])
        if model.currency is None:
            await repository.set_currency(owner_id, currency)
        fields = {
            "source_id": spec.source_id,
            "target_id": spec.target_id,
            "amount": amount,
            "label": check_flow_label(spec.label),
        }
        return fields, currency
