"""Usage from what was claimed, on SQLite and PostgreSQL: 301, 305 and 323 messages processed by the real
Processor (claimed_messages.py), then /api/usage/claimed, its CSV, the /benutting page and the real
`istd report usage --claimed` checked against the register and the arithmetic of the standard."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web.app import create_web_app
from storage.models import ClaimLineRow
from tests.web.claimed_messages import MESSAGES, ON, process_all
from tests.web.web_helpers import bearer, login

ISTD = str(Path(sys.executable).with_name("istd"))
FIGURES = ("allocated_volume", "declared_volume", "awarded_volume", "declared_amount", "awarded_amount")


@pytest.fixture
async def claimed(sessions: async_sessionmaker[AsyncSession], tokens: dict[str, str]) -> dict[str, str]:
    results = await process_all(sessions)
    assert [outcome for outcome, _ in results] == [expected for _, _, expected in MESSAGES], results
    assert "9321" in results[7][1]  # February: 12 hours on 10 a month (TR321)
    return tokens


async def _json(client: httpx.AsyncClient, token: str, **params: str) -> Any:
    response = await client.get("/api/usage/claimed", params={"on": ON.isoformat(), **params},
                                headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def _rows(body: Any) -> list[tuple[Any, ...]]:
    return [(a["toewijzingnummer"], a["month"], *(a[f] for f in FIGURES), a["over"])
            for a in body["allocations"]]


async def _register_awarded(sessions: async_sessionmaker[AsyncSession], gemeente: str) -> tuple[int, int]:
    """(awarded volume, awarded amount) straight from claim_lines: awarded or later credited debits
    minus awarded credits."""
    line = ClaimLineRow
    sign = case((line.debet_credit == "C", -1), else_=1)
    debit = line.debet_credit == "D"
    counted = line.status.in_(("awarded", "credited")) & (debit | (line.status == "awarded"))
    async with sessions() as session:
        volume, amount = (await session.execute(
            select(func.sum(sign * line.volume), func.sum(sign * line.bedrag))
            .where(line.gemeente == gemeente, counted))).one()
    return int(volume), int(amount)


async def test_per_allocation_and_month(client: httpx.AsyncClient, claimed: dict[str, str],
                                        sessions: async_sessionmaker[AsyncSession]) -> None:
    body = await _json(client, claimed["wijk"])
    assert body["allocations_total"] == 14  # 4001 and 4002: January to May; 4003: February to May
    assert _rows(body) == [
        # 10 hours per month. January 8 of 10 awarded (€ 400); February 12 declared, rejected (TR321),
        # so declared beyond the allocation; March 10 awarded and credited in April: nothing remains.
        (4001, "2025-01", 10, 8.0, 8.0, 40000, 40000, False),
        (4001, "2025-02", 10, 12.0, 0.0, 60000, 0, True),
        (4001, "2025-03", 10, 0.0, 0.0, 0, 0, False),
        (4001, "2025-04", 10, 0.0, 0.0, 0, 0, False),
        (4001, "2025-05", 10, 0.0, 0.0, 0, 0, False),
        # 60 hours in total over 1 Jan - 30 Jun (181 days), spread by days in whole hours: 10 a month
        # (60×31/181 = 10.28, 60×28/181 = 9.28 and 60×30/181 = 9.94: 10, 9, 10, 9, 10, 9 plus the three
        # largest remainders, April, June and February). 20 in January is within the total: not over.
        (4002, "2025-01", 10, 20.0, 20.0, 100000, 100000, False),
        (4002, "2025-02", 10, 0.0, 0.0, 0, 0, False),
        (4002, "2025-03", 10, 0.0, 0.0, 0, 0, False),
        (4002, "2025-04", 10, 10.0, 10.0, 50000, 50000, False),
        (4002, "2025-05", 10, 0.0, 0.0, 0, 0, False),
        # 4 hours per week from 1 Feb: ISO weeks touched (IV077) × 4: February 5 weeks (from the week
        # of Mon 27 Jan), March 6 (Sat 1 to Mon 31), April 5, May 5.
        (4003, "2025-02", 20, 0.0, 0.0, 0, 0, False),
        (4003, "2025-03", 24, 0.0, 0.0, 0, 0, False),
        (4003, "2025-04", 20, 0.0, 0.0, 0, 0, False),
        (4003, "2025-05", 20, 0.0, 0.0, 0, 0, False),
    ]  # fmt: skip
    awarded = (sum(a["awarded_volume"] for a in body["allocations"]),
               sum(a["awarded_amount"] for a in body["allocations"]))
    assert awarded == await _register_awarded(sessions, "0599") == (38, 190000)
    assert body["allocations"][0]["share"] == pytest.approx(0.8)
    # Started (305) as the delivery usage counts it: only 4001, from 6 January.
    assert {a["toewijzingnummer"] for a in body["allocations"] if a["started"]} == {4001}
    second = await _json(client, claimed["wijk"], page="2", per_page="5")
    assert (second["allocations"], second["allocations_total"]) == (body["allocations"][5:10], 14)
    assert second["groups"] == body["groups"]  # the groups always cover every allocation


async def test_groups_totals_and_scope(client: httpx.AsyncClient, claimed: dict[str, str]) -> None:
    body = await _json(client, claimed["wijk"])
    groups = [(g["pc4"], g["month"], g["allocations"], *(g[f] for f in FIGURES)) for g in body["groups"]]
    # PC4 3012 holds 4002 and 4003: their months add up (March: 10 + 24 allocated).
    assert groups[5:] == [("3012", "2025-01", 1, 10, 20.0, 20.0, 100000, 100000),
                          ("3012", "2025-02", 2, 30, 0.0, 0.0, 0, 0),
                          ("3012", "2025-03", 2, 34, 0.0, 0.0, 0, 0),
                          ("3012", "2025-04", 2, 30, 10.0, 10.0, 50000, 50000),
                          ("3012", "2025-05", 2, 30, 0.0, 0.0, 0, 0)]
    assert [g[0] for g in groups[:5]] == ["3011"] * 5  # sorted by provider, category, PC4, month
    assert [g["started"] for g in body["groups"]] == [1] * 5 + [0] * 5  # 4001 (3011) started, 4002/4003 not
    # 4001: 50 allocated; 4002: 50; 4003: 84. Declared 8 + 12 + 20 + 10, awarded 8 + 20 + 10.
    assert body["totals"] == {"allocated_volume": 184, "declared_volume": 50.0, "awarded_volume": 38.0,
                              "declared_amount": 250000, "awarded_amount": 190000,
                              "share": pytest.approx(38 / 184)}
    other = await _json(client, claimed["ander"])  # gemeente 0344 sees its own 5001 only
    assert {a["toewijzingnummer"] for a in other["allocations"]} == {5001}
    assert (other["totals"]["awarded_volume"], other["totals"]["awarded_amount"]) == (6.0, 30000)


async def test_filters(client: httpx.AsyncClient, claimed: dict[str, str]) -> None:
    idle = await _json(client, claimed["wijk"], idle_months="2")
    # No awarded claim in March and April: 4001 (March credited) and 4003 (never claimed); 4002 had April.
    assert {a["toewijzingnummer"] for a in idle["allocations"]} == {4001, 4003}
    assert idle["idle_months"] == 2
    five = await _json(client, claimed["wijk"], idle_months="5")
    assert five["allocations"] == []  # 4001 and 4002 got claims in the five months; 4003 began 1 Feb
    over = await _json(client, claimed["wijk"], over="true")
    assert [(a["toewijzingnummer"], a["month"]) for a in over["allocations"]] == [(4001, "2025-02")]
    assert over["totals"]["declared_volume"] == 12.0
    bad = await client.get("/api/usage/claimed", params={"idle_months": "0"}, headers=bearer(claimed["wijk"]))
    assert bad.status_code in (400, 422)


async def test_csv_and_page(client: httpx.AsyncClient, claimed: dict[str, str]) -> None:
    response = await client.get("/api/usage/claimed.csv", params={"on": ON.isoformat(), "over": "true",
                                                                  "format": "plain"},
                                headers=bearer(claimed["wijk"]))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["toewijzingnummer"], r["month"], r["declared_volume"], r["allocated_volume"])
            for r in rows] == [("4001", "2025-02", "12.0", "10")]
    dutch = await client.get("/api/usage/claimed.csv", params={"on": ON.isoformat(), "over": "true"},
                             headers=bearer(claimed["wijk"]))
    [row] = list(csv.DictReader(io.StringIO(dutch.text.removeprefix("\ufeff")), delimiter=";"))
    dutch_row = (row["toewijzingnummer"], row["gedeclareerd_volume"], row["meer_dan_toegewezen"])
    assert dutch_row == ("4001", "12", "ja")
    await login(client, "wijk")
    page = (await client.get("/benutting", params={"on": ON.isoformat()})).text
    assert 'id="usage-claimed"' in page
    assert 'id="usage-claimed-allocations"' in page
    assert "€ 1.900,00" in page  # the awarded total, Dutch notation
    assert "(meer dan toegewezen)" in page


@pytest.fixture
async def strict(database_url: str, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """The app with the default minimum group size (5)."""
    settings = Settings(database=DatabaseSettings(url=database_url),
                        web=WebSettings(secret_key="claimed-usage-test", cookie_secure=False))
    transport = httpx.ASGITransport(app=create_web_app(settings, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_analysts_get_groups_without_small_ones(client: httpx.AsyncClient, strict: httpx.AsyncClient,
                                                      claimed: dict[str, str]) -> None:
    body = await _json(client, claimed["ana"])  # minimum group size 1 (conftest): everything shown
    assert body["allocations"] is None
    assert body["allocations_total"] is None
    # Every gemeente: 5001 of 0344 (PC4 3511) too.
    assert body["totals"]["awarded_amount"] == 190000 + 30000
    withheld = await _json(strict, claimed["ana"])  # every group holds one or two clients: all withheld
    assert withheld["groups"]
    assert all(g["suppressed"] and all(g[f] is None for f in FIGURES) for g in withheld["groups"])
    assert withheld["totals"]["awarded_amount"] == 0  # withheld groups stay out of the total
    text = (await strict.get("/api/usage/claimed.csv", params={"on": ON.isoformat(), "format": "plain"},
                             headers=bearer(claimed["ana"]))).text
    assert {r["awarded_amount"] for r in csv.DictReader(io.StringIO(text))} == {"< 5"}
    team = await _json(strict, claimed["wijk"])  # the team sees its own clients' figures
    assert not any(g["suppressed"] for g in team["groups"])


def _istd(database_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISTD_")}
    return subprocess.run([ISTD, "report", "usage", *argv, "--database", database_url], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def test_istd_report_usage_claimed(client: httpx.AsyncClient, claimed: dict[str, str],
                                         database_url: str) -> None:
    done = await asyncio.to_thread(_istd, database_url, "--claimed", "--on", ON.isoformat(),
                                   "--format", "json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    api = (await _json(client, claimed["ana"]))["groups"]
    assert [(p["provider"], p["pc4"], p["month"], *(p[f] for f in FIGURES)) for p in printed] == [
        (g["provider"], g["pc4"], g["month"], *(g[f] for f in FIGURES)) for g in api]
    over = json.loads((await asyncio.to_thread(_istd, database_url, "--claimed", "--over", "--on",
                                               ON.isoformat(), "--format", "json")).stdout)
    assert [(p["pc4"], p["month"], p["declared_volume"]) for p in over] == [("3011", "2025-02", 12.0)]
    wrong = await asyncio.to_thread(_istd, database_url, "--over")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().count("\n") == 0
    assert "--claimed" in wrong.stderr
    assert "Traceback" not in wrong.stderr
