"""Shared pieces of the insight queries: the scope of a caller, running versions, delivery state in SQL."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from handlers.insight.usage import NOT_STARTED, PAUSED, STARTED, STOPPED, TEMPORARY_STOP_REASON
from storage.models import AllocationRow, AllocationVersionRow, ClientRow, DeliveryRow


@dataclass(frozen=True, slots=True)
class Scope:
    """Which gemeenten the caller may see; empty means all (analysts, ops and the command line)."""

    gemeenten: frozenset[str] = frozenset()

    def where(self, column: SQLColumnExpression[str]) -> ColumnElement[bool]:
        return column.in_(sorted(self.gemeenten)) if self.gemeenten else and_(True)


def pc4(postcode: SQLColumnExpression[str | None]) -> ColumnElement[str | None]:
    """The four digits of a Dutch postcode ('1234 AB' and '1234AB' alike)."""
    return func.substr(postcode, 1, 4)


def counting_version() -> ColumnElement[bool]:
    """The version that counts now: current, not voided by a 302, not deleted (RedenWijziging 13)."""
    v = AllocationVersionRow
    return and_(v.is_current.is_(True), v.voided.is_(False), v.deleted.is_(False))


def running_on(on: date) -> ColumnElement[bool]:
    v = AllocationVersionRow
    return and_(counting_version(), v.ingangsdatum <= on, or_(v.einddatum.is_(None), v.einddatum >= on))


def live_delivery(row: type[DeliveryRow], kind: str) -> ColumnElement[bool]:
    """Starts or stops of the allocation in the enclosing query that were not deleted (status 3)."""
    a = AllocationRow
    return and_(row.kind == kind, row.removed_by_message_id.is_(None), row.standard == a.standard,
                row.gemeente == a.gemeente, row.toewijzingnummer == a.toewijzingnummer)


def delivery_state(on: date) -> ColumnElement[str]:
    """SQL twin of `handlers.insight.usage.delivery_state`: judged by the latest start begun by `on`.

    Mirrors the pure function so a filter and a page count the same thing at register scale.
    """
    start, stop = aliased(DeliveryRow), aliased(DeliveryRow)
    latest = (select(func.max(start.begindatum)).where(live_delivery(start, "start"), start.begindatum <= on)
              .correlate(AllocationRow).scalar_subquery())
    latest_stop = (select(stop.einddatum, stop.reden_beeindiging)
                   .where(live_delivery(stop, "stop"), stop.begindatum == latest)
                   .order_by(stop.einddatum.desc(), (stop.reden_beeindiging == TEMPORARY_STOP_REASON).asc())
                   .limit(1).correlate(AllocationRow))
    stop_end = latest_stop.with_only_columns(stop.einddatum).scalar_subquery()
    stop_reason = latest_stop.with_only_columns(stop.reden_beeindiging).scalar_subquery()
    return case(
        (latest.is_(None), NOT_STARTED),
        (or_(stop_end.is_(None), stop_end >= on), STARTED),
        (stop_reason == TEMPORARY_STOP_REASON, PAUSED),
        else_=STOPPED,
    )


def display_name(client: type[ClientRow] = ClientRow) -> ColumnElement[str]:
    """'J. de Vries': initials (or first names), prefix and surname, for team pages only."""
    given = func.coalesce(client.voorletters, client.voornamen, "")
    return func.trim(given + " " + func.coalesce(client.voorvoegsel + " ", "") + func.coalesce(
        client.geslachtsnaam, ""))


def in_values(column: SQLColumnExpression[str | None], values: Collection[str]) -> ColumnElement[bool]:
    return column.in_(sorted(values)) if values else and_(True)
