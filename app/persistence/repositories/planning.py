"""The planning models of households (see `app.persistence.documents.planning`)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from app.domain.planning import MAX_FLOWS, MAX_NODES
from app.persistence.documents.planning import (
    PlanningFlowDocument,
    PlanningModelDocument,
    PlanningNodeDocument,
)
from app.persistence.transactions import Session

ORDER = [("created_at", 1), ("_id", 1)]


class PlanningRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session
        self.nodes: AsyncCollection[dict[str, Any]] = PlanningNodeDocument.get_pymongo_collection()
        self.flows: AsyncCollection[dict[str, Any]] = PlanningFlowDocument.get_pymongo_collection()
        self.models: AsyncCollection[dict[str, Any]] = (
            PlanningModelDocument.get_pymongo_collection()
        )

    async def lock(self, owner_id: ObjectId) -> PlanningModelDocument:
        """Bump the household's counter (concurrent changes of its model conflict); the model
        as it is."""
        row = await self.models.find_one_and_update(
            {"_id": owner_id},
            {"$inc": {"version": 1}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
            session=self.session,
        )
        model: PlanningModelDocument = PlanningModelDocument.model_validate(row)
        return model

    async def set_currency(self, owner_id: ObjectId, currency: str | None) -> None:
        await self.models.update_one(
            {"_id": owner_id}, {"$set": {"currency": currency}}, session=self.session
        )

    async def currency(self, owner_id: ObjectId) -> str | None:
        row = await self.models.find_one({"_id": owner_id}, session=self.session)
        return None if row is None else row.get("currency")

    async def nodes_of(self, owner_id: ObjectId) -> list[PlanningNodeDocument]:
        cursor = self.nodes.find({"owner_id": owner_id}, session=self.session).sort(ORDER)
        return [PlanningNodeDocument.model_validate(r) for r in await cursor.to_list(MAX_NODES)]

    async def flows_of(self, owner_id: ObjectId) -> list[PlanningFlowDocument]:
        cursor = self.flows.find({"owner_id": owner_id}, session=self.session).sort(ORDER)
        return [PlanningFlowDocument.model_validate(r) for r in await cursor.to_list(MAX_FLOWS)]

    async def node(self, node_id: ObjectId) -> PlanningNodeDocument | None:
        row = await self.nodes.find_one({"_id": node_id}, session=self.session)
        return None if row is None else PlanningNodeDocument.model_validate(row)

    async def flow(self, flow_id: ObjectId) -> PlanningFlowDocument | None:
        row = await self.flows.find_one({"_id": flow_id}, session=self.session)
        return None if row is None else PlanningFlowDocument.model_validate(row)

    async def save_node(self, node: PlanningNodeDocument) -> None:
        await self.nodes.replace_one(
            {"_id": node.id}, node.model_dump(by_alias=True), upsert=True, session=self.session
        )

    async def save_flow(self, flow: PlanningFlowDocument) -> None:
        await self.flows.replace_one(
            {"_id": flow.id}, flow.model_dump(by_alias=True), upsert=True, session=self.session
        )

    async def insert(
        self, nodes: list[PlanningNodeDocument], flows: list[PlanningFlowDocument]
    ) -> None:
        if nodes:
            rows = [n.model_dump(by_alias=True) for n in nodes]
            await self.nodes.insert_many(rows, session=self.session)
        if flows:
            rows = [f.model_dump(by_alias=True) for f in flows]
            await self.flows.insert_many(rows, session=self.session)

    async def delete_node(self, node: PlanningNodeDocument) -> list[ObjectId]:
        """Delete the node and its flows; the ids of those flows."""
        touching = {
            "owner_id": node.owner_id,
            "$or": [{"source_id": node.id}, {"target_id": node.id}],
        }
        rows = self.flows.find(touching, {"_id": 1}, session=self.session)
        flow_ids = [row["_id"] async for row in rows]
        await self.flows.delete_many({"_id": {"$in": flow_ids}}, session=self.session)
        await self.nodes.delete_one({"_id": node.id}, session=self.session)
        return flow_ids

    async def delete_flow(self, flow_id: ObjectId) -> None:
        await self.flows.delete_one({"_id": flow_id}, session=self.session)

    async def clear(self, owner_id: ObjectId) -> None:
        await self.flows.delete_many({"owner_id": owner_id}, session=self.session)
        await self.nodes.delete_many({"owner_id": owner_id}, session=self.session)
