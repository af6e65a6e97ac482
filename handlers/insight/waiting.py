"""Waiting times: request → allocation and allocation → start, in calendar days, summarised per month.

Pairing rules:
- request → allocation: a 315 product (or a 317) is honoured by the first 301 product
  of the same provider carrying its ReferentieAanbieder; the wait runs from the 315/317
  Dagtekening to that product's Toewijzingsdatum and is counted in the allocation's month.
- allocation → start: from the 301 Ingangsdatum, or from the day the 301 was received
  when it arrived after its Ingangsdatum (retroactive), to the first 305 Begindatum; a
  start before that reference day (care began before the paperwork) counts as 0 days.
  Counted in the month of the start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from handlers.insight.calendar import add_months
from handlers.insight.stats import Summary, summarise


@dataclass(frozen=True, slots=True)
class Wait:
    provider: str
    category: str
    month: str  # YYYY-MM
    days: int
    client: int | None = None  # the register's client id: small groups count distinct clients, not waits


def request_to_allocation(provider: str, category: str, dagtekening: date, toewijzingsdatum: date,
                          client: int | None = None) -> Wait:
    return Wait(provider, category, toewijzingsdatum.strftime("%Y-%m"), (toewijzingsdatum - dagtekening).days,
                client)


def allocation_to_start(provider: str, category: str, ingangsdatum: date, received_on: date,
                        begindatum: date, client: int | None = None) -> Wait:
    reference = max(ingangsdatum, received_on)
    days = max(0, (begindatum - reference).days)
    return Wait(provider, category, begindatum.strftime("%Y-%m"), days, client)


@dataclass(frozen=True, slots=True)
class WaitRow:
    provider: str
    category: str
    month: str
    summary: Summary
    clients: int  # distinct clients among the waits (one client can wait twice in a month)


def per_month(waits: Iterable[Wait]) -> list[WaitRow]:
    """Count/p50/p90/max per provider, product category and month, sorted by those keys."""
    groups: dict[tuple[str, str, str], list[Wait]] = defaultdict(list)
    for wait in waits:
        groups[(wait.provider, wait.category, wait.month)].append(wait)
    rows = []
    for (provider, category, month), group in sorted(groups.items()):
        summary = summarise(w.days for w in group)
        assert summary is not None  # every group holds at least one wait
        rows.append(WaitRow(provider, category, month, summary, distinct_clients(group)))
    return rows


def distinct_clients(waits: Iterable[Wait]) -> int:
    return len({w.client for w in waits})


OTHER = "overig"  # the fold of every provider-and-category group that holds one wait
PERIODS = (3, 6, 12)  # months the ranking looks back over


@dataclass(frozen=True, slots=True)
class RankRow:
    provider: str
    category: str
    summary: Summary
    clients: int  # distinct clients among the waits


def first_month(on: date, months: int) -> str:
    """'YYYY-MM' of the first of `months` calendar months that end with the month of `on`."""
    first = add_months(on, 1 - months)
    return f"{first.year:04d}-{first.month:02d}"


def ranked(waits: Iterable[Wait], since: str, until: str) -> list[RankRow]:
    """Per provider and category over the months since..until, longest median wait first.

    A group of one wait describes one client and says little about the provider: all such groups
    are folded into one row `overig` (provider and category), listed last.
    """
    groups: dict[tuple[str, str], list[Wait]] = defaultdict(list)
    for wait in waits:
        if since <= wait.month <= until:
            groups[(wait.provider, wait.category)].append(wait)
    folded = [group[0] for group in groups.values() if len(group) == 1]
    rows = [RankRow(provider, category, summary, distinct_clients(group))
            for (provider, category), group in groups.items()
            if len(group) > 1 and (summary := summarise(w.days for w in group)) is not None]
    rows.sort(key=lambda r: (-r.summary.p50, -r.summary.p90, -r.summary.count, r.provider, r.category))
    other = summarise(w.days for w in folded)
    return [*rows, RankRow(OTHER, OTHER, other, distinct_clients(folded))] if other else rows


ALL = "alle"  # the trend over every provider (or category) of the caller's scope
TREND_MONTHS = 24  # months the trend looks back over


def chosen(wait: Wait, provider: str | None, category: str | None) -> bool:
    return (provider is None or wait.provider == provider) and (category is None or wait.category == category)


def trend(waits: Iterable[Wait], since: str, until: str, provider: str | None = None,
          category: str | None = None) -> list[WaitRow]:
    """Per month since..until: the waits of every provider and category (`alle`), or of the chosen ones."""
    return per_month(Wait(provider or ALL, category or ALL, w.month, w.days, w.client) for w in waits
                     if since <= w.month <= until and chosen(w, provider, category))
