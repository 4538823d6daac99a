"""What a schedule is about: the kind of movement it posts, whether it posts by itself, and
what became of each of its occurrences. (When it falls due: `app.domain.recurrence`.)"""

from __future__ import annotations

from enum import StrEnum


class ScheduleKind(StrEnum):
    INCOME = "income"
    PAYDAY = "payday"  # income from a payment source
    EXPENSE = "expense"
    MOVE = "move"
    TRANSFER = "transfer"


class ScheduleMode(StrEnum):
    AUTO = "auto"  # the scheduler posts each occurrence on its due date
    REMIND = "remind"  # occurrences are only listed; a member posts or skips them


class OccurrenceStatus(StrEnum):
    POSTED = "posted"
    SKIPPED = "skipped"
    FAILED = "failed"  # refused by a rule of the ledger; the reason is kept
