"""Signals read from a derived table: the open signals of one day, rebuilt whole by a refresh.

Evaluating every deadline rule over a register of a million allocations takes a minute; a page must
answer in a fraction of a second. So a refresh (`refresh_signals`: `istd insight refresh`, or the web
app in the background) runs each rule of storage.insight_queries.signal_rules once, set-based
(INSERT ... SELECT), into `web_insight_signals`, and records the day and time in
`web_insight_refreshed`. The delete and the inserts are one transaction: a reader sees the old set or
the new one, never half. On PostgreSQL an advisory lock lets one refresh run at a time.

`signal_counts` and `signal_page` read the table when it holds the signals of the day asked for
(indexes on gemeente, kind, aanbieder, client and the clock start; paging and counting in SQL,
handled marks joined by key), and otherwise compute the rules live (signals.py), on PostgreSQL
within `live_timeout` seconds: a day other than the refreshed one is answered when the database
manages in time, or refused with `LiveTooSlow`. The table is never the source of truth.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, delete, exists, func, insert, select, text, true
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.insight.signals import latest_open_since, latest_since_of_age, signal_of
from storage.insight_queries import signals as live
from storage.insight_queries.common import Scope
from storage.insight_queries.signal_rules import RULES, Bounds
from storage.insight_queries.signals import ALL_SIGNALS, KindCount, SignalFilter, SignalRow
from storage.insight_queries.sql_text import Codepoint
from storage.web_models import (
    InsightRefreshRow,
    InsightSignalDayRow,
    InsightSignalProviderRow,
    InsightSignalRow,
    SignalHandledRow,
)

NAME = "signals"
LOCK = 0x15D5_1C4A  # the advisory lock of a signals refresh (PostgreSQL), any stable number of ours
T, H, D, P = InsightSignalRow, SignalHandledRow, InsightSignalDayRow, InsightSignalProviderRow


class LiveTooSlow(Exception):
    """The live computation of another day than the refreshed one did not finish within its time."""


@dataclass(frozen=True, slots=True)
class Refreshed:
    day: date
    computed_at: datetime
    seconds: float
    rows: int


async def refreshed(session: AsyncSession) -> Refreshed | None:
    """The day and time of the signals in the table (None: never refreshed)."""
    row = await session.get(InsightRefreshRow, NAME)
    if row is None:
        return None
    at = row.computed_at  # SQLite gives the UTC time without its zone
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    return Refreshed(row.day, at, row.seconds, row.rows)


def _postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def refresh_signals(session: AsyncSession, today: date) -> Refreshed | None:
    """Rebuild the table with the signals open on `today`, in the caller's transaction (commit to publish).

    None when another refresh holds the lock (PostgreSQL): that one publishes a set as new as ours.
    """
    if _postgres(session) and not (await session.execute(
            select(func.pg_try_advisory_xact_lock(LOCK)))).scalar_one():
        return None
    began = time.perf_counter()
    for derived in (T, D, P):
        await session.execute(delete(derived))
    for kind, rule in RULES.items():
        u = rule(Bounds(today, latest_open_since(kind, today), Scope(), None, None)).subquery("signals")
        await session.execute(insert(T).from_select(
            ["kind", "rank", "since", "subject", "gemeente", "aanbieder", "client", "key"],
            select(u.c.kind, u.c.rank.cast(Integer), u.c.since, u.c.subject, u.c.gemeente, u.c.aanbieder,
                   u.c.client, live.key_of(u))))
    gemeente, aanbieder = func.coalesce(T.gemeente, ""), func.coalesce(T.aanbieder, "")
    await session.execute(insert(D).from_select(["kind", "gemeente", "since", "signals"], select(
        T.kind, gemeente, T.since, func.count()).group_by(T.kind, gemeente, T.since)))
    await session.execute(insert(P).from_select(["kind", "gemeente", "aanbieder", "signals"], select(
        T.kind, gemeente, aanbieder, func.count()).group_by(T.kind, gemeente, aanbieder)))
    if _postgres(session):
        await session.execute(text("ANALYZE web_insight_signals, web_insight_signal_days, "
                                   "web_insight_signal_providers"))  # the planner's figures of the new set
    rows = (await session.execute(select(func.count()).select_from(T))).scalar_one()
    done = Refreshed(today, datetime.now(UTC), round(time.perf_counter() - began, 3), rows)
    row = await session.get(InsightRefreshRow, NAME)
    if row is None:
        session.add(InsightRefreshRow(name=NAME, day=done.day, computed_at=done.computed_at,
                                      seconds=done.seconds, rows=done.rows))
    else:
        row.day, row.computed_at, row.seconds, row.rows = done.day, done.computed_at, done.seconds, done.rows
    await session.flush()
    return done


def _where(today: date, scope: Scope, wanted: SignalFilter,
           party_rows: bool = True) -> list[ColumnElement[bool]] | None:
    """The table's conditions for `wanted` (None: no signal can match); `party_rows=False` when no missing
    retour names the provider as its other party (then the provider's index serves the page alone)."""
    terms: list[ColumnElement[bool]] = []
    if scope.gemeenten:
        terms.append(T.gemeente.in_(sorted(scope.gemeenten)))
    if wanted.kinds:
        terms.append(T.kind.in_(sorted(wanted.kinds)))
    if wanted.aanbieder:
        # A missing retour's heen message may name the provider as either party (signal_rules).
        terms.append((T.aanbieder == wanted.aanbieder)
                     | ((T.kind == "retour_missing") & (T.gemeente == wanted.aanbieder)) if party_rows
                     else T.aanbieder == wanted.aanbieder)
    if wanted.client:
        terms.append(T.client == wanted.client)  # signals about a message have no client
    if wanted.min_age is not None:
        oldest = latest_since_of_age(today, wanted.min_age)
        if oldest is None:
            return None
        terms.append(T.since <= oldest)
    return terms


def _summed(today: date, scope: Scope, wanted: SignalFilter) -> Select[Any] | None:
    """Signals per kind from the sums per day or per provider, when the filter allows (else None)."""
    if wanted.client or (wanted.aanbieder and wanted.min_age is not None):
        return None
    table: Any = P if wanted.aanbieder else D
    query = select(table.kind, func.sum(table.signals)).group_by(table.kind)
    if scope.gemeenten:
        query = query.where(table.gemeente.in_(sorted(scope.gemeenten)))
    if wanted.kinds:
        query = query.where(table.kind.in_(sorted(wanted.kinds)))
    if wanted.aanbieder:
        query = query.where((P.aanbieder == wanted.aanbieder)
                            | ((P.kind == "retour_missing") & (P.gemeente == wanted.aanbieder)))
    if wanted.min_age is not None:
        oldest = latest_since_of_age(today, wanted.min_age)
        assert oldest is not None  # _where found none before
        query = query.where(D.since <= oldest)
    return query


async def _table_counts(session: AsyncSession, today: date, scope: Scope,
                        wanted: SignalFilter) -> dict[str, KindCount]:
    terms = _where(today, scope, wanted)
    if terms is None:
        return {}
    summed = _summed(today, scope, wanted)
    counted: Any = (select(T.kind, func.count()).where(*terms).group_by(T.kind) if summed is None
                            else summed)
    totals = {kind: int(n) for kind, n in (await session.execute(counted)).all()}
    # The marks are few: counted from them, each found by the signal's key.
    marking = select(T.kind, func.count()).join(H, H.key == T.key).where(*terms).group_by(T.kind)
    if _postgres(session):  # PostgreSQL would hash the whole table: a lateral join walks the marks instead
        found = select(T.kind).where(T.key == H.key, *terms).offset(0).lateral("found")  # OFFSET: kept apart
        marking = select(found.c.kind, func.count()).select_from(H).join(found, true()).group_by(found.c.kind)
    marked = {kind: int(n) for kind, n in (await session.execute(marking)).all()}
    return {kind: KindCount(total, total - marked.get(kind, 0)) for kind, total in totals.items()}


async def _table_page(session: AsyncSession, today: date, scope: Scope, wanted: SignalFilter,
                      with_handled: bool, offset: int, limit: int | None) -> list[SignalRow]:
    party_rows = bool(wanted.aanbieder) and (await session.execute(select(exists(select(T.id).where(
        T.gemeente == wanted.aanbieder, T.kind == "retour_missing"))))).scalar_one()
    terms = _where(today, scope, wanted, party_rows)
    if terms is None:
        return []
    if not with_handled:
        terms.append(~exists(select(H.id).where(H.key == T.key)))
    query = (select(T.kind, T.since, T.subject, T.gemeente, T.aanbieder, T.client).where(*terms)
             .order_by(T.since.desc(), T.rank, Codepoint(T.subject), Codepoint(T.gemeente),
                       Codepoint(T.aanbieder), Codepoint(T.client)).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    found = []
    for kind, since, subject, gemeente, aanbieder, client in (await session.execute(query)).all():
        signal = signal_of(kind, since, today, subject)
        assert signal is not None, kind  # the refresh stored late clocks only
        found.append(SignalRow(signal, gemeente, aanbieder, client))
    return found


async def _from_table(session: AsyncSession, today: date) -> bool:
    done = await refreshed(session)
    return done is not None and done.day == today


async def _live(session: AsyncSession, live_timeout: float | None, call: Any) -> Any:
    """Run a live computation, on PostgreSQL within `live_timeout` seconds (None: no limit)."""
    if live_timeout is None or not _postgres(session):
        return await call()
    await session.execute(text(f"SET LOCAL statement_timeout = {int(live_timeout * 1000)}"))
    try:
        return await call()
    except DBAPIError as error:
        if "statement timeout" in str(error.orig) or "canceling statement" in str(error.orig):
            await session.rollback()
            raise LiveTooSlow from None
        raise


async def signal_counts(session: AsyncSession, today: date, scope: Scope, wanted: SignalFilter = ALL_SIGNALS,
                        *, live_timeout: float | None = None) -> dict[str, KindCount]:
    """Per kind (only kinds that have signals): how many signals, how many of them not marked handled."""
    if await _from_table(session, today):
        return await _table_counts(session, today, scope, wanted)
    result: dict[str, KindCount] = await _live(
        session, live_timeout, lambda: live.signal_counts(session, today, scope, wanted))
    return result


async def signal_page(session: AsyncSession, today: date, scope: Scope, wanted: SignalFilter = ALL_SIGNALS,
                      *, with_handled: bool = True, offset: int = 0, limit: int | None = None,
                      live_timeout: float | None = None) -> list[SignalRow]:
    """The signals `wanted` asks for in the list's order (newest first), from `offset`, at most `limit`."""
    if await _from_table(session, today):
        return await _table_page(session, today, scope, wanted, with_handled, offset, limit)
    result: list[SignalRow] = await _live(session, live_timeout, lambda: live.signal_page(
        session, today, scope, wanted, with_handled=with_handled, offset=offset, limit=limit))
    return result
