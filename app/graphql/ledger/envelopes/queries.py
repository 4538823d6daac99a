"""How `node(id)` loads an envelope."""

from __future__ import annotations

from app.core.ids import ObjectId
from app.graphql.context import Info
from app.graphql.ledger.envelopes.types import Envelope
from app.graphql.relay import Node


async def load_envelope(info: Info, envelope_id: ObjectId) -> Node | None:
    viewer = await info.context.viewer()
    account = await info.context.services.accounts.with_envelope(viewer, envelope_id)
    envelope = account.envelope(envelope_id) if account else None
    if account is None or envelope is None or envelope.deleted:
        return None
    return Envelope.from_record(envelope, account.currency, account)
