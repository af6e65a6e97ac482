"""Audit of lists with names: who, which list, which filter, how many rows, from where, which session."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.web_models import AuditRow
from tests.web.web_helpers import bearer, login

ON = "2025-03-10"


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> list[AuditRow]:
    async with sessions() as session:
        return list(await session.scalars(select(AuditRow).order_by(AuditRow.id)))


async def test_lists_with_names_are_audited_as_bulk_access(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await login(client, "wijk")
    page = await client.get("/lopend", params={"on": ON, "aanbieder": "12345678", "per_page": 3})
    assert page.status_code == 200
    await client.get("/signalen", params={"on": ON})
    team = bearer(register["wijk"])
    api = (await client.get("/api/running", params={"on": ON}, headers=team)).json()
    csv = await client.get("/api/running.csv", params={"on": ON}, headers=team)
    await client.get("/api/signals", params={"on": ON}, headers=team)
    await client.get("/api/signals.csv", params={"on": ON}, headers=team)
    rows = await _rows(sessions)
    views = ("lijst:lopend", "lijst:signalen", "api:lopend", "csv:lopend", "api:signalen", "csv:signalen")
    assert [(r.username, r.view, r.outcome, r.client_id) for r in rows] == [
        ("wijk", view, "shown", None) for view in views]
    first = rows[0]
    assert first.filter == f"on={ON}&aanbieder=12345678&per_page=3"
    assert first.row_count == 3
    assert rows[2].row_count == len(api["items"])
    assert rows[3].row_count == len(csv.text.strip().splitlines()) - 1
    assert rows[5].row_count == 5  # the scenario's five signals
    assert {r.address for r in rows} == {"127.0.0.1"}
    # The page views share the login session's reference, the API calls that of their token.
    assert str(first.session).startswith("s:")
    assert rows[1].session == first.session
    assert str(rows[2].session).startswith("t:")
