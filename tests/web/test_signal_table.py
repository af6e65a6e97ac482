"""The derived signals table (storage.signal_table) answers as the live computation does.

The varied register of test_signals_sql (proven equal to the Python reference there), on SQLite and
PostgreSQL: refreshed for each reference day, every scope and filter, the full list, each page of the
open signals and the counts per kind read from the table equal the live rules' answer. A table of
another day is not used; a refresh replaces the set whole; `istd insight refresh` prints one line.
"""

from __future__ import annotations

import argparse
import asyncio
import io
from contextlib import redirect_stdout
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.cli import insight
from storage import signal_table
from storage.engine import create_engine, ensure_migrated, session_factory
from storage.insight_queries import signals
from storage.insight_queries.common import Scope
from storage.insight_queries.signals import SignalFilter, SignalRow
from storage.models import ClientRow
from storage.unit_of_work import unit_of_work
from storage.web_models import InsightSignalRow
from tests.web.register_scenario import OTHER
from tests.web.test_signals_sql import DAYS, PAGE, PROVIDERS, G, _build, _mark_some, _order, _view


async def _same(session: AsyncSession, today: date, scope: Scope, wanted: SignalFilter) -> None:
    expected = await signals.signal_page(session, today, scope, wanted)
    found = await signal_table.signal_page(session, today, scope, wanted)
    assert sorted(_view(found), key=repr) == sorted(_view(expected), key=repr), (today, scope, wanted)
    assert [_order(r) for r in found] == [_order(r) for r in expected]
    open_live = await signals.signal_page(session, today, scope, wanted, with_handled=False)
    paged: list[SignalRow] = []
    for offset in range(0, len(open_live) + PAGE, PAGE):
        paged += await signal_table.signal_page(session, today, scope, wanted, with_handled=False,
                                                offset=offset, limit=PAGE)
    assert sorted(_view(paged), key=repr) == sorted(_view(open_live), key=repr)
    assert [_order(r) for r in paged] == [_order(r) for r in open_live]
    assert (await signal_table.signal_counts(session, today, scope, wanted)
            == await signals.signal_counts(session, today, scope, wanted))


async def test_the_table_holds_the_signals_the_rules_find(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        await _build(session)
        handled = await _mark_some(session, date(2025, 6, 10))
    assert handled
    async with sessions() as session:
        client = await session.get(ClientRow, 1)
        assert client is not None
        public_id = client.public_id
    stored = 0
    for today in DAYS:
        async with unit_of_work(sessions) as session:
            done = await signal_table.refresh_signals(session, today)
            assert done is not None
            assert done.day == today
        async with sessions() as session:
            assert (await signal_table.refreshed(session)) == done
            stored += done.rows
            for scope in (Scope(), Scope(frozenset({G})), Scope(frozenset({OTHER, "0363"}))):
                for wanted in (SignalFilter(), SignalFilter(min_age=12), SignalFilter(min_age=0),
                               SignalFilter(frozenset({"start_missing", "retour_missing"})),
                               SignalFilter(aanbieder=PROVIDERS[0]), SignalFilter(client=public_id),
                               SignalFilter(frozenset({"investigation_overdue"}), min_age=45),
                               SignalFilter(min_age=9999)):
                    await _same(session, today, scope, wanted)
    assert stored > 100  # the days have signals to compare


async def test_a_table_of_another_day_is_not_read(sessions: async_sessionmaker[AsyncSession]) -> None:
    """After a refresh for one day the table holds that day only: another day is computed live."""
    async with unit_of_work(sessions) as session:
        await _build(session)
    first, second = date(2025, 3, 10), date(2025, 6, 10)
    async with unit_of_work(sessions) as session:
        assert await signal_table.refresh_signals(session, first) is not None
    async with unit_of_work(sessions) as session:
        done = await signal_table.refresh_signals(session, second)
    assert done is not None
    async with sessions() as session:
        rows = (await session.execute(select(func.count()).select_from(InsightSignalRow))).scalar_one()
        assert rows == done.rows == len(await signals.signal_page(session, second, Scope()))
        for day in (first, second):
            assert (_view(await signal_table.signal_page(session, day, Scope()))
                    == _view(await signals.signal_page(session, day, Scope())))


def test_istd_insight_refresh_prints_one_line_per_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"

    async def build() -> None:
        engine = create_engine(url)
        try:
            await ensure_migrated(engine)
            async with unit_of_work(session_factory(engine)) as session:
                await _build(session)
        finally:
            await engine.dispose()

    asyncio.run(build())
    parser = argparse.ArgumentParser(prog="istd")
    insight.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["insight", "refresh", "--on", "2025-06-10", "--database", url])
    out = io.StringIO()
    with redirect_stdout(out):
        assert args.handler(args) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("signals of 2025-06-10: ")
    assert " rows in " in lines[0]
    assert lines[1].startswith("waits: ")  # waits_table
    assert " rows in " in lines[1]
    # then the wijkanalyse's and the households' tables (storage.area_figures, storage.household_table)
    for line, name in zip(lines[2:], ("areas", "households"), strict=True):
        assert line.startswith(f"{name} of 2025-06-10: ")
        assert " rows in " in line
    assert len(lines) == 4
