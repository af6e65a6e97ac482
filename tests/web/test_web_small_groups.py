"""Small groups: with the default minimum group size (5) an analyst sees no figure about fewer clients.

The scenario's groups hold fewer than five clients each (a few with several allocations). The team
keeps every figure (its own clients).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.settings import DatabaseSettings, Settings, WebSettings
from gateway.web.app import create_web_app
from handlers.insight.area_table import COUNTS
from tests.web.web_helpers import bearer, login

ON = "2025-03-10"


@pytest.fixture
async def http(database_url: str, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(database=DatabaseSettings(url=database_url),
                        web=WebSettings(secret_key="small-groups-test", cookie_secure=False))
    assert settings.web.min_group_size == 5
    transport = httpx.ASGITransport(app=create_web_app(settings, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_the_analyst_sees_no_cell_under_five(http: httpx.AsyncClient, register: dict[str, str]) -> None:
    analyst = bearer(register["ana"])
    area = (await http.get("/api/area", params={"on": ON}, headers=analyst)).json()["rows"]
    assert len(area) == 5  # 3011, 3012, 3013, 3511 and the total
    for row in area:
        assert all(row[name] in (None, 0) or row[name] >= 5 for name in COUNTS), row
    # Every area cell of the scenario is under five. The total counts 5 clients (four in 0599, one in
    # 0344), but with its single Jeugd client withheld, 5 clients and 5 Wmo clients would give it back.
    assert all(r["clients"] is None and "clients" in r["small"] for r in area[:-1])
    total = area[-1]
    assert ("clients" in total["withheld"], "clients" in total["small"], total["clients_jeugd"]) == (
        True, False, None)
    waits = (await http.get("/api/waiting", params={"on": ON}, headers=analyst)).json()
    assert waits
    for w in waits:
        if w["suppressed"]:
            assert (w["count"], w["p50"], w["p90"], w["max"]) == (None, None, None, None)
        else:
            assert w["count"] >= 5
    assert any(w["suppressed"] for w in waits)
    usage = {(g["provider"], g["category"]): g
             for g in (await http.get("/api/usage", params={"on": ON}, headers=analyst)).json()["groups"]}
    # Every usage group of the scenario has fewer than five clients (87654321 cat. 01: seven
    # allocations, of fewer clients): all withheld.
    assert usage
    assert all(g["suppressed"] and g["allocations"] is None and g["ratio"] is None for g in usage.values())

    area_csv = await http.get("/api/area.csv", params={"on": ON, "format": "plain"}, headers=analyst)
    rows = list(csv.DictReader(io.StringIO(area_csv.text)))
    assert {r["clients"] for r in rows[:-1]} == {"< 5"}
    await login(http, "ana")
    page = (await http.get("/wijken", params={"on": ON})).text
    assert "&lt; 5" in page
    waiting_page = (await http.get("/wachttijden", params={"on": ON})).text
    assert "niet getoond (kleine groep)" in waiting_page


async def test_five_waits_of_one_client_are_one_client(http: httpx.AsyncClient,
                                                      register: dict[str, str]) -> None:
    """P2 cat. 01, February 2025: five requests and five starts, all of client 999900055 (REF-W0..W4).

    Five waits but one client: the analyst's cells and ranking row are withheld; the team sees them.
    """
    analyst, team = bearer(register["ana"]), bearer(register["wijk"])
    chosen = {"on": ON, "aanbieder": "87654321", "categorie": "01"}
    cells = [w for w in (await http.get("/api/waiting", params=chosen, headers=analyst)).json()
             if (w["provider"], w["category"], w["month"]) == ("87654321", "01", "2025-02")]
    assert {w["measure"] for w in cells} == {"request_to_allocation", "allocation_to_start"}
    assert all(w["suppressed"] and w["count"] is None and w["p50"] is None for w in cells)
    ranking = (await http.get("/api/waiting/ranked", params={"on": ON}, headers=analyst)).json()["items"]
    ranks = [r for r in ranking if (r["provider"], r["category"]) == ("87654321", "01")]
    assert ranks
    assert all(r["suppressed"] and r["count"] is None for r in ranks)
    plain = {"format": "plain"}
    csv_text = (await http.get("/api/waiting.csv", params={**chosen, **plain}, headers=analyst)).text
    rows = [r for r in csv.DictReader(io.StringIO(csv_text)) if r["provider"] == "87654321"]
    assert rows
    assert all(r["count"] == "< 5" for r in rows if r["month"] == "2025-02")
    ranking_csv = (await http.get("/api/waiting.csv", params={"on": ON, **plain}, headers=analyst)).text
    ranked_rows = [r for r in csv.DictReader(io.StringIO(ranking_csv)) if r["provider"] == "87654321"]
    assert ranked_rows
    assert all(r["count"] == "< 5" and r["suppressed"] == "True" for r in ranked_rows)
    team_cells = [w for w in (await http.get("/api/waiting", params=chosen, headers=team)).json()
                  if (w["provider"], w["category"], w["month"]) == ("87654321", "01", "2025-02")]
    assert {(w["measure"], w["count"], w["suppressed"]) for w in team_cells} == {
        ("request_to_allocation", 5, False), ("allocation_to_start", 5, False)}


async def test_the_team_keeps_its_figures(http: httpx.AsyncClient, register: dict[str, str]) -> None:
    area = (await http.get("/api/area", params={"on": ON}, headers=bearer(register["wijk"]))).json()
    assert not any(r["withheld"] for r in area["rows"])
    assert (area["rows"][0]["area"], area["rows"][0]["clients"]) == ("3011", 2)


def test_a_few_never_started_in_a_large_group_are_withheld() -> None:
    from gateway.web import small_groups
    from gateway.web.api_models import UsageGroupItem

    group = UsageGroupItem(provider="12345678", category="02", allocations=40, never_started=2,
                           never_started_share=0.05, allocated_days=900, delivered_days=800, ratio=0.89)
    empty = group.model_copy(update={"never_started": 0, "never_started_share": 0.0})
    [shown, kept] = small_groups.usage([group, empty], {("12345678", "02"): 30}, 5)
    assert (shown.suppressed, shown.allocations, shown.never_started, shown.never_started_share) == (
        False, 40, None, None)
    assert kept.never_started == 0  # nobody is no person
    assert small_groups.csv_rows([shown], ["allocations", "never_started"], 5) == [[40, "< 5"]]


async def test_the_analyst_ranking_and_waiting_list_hold_no_small_group(
    http: httpx.AsyncClient, register: dict[str, str]
) -> None:
    """Jan-Mar 2025 starts: P1 cat. 02 three waits (withheld), P2 cat. 01 five waits of one client
    (withheld: clients are counted, not waits), 'overig' one."""
    ranked = (await http.get("/api/waiting/ranked", params={"on": ON, "maanden": 3},
                             headers=bearer(register["ana"]))).json()["items"]
    starts = [(r["provider"], r["count"], r["suppressed"])
              for r in ranked if r["measure"] == "allocation_to_start"]
    assert starts == [("12345678", None, True), ("87654321", None, True), ("overig", None, True)]
    team = (await http.get("/api/waiting/ranked", params={"on": ON, "maanden": 3},
                           headers=bearer(register["wijk"]))).json()["items"]
    assert all(not r["suppressed"] for r in team)  # the team sees its own figures
    await login(http, "ana")
    page = (await http.get("/wachttijden", params={"on": ON})).text
    counts = page[page.index('id="open-counts"'):page.index("</table>", page.index('id="open-counts"'))]
    # Three open requests: two at 87654321, one at 12345678: both under five, so withheld.
    assert counts.count('<td class="num suppressed">&lt; 5</td>') == 2
