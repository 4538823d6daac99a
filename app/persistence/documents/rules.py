"""Stored categorisation rules: the household's, in their order.

A rule belongs to its owner (`owner_id`): a household is an owner and the accounts they own,
and the rules that apply to an account are its owner's, whoever records into it. `position`
orders an owner's rules (ties, which only a concurrent change could leave, by id). Conditions
and actions are stored flat, one record shape per list with a `type`, as the API takes them;
amount bounds are decimal strings, turned into minor units of each account's currency when the
rules run (`app.services.categorisation.rule_book`).

`RuleBookDocument` is one counter per owner, bumped by every change of their rules in the
change's transaction, so that two changes of one owner's rules conflict (and one runs again)
instead of both taking the same position.
"""

from __future__ import annotations

from datetime import datetime

from beanie import Document
from pydantic import BaseModel
from pymongo import ASCENDING, IndexModel

from app.persistence.documents.base import Stored, StoredId


class ConditionRecord(BaseModel):
    type: str  # payee | memo | amount | kind
    operator: str | None = None  # text conditions
    value: str | None = None
    minimum: str | None = None  # amount conditions: decimal strings, inclusive
    maximum: str | None = None
    kind: str | None = None  # income | expense


class PartRecord(BaseModel):
    envelope_id: StoredId
    basis_points: int


class ActionRecord(BaseModel):
    type: str  # set_envelope | split | rename_payee | add_tags
    envelope_id: StoredId | None = None
    parts: list[PartRecord] = []
    payee: str | None = None
    tags: list[str] = []


class RuleDocument(Stored, Document):
    owner_id: StoredId
    position: int
    name: str
    combine: str  # all | any
    stop: bool = False
    account_ids: list[StoredId] = []  # empty: every account of the owner
    conditions: list[ConditionRecord] = []
    actions: list[ActionRecord]
    created_at: datetime
    updated_at: datetime

    class Settings:
        name = "rules"
        indexes = [
            IndexModel([("owner_id", ASCENDING), ("position", ASCENDING)], name="owner_order"),
        ]


class RuleBookDocument(Document):
    """An owner's rules' change counter (`_id` is the owner's user id)."""

    version: int = 0

    class Settings:
        name = "rule_books"
