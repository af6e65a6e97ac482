"""Delivery state and usage: the allocated period against the delivered period (from 305/307).

Periods are inclusive day counts and stop at the reference date: on 10 March an
allocation that began on 1 March has 10 allocated days so far. A delivery without
a stop runs to the reference date; deliveries are clipped to the allocated period
and overlapping deliveries count once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

NOT_STARTED, STARTED, PAUSED, STOPPED = "not_started", "started", "temporarily_stopped", "stopped"
DELIVERY_STATES = (NOT_STARTED, STARTED, PAUSED, STOPPED)
TEMPORARY_STOP_REASON = "20"  # RedenBeeindiging 20: delivery temporarily ended (both standards)


@dataclass(frozen=True, slots=True)
class Delivery:
    begindatum: date
    einddatum: date | None = None  # from the current 307, None while running
    reden_beeindiging: str | None = None


def delivery_state(deliveries: Sequence[Delivery], on: date) -> str:
    """State on `on`, judged by the latest delivery that had begun by then."""
    begun = [d for d in deliveries if d.begindatum <= on]
    if not begun:
        return NOT_STARTED
    latest = max(begun, key=lambda d: d.begindatum)
    if latest.einddatum is None or latest.einddatum >= on:
        return STARTED
    return PAUSED if latest.reden_beeindiging == TEMPORARY_STOP_REASON else STOPPED


def _days(start: date, end: date) -> int:
    return max(0, (end - start).days + 1)


def delivered_days(start: date, end: date, deliveries: Iterable[Delivery]) -> int:
    """Days in [start, end] covered by at least one delivery."""
    covered = 0
    cursor = start
    for delivery in sorted(deliveries, key=lambda d: d.begindatum):
        first = max(delivery.begindatum, cursor)
        last = min(delivery.einddatum or end, end)
        if last >= first:
            covered += _days(first, last)
            cursor = last + timedelta(days=1)
    return covered


@dataclass(frozen=True, slots=True)
class Usage:
    allocated_days: int
    delivered_days: int
    started: bool

    @property
    def ratio(self) -> float | None:
        return self.delivered_days / self.allocated_days if self.allocated_days else None


def usage(ingangsdatum: date, einddatum: date | None, deliveries: Sequence[Delivery], on: date) -> Usage:
    end = min(einddatum, on) if einddatum else on
    return Usage(_days(ingangsdatum, end), delivered_days(ingangsdatum, end, deliveries),
                 any(d.begindatum <= on for d in deliveries))


@dataclass(frozen=True, slots=True)
class UsageGroup:
    provider: str
    category: str
    allocations: int
    never_started: int
    allocated_days: int
    delivered_days: int

    @property
    def never_started_share(self) -> float:
        return self.never_started / self.allocations if self.allocations else 0.0

    @property
    def ratio(self) -> float | None:
        return self.delivered_days / self.allocated_days if self.allocated_days else None


def per_group(items: Iterable[tuple[str, str, Usage]]) -> list[UsageGroup]:
    """Sum usage per (provider, category), sorted by those keys."""
    sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for provider, category, item in items:
        acc = sums[(provider, category)]
        acc[0] += 1
        acc[1] += 0 if item.started else 1
        acc[2] += item.allocated_days
        acc[3] += item.delivered_days
    return [UsageGroup(p, c, *acc) for (p, c), acc in sorted(sums.items())]
