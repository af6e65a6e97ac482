"""Usage from what was claimed: per allocation and month, the allocated volume against the declared
and awarded volume and amount of the 323 claim lines.

Allocated volume per calendar month, in the allocation's Eenheid, from its Omvang (current version):

- Frequentie 1 (per day), 2 (per week) and 4 (per month): the most the provider may claim for that
  month by TR321 with the week arithmetic of IV077 (`handlers.rules.claim_volume.period_maximum`):
  days × volume; ISO weeks touched × volume for effort units, Sundays (plus the allocation's last
  week) × volume for output units; the volume once per month. Only the month's days within the
  allocation count. The iWmo category-01 allowance (6 × the weekly volume in one ProductPeriode) is
  a tolerance of the check, not more care allocated, so it is not applied here.
- Frequentie 6 (total within the validity period): the volume spread over the months of the
  allocation in proportion to their days in it, in whole units (largest remainder), so the months
  add up to the volume exactly. Without an Einddatum there is no period to spread over: the
  allocated volume of such months is unknown (None) and no share is computed.
- No Omvang (a budget allocation): allocated volume None; amounts are still shown.

A month is "over" when more was declared than allocated for it; with Frequentie 6, when the volume
declared up to and including that month exceeds the total.

Claimed figures, by the month of the line's ProductPeriode (one calendar month, TR387/TR388):

- awarded: debit lines the 325 awarded (also those credited later) minus the awarded credits;
- declared: the same plus the rejected debit lines (what the provider asked for). Lines of a
  declaration rejected as a whole (not assessed) count in neither.

Volumes are in the allocation's unit: minutes claimed on hours (IV081) count as hours/60; a line in
another unit (rejected by TR341) counts only in the amounts. Amounts are euro cents.
"""

from __future__ import annotations

from calendar import monthrange
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache

from handlers.insight.calendar import add_months
from handlers.rules.claim_volume import HOURS, MINUTES, TOTAL, period_maximum

AWARDED, REJECTED, CREDITED = "awarded", "rejected", "credited"
DEBET, CREDIT = "D", "C"


def month_start(day: date) -> date:
    return day.replace(day=1)


@cache
def month_end(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])


def next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    """First days of the calendar months from `first`'s to `last`'s, inclusive."""
    return list(_months(month_start(first), month_start(last)))


@cache
def _months(first: date, last: date) -> tuple[date, ...]:
    months, cursor = [], first
    while cursor <= last:
        months.append(cursor)
        cursor = next_month(cursor)
    return tuple(months)


@dataclass(frozen=True, slots=True)
class Omvang:
    volume: int
    eenheid: str
    frequentie: str


def _days(start: date, end: date) -> int:
    return max((end - start).days + 1, 0)


def _spread(volume: int, ingang: date, einde: date) -> dict[date, int]:
    """A total volume over the allocation's months by their days in it, whole units adding up exactly."""
    total = _days(ingang, einde)
    months = months_between(ingang, einde)
    shares = [(m, volume * _days(max(m, ingang), min(month_end(m), einde))) for m in months]
    whole = {m: share // total for m, share in shares}
    left = volume - sum(whole.values())
    # The months with the largest remainders get one more unit each; ties go to the earlier month.
    for m, _share in sorted(shares, key=lambda item: (-(item[1] % total), item[0]))[:left]:
        whole[m] += 1
    return whole


def allocated_per_month(omvang: Omvang | None, ingang: date, einde: date | None,
                        months: Sequence[date]) -> dict[date, int | None]:
    """Allocated volume of each month in `months` (first days), in the allocation's unit."""
    return dict(zip(months, _allocated(omvang, ingang, einde, tuple(months)), strict=True))


@lru_cache(maxsize=65536)
def _allocated(omvang: Omvang | None, ingang: date, einde: date | None,
               months: tuple[date, ...]) -> tuple[int | None, ...]:
    """Many allocations share their Omvang and period: each combination is worked out once."""
    return tuple(_allocated_months(omvang, ingang, einde, months).values())


def _allocated_months(omvang: Omvang | None, ingang: date, einde: date | None,
                      months: Sequence[date]) -> dict[date, int | None]:
    if omvang is None:
        return dict.fromkeys(months)
    if omvang.frequentie == TOTAL:
        if einde is None:
            return dict.fromkeys(months)
        spread = _spread(omvang.volume, ingang, einde)
        return {m: spread.get(m, 0) for m in months}
    return {m: period_maximum(omvang.volume, omvang.eenheid, omvang.frequentie, False, m, month_end(m),
                              ingang, einde) for m in months}


def in_allocated_unit(volume: int, claimed: str, allocated: str | None) -> float | None:
    """A claimed volume in the allocation's unit; None when the two units do not compare."""
    if allocated is None or claimed == allocated:
        return float(volume)
    if (allocated, claimed) == (HOURS, MINUTES):
        return volume / 60
    return None


@dataclass(frozen=True, slots=True)
class Allocation:
    """The counting version of an allocation, with what the usage groups it by."""

    key: tuple[str, str, int]  # standard, gemeente, toewijzingnummer
    provider: str
    category: str
    pc4: str | None
    client_id: int
    ingang: date
    einde: date | None
    omvang: Omvang | None
    started: bool = False  # a live start (305) begun by the reference date


@dataclass(frozen=True, slots=True)
class ClaimSum:
    """Claim lines of one allocation summed per ProductPeriode begin, status, debit/credit and unit."""

    key: tuple[str, str, int]
    begin: date
    status: str
    debet_credit: str
    eenheid: str
    volume: int
    bedrag: int


@dataclass(slots=True)
class MonthUsage:
    """One allocation in one month."""

    allocation: Allocation
    month: date
    allocated: int | None
    declared_volume: float = 0.0
    awarded_volume: float = 0.0
    declared_amount: int = 0
    awarded_amount: int = 0

    over: bool = False  # declared beyond the allocation (set by `month_usage`)

    @property
    def share(self) -> float | None:
        return self.awarded_volume / self.allocated if self.allocated else None


def _add(row: MonthUsage, claim: ClaimSum) -> None:
    sign = -1 if claim.debet_credit == CREDIT else 1
    volume = in_allocated_unit(claim.volume, claim.eenheid,
                               row.allocation.omvang.eenheid if row.allocation.omvang else None)
    awarded = claim.status in (AWARDED, CREDITED) and (claim.debet_credit == DEBET or claim.status == AWARDED)
    declared = awarded or (claim.status == REJECTED and claim.debet_credit == DEBET)
    if declared:
        row.declared_amount += sign * claim.bedrag
        row.declared_volume += sign * (volume or 0.0)
    if awarded:
        row.awarded_amount += sign * claim.bedrag
        row.awarded_volume += sign * (volume or 0.0)


def _mark_over(allocation: Allocation, months: Sequence[MonthUsage]) -> None:
    """A month is over when more was declared than allocated for it; with Frequentie 6 (a total that
    may be used in any month) when the declared volume up to and including it exceeds the total."""
    omvang = allocation.omvang
    if omvang is not None and omvang.frequentie == TOTAL:
        declared = 0.0
        for row in months:
            declared += row.declared_volume
            row.over = declared > omvang.volume
        return
    for row in months:
        row.over = row.allocated is not None and row.declared_volume > row.allocated


def month_usage(allocations: Iterable[Allocation], claims: Iterable[ClaimSum], on: date) -> list[MonthUsage]:
    """Every allocation's months from its Ingangsdatum to its Einddatum or `on` (the earlier), plus any
    month with claim lines; sorted by toewijzingnummer, standard, gemeente and month."""
    per_key: dict[tuple[str, str, int], list[ClaimSum]] = defaultdict(list)
    for claim in claims:
        per_key[claim.key].append(claim)
    rows: list[MonthUsage] = []
    for a in allocations:
        last = min(a.einde, on) if a.einde else on
        months = set(months_between(a.ingang, last)) if a.ingang <= last else set()
        months |= {month_start(c.begin) for c in per_key.get(a.key, ())}
        ordered = sorted(months)
        allocated = allocated_per_month(a.omvang, a.ingang, a.einde, ordered)
        own = {m: MonthUsage(a, m, allocated[m]) for m in ordered}
        for claim in per_key.get(a.key, ()):
            _add(own[month_start(claim.begin)], claim)
        _mark_over(a, list(own.values()))
        rows.extend(own.values())
    rows.sort(key=lambda r: (r.allocation.key[2], r.allocation.key[0], r.allocation.key[1], r.month))
    return rows


def idle(rows: Sequence[MonthUsage], on: date, months: int) -> set[tuple[str, str, int]]:
    """Allocations running on `on` that ran through the `months` full calendar months before `on`'s
    month and had no awarded claim line with a ProductPeriode in those months (allocated, not delivered)."""
    first = add_months(month_start(on), -months)
    window_end = month_start(on) - timedelta(days=1)
    keys: set[tuple[str, str, int]] = set()
    awarded: set[tuple[str, str, int]] = set()
    for r in rows:
        a = r.allocation
        if a.ingang <= first and (a.einde is None or a.einde >= on):
            keys.add(a.key)
        if first <= r.month <= window_end and (r.awarded_amount > 0 or r.awarded_volume > 0):
            awarded.add(a.key)
    return keys - awarded


def filtered(rows: list[MonthUsage], on: date, idle_months: int | None, over: bool) -> list[MonthUsage]:
    """The filters of the views: `idle_months` keeps the allocations `idle` finds (all their months);
    `over` keeps the months whose declared volume exceeds the allocated volume."""
    if idle_months is not None:
        keys = idle(rows, on, idle_months)
        rows = [r for r in rows if r.allocation.key in keys]
    if over:
        rows = [r for r in rows if r.over]
    return rows


@dataclass(slots=True)
class GroupUsage:
    """Allocations of one provider, product category, PC4 and month, summed."""

    provider: str
    category: str
    pc4: str | None
    month: date
    allocations: int = 0
    started: int = 0  # allocation-months of allocations that had started (305) by the reference date
    allocated: int | None = 0
    declared_volume: float = 0.0
    awarded_volume: float = 0.0
    declared_amount: int = 0
    awarded_amount: int = 0
    clients: set[int] = field(default_factory=set)

    @property
    def share(self) -> float | None:
        return self.awarded_volume / self.allocated if self.allocated else None


def per_group(rows: Iterable[MonthUsage]) -> list[GroupUsage]:
    """Sum per (provider, category, PC4, month), sorted by those keys (unknown PC4 last).

    The allocated volume of a group is unknown (None) as soon as one of its allocations' is: a sum
    that leaves some out would make the share look higher than it is. Volumes of different units
    are not added: a group is per product category, whose allocations share a unit in practice.
    """
    groups: dict[tuple[str, str, str | None, date], GroupUsage] = {}
    for r in rows:
        a = r.allocation
        key = (a.provider, a.category, a.pc4, r.month)
        group = groups.setdefault(key, GroupUsage(*key))
        group.allocations += 1
        group.started += a.started
        unknown = group.allocated is None or r.allocated is None
        group.allocated = None if unknown else (group.allocated or 0) + (r.allocated or 0)
        group.declared_volume += r.declared_volume
        group.awarded_volume += r.awarded_volume
        group.declared_amount += r.declared_amount
        group.awarded_amount += r.awarded_amount
        group.clients.add(a.client_id)
    return [groups[k] for k in sorted(groups, key=lambda k: (k[0], k[1], k[2] is None, k[2] or "", k[3]))]
