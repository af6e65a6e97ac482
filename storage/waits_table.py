"""Waiting times read from derived tables: every wait, and the requests still waiting, rebuilt by a refresh.

Pairing every 315/317 with its 301 and every allocation with its first 305 over a register of a
million allocations takes minutes; a page must answer in a fraction of a second. So a refresh
(`refresh_waits`: `istd insight refresh`, or the web app in the background, in the same round as the
signals) writes, set-based (INSERT ... SELECT), one row per wait into `web_insight_waits` and one row
per open request into `web_insight_open_requests`, and records the time in `web_insight_refreshed`
(name "waits"). Delete and inserts are one transaction; on PostgreSQL an advisory lock lets one
refresh run at a time. Neither table depends on the reference date (a wait is a fact of the register;
the waiting list of a date is the open requests sent by then), so every `on` reads them.

The pairing is the live one (storage.insight_queries.analysis): a request is honoured by the first
301 of its provider, standard and ReferentieAanbieder among the allocations of the caller's
gemeenten. So a request row is kept per gemeente of the allocations that carry its reference
(`pair_gemeente`); the rare request whose reference occurs in the allocations of more than one
gemeente (`shared`) is paired again at read time, within the caller's gemeenten.

On PostgreSQL the summaries (count, nearest-rank p50 and p90 as `percentile_disc`, max, distinct
clients) are computed by the database; on SQLite the waits are read and summarised in Python
(handlers.insight.waiting), as before. The tables are never the source of truth.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Index,
    Integer,
    Select,
    String,
    and_,
    delete,
    false,
    func,
    insert,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, aliased, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from handlers.insight.stats import Summary, summarise
from handlers.insight.waiting import OTHER, RankRow, Wait, WaitRow, distinct_clients
from storage.insight_queries.analysis import NO_CATEGORY, OpenRequest
from storage.insight_queries.common import Scope
from storage.insight_queries.sql_text import UtcDay
from storage.models import (
    AllocationRow,
    AllocationVersionRow,
    Base,
    ClientRow,
    DeliveryRow,
    Id,
    MessageRow,
    RequestRow,
)
from storage.web_models import InsightRefreshRow

NAME = "waits"
LOCK = 0x3A17_5E11  # the advisory lock of a waits refresh (PostgreSQL), any stable number of ours
REQUESTS, STARTS = "request_to_allocation", "allocation_to_start"
OPEN_STATES = ("pending", "under_investigation")


class InsightWaitRow(Base):
    """One wait of either measure (storage.waits_table): derived from the register, rebuilt whole."""

    __tablename__ = "web_insight_waits"

    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    measure: Mapped[str] = mapped_column(String(32))
    gemeente: Mapped[str] = mapped_column(String)  # the request's, or the allocation's
    pair_gemeente: Mapped[str] = mapped_column(String)  # the gemeente of the 301s paired with the request
    request: Mapped[int | None] = mapped_column(Integer)  # the request's id (request waits)
    shared: Mapped[bool] = mapped_column(Boolean)  # the request's reference occurs in several gemeenten
    aanbieder: Mapped[str] = mapped_column(String)
    categorie: Mapped[str | None] = mapped_column(String)  # as the register has it (None, '' for none)
    start: Mapped[date | None] = mapped_column(Date)  # the request's Dagtekening (request waits)
    end: Mapped[date] = mapped_column(Date)  # Toewijzingsdatum, or the first 305 Begindatum
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of `end`
    days: Mapped[int] = mapped_column(Integer)
    client: Mapped[int] = mapped_column(Integer)  # the register's client id (distinct clients per cell)

    __table_args__ = (
        Index("ix_web_insight_waits_month", "measure", "month"),
        Index("ix_web_insight_waits_gemeente", "gemeente", "measure", "month"),
        Index("ix_web_insight_waits_request", "request"),
    )


class InsightOpenRequestRow(Base):
    """A request (315/317) pending or under investigation at the refresh, in the list's order (`position`)."""

    __tablename__ = "web_insight_open_requests"

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # Dagtekening, id
    gemeente: Mapped[str] = mapped_column(String)
    aanbieder: Mapped[str] = mapped_column(String)
    kind: Mapped[str] = mapped_column(String(8))
    referentie: Mapped[str] = mapped_column(String)
    state: Mapped[str] = mapped_column(String(32))
    categorie: Mapped[str] = mapped_column(String)
    since: Mapped[date] = mapped_column(Date)  # the request's Dagtekening
    client: Mapped[int] = mapped_column(Integer)
    client_public_id: Mapped[str] = mapped_column(String)

    __table_args__ = (
        Index("ix_web_insight_open_requests_since", "since"),
        Index("ix_web_insight_open_requests_gemeente", "gemeente", "since"),
    )


W, Q = InsightWaitRow, InsightOpenRequestRow  # Q: the queue


class _Two(ColumnElement[Any]):
    inherit_cache = True
    _traverse_internals = [("a", InternalTraversal.dp_clauseelement),  # noqa: RUF012 (SQLAlchemy's protocol)
                           ("b", InternalTraversal.dp_clauseelement)]

    def __init__(self, a: Any, b: Any) -> None:
        self.a = a if isinstance(a, ColumnElement) else a.expression
        self.b = b if isinstance(b, ColumnElement) else b.expression


class DaysBetween(_Two):
    """Calendar days from date `a` to date `b`, as Python's `(b - a).days`."""

    inherit_cache = True
    type = Integer()


class Later(_Two):
    """The greater of two values of one type (dates, integers)."""

    inherit_cache = True


class Month(ColumnElement[str]):
    """'YYYY-MM' of a date, as Python's `day.strftime('%Y-%m')`."""

    inherit_cache = True
    type = String()
    _traverse_internals = [("day", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 (SQLAlchemy's protocol)

    def __init__(self, day: Any) -> None:
        self.day = day if isinstance(day, ColumnElement) else day.expression


@compiles(DaysBetween, "postgresql")
def _days_pg(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.b, **kw)} - {compiler.process(element.a, **kw)})"


@compiles(DaysBetween)
def _days(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    return (f"CAST(julianday({compiler.process(element.b, **kw)}) - "
            f"julianday({compiler.process(element.a, **kw)}) AS INTEGER)")


@compiles(Later, "postgresql")
def _later_pg(element: Later, compiler: SQLCompiler, **kw: Any) -> str:
    return f"greatest({compiler.process(element.a, **kw)}, {compiler.process(element.b, **kw)})"


@compiles(Later)
def _later(element: Later, compiler: SQLCompiler, **kw: Any) -> str:
    return f"max({compiler.process(element.a, **kw)}, {compiler.process(element.b, **kw)})"


@compiles(Month, "postgresql")
def _month_pg(element: Month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.day, **kw)}, 'YYYY-MM')"


@compiles(Month)
def _month(element: Month, compiler: SQLCompiler, **kw: Any) -> str:
    return f"substr({compiler.process(element.day, **kw)}, 1, 7)"  # dates are ISO text on SQLite


@dataclass(frozen=True, slots=True)
class Refreshed:
    computed_at: datetime
    seconds: float
    rows: int  # waits and open requests


def postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def refreshed(session: AsyncSession) -> Refreshed | None:
    """When the waits were last rebuilt (None: never: the pages compute them live)."""
    row = await session.get(InsightRefreshRow, NAME)
    if row is None:
        return None
    at = row.computed_at if row.computed_at.tzinfo else row.computed_at.replace(tzinfo=UTC)
    return Refreshed(at, row.seconds, row.rows)


def _category(column: Any) -> ColumnElement[str]:
    """The register's category as the pages show it: '-' for none (None or empty)."""
    return func.coalesce(func.nullif(column, ""), NO_CATEGORY)


def _request_waits() -> Select[Any]:
    """Per request and gemeente of the 301s carrying its reference: the first such 301's day and category."""
    a, v, r, m = AllocationRow, AllocationVersionRow, RequestRow, MessageRow
    first = (select(a.gemeente.label("pair"), v.aanbieder, a.standard, v.referentie_aanbieder,
                    func.min(v.toewijzingsdatum).label("day"),
                    func.min(v.product_categorie).label("categorie"))
             .join(a, a.id == v.allocation_id)
             .where(v.referentie_aanbieder.is_not(None), v.voided.is_(False))
             .group_by(a.gemeente, v.aanbieder, a.standard, v.referentie_aanbieder).subquery("first"))
    pairs = func.count().over(partition_by=r.id)
    return (select(literal(REQUESTS).label("measure"), r.gemeente, first.c.pair, r.id, pairs > 1,
                   r.aanbieder, first.c.categorie, m.dagtekening, first.c.day, Month(first.c.day),
                   DaysBetween(m.dagtekening, first.c.day), r.client_id)
            .join(m, m.id == r.message_id)
            .join(first, and_(first.c.aanbieder == r.aanbieder, first.c.standard == r.standard,
                              first.c.referentie_aanbieder == r.referentie_aanbieder))
            .where(m.dagtekening.is_not(None)))


def _start_waits() -> Select[Any]:
    """Per allocation with a start: its first version's Ingangsdatum (or receipt when later) to its first
    305 Begindatum."""
    a, v, m = AllocationRow, AllocationVersionRow, MessageRow
    d = aliased(DeliveryRow)
    first_version = (select(func.min(v.id)).where(v.allocation_id == a.id, v.voided.is_(False))
                     .correlate(a).scalar_subquery())
    first_start = (select(func.min(d.begindatum))
                   .where(d.kind == "start", d.removed_by_message_id.is_(None), d.standard == a.standard,
                          d.gemeente == a.gemeente, d.toewijzingnummer == a.toewijzingnummer)
                   .correlate(a).scalar_subquery())
    begun = select(a.gemeente, v.aanbieder, v.product_categorie, v.ingangsdatum, v.client_id,
                   UtcDay(m.received_at).label("received"), first_start.label("begin")).select_from(a) \
        .join(v, v.id == first_version).join(m, m.id == v.message_id) \
        .where(v.deleted.is_(False)).subquery("begun")
    b = begun.c
    return (select(literal(STARTS), b.gemeente, b.gemeente, null(), false(), b.aanbieder, b.product_categorie,
                   null(), b.begin, Month(b.begin),
                   Later(literal(0), DaysBetween(Later(b.ingangsdatum, b.received), b.begin)), b.client_id)
            .where(b.begin.is_not(None)))


def _open_requests() -> Select[Any]:
    r, m, c = RequestRow, MessageRow, ClientRow
    return (select(func.row_number().over(order_by=(m.dagtekening, r.id)), r.gemeente, r.aanbieder, r.kind,
                   r.referentie_aanbieder, r.state, _category(r.details["product_categorie"].as_string()),
                   m.dagtekening, r.client_id, c.public_id)
            .join(m, m.id == r.message_id).join(c, c.id == r.client_id)
            .where(r.state.in_(OPEN_STATES), m.dagtekening.is_not(None)))


async def refresh_waits(session: AsyncSession) -> Refreshed | None:
    """Rebuild both tables in the caller's transaction (commit to publish); None when another refresh holds
    the lock (PostgreSQL): that one publishes a set as new as ours."""
    if postgres(session) and not (await session.execute(
            select(func.pg_try_advisory_xact_lock(LOCK)))).scalar_one():
        return None
    began = time.perf_counter()
    for derived in (W, Q):
        await session.execute(delete(derived))
    columns = ["measure", "gemeente", "pair_gemeente", "request", "shared", "aanbieder", "categorie", "start",
               "end", "month", "days", "client"]
    await session.execute(insert(W).from_select(columns, _request_waits()))
    await session.execute(insert(W).from_select(columns, _start_waits()))
    await session.execute(insert(Q).from_select(
        ["position", "gemeente", "aanbieder", "kind", "referentie", "state", "categorie", "since", "client",
         "client_public_id"], _open_requests()))
    if postgres(session):
        await session.execute(text("ANALYZE web_insight_waits, web_insight_open_requests"))
    rows = sum([(await session.execute(select(func.count()).select_from(t))).scalar_one() for t in (W, Q)])
    done = Refreshed(datetime.now(UTC), round(time.perf_counter() - began, 3), rows)
    row = await session.get(InsightRefreshRow, NAME)
    if row is None:
        session.add(InsightRefreshRow(name=NAME, day=done.computed_at.date(), computed_at=done.computed_at,
                                      seconds=done.seconds, rows=done.rows))
    else:
        row.day, row.computed_at, row.seconds, row.rows = (done.computed_at.date(), done.computed_at,
                                                           done.seconds, done.rows)
    await session.flush()
    return done


def _waits(scope: Scope, since: str | None = None, until: str | None = None) -> Any:
    """The waits the caller's gemeenten see (measure, aanbieder, categorie, month, days, client): a subquery.

    A shared request is paired again within the scope: its first 301 among the scope's gemeenten.
    """
    in_scope = [scope.where(W.gemeente), scope.where(W.pair_gemeente)]
    plain = select(W.measure, W.aanbieder, _category(W.categorie).label("categorie"), W.month, W.days,
                   W.client).where(W.shared.is_(False), *in_scope)
    day = func.min(W.end)
    again = (select(W.measure, W.aanbieder, _category(func.min(W.categorie)), Month(day),
                    DaysBetween(W.start, day), W.client)
             .where(W.shared.is_(True), *in_scope)
             .group_by(W.request, W.measure, W.aanbieder, W.start, W.client))
    both = union_all(plain, again).subquery("waits")
    months = [both.c.month >= since] if since else []
    months += [both.c.month <= until] if until else []
    return select(both).where(*months).subquery("seen") if months else both


async def waits(session: AsyncSession, scope: Scope, since: str | None = None,
                until: str | None = None) -> dict[str, list[Wait]]:
    """Every wait of both measures in the caller's scope (months since..until when given), as the live
    analysis.waits gives them (order aside)."""
    seen = _waits(scope, since, until)
    found: dict[str, list[Wait]] = {REQUESTS: [], STARTS: []}
    rows = await session.execute(select(seen.c.measure, seen.c.aanbieder, seen.c.categorie, seen.c.month,
                                        seen.c.days, seen.c.client))
    for measure, provider, category, month, days, client in rows.all():
        found[measure].append(Wait(provider, category, month, days, client))
    return found


def _summaries(seen: Any, *keys: Any) -> Select[Any]:
    days = seen.c.days
    return select(seen.c.measure, *keys, func.count(), func.percentile_disc(0.5).within_group(days),
                  func.percentile_disc(0.9).within_group(days), func.max(days),
                  func.count(func.distinct(seen.c.client)), func.min(seen.c.client)) \
        .group_by(seen.c.measure, *keys)


async def per_month(session: AsyncSession, scope: Scope) -> dict[str, list[WaitRow]]:
    """PostgreSQL: count, p50, p90 (nearest rank), max and distinct clients per provider, category, month."""
    seen = _waits(scope)
    rows = await session.execute(_summaries(seen, seen.c.aanbieder, seen.c.categorie, seen.c.month))
    found: dict[str, list[WaitRow]] = {REQUESTS: [], STARTS: []}
    for measure, provider, category, month, count, p50, p90, most, clients, _ in rows.all():
        found[measure].append(WaitRow(provider, category, month, Summary(count, p50, p90, most), clients))
    return {measure: sorted(found_rows, key=lambda r: (r.provider, r.category, r.month))
            for measure, found_rows in found.items() if found_rows}


async def ranked(session: AsyncSession, scope: Scope, since: str, until: str) -> dict[str, list[RankRow]]:
    """PostgreSQL: the ranking of handlers.insight.waiting.ranked over the months since..until."""
    seen = _waits(scope, since, until)
    rows = await session.execute(_summaries(seen, seen.c.aanbieder, seen.c.categorie))
    groups: dict[str, list[RankRow]] = {REQUESTS: [], STARTS: []}
    folded: dict[str, list[Wait]] = {REQUESTS: [], STARTS: []}
    for measure, provider, category, count, p50, p90, most, clients, client in rows.all():
        if count == 1:
            folded[measure].append(Wait(provider, category, "", most, client))
        else:
            groups[measure].append(RankRow(provider, category, Summary(count, p50, p90, most), clients))
    found = {}
    for measure in (REQUESTS, STARTS):
        rows_of = sorted(groups[measure], key=lambda r: (-r.summary.p50, -r.summary.p90, -r.summary.count,
                                                          r.provider, r.category))
        other = summarise(w.days for w in folded[measure])
        found[measure] = [*rows_of, RankRow(OTHER, OTHER, other, distinct_clients(folded[measure]))] \
            if other else rows_of
    return found


def _open_where(on: date, scope: Scope) -> list[ColumnElement[bool]]:
    return [Q.since <= on, scope.where(Q.gemeente)]


async def open_requests(session: AsyncSession, on: date, scope: Scope,
                        limit: int | None = None) -> list[OpenRequest]:
    """The waiting list on `on` (requests sent by then, still open at the refresh), oldest first."""
    query = (select(Q.gemeente, Q.aanbieder, Q.kind, Q.referentie, Q.state, Q.categorie, Q.since,
                    Q.client_public_id).where(*_open_where(on, scope)).order_by(Q.position))
    if limit is not None:
        query = query.limit(limit)
    return [OpenRequest(*row) for row in (await session.execute(query)).all()]


async def open_total(session: AsyncSession, on: date, scope: Scope) -> int:
    return int((await session.execute(
        select(func.count()).select_from(Q).where(*_open_where(on, scope)))).scalar_one())


async def open_counts(session: AsyncSession, on: date, scope: Scope) -> list[tuple[str, str, int, int]]:
    """Per provider and category: (provider, category, requests, distinct clients), most requests first,
    ties in the order their first request has in the list."""
    query = (select(Q.aanbieder, Q.categorie, func.count(), func.count(func.distinct(Q.client)),
                    func.min(Q.position))
             .where(*_open_where(on, scope)).group_by(Q.aanbieder, Q.categorie))
    rows = sorted((await session.execute(query)).all(), key=lambda r: (-r[2], r[4]))
    return [(provider, category, count, clients) for provider, category, count, clients, _ in rows]
