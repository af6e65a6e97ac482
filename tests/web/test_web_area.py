"""The wijkanalyse through the API, CSV and page: per PC4 or wijk, Wmo and Jeugd, age groups, rates, trend,
and for analysts small cells withheld ("< 5") with their complements (tests.web.area_scenario)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web.app import create_web_app
from handlers.insight.area_file import AreaPopulation
from handlers.insight.area_table import COUNTS
from storage.areas import replace_areas
from storage.unit_of_work import unit_of_work
from tests.web.area_scenario import ON, POPULATION, WIJKEN, build
from tests.web.web_helpers import bearer, login

FIGURES = ("clients", "clients_wmo", "allocations_wmo", "clients_jeugd", "allocations_jeugd", "clients_0_17",
           "clients_18_64", "clients_65_plus", "clients_age_unknown")


@pytest.fixture
async def areas(sessions: async_sessionmaker[AsyncSession], tokens: dict[str, str]) -> dict[str, str]:
    async with unit_of_work(sessions) as session:
        await build(session)
    return tokens


async def _load(sessions: async_sessionmaker[AsyncSession], population: list[AreaPopulation]) -> None:
    async with unit_of_work(sessions) as session:
        await replace_areas(session, population, datetime.now(UTC))


async def _area(client: httpx.AsyncClient, token: str, **params: str) -> Any:
    response = await client.get("/api/area", params={"on": ON.isoformat(), **params}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def _table(body: Any) -> dict[str, tuple[Any, ...]]:
    return {r["area"]: tuple(r[name] for name in FIGURES) for r in body["rows"]}


async def test_counts_per_pc4_law_and_age_without_a_population(client: httpx.AsyncClient,
                                                               areas: dict[str, str]) -> None:
    body = await _area(client, areas["wijk"])
    assert (body["per"], body["population"], body["min_group_size"]) == ("pc4", False, None)
    assert _table(body) == {
        # clients, Wmo clients/allocations, Jeugd clients/allocations, 0-17, 18-64, 65+, unknown
        "3011": (8, 6, 6, 2, 2, 2, 3, 3, 0),
        "3012": (1, 1, 1, 0, 0, 0, 1, 0, 0),
        "3013": (6, 0, 0, 6, 6, 6, 0, 0, 0),
        "Totaal": (15, 7, 7, 8, 8, 8, 4, 3, 0),
    }
    assert all(r["per_1000"] is None for r in body["rows"])
    # The trend: 3013's Jeugd from June 2024, everything else from January 2025; `on` last.
    trend = [(t["on"], t["clients_wmo"], t["clients_jeugd"]) for t in body["trend"]]
    assert trend[0] == ("2024-04-30", 0, 0)
    assert trend[2] == ("2024-06-30", 0, 6)
    assert trend[-3:] == [("2025-01-31", 7, 8), ("2025-02-28", 7, 8), ("2025-03-10", 7, 8)]
    # The other gemeente's team sees none of it; filters narrow it.
    assert _table(await _area(client, areas["ander"])) == {"Totaal": (0,) * len(FIGURES)}
    jeugd = _table(await _area(client, areas["wijk"], standard="ijw"))
    assert set(jeugd) == {"3011", "3013", "Totaal"}
    assert jeugd["Totaal"][:3] == (8, 0, 0)
    assert _table(await _area(client, areas["wijk"], categorie="02"))["Totaal"][:3] == (7, 7, 7)


async def test_rates_per_1000_residents_and_per_wijk(client: httpx.AsyncClient, areas: dict[str, str],
                                                     sessions: async_sessionmaker[AsyncSession]) -> None:
    await _load(sessions, POPULATION)
    body = await _area(client, areas["wijk"])
    rows = {r["area"]: r for r in body["rows"]}
    assert (body["per"], body["population"], body["age_population"]) == ("pc4", True, True)
    assert (rows["3011"]["inwoners"], rows["3011"]["per_1000"], rows["3011"]["per_1000_wmo"]) == (
        2000, 4.0, 3.0)
    assert rows["3011"]["per_1000_0_17"] == 5.0  # 2 of 400 children
    assert (rows["3013"]["per_1000"], rows["3013"]["per_1000_0_17"]) == (12.0, 60.0)
    assert (rows["Totaal"]["inwoners"], rows["Totaal"]["per_1000"]) == (3500, round(15_000 / 3500, 1))

    await _load(sessions, WIJKEN)  # loading again replaces: now grouped per wijk
    body = await _area(client, areas["wijk"])
    rows = {r["area"]: r for r in body["rows"]}
    assert body["per"] == "wijk"
    assert (rows["Centrum"]["pc4s"], rows["Centrum"]["clients"], rows["Centrum"]["inwoners"]) == (
        ["3011", "3012"], 9, 3000)
    assert rows["Centrum"]["per_1000"] == 3.0
    assert rows["Noord"]["clients"] == 6


def _relations_hold(rows: list[dict[str, Any]]) -> None:
    """No relation the page shows (a column and its total, an area's clients and its parts) has exactly
    one withheld cell: none can be worked out from the others."""
    total = rows[-1]
    for name in COUNTS:
        cells = [total, *rows[:-1]]
        assert sum(name in r["withheld"] for r in cells) != 1, name
    for r in rows:
        ages = ["clients", "clients_0_17", "clients_18_64", "clients_65_plus", "clients_age_unknown"]
        assert sum(name in r["withheld"] for name in ages) != 1, r["area"]
        assert sum(name in r["withheld"] for name in ("clients", "clients_wmo", "clients_jeugd")) != 1


@pytest.fixture
def analyst_app(database_url: str, engine: Any) -> FastAPI:
    """The default minimum group size (5)."""
    settings = Settings(database=DatabaseSettings(url=database_url),
                        web=WebSettings(secret_key="test-secret-key-not-for-production", cookie_secure=False))
    return create_web_app(settings, engine=engine)


async def test_analysts_see_no_small_cell_nor_one_to_work_out(
    analyst_app: FastAPI, areas: dict[str, str], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await _load(sessions, POPULATION)
    transport = httpx.ASGITransport(app=analyst_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        body = await _area(http, areas["ana"])
        assert body["min_group_size"] == 5
        rows = body["rows"]
        for r in rows:
            for name in COUNTS:
                value = r[name]
                assert value is None or value == 0 or value >= 5, (r["area"], name, value)
                assert (value is None) == (name in r["withheld"])
        _relations_hold(rows)
        by_area = {r["area"]: r for r in rows}
        assert (by_area["3012"]["clients"], by_area["3012"]["per_1000"]) == (None, None)  # 1 client
        assert by_area["3012"]["small"] == ["clients", "clients_wmo", "allocations_wmo", "clients_18_64"]
        # 3012's single Wmo client would follow from the Wmo total (7) and 3011's 6: 3011's goes too.
        assert by_area["3011"]["clients_wmo"] is None
        assert "clients_wmo" in by_area["3011"]["withheld"]
        assert "clients_wmo" not in by_area["3011"]["small"]
        assert (by_area["3011"]["clients"], by_area["3011"]["per_1000"]) == (8, 4.0)
        assert (by_area["Totaal"]["clients"], by_area["Totaal"]["clients_wmo"]) == (15, 7)
        for point in body["trend"]:
            for name in ("clients_wmo", "clients_jeugd"):
                assert point[name] is None or point[name] == 0 or point[name] >= 5
        # The trend's last point is the total row: the same cells withheld.
        last = body["trend"][-1]
        for name in ("clients_wmo", "clients_jeugd", "allocations_wmo", "allocations_jeugd"):
            assert (last[name] is None) == (by_area["Totaal"][name] is None), name

        plain = await http.get("/api/area.csv", params={"on": ON.isoformat(), "format": "plain"},
                               headers=bearer(areas["ana"]))
        table = {r["area"]: r for r in csv.DictReader(io.StringIO(plain.text))}
        assert table["3012"]["clients"] == "< 5"
        assert (table["3011"]["clients"], table["3011"]["clients_wmo"]) == ("8", "x")  # 6: a complement
        dutch = await http.get("/api/area.csv", params={"on": ON.isoformat()}, headers=bearer(areas["ana"]))
        assert dutch.content.startswith("\ufeffgebied;postcodegebieden;inwoners;clienten;".encode())
        assert ";< 5;" in dutch.text
        trend = await http.get("/api/area/trend.csv", params={"on": ON.isoformat(), "format": "plain"},
                               headers=bearer(areas["ana"]))
        assert trend.text.splitlines()[0] == "on,clients_wmo,clients_jeugd,allocations_wmo,allocations_jeugd"
        assert len(trend.text.splitlines()) == 13

        await login(http, "ana")
        html = (await http.get("/wijken", params={"on": ON.isoformat()})).text
        assert 'class="num suppressed">&lt; 5<' in html
        assert '>x</td>' in html
        assert "<svg" in html
        assert "per 1.000" in html


async def test_the_team_sees_every_figure_and_the_page(client: httpx.AsyncClient,
                                                       areas: dict[str, str]) -> None:
    await login(client, "wijk")
    html = (await client.get("/wijken", params={"on": ON.isoformat(), "standard": "iwmo"})).text
    assert "suppressed" not in html
    assert "<svg" in html
    assert "Wmo cliënten" in html
    assert "istd areas load" in html  # no population loaded: counts, and how to get rates
