"""The household on one screen, with its flags; on the scenario register (SQLite and PostgreSQL).

P Jansen (999900006) and K Jansen (999900018) live at 3011AB 10. Running on 2025-03-10: P Jansen's
Wmo 1001 (P1, 02) and 1002 (P2, 01); K Jansen's Jeugd 2001 (P1, 45) and Wmo 1011 (P2, 01). Two
providers (no flag for many), both laws (flagged). 1005 was deleted (RedenWijziging 13): not shown.
"""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.insight.household import flags
from storage.models import ClientRow
from storage.web_models import AuditRow
from tests.web.web_helpers import login


def test_flags_for_many_providers_and_both_laws() -> None:
    assert flags([("iwmo", "A"), ("iwmo", "B")]) == []
    assert flags([("iwmo", "A"), ("iwmo", "B"), ("iwmo", "C")]) == ["3 aanbieders"]
    both = [("iwmo", "A"), ("ijw", "A"), ("ijw", "B"), ("iwmo", "C")]
    assert flags(both) == ["3 aanbieders", "Wmo en Jeugd"]


async def test_the_whole_household_on_one_screen(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        rows = (await session.execute(select(ClientRow.bsn, ClientRow.id, ClientRow.public_id))).all()
    ids = {bsn: client_id for bsn, client_id, _ in rows}
    public = {bsn: public_id for bsn, _, public_id in rows}
    await login(client, "wijk")
    picture = (await client.get(f"/clienten/{public['999900006']}")).text
    assert f'href="/huishouden/{public["999900006"]}"' in picture
    html = (await client.get(f"/huishouden/{public['999900006']}", params={"on": "2025-03-10"})).text
    table = html[html.index('id="household-allocations"'):]
    rows = re.findall(r'\?via=huishouden">([^<]+)</a></td>\s*<td class="num">(\d+)', table)
    assert rows == [("P Jansen", "1001"), ("P Jansen", "1002"), ("K Jansen", "2001"), ("K Jansen", "1011")]
    assert '<strong id="provider-count">2</strong>' in html
    assert '<span class="tag bad">Wmo en Jeugd</span>' in html
    assert "aanbieders</span>" not in html
    later = (await client.get(f"/huishouden/{public['999900006']}", params={"on": "2026-01-05"})).text
    # In 2026 only the open-ended 1002 and 1011 run, both P2 Wmo: one provider, one law, no flags.
    assert re.findall(r'<td class="num">(\d+) ', later) == ["1002", "1011"]
    assert "Geen signalen voor één plan" in later

    async with sessions() as session:
        audit = list(await session.scalars(select(AuditRow).where(AuditRow.view == "huishouden")))
    assert {a.client_id for a in audit[:2]} == {ids["999900006"], ids["999900018"]}

    await login(client, "ander")
    assert (await client.get(f"/huishouden/{public['999900006']}")).status_code == 404


async def test_households_for_one_plan_are_listed_and_the_list_audited(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """On 2025-03-10 only the Jansens' address has both laws; nobody has three providers."""
    async with sessions() as session:
        jansen = {str(p) for p in await session.scalars(
            select(ClientRow.public_id).where(ClientRow.bsn.in_(("999900006", "999900018"))))}
    await login(client, "wijk")
    html = (await client.get("/huishoudens", params={"on": "2025-03-10"})).text
    table = html[html.index('id="flagged"'):]
    rows = re.findall(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td><td class="num">(\d+)</td>', table)
    assert rows == [("Hoofdstraat 10, 3011AB Rotterdam", "2", "2")]
    assert re.findall(r'href="/huishouden/([^"?]+)\?on=2025-03-10"', table)[0] in jansen
    assert "Wmo en Jeugd" in table
    later = (await client.get("/huishoudens", params={"on": "2026-01-05"})).text  # 2001 (Jeugd) has ended
    assert "Geen huishoudens" in later
    async with sessions() as session:
        audit = list(await session.scalars(select(AuditRow).where(AuditRow.view == "lijst:huishoudens")))
    assert [(a.row_count, a.filter) for a in audit] == [(1, "on=2025-03-10"), (0, "on=2026-01-05")]
    await login(client, "ander")
    other = (await client.get("/huishoudens", params={"on": "2025-03-10"})).text
    assert "Hoofdstraat" not in other
