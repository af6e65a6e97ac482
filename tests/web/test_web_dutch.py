"""Dutch throughout: register times (stored in UTC) shown in Europe/Amsterdam on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from web_helpers import login

from storage.models import ClientRow


async def test_the_timeline_shows_dutch_time_on_both_databases(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A Vries's messages were all received at 09:00 UTC (register_scenario.py)."""
    async with sessions() as session:
        public_id = await session.scalar(select(ClientRow.public_id).where(ClientRow.bsn == "999900031"))
    await login(client, "wijk")
    html = (await client.get(f"/clienten/{public_id}")).text
    timeline = html[html.index('id="timeline"'):]
    shown = re.findall(r"<td>(\d\d-\d\d-\d{4}) (\d\d:\d\d)</td><td>(\w+)", timeline)
    # Summer time (CEST, UTC+2) in May and June 2024, winter time (CET, UTC+1) in February and March 2025.
    assert shown == [("20-05-2024", "11:00", "WMO301"), ("10-06-2024", "11:00", "WMO305"),
                     ("10-02-2025", "10:00", "WMO315"), ("20-02-2025", "10:00", "WMO301"),
                     ("28-02-2025", "10:00", "WMO315"), ("03-03-2025", "10:00", "WMO305"),
                     ("05-03-2025", "10:00", "WMO307")]
