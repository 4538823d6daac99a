"""The learned categorisation, measured: accuracy against the "same payee as last time"
baseline, and the cost of training and predicting. Needs neither MongoDB nor the API:

    .venv/bin/python -m bench.categorise        # prints the numbers (about 30 s)
    ./bench/run.sh --only categorise            # the same, as a part of the benchmark report

On the seeded generated household history (`app.devtools.household_history`, two years,
about 1,500 entries, several seeds): each method trained on the first 80 % by date, scored on
the rest. Reported per seed: the model's accuracy, the baseline's, and at the threshold
(`THRESHOLD`) the share of entries the model is that sure of (coverage) and its accuracy on
them. Also: one model for the household (labels are envelope names, shared by its accounts)
against one model per account, on the same history split between a current account and a
card; and the time to train on 10,000 entries, and to suggest for one row.
"""

from __future__ import annotations

import random
import time
from typing import Any

from app.devtools.household_history import HistoryRow, household_history
from app.domain.envelope_model import EnvelopeModel, Example, evaluate
from bench.phases import Plan
from bench.report import Target, target
from bench.stats import median

Row = dict[str, Any]
SEEDS = (7, 11, 21)
THRESHOLD = 0.9
TRAINING_ROWS = 10_000
TRAINING_GOAL_S = 20.0  # a household of 10,000 entries retrains in the background in this
MARGIN_GOAL = 0.3  # the model's accuracy over the baseline's, at least


def _examples(rows: list[HistoryRow]) -> tuple[list[Example], list[str]]:
    return [Example(r.payee, r.memo, r.amount, r.day) for r in rows], [r.envelope for r in rows]


def _trained(xs: list[Example], ys: list[str]) -> EnvelopeModel[str]:
    model = EnvelopeModel.train(xs, ys)
    if model is None:
        raise RuntimeError("too little history to train on")
    return model


def accuracy() -> list[Row]:
    found = []
    for seed in SEEDS:
        result = evaluate(*_examples(household_history(seed=seed)), threshold=THRESHOLD)
        found.append(
            {
                "seed": seed,
                "train": result.train_size,
                "test": result.test_size,
                "model": round(result.model_accuracy, 3),
                "baseline": round(result.baseline_accuracy, 3),
                "coverage_at_threshold": round(result.coverage, 3),
                "accuracy_at_threshold": round(result.accuracy_at_threshold, 3),
            }
        )
    return found


def household_against_accounts(seed: int = 7) -> Row:
    """The history split between two accounts (the bills from the current account, the rest
    at random): one household model against a model per account, on the same test rows."""
    rng = random.Random(seed)  # noqa: S311 - a seeded split, not a secret
    rows = household_history(seed=seed)
    account = [
        "current" if r.amount > 0 or r.payee.startswith("DD ") or rng.random() < 0.5 else "card"
        for r in rows
    ]
    cut = int(len(rows) * 0.8)
    train, test = range(cut), range(cut, len(rows))
    xs, ys = _examples(rows)
    household = _trained([xs[i] for i in train], [ys[i] for i in train])
    hits_household = sum(
        p.label == ys[i]
        for p, i in zip(household.predict([xs[i] for i in test]), test, strict=True)
    )
    hits_accounts = 0
    for name in ("current", "card"):
        mine = [i for i in train if account[i] == name]
        model = _trained([xs[i] for i in mine], [ys[i] for i in mine])
        theirs = [i for i in test if account[i] == name]
        predicted = model.predict([xs[i] for i in theirs])
        hits_accounts += sum(p.label == ys[i] for p, i in zip(predicted, theirs, strict=True))
    return {
        "household_model": round(hits_household / len(test), 3),
        "model_per_account": round(hits_accounts / len(test), 3),
    }


def training_cost(repeat: int) -> Row:
    rows = household_history(seed=5, months=200)[:TRAINING_ROWS]
    xs, ys = _examples(rows)
    seconds, predict_ms = [], []
    for _ in range(repeat):
        began = time.perf_counter()
        model = _trained(xs, ys)
        seconds.append(round(time.perf_counter() - began, 2))
        began = time.perf_counter()
        for x in xs[:200]:
            model.predict([x])
        predict_ms.append(round((time.perf_counter() - began) / 200 * 1000, 2))
    return {"entries": len(xs), "train_seconds": seconds, "predict_one_ms": predict_ms}


async def categorise(plan: Plan) -> tuple[Row, list[Target], Row]:
    """The bench part: (results, targets, checks)."""
    return measure(plan.repeat)


def measure(repeat: int) -> tuple[Row, list[Target], Row]:
    per_seed = accuracy()
    for row in per_seed:
        print(
            f"  categorise seed {row['seed']}: model {row['model']:.1%}, baseline "
            f"{row['baseline']:.1%}; at {THRESHOLD:.0%}: {row['coverage_at_threshold']:.1%} "
            f"of entries, {row['accuracy_at_threshold']:.1%} right",
            flush=True,
        )
    split = household_against_accounts()
    print(
        f"  categorise: household model {split['household_model']:.1%}, "
        f"model per account {split['model_per_account']:.1%}",
        flush=True,
    )
    cost = training_cost(repeat)
    print(
        f"  categorise: training on {cost['entries']:,} entries {cost['train_seconds']} s, "
        f"one suggestion {cost['predict_one_ms']} ms",
        flush=True,
    )
    margins = [r["model"] - r["baseline"] for r in per_seed]
    found = {
        "threshold": THRESHOLD,
        "per_seed": per_seed,
        "model_median": median([r["model"] for r in per_seed]),
        "baseline_median": median([r["baseline"] for r in per_seed]),
        "household_against_accounts": split,
        "training": cost,
    }
    targets = [
        target("categorise: model accuracy over baseline", margins, MARGIN_GOAL, ">=", ""),
        target(
            f"categorise: training on {cost['entries']:,} entries",
            cost["train_seconds"],
            TRAINING_GOAL_S,
            "<=",
            " s",
        ),
    ]
    return found, targets, {}


if __name__ == "__main__":
    measure(1)
