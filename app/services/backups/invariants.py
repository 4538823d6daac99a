"""What a restore checks of each account, as its entries go by: the sequence (1, 2, 3…
gapless), the running balance, each entry's envelopes adding up to its amount; then the
account's balance = the sum of its envelopes = the sum of its entries, each envelope's
balance = the sum of its lines, the cleared balance, the manifest's balance; and the
per-month figures, summed on the way."""

from __future__ import annotations

from typing import Any

from app.core.ids import ObjectId
from app.domain.entries import ClearedStatus
from app.persistence.repositories.households import MonthBuckets, add_to_buckets
from app.services.backups.file_format import BackupInvalidError

_COUNTED = (ClearedStatus.CLEARED.value, ClearedStatus.RECONCILED.value)


def invalid(message: str) -> BackupInvalidError:
    return BackupInvalidError(message, field=["fileId"])


class RestoredAccount:
    """The account being restored: its row and what its entries add up to so far."""

    def __init__(self, old_id: str, row: dict[str, Any], manifest: dict[str, Any]) -> None:
        self.old_id, self.row, self.manifest = old_id, row, manifest
        self.id: ObjectId = row["_id"]
        self.seq = 0
        self.balance = 0
        self.cleared = 0
        self.envelopes: dict[ObjectId, int] = {}
        self.totals: MonthBuckets = {}
        self.pending: dict[str, list[dict[str, Any]]] = {}

    def add_entry(self, entry: dict[str, Any]) -> None:
        if entry["seq"] != self.seq + 1:
            raise invalid(f"{self.name}: entry {entry['seq']} is out of sequence.")
        self.seq = entry["seq"]
        self.balance += entry["amount"]
        if entry["balance_after"] != self.balance:
            raise invalid(f"{self.name}: entry {self.seq} has a wrong running balance.")
        if entry.get("cleared") in _COUNTED:
            self.cleared += entry["amount"]
        lines_total = 0
        for line in entry["lines"]:
            envelope_id = line["envelope_id"]
            self.envelopes[envelope_id] = self.envelopes.get(envelope_id, 0) + line["amount"]
            lines_total += line["amount"]
        if lines_total != entry["amount"]:
            raise invalid(f"{self.name}: entry {self.seq}'s envelopes do not add up.")
        add_to_buckets(self.totals, entry)

    @property
    def name(self) -> str:
        return f"Account {self.row.get('name', '?')!r}"

    def check(self) -> None:
        """The invariants that the entries as read must keep with the account."""
        row = self.row
        envelopes = {e["id"]: e["balance"] for e in row["envelopes"]}
        problems = [
            (self.seq != row["seq"], "its last sequence number is not its entries' last"),
            (self.balance != row["balance"], "its balance is not the sum of its entries"),
            (sum(envelopes.values()) != row["balance"], "its envelopes do not add up"),
            (self.envelopes.keys() - envelopes.keys(), "an entry names an unknown envelope"),
            (any(self.envelopes.get(i, 0) != b for i, b in envelopes.items()),
             "an envelope's balance is not the sum of its entries"),
            (self.cleared != row["cleared_balance"], "its cleared balance is wrong"),
            (self.manifest.get("balance") != row["balance"], "the manifest's balance differs"),
        ]  # fmt: skip
        for broken, problem in problems:
            if broken:
                raise invalid(f"{self.name}: {problem}.")
