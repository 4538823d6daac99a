"""Small statistics: percentiles of latencies, medians of repeats, one measured sample."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), interpolated linearly between the closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Sample:
    """One measurement: operations done, failures, how long the window lasted, latencies."""

    ops: int
    failures: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    # CPU time per operation of each process ("api", "mongod", "bench") inside the window
    cpu_ms: dict[str, float] = field(default_factory=dict)
    # The slowest request of the whole run, warm-up included: a stall longer than the
    # window leaves no request inside it (ops 0) but shows here.
    slowest_ms: float = float("nan")

    @property
    def rate(self) -> float:
        return self.ops / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "ops": self.ops,
            "failures": self.failures,
            "seconds": round(self.seconds, 3),
            "rate_per_s": round(self.rate, 1),
            "p50_ms": round(percentile(self.latencies_ms, 50), 3),
            "p90_ms": round(percentile(self.latencies_ms, 90), 3),
            "p99_ms": round(percentile(self.latencies_ms, 99), 3),
            "max_ms": round(max(self.latencies_ms, default=float("nan")), 3),
            "cpu_ms_per_op": {k: round(v, 3) for k, v in self.cpu_ms.items()},
            "slowest_ms": round(self.slowest_ms, 3),
        }


def repeated(summaries: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The median of one figure over repeats, with every value."""
    values = [s[key] for s in summaries]
    return {"median": round(median(values), 3), "values": values}
