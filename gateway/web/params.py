"""Query parameters shared by pages, API and CSV: the reference date, paging and the running filter.

Every date a caller can choose is bounded (`bounded_date`): a date centuries away is not a question
anyone asks, and the working-day arithmetic behind signals and usage grows with the distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Query

from gateway.web.accounts import Principal
from handlers.insight.fmt import nl_date
from handlers.insight.usage import DELIVERY_STATES
from storage.insight_queries.common import Scope
from storage.insight_queries.running_set import SORTS, RunningFilter

OnDate = Annotated[date | None, Query(description="reference date (YYYY-MM-DD); default today")]


EARLIEST = date(2015, 1, 1)  # the iWmo and iJw messages exist since 1 January 2015


class BadParameter(ValueError):
    """A query parameter outside what the page can answer: 400 with a Dutch message."""


def latest_date() -> date:
    """The end of next year: far enough for planning, near enough to compute."""
    return date(date.today().year + 1, 12, 31)


def bounded_date(value: date, name: str = "peildatum") -> date:
    if not EARLIEST <= value <= latest_date():
        raise BadParameter(f"De {name} {nl_date(value)} valt buiten het bereik: kies een datum tussen "
                           f"{nl_date(EARLIEST)} en {nl_date(latest_date())}.")
    return value


def reference_date(on: OnDate = None) -> date:
    return bounded_date(on) if on else date.today()


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def last_page(self, total: int) -> int:
        return max(1, -(-total // self.per_page))


def paging(page: Annotated[int, Query(ge=1, le=100_000)] = 1,
           per_page: Annotated[int, Query(ge=1, le=1000)] = 100) -> Paging:
    return Paging(page, per_page)


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
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> RunningFilter:
    return RunningFilter(reference_date(on), _blank(standard), _blank(gemeente), _blank(aanbieder),
                         _blank(categorie), _blank(code), _blank(pc4),
                         state if state in DELIVERY_STATES else None,
                         sort if sort in SORTS else "toewijzingnummer", desc, page, per_page)
