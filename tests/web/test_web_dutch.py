"""Dutch throughout: register times (stored in UTC) shown in Europe/Amsterdam on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import ClientRow
from tests.web.web_helpers import bearer, login


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


async def test_csv_comes_in_the_form_dutch_excel_opens_and_plain_on_request(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    team = bearer(register["wijk"])
    dutch = await client.get("/api/running.csv", params={"on": "2025-03-10", "state": "started"},
                             headers=team)
    assert dutch.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads UTF-8
    lines = dutch.content.decode("utf-8-sig").split("\r\n")
    assert lines[0].split(";")[:3] == ["toewijzingnummer", "wet", "gemeente"]
    assert "naam" in lines[0].split(";")
    assert "levering" in lines[0].split(";")
    rows = list(csv.DictReader(io.StringIO(dutch.content.decode("utf-8-sig")), delimiter=";"))
    started = {"on": "2025-03-10", "state": "started"}
    plain = await client.get("/api/running.csv", params={**started, "format": "plain"}, headers=team)
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    plain_rows = list(csv.DictReader(io.StringIO(plain.text)))
    assert [r["toewijzingnummer"] for r in rows] == [r["toewijzingnummer"] for r in plain_rows]
    assert [r["naam"] for r in rows] == [r["client_name"] for r in plain_rows]
    assert len(rows) == 7  # 1001, 1100-1104 and 1201 run started on 10-03 (2001 is paused, 1004 stopped)

    usage = await client.get("/api/usage.csv", params={"on": "2025-03-10"}, headers=team)
    usage_plain = await client.get("/api/usage.csv", params={"on": "2025-03-10", "format": "plain"},
                                   headers=team)
    dutch_rows = csv.DictReader(io.StringIO(usage.content.decode("utf-8-sig")), delimiter=";")
    ratios = [r["verhouding"] for r in dutch_rows]
    plain_ratios = [r["ratio"] for r in csv.DictReader(io.StringIO(usage_plain.text))]
    # Four decimals with a decimal comma: what Dutch Excel reads as a number.
    assert [float(v.replace(",", ".")) for v in ratios] == [round(float(v), 4) for v in plain_ratios]
    assert any("," in value for value in ratios)  # a decimal comma
