"""Small statistics for waiting times: nearest-rank percentiles and a count/p50/p90/max summary.

Nearest rank (the smallest value with at least p % of the observations at or below
it) always returns an observed number of days, so a figure on the page can be
traced back to one real case; no interpolation between two clients' waits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(values: Sequence[int], p: float) -> int:
    """Nearest-rank percentile of a non-empty sequence; `p` in (0, 100]."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 < p <= 100:
        raise ValueError("p must lie in (0, 100]")
    ordered = sorted(values)
    rank = math.ceil(p / 100 * len(ordered))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    p50: int
    p90: int
    max: int


def summarise(values: Iterable[int]) -> Summary | None:
    """Count, median, 90th percentile and maximum; None when there are no observations."""
    data = list(values)
    if not data:
        return None
    return Summary(len(data), percentile(data, 50), percentile(data, 90), max(data))
