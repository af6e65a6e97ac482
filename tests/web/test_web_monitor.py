"""Berichtenmonitor: outcomes and codes of recent messages for ops, without personal data."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import MessageRow
from storage.unit_of_work import unit_of_work
from tests.web.web_helpers import bearer, login


async def _add_problems(sessions: async_sessionmaker[AsyncSession]) -> None:
    """An XSD-invalid document and a rejected 305 (9019), both after the scenario."""
    at = datetime(2025, 3, 11, 8, tzinfo=UTC)
    async with unit_of_work(sessions) as session:
        session.add(
            MessageRow(
                sha256="a" * 64,
                raw=b"not xml",
                received_at=at,
                direction="in",
                status="invalid",
                codes=[],
                findings=[{"level": 1, "text": "not well-formed"}],
            )
        )
        session.add(
            MessageRow(
                sha256="b" * 64,
                raw=b"<x/>",
                standard="iwmo",
                message_name="WMO305",
                message_number=305,
                sender="12345678",
                receiver="0599",
                identificatie="BAD1",
                received_at=at,
                direction="in",
                status="rejected",
                codes=["0200", "9019"],
                findings=[],
            )
        )


async def test_monitor_counts_and_codes(
    client: httpx.AsyncClient, register: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _add_problems(sessions)
    body = (
        await client.get("/api/messages", params={"since": "2025-03-01"}, headers=bearer(register["beheer"]))
    ).json()
    # Since 1 March: 301 of 1011 + 302, 305 of 1004 + 306, 307 + 308, 301 of 1201 + 302... see the scenario.
    assert body["by_status"]["invalid"] == 1
    assert body["by_status"]["rejected"] == 1
    first = body["items"][0]
    assert (first["message"], first["identificatie"], first["status"], first["codes"]) == (
        "WMO305",
        "BAD1",
        "rejected",
        ["0200", "9019"],
    )
    problems = (
        await client.get(
            "/api/messages",
            params={"since": "2025-03-01", "status": "problems"},
            headers=bearer(register["beheer"]),
        )
    ).json()
    assert sorted(i["status"] for i in problems["items"]) == ["invalid", "rejected"]
    recorded = [i for i in body["items"] if i["message"] == "WMO301"]
    assert recorded
    assert {i["retour"] for i in recorded} == {"accepted"}  # the provider's 302 paired with our 301


async def test_monitor_page_and_health(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    await login(client, "beheer")
    page = await client.get("/berichten", params={"since": "2025-01-01"})
    assert page.status_code == 200
    assert "WMO305" in page.text
    assert "retour gekoppeld" in page.text or "verwerkt" in page.text
    health = await client.get("/api/health")
    assert health.json() == {"status": "ok"}
    assert (await client.get("/api/messages", headers=bearer(register["wijk"]))).status_code == 403
