"""The wijkanalyse table: counts per area (PC4 or wijk), law and age group, rates, and small cells withheld.

The unit counted is a client as one gemeente knows them: a client with allocations of two gemeenten
counts once in each gemeente's figures (each gemeente has its own address for them). So the counts of
the areas add up exactly to the totals, and the age groups of an area to its clients.

Small cells (for analysts): a cell counting fewer than the minimum group size (but not zero) is
withheld ("< 5"), and so are the allocations of a withheld clients cell. Then complementary suppression:
the table shows totals (a column over the areas, an area's clients over its age groups and over
Wmo and Jeugd), and a total minus the shown parts would give back a single withheld part. So in every
such relation with exactly one withheld cell the smallest other non-zero cell is withheld too, until
no relation has exactly one. Those complements are not small themselves and are shown as "x",
not "< 5". Rates follow their counts. This does not stop every inference across
requests (comparing two filters, or two dates); no figure shown describes fewer than the minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from handlers.insight.area_file import AGE_GROUPS, AreaPopulation
from handlers.insight.calendar import add_months

UNKNOWN_AGE = "onbekend"
UNKNOWN_AREA = "onbekend"
TOTAL = "Totaal"
LAWS = {"iwmo": "wmo", "ijw": "jeugd"}
AGE_FIELDS = {"0-17": "clients_0_17", "18-64": "clients_18_64", "65+": "clients_65_plus",
              UNKNOWN_AGE: "clients_age_unknown"}
COUNTS = ("clients", "clients_wmo", "clients_jeugd", "allocations_wmo", "allocations_jeugd",
          *AGE_FIELDS.values())
# A withheld clients cell withholds the allocations of the same clients.
COUPLED = {"clients_wmo": "allocations_wmo", "clients_jeugd": "allocations_jeugd"}
# Rates per 1,000 residents: (rate field, count field, population: None for all residents or an age index).
RATES = (("per_1000", "clients", None), ("per_1000_wmo", "clients_wmo", None),
         ("per_1000_jeugd", "clients_jeugd", None), ("per_1000_0_17", "clients_0_17", 0),
         ("per_1000_18_64", "clients_18_64", 1), ("per_1000_65_plus", "clients_65_plus", 2))


@dataclass(frozen=True, slots=True)
class LawCount:
    """Allocations and clients of one gemeente, law (iwmo | ijw) and PC4 (None: unknown)."""

    gemeente: str
    standard: str
    pc4: str | None
    allocations: int
    clients: int


@dataclass(frozen=True, slots=True)
class AgeCount:
    gemeente: str
    pc4: str | None
    age: str  # one of AGE_GROUPS or UNKNOWN_AGE
    clients: int


@dataclass(slots=True)
class AreaFigures:
    """One row of the table; a count of None is withheld (a small group), a rate of None cannot be given."""

    area: str
    pc4s: list[str] = field(default_factory=list)
    inwoners: int | None = None
    counts: dict[str, int | None] = field(default_factory=dict)
    rates: dict[str, float | None] = field(default_factory=dict)
    withheld: list[str] = field(default_factory=list)
    small: list[str] = field(default_factory=list)  # the withheld cells below the minimum themselves


def age_group(born: date | None, on: date) -> str:
    """0-17, 18-64 or 65+ on `on` (a 29 February birthday counts from 1 March in other years)."""
    if born is None:
        return UNKNOWN_AGE
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return AGE_GROUPS[0] if age < 18 else AGE_GROUPS[1] if age < 65 else AGE_GROUPS[2]


def birth_cutoffs(on: date) -> tuple[date, date]:
    """Born after the first date: under 18 on `on`; after the second: under 65 (SQL twin of age_group)."""
    return _years_before(on, 18), _years_before(on, 65)


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February: someone born on 28 February of that year is `years` old
        return date(on.year - years, 2, 28)


def trend_dates(on: date, months: int = 12) -> list[date]:
    """The last day of each of the `months - 1` months before `on`'s month, then `on` itself."""
    first = add_months(on, 0)
    return [add_months(first, n - months + 2) - timedelta(days=1) for n in range(months - 1)] + [on]


def area_of(pc4: str | None, population: Mapping[str, AreaPopulation], by_wijk: bool) -> str:
    if pc4 is None:
        return UNKNOWN_AREA
    known = population.get(pc4)
    if by_wijk:
        return known.wijk if known is not None and known.wijk else UNKNOWN_AREA
    return pc4


def build_rows(laws: Iterable[LawCount], ages: Iterable[AgeCount],
               population: Mapping[str, AreaPopulation]) -> list[AreaFigures]:
    """The areas with clients, in order (unknown last), then the total row; all counts shown."""
    by_wijk = any(p.wijk for p in population.values())
    rows: dict[str, AreaFigures] = {}

    def row(pc4: str | None) -> AreaFigures:
        name = area_of(pc4, population, by_wijk)
        found = rows.setdefault(name, AreaFigures(name, counts=dict.fromkeys(COUNTS, 0)))
        if pc4 is not None and pc4 not in found.pc4s:
            found.pc4s.append(pc4)
        return found

    for law in laws:
        counts = row(law.pc4).counts
        side = LAWS.get(law.standard, law.standard)
        counts[f"clients_{side}"] = (counts[f"clients_{side}"] or 0) + law.clients
        counts[f"allocations_{side}"] = (counts[f"allocations_{side}"] or 0) + law.allocations
    for age in ages:
        counts = row(age.pc4).counts
        counts[AGE_FIELDS[age.age]] = (counts[AGE_FIELDS[age.age]] or 0) + age.clients
        counts["clients"] = (counts["clients"] or 0) + age.clients
    ordered = sorted(rows.values(), key=lambda r: (r.area == UNKNOWN_AREA, r.area))
    total = AreaFigures(TOTAL, counts={name: sum(r.counts[name] or 0 for r in ordered) for name in COUNTS})
    for r in ordered:
        r.pc4s.sort()
        r.inwoners = _population(r, population)
    areas_known = [r for r in ordered if r.area != UNKNOWN_AREA]
    known = [r.inwoners for r in areas_known if r.inwoners is not None]
    total.inwoners = sum(known) if known else None
    return [*ordered, total]


def _population(row: AreaFigures, population: Mapping[str, AreaPopulation]) -> int | None:
    known = [population[p] for p in row.pc4s if p in population]
    return sum(p.inwoners for p in known) if known and row.area != UNKNOWN_AREA else None


def add_rates(rows: list[AreaFigures], population: Mapping[str, AreaPopulation]) -> None:
    """Clients per 1,000 residents (of the age group for the age columns) where the population is known."""
    for r in rows:
        known = [population[p] for p in r.pc4s if p in population] if r.area != TOTAL else [
            population[p] for other in rows[:-1] if other.area != UNKNOWN_AREA for p in other.pc4s
            if p in population]
        for rate, count, age in RATES:
            value = r.counts.get(count)
            if age is None:
                base = sum(p.inwoners for p in known) if known else 0
            else:
                base = sum(p.by_age[age] for p in known if p.by_age) if known else 0
            r.rates[rate] = None if value is None or not base or r.area == UNKNOWN_AREA else (
                round(value * 1000 / base, 1))


def suppress(rows: list[AreaFigures], minimum: int) -> list[str]:
    """Withhold small cells and their complements in place (rows: areas then the total row).

    Returns the fields of the total row withheld, for the trend's last point (the same figures).
    """
    cells = {(i, name): value for i, r in enumerate(rows) for name, value in r.counts.items()
             if value is not None}
    hidden = {key for key, value in cells.items() if 0 < value < minimum}
    relations = _relations(len(rows))
    changed = True
    while changed:
        changed = False
        for (i, name) in list(hidden):
            coupled = COUPLED.get(name)
            if coupled and (i, coupled) not in hidden and cells.get((i, coupled)):
                hidden.add((i, coupled))
                changed = True
        for relation in relations:
            if sum(key in hidden for key in relation) == 1:
                candidates = [key for key in relation if key not in hidden and cells.get(key, 0) > 0]
                if candidates:
                    hidden.add(min(candidates, key=lambda key: (cells[key], key[0] == len(rows) - 1)))
                    changed = True
    for i, name in hidden:
        if 0 < cells[(i, name)] < minimum:
            rows[i].small.append(name)
        rows[i].counts[name] = None
        rows[i].withheld.append(name)
    for r in rows:
        r.withheld.sort(key=COUNTS.index)
        r.small.sort(key=COUNTS.index)
    return rows[-1].withheld


def _relations(count: int) -> list[list[tuple[int, str]]]:
    """Cells that add up: each relation's first cell is the sum (or, for Wmo and Jeugd, at most it)."""
    total = count - 1
    relations = [[(total, name), *((i, name) for i in range(total))] for name in COUNTS]
    for i in range(count):
        relations.append([(i, "clients"), *((i, name) for name in AGE_FIELDS.values())])
        relations.append([(i, "clients"), (i, "clients_wmo"), (i, "clients_jeugd")])
    return relations

