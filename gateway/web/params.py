"""Query parameters shared by pages, API and CSV: the reference date and the running-allocation filter."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query

from gateway.web.accounts import Principal
from handlers.insight.usage import DELIVERY_STATES
from storage.insight_queries.common import Scope
from storage.insight_queries.running_set import SORTS, RunningFilter

OnDate = Annotated[date | None, Query(description="reference date (YYYY-MM-DD); default today")]


def reference_date(on: OnDate = None) -> date:
    return on or date.today()


def scope_of(who: Principal) -> Scope:
    """Teams see their own gemeenten; others (aggregates, monitor) every gemeente they are given, or all."""
    return Scope(who.gemeenten)


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


def running_filter(
    on: OnDate = None,
    standard: Annotated[str | None, Query(pattern="^(iwmo|ijw)?$")] = None,
    gemeente: Annotated[str | None, Query(pattern=r"^(\d{4})?$")] = None,
    aanbieder: Annotated[str | None, Query(pattern=r"^(\d{8})?$")] = None,
    categorie: Annotated[str | None, Query(max_length=2)] = None,
    code: Annotated[str | None, Query(max_length=5)] = None,
    pc4: Annotated[str | None, Query(pattern=r"^(\d{4})?$")] = None,
    state: Annotated[str | None, Query(description=", ".join(DELIVERY_STATES))] = None,
    sort: Annotated[str, Query(description=", ".join(SORTS))] = "toewijzingnummer",
    desc: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> RunningFilter:
    return RunningFilter(reference_date(on), _blank(standard), _blank(gemeente), _blank(aanbieder),
                         _blank(categorie), _blank(code), _blank(pc4),
                         state if state in DELIVERY_STATES else None,
                         sort if sort in SORTS else "toewijzingnummer", desc, page, per_page)
