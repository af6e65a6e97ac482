"""The filtered running set on a reference date, as WHERE terms and a FROM clause both queries share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, tuple_

from storage.insight_queries.area import own_pc4, with_area
from storage.insight_queries.common import Scope, delivery_state, running_on
from storage.models import AllocationRow, AllocationVersionRow, ClientRow

SORTS = ("toewijzingnummer", "aanbieder", "categorie", "code", "ingangsdatum", "einddatum", "pc4", "state")


@dataclass(frozen=True, slots=True)
class RunningFilter:
    on: date
    standard: str | None = None  # iwmo | ijw
    gemeente: str | None = None
    aanbieder: str | None = None
    categorie: str | None = None
    code: str | None = None
    pc4: str | None = None
    state: str | None = None  # not_started | started | temporarily_stopped | stopped
    sort: str = "toewijzingnummer"
    descending: bool = False
    page: int = 1
    per_page: int = 50
    # With `pc4`: the (client id, gemeente) pairs whose area row is pending (migration 0402) and whose
    # own gemeente's latest 301 is in `pc4` (storage.insight_queries.area, gateway.web.identity).
    pc4_elsewhere: frozenset[tuple[int, str]] = frozenset()


def selective(f: RunningFilter) -> bool:
    """A filter with an index of its own that leaves few rows: find those, then sort them."""
    return bool(f.aanbieder or f.code or f.pc4)


def walks_by_number(f: RunningFilter) -> bool:
    """Whether a page is best cut by walking allocations in toewijzingnummer order until it is full."""
    return f.sort == "toewijzingnummer" and not selective(f)


def conditions(f: RunningFilter, scope: Scope) -> list[ColumnElement[bool]]:
    """The filtered running set as WHERE terms over allocations, versions (and client_areas for PC4)."""
    a, v = AllocationRow, AllocationVersionRow
    where = [running_on(f.on, walk=walks_by_number(f)), scope.where(a.gemeente)]
    for column, value in ((a.standard, f.standard), (a.gemeente, f.gemeente), (v.aanbieder, f.aanbieder),
                          (v.product_categorie, f.categorie), (v.product_code, f.code)):
        if value:
            where.append(column == value)
    if f.pc4:  # the address the allocation's own gemeente knows (client_areas)
        own = own_pc4() == f.pc4
        where.append(or_(own, tuple_(v.client_id, a.gemeente).in_(sorted(f.pc4_elsewhere)))
                     if f.pc4_elsewhere else own)
    if f.state:
        where.append(delivery_state(f.on) == f.state)
    return where


def from_running(f: RunningFilter, *columns: Any, clients: bool = False) -> Select[Any]:
    """SELECT columns FROM allocations JOIN versions [JOIN client_areas for PC4] [JOIN clients when asked]."""
    a, v, c = AllocationRow, AllocationVersionRow, ClientRow
    query: Select[Any] = select(*columns).select_from(a).join(v, v.allocation_id == a.id)
    if f.pc4:
        query = with_area(query)
    return query.join(c, c.id == v.client_id) if clients else query
