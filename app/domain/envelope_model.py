"""The learned categorisation model: which envelope a household puts an entry in, learned from
its own history with scikit-learn, and how it is measured.

An entry is seen through `Example`: its payee, memo, signed amount and booking day. Features:
- the payee as a bank's noise-free key (`normalise_payee`: no card-terminal words, dates,
  reference numbers or country codes), as character 2-4-grams within words (TF-IDF), robust to
  the spellings one shop comes under ("TESCO STORES", "Tesco Extra", "TESCO*STORES") and to
  the noise the key leaves, and as its words;
- the memo's words;
- the amount: its sign and its size in log2 buckets (a 60.00 basket and a 4.00 coffee differ,
  62.00 and 64.00 do not);
- the timing: the weekday, and the day of the month in buckets (bills come on a fixed day).

The classifier is a multinomial logistic regression, whose probabilities are reasonably
calibrated: a suggestion's confidence is the top class's probability. A model needs at least
`MIN_EXAMPLES` examples of at least two envelopes; below that it does not exist (no
suggestions).

The baseline it is measured against (`LastPayeeBaseline`) is what a careful person without a
model does: the envelope this exact payee string went to last time; a payee never seen is no
prediction. `evaluate` trains both on the first part of a history by date and scores them on
the rest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from app.core.errors import ValidationError
from app.domain.matching import normalise_payee

if TYPE_CHECKING:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

MIN_EXAMPLES = 20
C = 10.0  # weak regularisation: the same payee key should decide firmly
_SIZE_WEIGHT = 0.5  # the amount and timing features count less than the payee's text

L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True)
class Example:
    """An entry as the model sees it; `amount` is signed minor units."""

    payee: str | None
    memo: str | None
    amount: int
    day: date | None  # None: not known (no timing features)


@dataclass(frozen=True)
class Prediction(Generic[L]):
    label: L
    confidence: float  # 0 to 1


class EnvelopeModel(Generic[L]):
    """A trained model: `predict` one label and its probability per example."""

    def __init__(
        self,
        chars: TfidfVectorizer,
        tokens: DictVectorizer,
        classifier: LogisticRegression,
        labels: list[L],
    ) -> None:
        self._chars, self._tokens, self._classifier = chars, tokens, classifier
        self._labels = labels
        self.size = 0

    @classmethod
    def train(cls, examples: Sequence[Example], labels: Sequence[L]) -> EnvelopeModel[L] | None:
        """The model of these examples and their labels; None below `MIN_EXAMPLES` or with
        fewer than two distinct labels (nothing to choose between)."""
        distinct = list(dict.fromkeys(labels))
        if len(examples) < MIN_EXAMPLES or len(distinct) < 2:
            return None
        # Imported here, not with the module: scikit-learn and SciPy take about 2 s and 90 MB
        # to import, which only a process that trains a model should pay (not its start-up).
        import numpy as np
        from scipy import sparse
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        tokens = DictVectorizer()
        features = sparse.hstack(
            [
                chars.fit_transform([_key(e) for e in examples]),
                tokens.fit_transform([_tokens(e) for e in examples]),
            ]
        ).tocsr()
        index = {label: i for i, label in enumerate(distinct)}
        targets = np.array([index[label] for label in labels])
        classifier = LogisticRegression(C=C, solver="saga", tol=1e-3, max_iter=1000, random_state=0)
        classifier.fit(features, targets)
        model = cls(chars, tokens, classifier, distinct)
        model.size = len(examples)
        return model

    def predict(self, examples: Sequence[Example]) -> list[Prediction[L]]:
        if not examples:
            return []
        from scipy import sparse

        features = sparse.hstack(
            [
                self._chars.transform([_key(e) for e in examples]),
                self._tokens.transform([_tokens(e) for e in examples]),
            ]
        ).tocsr()
        probabilities = self._classifier.predict_proba(features)
        best = probabilities.argmax(axis=1)
        classes = self._classifier.classes_
        return [
            Prediction(self._labels[int(classes[b])], float(row[b]))
            for b, row in zip(best, probabilities, strict=True)
        ]


def _key(example: Example) -> str:
    return normalise_payee(example.payee) or "-"


def _tokens(example: Example) -> dict[str, Any]:
    found: dict[str, float] = {}
    for word in _key(example).split():
        found[f"payee={word}"] = 1.0
    for word in normalise_payee(example.memo).split() if example.memo else ():
        found[f"memo={word}"] = 1.0
    sign = "in" if example.amount > 0 else "out"
    size = int(math.log2(abs(example.amount) / 100 + 1))
    found[f"sign={sign}"] = 1.0
    found[f"size={sign}{size}"] = _SIZE_WEIGHT
    if example.day is not None:
        found[f"weekday={example.day.weekday()}"] = _SIZE_WEIGHT
        found[f"monthday={min(example.day.day, 28) // 4}"] = _SIZE_WEIGHT
    return found


class LastPayeeBaseline(Generic[L]):
    """The envelope this exact payee string went to last time."""

    def __init__(self, examples: Sequence[Example], labels: Sequence[L]) -> None:
        self._last: dict[str | None, L] = {}
        for example, label in zip(examples, labels, strict=True):
            self._last[example.payee] = label

    def predict(self, examples: Sequence[Example]) -> list[L | None]:
        return [self._last.get(example.payee) for example in examples]


@dataclass(frozen=True)
class Evaluation:
    """Accuracies are shares of the test entries (no prediction counts as wrong);
    `coverage` is the share the model is at least `threshold` sure of, and
    `accuracy_at_threshold` its accuracy on those."""

    train_size: int
    test_size: int
    model_accuracy: float
    baseline_accuracy: float
    threshold: float
    coverage: float
    accuracy_at_threshold: float


def evaluate(
    examples: Sequence[Example],
    labels: Sequence[L],
    threshold: float,
    train_share: float = 0.8,
) -> Evaluation:
    """Both methods trained on the first `train_share` of the history by date and scored on
    the rest (the examples are sorted by day here)."""
    ordered = sorted(zip(examples, labels, strict=True), key=lambda pair: pair[0].day or date.min)
    cut = int(len(ordered) * train_share)
    train, test = ordered[:cut], ordered[cut:]
    train_x, train_y = [e for e, _ in train], [label for _, label in train]
    test_x, test_y = [e for e, _ in test], [label for _, label in test]
    model = EnvelopeModel.train(train_x, train_y)
    if model is None or not test:
        raise ValueError("too little history to evaluate")
    predictions = model.predict(test_x)
    guesses = LastPayeeBaseline(train_x, train_y).predict(test_x)
    sure = [(p, y) for p, y in zip(predictions, test_y, strict=True) if p.confidence >= threshold]
    return Evaluation(
        train_size=len(train),
        test_size=len(test),
        model_accuracy=_share(p.label == y for p, y in zip(predictions, test_y, strict=True)),
        baseline_accuracy=_share(g == y for g, y in zip(guesses, test_y, strict=True)),
        threshold=threshold,
        coverage=len(sure) / len(test),
        accuracy_at_threshold=_share(p.label == y for p, y in sure) if sure else 1.0,
    )


def _share(hits: Any) -> float:
    found = list(hits)
    return sum(found) / len(found) if found else 0.0


_PERCENT = re.compile(r"(?P<whole>\d{1,3})(?:\.(?P<frac>\d{1,2}))?")


def parse_threshold(text: str, field: str = "threshold") -> int:
    """A percent as a decimal string ("90", "92.5") to hundredths of a percent (9250):
    more than 0 and at most 100, at most two decimals; VALIDATION otherwise."""
    match = _PERCENT.fullmatch(text.strip())
    if match is None:
        raise ValidationError(
            f"'{text}' is not a percentage such as 90 or 92.5 (at most two decimals).",
            field=[field],
        )
    hundredths = int(match["whole"]) * 100 + int((match["frac"] or "").ljust(2, "0"))
    if not 0 < hundredths <= 10_000:
        raise ValidationError("The threshold is more than 0 and at most 100 %.", field=[field])
    return hundredths


def format_threshold(hundredths: int) -> str:
    """9250 → "92.5", 9000 → "90"."""
    whole, frac = divmod(hundredths, 100)
    return f"{whole}.{frac:02d}".rstrip("0").rstrip(".")
