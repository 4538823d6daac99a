"""Matching imported bank rows against entries typed by hand, so that a row the family had
already recorded is marked as matched rather than recorded twice.

A row and a hand-typed entry may match when
- their signed amounts are equal, to the minor unit;
- their dates are at most `window` days apart (3 unless told);
- their payees are alike: the similarity of the normalised payees (`normalise_payee`) is at
  least `MIN_SIMILARITY`, the similarity being the higher of rapidfuzz's `token_set_ratio`
  (one name's words inside the other's: "tesco" and "tesco stores" score 100) and `WRatio`
  (spelling variants: "tescos"). Where either side has no payee, the payee neither helps
  nor hurts: it counts as exactly `MIN_SIMILARITY`, so amount and date decide, and such a
  pair ranks below any pair whose payees agree;
- the entry is not matched to an earlier import already.

The score is the similarity less `DAY_PENALTY` per day apart. Assignment is one-to-one and
deterministic, greedy best-first: every possible pair is ranked by score (higher first), then
days apart, then the row's and the entry's places in their lists, and a pair is taken when
neither its row nor its entry is taken yet.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz

from app.core.errors import ValidationError
from app.domain.patterns import bounded

DEFAULT_WINDOW, MAX_WINDOW = 3, 31
MIN_SIMILARITY = 70
DAY_PENALTY = 5

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_NOISE = [
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),  # times: 14:32
    re.compile(r"\b\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?\b"),  # dates: 12/03, 2026-03-12
    re.compile(rf"\b\d{{1,2}} ?(?:{_MONTHS})(?: ?\d{{2,4}})?\b"),  # dates: 12MAR, 12 mar 26
    # card-terminal and reference words with their number: POS 1234, CARD 5678, REF: 99
    re.compile(r"\b(?:pos|card|crd|visa|debit|contactless|cnt|ref|tid|terminal|auth)\b[ #:.]*\d*"),
    re.compile(r"\S*\d{4,}\S*"),  # anything holding a long run of digits: references
]
# Country codes card terminals put last (ISO 3166 alpha-2 and alpha-3, and "uk"): the ones
# this project's households meet; an unknown one just stays a word of the payee.
_COUNTRY_CODES = (
    "ie irl gb gbr uk us usa fr fra de deu es esp it ita nl nld be bel lu lux pt prt at aut "
    "ch che se swe dk dnk no nor fi fin pl pol cz cze ca can au aus nz nzl"
)
_COUNTRIES = frozenset(_COUNTRY_CODES.split())


@lru_cache(maxsize=8192)
def normalise_payee(text: str | None) -> str:
    """The payee as a bank's noise-free key: folded (no case, no accents), without
    card-terminal words and numbers, dates, times, reference numbers, '*' and other
    punctuation, numbers, or a trailing country code (with the city before it when at least
    two words are left). "CARD 1234 TESCO*STORES 12/03" and "TESCO STORES 3297 DUBLIN IE"
    are both "tesco stores". Text that would lose every word keeps its folded words."""
    folded = bounded(text or "")
    cleaned = folded
    for noise in _NOISE:
        cleaned = noise.sub(" ", cleaned)
    words = [w for w in _words(cleaned) if not w.isdigit()]
    if len(words) >= 2 and words[-1] in _COUNTRIES:
        words.pop()
        if len(words) >= 3:
            words.pop()  # the city the card terminal names before the country
    return " ".join(words) or " ".join(_words(folded))


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w&]+", " ", text.replace("'", "")).split()


def payee_similarity(a: str | None, b: str | None) -> int | None:
    """0-100 for two payees (normalised here); None when either has none."""
    left, right = normalise_payee(a), normalise_payee(b)
    if not left or not right:
        return None
    return round(max(fuzz.token_set_ratio(left, right), fuzz.WRatio(left, right)))


@dataclass(frozen=True)
class ImportedRow:
    key: Hashable  # the row's identity in its file: its import id or line
    day: date
    amount: int  # signed minor units
    payee: str | None = None


@dataclass(frozen=True)
class ManualEntry:
    id: Hashable
    day: date
    amount: int  # signed minor units
    payee: str | None = None
    already_matched: bool = False


@dataclass(frozen=True)
class Match:
    row: Hashable
    entry: Hashable
    score: int
    days_apart: int
    similarity: int | None  # None: a payee was missing on one side
    reasons: tuple[str, ...]


def candidates(
    row: ImportedRow, entries: Sequence[ManualEntry], window: int = DEFAULT_WINDOW
) -> list[Match]:
    """Every entry `row` may match, best first."""
    return [m for _, _, m in _ranked([row], entries, window)]


def match_rows(
    rows: Sequence[ImportedRow], entries: Sequence[ManualEntry], window: int = DEFAULT_WINDOW
) -> list[Match]:
    """The one-to-one matches of a file's rows with hand-typed entries, in the rows' order."""
    taken_rows: set[int] = set()
    taken_entries: set[int] = set()
    chosen: list[tuple[int, Match]] = []
    for r, e, match in _ranked(rows, entries, window):
        if r not in taken_rows and e not in taken_entries:
            taken_rows.add(r)
            taken_entries.add(e)
            chosen.append((r, match))
    return [m for _, m in sorted(chosen, key=lambda c: c[0])]


def _ranked(
    rows: Sequence[ImportedRow], entries: Sequence[ManualEntry], window: int
) -> list[tuple[int, int, Match]]:
    if not 0 <= window <= MAX_WINDOW:
        raise ValidationError(f"The window is 0 to {MAX_WINDOW} days.", field=["matchWindow"])
    by_amount: defaultdict[int, list[int]] = defaultdict(list)
    for e, entry in enumerate(entries):
        if not entry.already_matched:
            by_amount[entry.amount].append(e)
    pairs = []
    for r, row in enumerate(rows):
        for e in by_amount.get(row.amount, ()):
            match = _pair(row, entries[e], window)
            if match is not None:
                pairs.append((r, e, match))
    pairs.sort(key=lambda p: (-p[2].score, p[2].days_apart, p[0], p[1]))
    return pairs


def _pair(row: ImportedRow, entry: ManualEntry, window: int) -> Match | None:
    days = abs((row.day - entry.day).days)
    if days > window:
        return None
    similarity = payee_similarity(row.payee, entry.payee)
    if similarity is not None and similarity < MIN_SIMILARITY:
        return None
    alike = MIN_SIMILARITY if similarity is None else similarity
    reasons = (
        "same amount",
        "same day" if days == 0 else f"{days} day{'s' if days > 1 else ''} apart",
        "no payee to compare"
        if similarity is None
        else f'payees {similarity}% alike: "{normalise_payee(row.payee)}" and '
        f'"{normalise_payee(entry.payee)}"',
    )
    return Match(row.key, entry.id, max(0, alike - DAY_PENALTY * days), days, similarity, reasons)
