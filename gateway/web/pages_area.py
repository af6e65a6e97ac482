"""Wijkanalyse (team and analyst): clients and allocations per area, Wmo and Jeugd, age groups, rates, trend.

Per PC4, or per wijk when the loaded population file names wijken (`istd areas load`); rates per
1,000 residents when a population is loaded, counts only otherwise. The PC4 of an allocation is the
client's address as the allocation's own gemeente knows it (storage.insight_queries.area). Analysts
get aggregates only, small cells and their complements withheld (handlers.insight.area_table).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from gateway.web import small_groups
from gateway.web.accounts import Principal
from gateway.web.api_models import AreaResponse, AreaRowItem, AreaTrendItem
from gateway.web.area_data import area_table
from gateway.web.auth import AGGREGATES, web_state
from gateway.web.charts import bar_chart
from gateway.web.params import OnDate, reference_date, scope_of
from gateway.web.render import csv_response, page
from handlers.insight.area_table import (
    COUPLED,
    LAWS,
    RATES,
    AreaFigures,
    suppress,
    trend_dates,
)
from handlers.insight.fmt import AMSTERDAM, nl_date
from storage.insight_queries import area as queries
from storage.insight_queries.area import AreaFilter

router = APIRouter()
Aggregates = Annotated[Principal, Depends(AGGREGATES)]
COMPLEMENT = "x"  # a withheld cell that is not small itself (it would give a small one back)
TREND_FIELDS = ("clients_wmo", "clients_jeugd", "allocations_wmo", "allocations_jeugd")


def area_filter(
    on: OnDate = None,
    gemeente: Annotated[str | None, Query(pattern=r"^(\d{4})?$")] = None,
    standard: Annotated[str | None, Query(pattern="^(iwmo|ijw)?$")] = None,
    categorie: Annotated[str | None, Query(pattern=r"^(\d{2})?$")] = None,
) -> AreaFilter:
    return AreaFilter(reference_date(on), gemeente or None, standard or None, categorie or None)


Filter = Annotated[AreaFilter, Depends(area_filter)]


def _minimum(request: Request, who: Principal) -> int | None:
    return web_state(request).min_group_size if who.role == "analyst" else None


def _trend(points: list[queries.TrendPoint], dates: list[date], minimum: int | None,
           total_withheld: list[str]) -> list[AreaTrendItem]:
    """Sums per date and law; small cells withheld; the last point is the table's total row."""
    sums: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TREND_FIELDS, 0))
    for p in points:
        side = LAWS.get(p.standard, p.standard)
        sums[p.index][f"clients_{side}"] += p.clients
        sums[p.index][f"allocations_{side}"] += p.allocations
    items = []
    for n, on in enumerate(dates):
        values: dict[str, int | None] = dict(sums[n])
        small = [name for name in TREND_FIELDS if minimum and 0 < (values[name] or 0) < minimum]
        withheld = [*small, *(COUPLED[name] for name in small if name in COUPLED)]
        if n == len(dates) - 1:
            withheld += [name for name in total_withheld if name in values and name not in withheld]
        for name in withheld:
            values[name] = None
        items.append(AreaTrendItem(on=on, **values, withheld=sorted(set(withheld), key=TREND_FIELDS.index),
                                   small=small))
    return items


def _row_item(row: AreaFigures) -> AreaRowItem:
    return AreaRowItem(area=row.area, pc4s=row.pc4s, inwoners=row.inwoners, **row.counts, **row.rates,
                       withheld=row.withheld, small=row.small)


async def area_response(request: Request, who: Principal, f: AreaFilter) -> AreaResponse:
    return (await _area_response(request, who, f))[0]


async def _area_response(request: Request, who: Principal, f: AreaFilter) -> tuple[AreaResponse, str | None]:
    """The response, and "HH:MM" (Amsterdam) of the refresh when the figures come from the derived tables."""
    async with web_state(request).sessions() as session:
        table = await area_table(session, f, scope_of(who))
    updated = table.refreshed.astimezone(AMSTERDAM).strftime("%H:%M") if table.refreshed else None
    rows = table.rows
    minimum = _minimum(request, who)
    withheld = suppress(rows, minimum) if minimum else []
    for row in rows:  # a rate gives back its count: it goes with it
        for rate, count, _ in RATES:
            if row.counts[count] is None:
                row.rates[rate] = None
    population = table.population.values()
    return AreaResponse(on=f.on, per="wijk" if any(p.wijk for p in population) else "pc4",
                        population=bool(table.population), age_population=any(p.by_age for p in population),
                        gemeente=f.gemeente, standard=f.standard, categorie=f.categorie,
                        min_group_size=minimum,
                        rows=[_row_item(r) for r in rows],
                        trend=_trend(table.trend, trend_dates(f.on), minimum, withheld)), updated


def _chart(trend: list[AreaTrendItem], small: str) -> Any:
    """Clients per law and date; a withheld figure is drawn as 0 and named in its label ("Wmo < 5")."""
    laws = (("Wmo", "clients_wmo"), ("Jeugd", "clients_jeugd"))
    labels = [nl_date(t.on) + "".join(f" ({law} {small if name in t.small else COMPLEMENT})"
                                      for law, name in laws if name in t.withheld) for t in trend]
    return bar_chart("Cliënten met een lopende toewijzing, laatste 12 maanden", labels,
                     [("Wmo", [t.clients_wmo or 0 for t in trend]),
                      ("Jeugd", [t.clients_jeugd or 0 for t in trend])])


@router.get("/wijken", include_in_schema=False)
async def area_page(request: Request, who: Aggregates, f: Filter) -> Response:
    result, updated = await _area_response(request, who, f)
    small = small_groups.label(result.min_group_size) if result.min_group_size else ""
    return await page(request, "area.html", title="Wijkanalyse", on=f.on, f=f, result=result, updated=updated,
                      complement=COMPLEMENT, chart=_chart(result.trend, small), small=small,
                      gemeenten=sorted(scope_of(who).gemeenten))


@router.get("/api/area", response_model=AreaResponse, tags=["aggregates"])
async def area_api(request: Request, who: Aggregates, f: Filter) -> AreaResponse:
    """Per area (PC4 or wijk) on `on`: clients and allocations, Wmo and Jeugd, age groups, rates, trend."""
    return await area_response(request, who, f)


def _cells(item: Any, header: tuple[str, ...], small: str) -> list[Any]:
    """A withheld count reads "< 5" when it is small itself, "x" when it is withheld as a complement."""
    values = [getattr(item, name) for name in header]
    return [(small if name in item.small else COMPLEMENT) if name in item.withheld
            else " ".join(value) if isinstance(value, list) else value
            for name, value in zip(header, values, strict=True)]


@router.get("/api/area.csv", tags=["aggregates"], response_class=Response)
async def area_csv(request: Request, who: Aggregates, f: Filter) -> Response:
    """The table (areas and the total row); withheld cells read "< 5"."""
    result = await area_response(request, who, f)
    small = small_groups.label(result.min_group_size) if result.min_group_size else ""
    header = tuple(name for name in AreaRowItem.model_fields if name not in ("withheld", "small"))
    rows = [_cells(item, header, small) for item in result.rows]
    return await csv_response(request, f"wijkanalyse-{f.on}.csv", header, rows)


@router.get("/api/area/trend.csv", tags=["aggregates"], response_class=Response)
async def area_trend_csv(request: Request, who: Aggregates, f: Filter) -> Response:
    """The last 12 months; withheld cells read "< 5"."""
    result = await area_response(request, who, f)
    small = small_groups.label(result.min_group_size) if result.min_group_size else ""
    header = tuple(name for name in AreaTrendItem.model_fields if name not in ("withheld", "small"))
    return await csv_response(request, f"wijkanalyse-trend-{f.on}.csv", header,
                        [_cells(item, header, small) for item in result.trend])
