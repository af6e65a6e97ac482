"""Refreshing the signals table: when the web app's round rebuilds it, and what the page says about it.

Scenario (register_scenario.py) on 2025-03-10, team `wijk`: five open signals (test_web_signals.py).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.web.refresher import refresh_when_due
from storage.signal_table import refresh_signals, refreshed
from storage.unit_of_work import unit_of_work
from tests.web.web_helpers import bearer, login

ON = date(2025, 3, 10)


async def test_a_round_refreshes_an_empty_table_a_stale_one_and_another_day(
    register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await refresh_when_due(sessions, 300, ON)
    assert first is not None
    assert first.rows > 0
    assert await refresh_when_due(sessions, 300, ON) is None  # fresh: left alone
    again = await refresh_when_due(sessions, 0, ON)  # older than the interval
    assert again is not None
    assert again.computed_at > first.computed_at
    other = await refresh_when_due(sessions, 300, date(2025, 3, 11))  # a new day
    assert other is not None
    assert other.day == date(2025, 3, 11)


async def test_the_page_says_when_the_signals_were_computed(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    live = (await client.get("/signalen", params={"on": ON.isoformat()})).text
    assert '<li id="signals-updated">live berekend</li>' in live
    before = (await client.get("/api/signals", params={"on": ON.isoformat()},
                               headers=bearer(register["wijk"]))).json()
    async with unit_of_work(sessions) as session:
        await refresh_signals(session, ON)
    async with sessions() as session:
        done = await refreshed(session)
    assert done is not None
    at = done.computed_at.astimezone(ZoneInfo("Europe/Amsterdam")).strftime("%H:%M")
    page = (await client.get("/signalen", params={"on": ON.isoformat()})).text
    assert f'<li id="signals-updated">bijgewerkt {at}</li>' in page
    after = (await client.get("/api/signals", params={"on": ON.isoformat()},
                              headers=bearer(register["wijk"]))).json()
    assert after == before
    assert len(after) == 5
