"""Text as rules compare it: folded, and matched by bounded patterns.

`fold` makes comparison case- and accent-insensitive: Unicode compatibility decomposition
(NFKD), combining marks dropped, `casefold`, runs of whitespace made one space. So "CAFÉ  Crème"
and "cafe creme" compare equal, and so do "ﬁ" and "fi".

Patterns are **globs**, not regular expressions: `*` stands for any run of characters (none
too), `?` for exactly one, `|` separates alternatives, everything else is literal; a pattern
matches the whole folded text ("tesco*" is "starts with tesco", "*tesco*" is "contains").
Why not regular expressions: Python's engine backtracks, so a pattern such as `(a+)+$` takes
exponential time on a long "aaaa…b", and people who write rules are not writing regular
expressions anyway. (google-re2 would be linear, but it is a C++ extension for a syntax the
rules editor does not need.) A glob is translated into a regular expression with no nested
quantifiers in which every segment between two stars is an atomic group `(?>.*?segment)`:
the engine takes the first place where the segment fits and never comes back to it. For
segments of fixed length that is exactly right for a glob (the earliest fit leaves the most
room for what follows), and it bounds the work by the text's length times the pattern's, so
`*a*a*a*a*b` on a long run of "a" fails at once instead of trying every way of cutting it.
On top of that a pattern is at most `MAX_PATTERN_LENGTH` characters in at most
`MAX_ALTERNATIVES` alternatives, and only the first `MAX_TEXT_LENGTH` characters of a text
are examined.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from app.core.errors import ValidationError

MAX_PATTERN_LENGTH = 200
MAX_ALTERNATIVES = 20
MAX_TEXT_LENGTH = 1000


def fold(text: str) -> str:
    """The text as rules compare it: no case, no accents, single spaces, trimmed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def bounded(text: str) -> str:
    """The part of a text that rules look at: its first `MAX_TEXT_LENGTH` characters, folded."""
    return fold(text[:MAX_TEXT_LENGTH])


@dataclass(frozen=True)
class Glob:
    """A checked pattern and the regular expression it became."""

    source: str
    regex: re.Pattern[str]

    def matches(self, text: str) -> bool:
        return self.regex.match(bounded(text)) is not None


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    """The glob `pattern` (see the module docstring); VALIDATION if it is empty, too long or
    has an empty alternative."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValidationError(
            f"A pattern is at most {MAX_PATTERN_LENGTH} characters.", field=["value"]
        )
    alternatives = [fold(a) for a in pattern.split("|")]
    if len(alternatives) > MAX_ALTERNATIVES:
        raise ValidationError(
            f"A pattern has at most {MAX_ALTERNATIVES} alternatives.", field=["value"]
        )
    if not all(alternatives):
        raise ValidationError(
            "A pattern (and each of its alternatives, between '|') needs some text.",
            field=["value"],
        )
    body = "|".join(_translate(a) for a in alternatives)
    return Glob("|".join(alternatives), re.compile(f"(?:{body})", re.DOTALL))


def _translate(glob: str) -> str:
    first, *middle_and_last = glob.split("*")
    if not middle_and_last:
        return _segment(first) + r"\Z"
    *middle, last = middle_and_last
    atomic = "".join(f"(?>.*?{_segment(s)})" for s in middle if s)
    return f"{_segment(first)}{atomic}.*{_segment(last)}\\Z"


def _segment(text: str) -> str:
    return "".join("." if c == "?" else re.escape(c) for c in text)
