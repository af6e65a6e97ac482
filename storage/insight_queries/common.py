"""Shared pieces of the insight queries: the scope of a caller, running versions, delivery state in SQL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, func, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler

from handlers.insight.usage import NOT_STARTED, PAUSED, STARTED, STOPPED, TEMPORARY_STOP_REASON
from storage.models import AllocationRow, AllocationVersionRow, ClientRow, DeliveryRow


@dataclass(frozen=True, slots=True)
class Scope:
    """Which gemeenten the caller may see; empty means all (analysts, ops and the command line)."""

    gemeenten: frozenset[str] = frozenset()

    def where(self, column: SQLColumnExpression[str]) -> ColumnElement[bool]:
        return column.in_(sorted(self.gemeenten)) if self.gemeenten else and_(True)


# The running-set estimate counts 1 in SAMPLE_MODULUS clients (running_totals); the partial index
# ix_insight_running_sample (storage.web_models) is built on the same modulus.
SAMPLE_MODULUS = 64


def pc4(postcode: SQLColumnExpression[str | None]) -> ColumnElement[str | None]:
    """The four digits of a Dutch postcode ('1234 AB' and '1234AB' alike).

    Positions as literals, not bound parameters: only the identical expression can use the
    expression index ix_insight_clients_pc4 (on PostgreSQL and SQLite alike).
    """
    return func.substr(postcode, literal_column("1"), literal_column("4"))


def normal_postcode(postcode: SQLColumnExpression[str | None]) -> ColumnElement[str | None]:
    """A postcode without spaces, in capitals ('3011 ab' = '3011AB'), as the address index has it.

    Literals, not bound parameters, for the same reason as `pc4`: the expression index
    ix_pages_clients_address (migration 0110_web_pages) serves only the identical expression.
    """
    return func.upper(func.replace(postcode, literal_column("' '"), literal_column("''")))


def normal_postcode_value(postcode: str) -> str:
    return postcode.replace(" ", "").upper()


def counting_version() -> ColumnElement[bool]:
    """The version that counts now: current, not voided by a 302, not deleted (RedenWijziging 13)."""
    v = AllocationVersionRow
    return and_(v.is_current.is_(True), v.voided.is_(False), v.deleted.is_(False))


def running_on(on: date, *, walk: bool = False) -> ColumnElement[bool]:
    """Counting versions whose period holds `on`.

    `walk`: the caller walks allocations in toewijzingnummer order and stops after a page. SQLite
    would rather range-scan the ingangsdatum index and sort every running row, so there the date
    term is kept away from that index (`+column`, SQLite's idiom); PostgreSQL's planner needs no help.
    """
    v = AllocationVersionRow
    start = NotIndexed(v.ingangsdatum.expression) if walk else v.ingangsdatum
    return and_(counting_version(), start <= on, or_(v.einddatum.is_(None), v.einddatum >= on))


class NotIndexed(ColumnElement[Any]):
    """A column SQLite must not use an index for (rendered `+column`); the plain column elsewhere."""

    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(NotIndexed)
def _plain(element: NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(NotIndexed, "sqlite")
def _unindexed(element: NotIndexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def live_delivery(row: type[DeliveryRow], kind: str) -> ColumnElement[bool]:
    """Starts or stops of the allocation in the enclosing query that were not deleted (status 3)."""
    a = AllocationRow
    return and_(row.kind == kind, row.removed_by_message_id.is_(None), row.standard == a.standard,
                row.gemeente == a.gemeente, row.toewijzingnummer == a.toewijzingnummer)


def delivery_state(on: date, key: tuple[SQLColumnExpression[Any], ...] | None = None) -> ColumnElement[str]:
    """SQL twin of `handlers.insight.usage.delivery_state`: judged by the latest start begun by `on`.

    One correlated subquery per row (the latest live start, joined to the stops of that start) rather
    than one per fact: at register scale the state is computed for thousands of rows per request, and
    each subquery costs an index probe (ix_deliveries_state). `key` is the allocation key
    (standard, gemeente, toewijzingnummer) of the enclosing query; by default the allocations table's.
    """
    start, stop = aliased(DeliveryRow), aliased(DeliveryRow)
    a = AllocationRow
    standard, gemeente, nummer = key or (a.standard, a.gemeente, a.toewijzingnummer)
    own = and_(start.kind == "start", start.removed_by_message_id.is_(None), start.standard == standard,
               start.gemeente == gemeente, start.toewijzingnummer == nummer)
    stopped_by = and_(stop.kind == "stop", stop.removed_by_message_id.is_(None),
                      stop.standard == start.standard, stop.gemeente == start.gemeente,
                      stop.toewijzingnummer == start.toewijzingnummer, stop.begindatum == start.begindatum)
    judged = case(
        (or_(stop.id.is_(None), stop.einddatum.is_(None), stop.einddatum >= on), STARTED),
        (stop.reden_beeindiging == TEMPORARY_STOP_REASON, PAUSED),
        else_=STOPPED,
    )
    latest = (select(judged).select_from(start).outerjoin(stop, stopped_by)
              .where(own, start.begindatum <= on)
              .order_by(start.begindatum.desc(), stop.einddatum.desc(),
                        (stop.reden_beeindiging == TEMPORARY_STOP_REASON).asc())
              .limit(1).correlate_except(start, stop).scalar_subquery())
    return func.coalesce(latest, NOT_STARTED)


def display_name(client: type[ClientRow] = ClientRow) -> ColumnElement[str]:
    """'J. de Vries': initials (or first names), prefix and surname, for team pages only."""
    given = func.coalesce(client.voorletters, client.voornamen, "")
    return func.trim(given + " " + func.coalesce(client.voorvoegsel + " ", "") + func.coalesce(
        client.geslachtsnaam, ""))


def in_values(column: SQLColumnExpression[str | None], values: Collection[str]) -> ColumnElement[bool]:
    return column.in_(sorted(values)) if values else and_(True)
