"""The learned suggester: a model per household (an owner and the accounts they own) trained
on its own history, kept in memory, retrained in the background as entries arrive.

What it learns from (`training_set`): the household's income and expense entries that are
not undone and not waiting for review, each labelled with the envelope it ended up in: its
lines plus those of the corrections naming it (`corrects`), so a recategorised entry teaches
its new envelope; the main envelope of a split (the largest share). An expense that is still
all in Available teaches nothing (no envelope was chosen for it); income into Available does
(that is where pay goes).

The label is the envelope's folded name, shared by all the household's accounts: the
supermarket paid by card or from the current account is "Groceries" either way, so each
account profits from the others' history. A suggestion names the live envelope of that name
in the entry's account; where the account has none, there is no suggestion.

Training never blocks a request: a suggestion asked for a household with no model yet (or
with at least `RETRAIN_AFTER` new entries in one of the accounts asked about, or renamed
envelopes) starts a background training and is answered by the model at hand, if any. The
background loop (`run`) also retrains, every interval, the households held whose entries
grew. Each API process keeps its own models (they live in its memory): so this is a loop of
every process, not a `DueWork` of the scheduler, whose lease lets only one process work.
Training runs in a worker thread, one household at a time per process. Models are never
stored: a household's history is small, and retraining is cheaper than unpickling (which
would execute whatever the database holds).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.ids import ObjectId
from app.domain.conditions import Transaction
from app.domain.entries import EntryKind
from app.domain.envelope_model import EnvelopeModel, Example, Prediction
from app.domain.patterns import fold
from app.persistence.documents.accounts import AccountRecord
from app.persistence.repositories.learning import LearningRepository, PastEntry
from app.services.categorisation.proposals import Suggestion

log = logging.getLogger("envelopes.learned")

RETRAIN_AFTER = 10  # new entries in an account before its household's model is retrained
MAX_ENTRIES = 20_000  # per account, the latest: enough history, bounded training time
MAX_HOUSEHOLDS = 500  # models held per process, the least recently used dropped first
_LEARNED = {EntryKind.INCOME.value, EntryKind.EXPENSE.value}


@dataclass(frozen=True)
class Trained:
    """A household's model (None: too little history) and what it was trained on: the
    sequence number of each account then, and the envelope names."""

    model: EnvelopeModel[str] | None
    seqs: dict[ObjectId, int]
    names: dict[ObjectId, frozenset[tuple[ObjectId, str]]]
    examples: int
    seconds: float

    def stale_for(self, account: AccountRecord) -> bool:
        trained_seq = self.seqs.get(account.id)
        return (
            trained_seq is None
            or account.seq - trained_seq >= RETRAIN_AFTER
            or self.names.get(account.id) != _names(account)
        )


@dataclass
class LearnedCategories:
    """The `Suggester` of the categoriser, and `suggestions` for the review queue."""

    repository: LearningRepository
    interval_seconds: float = 60.0
    _models: OrderedDict[ObjectId, Trained] = field(default_factory=OrderedDict)
    _training: dict[ObjectId, asyncio.Task[Trained]] = field(default_factory=dict)
    _one_at_a_time: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))

    async def suggest(
        self, account: AccountRecord, rows: Sequence[Transaction], *, retrain: bool = True
    ) -> list[Suggestion | None]:
        """The model's envelope per row, with `applies` when its confidence reaches the
        household's threshold (none set: never). `retrain=False`: never start a training
        (bulk work, see `WithoutRetraining`)."""
        predicted = self.predict(account, [_example(row) for row in rows], retrain=retrain)
        if not any(predicted):
            return [None] * len(rows)
        threshold = await self.repository.threshold(account.owner_id)
        return [
            None
            if p is None
            else Suggestion(p[0], p[1], threshold is not None and p[1] * 10_000 >= threshold)
            for p in predicted
        ]

    def predict(
        self, account: AccountRecord, examples: Sequence[Example], *, retrain: bool = True
    ) -> list[tuple[ObjectId, float] | None]:
        """(envelope id, confidence) per example, from the model at hand; starts a
        background training when there is none or it is stale for `account` (unless not
        to `retrain`)."""
        trained = self._models.get(account.owner_id)
        if retrain and (trained is None or trained.stale_for(account)):
            self._start(account.owner_id)
        if trained is None or trained.model is None or not examples:
            return [None] * len(examples)
        self._models.move_to_end(account.owner_id)
        envelopes = {fold(e.name): e.id for e in account.live_envelopes()}
        return [_in(envelopes, p) for p in trained.model.predict(examples)]

    def learned_from(self, owner_id: ObjectId) -> int | None:
        """How many entries the household's model at hand learned from; None when it has
        none (too little history, or not trained yet: then its training starts)."""
        trained = self._models.get(owner_id)
        if trained is None:
            self._start(owner_id)
        return None if trained is None or trained.model is None else trained.examples

    async def stop(self) -> None:
        for task in list(self._training.values()):
            task.cancel()
        await asyncio.gather(*self._training.values(), return_exceptions=True)

    async def train(self, owner_id: ObjectId) -> Trained:
        """Train the household's model now (waiting for a training already under way)."""
        running = self._training.get(owner_id)
        if running is not None:
            await asyncio.shield(running)
        return await self._train(owner_id)

    async def settle(self) -> None:
        """Wait until no training is under way (tests, shutdown)."""
        while self._training:
            await asyncio.gather(*self._training.values(), return_exceptions=True)

    async def refresh(self) -> int:
        """One pass of the loop: retrain the held households whose accounts grew by
        `RETRAIN_AFTER` entries (or changed envelope names); how many were retrained."""
        retrained = 0
        for owner_id, trained in list(self._models.items()):
            accounts = await self.repository.household(owner_id)
            if set(trained.seqs) != {a.id for a in accounts} or any(
                trained.stale_for(a) for a in accounts
            ):
                await self.train(owner_id)
                retrained += 1
        return retrained

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.interval_seconds)
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception:  # an outage: the next pass tries again
                log.exception("retraining the categorisation models failed")

    def _start(self, owner_id: ObjectId) -> None:
        if owner_id in self._training:
            return
        task = asyncio.create_task(self._train(owner_id), name=f"train-{owner_id}")
        self._training[owner_id] = task
        task.add_done_callback(lambda done: self._finished(owner_id, done))

    def _finished(self, owner_id: ObjectId, task: asyncio.Task[Trained]) -> None:
        if self._training.get(owner_id) is task:
            del self._training[owner_id]
        if not task.cancelled() and task.exception() is not None:
            log.error("training a categorisation model failed", exc_info=task.exception())

    async def _train(self, owner_id: ObjectId) -> Trained:
        async with self._one_at_a_time:
            accounts = await self.repository.household(owner_id)
            entries: list[PastEntry] = []
            for account in accounts:
                entries += await self.repository.recent_entries(account.id, MAX_ENTRIES)
            examples, labels = training_set(accounts, entries)
            began = time.perf_counter()
            model = await asyncio.to_thread(EnvelopeModel.train, examples, labels)
            trained = Trained(
                model,
                {a.id: a.seq for a in accounts},
                {a.id: _names(a) for a in accounts},
                len(examples),
                time.perf_counter() - began,
            )
        self._models[owner_id] = trained
        self._models.move_to_end(owner_id)
        while len(self._models) > MAX_HOUSEHOLDS:
            self._models.popitem(last=False)
        return trained


@dataclass(frozen=True)
class WithoutRetraining:
    """The learned suggester for bulk work (the batches of an import's commit): the model
    at hand, without starting a training each time a batch makes it stale (a training
    reads the household's latest entries: back to back, it took most of the process's
    time during an import). The background loop retrains once the entries are in."""

    learned: LearnedCategories

    async def suggest(
        self, account: AccountRecord, rows: Sequence[Transaction]
    ) -> list[Suggestion | None]:
        return await self.learned.suggest(account, rows, retrain=False)


def training_set(
    accounts: Iterable[AccountRecord], entries: Iterable[PastEntry]
) -> tuple[list[Example], list[str]]:
    """The examples and their labels (folded envelope names); see the module docstring."""
    accounts = list(accounts)
    names = {e.id: fold(e.name) for a in accounts for e in a.envelopes}
    available = {a.available().id for a in accounts}
    entries = list(entries)
    corrections: defaultdict[ObjectId, list[PastEntry]] = defaultdict(list)
    for entry in entries:
        if entry.corrects is not None and not entry.reversed:
            corrections[entry.corrects].append(entry)
    examples: list[Example] = []
    labels: list[str] = []
    for entry in entries:
        if entry.kind not in _LEARNED or entry.reversed or entry.corrects or entry.needs_review:
            continue
        main = _main_envelope(entry, corrections.get(entry.id, ()))
        if main is None or main not in names:
            continue
        if main in available and entry.amount < 0:
            continue
        examples.append(Example(entry.payee, entry.memo, entry.amount, entry.booking_date.date()))
        labels.append(names[main])
    return examples, labels


def _main_envelope(entry: PastEntry, corrections: Iterable[PastEntry]) -> ObjectId | None:
    """The envelope holding the largest share of the entry, after its corrections."""
    shares: defaultdict[ObjectId, int] = defaultdict(int)
    for line_envelope, amount in entry.lines:
        shares[line_envelope] += amount
    for correction in corrections:
        for line_envelope, amount in correction.lines:
            shares[line_envelope] += amount
    direction = 1 if entry.amount > 0 else -1
    ranked = [(amount * direction, e) for e, amount in shares.items() if amount * direction > 0]
    return max(ranked, key=lambda pair: pair[0])[1] if ranked else None


def _names(account: AccountRecord) -> frozenset[tuple[ObjectId, str]]:
    return frozenset((e.id, e.name) for e in account.live_envelopes())


def _example(row: Transaction) -> Example:
    return Example(row.payee, row.memo, row.amount, row.day)


def _in(envelopes: dict[str, Any], prediction: Prediction[str]) -> tuple[ObjectId, float] | None:
    envelope_id = envelopes.get(prediction.label)
    return None if envelope_id is None else (envelope_id, prediction.confidence)
