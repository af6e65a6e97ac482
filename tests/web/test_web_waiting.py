"""Waiting times: ranked per provider and category over 3/6/12 months, groups of one folded into
'overig', and the live waiting list; on the scenario register (register_scenario.py), SQLite and PostgreSQL.

Allocation → start waits of gemeente 0599 (reference: Ingangsdatum, or receipt when later):
P1 cat. 02: 1001 7 days (Jan 2025), 1003 9 days (Jun 2024), 1004 2 days and 1201 1 day (Mar 2025);
P1 cat. 45: 2001 14 days (Jan 2025); P2 cat. 01: five times 0 days (Feb 2025).
Request → allocation: P1 cat. 02 REF-A1 13 days (Jan 2025), REF-A5 10 days (Feb 2025);
P2 cat. 01 REF-W0..W4 3, 5, 8, 13, 40 days (Feb 2025).
Open on 2025-03-10: REF-Q2 (P1, in onderzoek, since 06-01), REF-Q3 (P2, in onderzoek, since 03-02),
REF-Q1 (P2, pending, since 28-02).
"""

from __future__ import annotations

from typing import Any

import httpx

from handlers.insight.waiting import OTHER, Wait, first_month, ranked
from tests.web.web_helpers import bearer, login

P1, P2 = "12345678", "87654321"


def test_first_month_and_the_fold_of_groups_of_one() -> None:
    from datetime import date

    assert (first_month(date(2025, 3, 10), 3), first_month(date(2025, 3, 10), 12)) == ("2025-01", "2024-04")
    waits = [Wait("A", "01", "2025-01", 4), Wait("A", "01", "2025-02", 6), Wait("B", "02", "2025-02", 30),
             Wait("C", "03", "2025-03", 2), Wait("D", "04", "2024-12", 99)]
    rows = ranked(waits, "2025-01", "2025-03")
    assert [(r.provider, r.category, r.summary.count, r.summary.p50, r.summary.max) for r in rows] == [
        ("A", "01", 2, 4, 6), (OTHER, OTHER, 2, 2, 30)]  # B and C folded; D before the period


async def _ranked(http: httpx.AsyncClient, token: str, **params: Any) -> dict[str, list[tuple[Any, ...]]]:
    response = await http.get("/api/waiting/ranked", params={"on": "2025-03-10", **params},
                              headers=bearer(token))
    assert response.status_code == 200, response.text
    found: dict[str, list[tuple[Any, ...]]] = {}
    for i in response.json()["items"]:
        row = (i["provider"], i["category"], i["count"], i["p50"], i["p90"])
        found.setdefault(i["measure"], []).append(row)
    return found


async def test_waits_are_ranked_over_the_chosen_months(client: httpx.AsyncClient,
                                                       register: dict[str, str]) -> None:
    team = register["wijk"]
    three = await _ranked(client, team, maanden=3)
    # Jan-Mar 2025. Starts: P1/02 [1, 2, 7] p50 2 p90 7; P2/01 five zeros; P1/45 one wait (14): 'overig'.
    assert three["allocation_to_start"] == [(P1, "02", 3, 2, 7), (P2, "01", 5, 0, 0),
                                            (OTHER, OTHER, 1, 14, 14)]
    # Requests: P1/02 [10, 13] p50 10 before P2/01 [3, 5, 8, 13, 40] p50 8.
    assert three["request_to_allocation"] == [(P1, "02", 2, 10, 13), (P2, "01", 5, 8, 40)]
    twelve = await _ranked(client, team, maanden=12)  # Apr 2024 on: 1003's 9 days of June 2024 join P1/02
    assert twelve["allocation_to_start"][0] == (P1, "02", 4, 2, 9)
    april = await _ranked(client, team, on="2025-04-30", maanden=3)  # Feb-Apr: REF-A1 (Jan) drops out
    assert april["request_to_allocation"] == [(P2, "01", 5, 8, 40), (OTHER, OTHER, 1, 10, 10)]
    other = await _ranked(client, register["ander"], maanden=12)
    assert other == {}  # gemeente 0344 has no waits at all


async def test_the_live_waiting_list(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    team = bearer(register["wijk"])
    response = await client.get("/api/waiting/open", params={"on": "2025-03-10"}, headers=team)
    rows = [(i["referentie_aanbieder"], i["aanbieder"], i["state"], i["since"], i["age_days"])
            for i in response.json()["items"]]
    assert rows == [("REF-Q2", P1, "under_investigation", "2025-01-06", 63),
                    ("REF-Q3", P2, "under_investigation", "2025-02-03", 35),
                    ("REF-Q1", P2, "pending", "2025-02-28", 10)]
    before = await client.get("/api/waiting/open", params={"on": "2025-02-10"}, headers=team)
    sent = [i["referentie_aanbieder"] for i in before.json()["items"]]
    assert sent == ["REF-Q2", "REF-Q3"]  # REF-Q1 not sent yet
    refused = await client.get("/api/waiting/open", headers=bearer(register["ana"]))
    assert refused.status_code == 403

    await login(client, "wijk")
    html = (await client.get("/wachttijden", params={"on": "2025-03-10", "maanden": 3})).text
    assert '<strong id="waiting-total">3</strong>' in html
    assert html.count("?via=wachtlijst") == 3
    assert 'id="ranked-allocation_to_start"' in html
    assert "<td>overig</td>" in html
    await login(client, "ana")
    analyst = (await client.get("/wachttijden", params={"on": "2025-03-10"})).text
    assert 'id="waiting-list"' not in analyst
    assert "?via=wachtlijst" not in analyst
    start = analyst.index('id="open-counts"')
    counts = analyst[start:analyst.index("</table>", start)]
    assert counts.count("<tr>") == 3  # header, P2 (2 waiting), P1 (1): groups of 1 shown with minimum size 1


async def test_the_ranking_is_paged_per_measure(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    team = bearer(register["wijk"])
    params: dict[str, str | int] = {"on": "2025-03-10", "maanden": 3, "per_page": 1}
    first = (await client.get("/api/waiting/ranked", params=params, headers=team)).json()
    assert (first["since"], first["until"], first["page"], first["per_page"]) == ("2025-01", "2025-03", 1, 1)
    assert first["totals"] == {"request_to_allocation": 2, "allocation_to_start": 3}
    assert [(i["measure"], i["provider"]) for i in first["items"]] == [
        ("request_to_allocation", P1), ("allocation_to_start", P1)]
    third = (await client.get("/api/waiting/ranked", params={**params, "page": 3}, headers=team)).json()
    assert [(i["measure"], i["provider"]) for i in third["items"]] == [("allocation_to_start", OTHER)]
    await login(client, "wijk")
    html = (await client.get("/wachttijden", params={**params, "page": 2})).text
    assert "pagina 2 van 3" in html
    assert 'rel="prev"' in html
    assert 'rel="next"' in html
    assert '<td class="num">2</td><td>' in html  # the rows are numbered on from the previous page


async def _trend(http: httpx.AsyncClient, token: str, **params: Any) -> dict[str, list[tuple[Any, ...]]]:
    response = await http.get("/api/waiting", params={"on": "2025-03-10", **params}, headers=bearer(token))
    assert response.status_code == 200, response.text
    found: dict[str, list[tuple[Any, ...]]] = {}
    for i in response.json():
        found.setdefault(i["measure"], []).append((i["provider"], i["category"], i["month"], i["count"],
                                                   i["p50"], i["p90"]))
    return found


async def test_the_trend_is_per_month_over_the_scope_or_one_provider(
        client: httpx.AsyncClient, register: dict[str, str]) -> None:
    team = register["wijk"]
    every = await _trend(client, team)
    # Starts: 1003 9 days (Jun 2024); 1001 7 and 2001 14 (Jan 2025); five zeros (Feb); 1004 2, 1201 1 (Mar).
    assert every["allocation_to_start"] == [
        ("alle", "alle", "2024-06", 1, 9, 9), ("alle", "alle", "2025-01", 2, 7, 14),
        ("alle", "alle", "2025-02", 5, 0, 0), ("alle", "alle", "2025-03", 2, 1, 2)]
    # Requests: REF-A1 13 (Jan); REF-A5 10 and P2's 3, 5, 8, 13, 40 (Feb): nearest rank 8 and 40.
    assert every["request_to_allocation"] == [("alle", "alle", "2025-01", 1, 13, 13),
                                              ("alle", "alle", "2025-02", 6, 8, 40)]
    one = await _trend(client, team, aanbieder=P1, categorie="02")
    assert one["allocation_to_start"] == [(P1, "02", "2024-06", 1, 9, 9), (P1, "02", "2025-01", 1, 7, 7),
                                          (P1, "02", "2025-03", 2, 1, 2)]
    assert one["request_to_allocation"] == [(P1, "02", "2025-01", 1, 13, 13),
                                            (P1, "02", "2025-02", 1, 10, 10)]
    provider = await _trend(client, team, aanbieder=P2)
    assert provider == {"request_to_allocation": [(P2, "alle", "2025-02", 5, 8, 40)],
                        "allocation_to_start": [(P2, "alle", "2025-02", 5, 0, 0)]}
    later = await _trend(client, team, on="2027-01-31")  # 24 months back: from February 2025
    assert [row[2] for row in later["allocation_to_start"]] == ["2025-02", "2025-03"]
    await login(client, "wijk")
    chosen = {"on": "2025-03-10", "aanbieder": P1, "categorie": "02"}
    html = (await client.get("/wachttijden", params=chosen)).text
    start = html.index('id="waiting-allocation_to_start"')
    table = html[start:html.index("</table>", start)]
    assert table.count("<tr>") == 4  # header and three months
    assert "Toon alle aanbieders" in html


async def test_the_csv_holds_the_ranking_or_one_trend(client: httpx.AsyncClient,
                                                      register: dict[str, str]) -> None:
    team = bearer(register["wijk"])
    plain: dict[str, str | int] = {"on": "2025-03-10", "maanden": 3, "format": "plain"}
    ranking = (await client.get("/api/waiting.csv", params=plain, headers=team)).text.splitlines()
    assert ranking[0] == "first_month,last_month,measure,provider,category,count,p50,p90,max,suppressed"
    assert ranking[1:] == [f"2025-01,2025-03,request_to_allocation,{P1},02,2,10,13,13,False",
                           f"2025-01,2025-03,request_to_allocation,{P2},01,5,8,40,40,False",
                           f"2025-01,2025-03,allocation_to_start,{P1},02,3,2,7,7,False",
                           f"2025-01,2025-03,allocation_to_start,{P2},01,5,0,0,0,False",
                           "2025-01,2025-03,allocation_to_start,overig,overig,1,14,14,14,False"]
    one = (await client.get("/api/waiting.csv", params={**plain, "aanbieder": P2},
                            headers=team)).text.splitlines()
    assert one == ["measure,provider,category,month,count,p50,p90,max,suppressed",
                   f"request_to_allocation,{P2},alle,2025-02,5,8,40,40,False",
                   f"allocation_to_start,{P2},alle,2025-02,5,0,0,0,False"]


async def test_the_waiting_list_is_paged_with_its_total_and_counts(
        client: httpx.AsyncClient, register: dict[str, str]) -> None:
    team = bearer(register["wijk"])
    first = (await client.get("/api/waiting/open", params={"on": "2025-03-10", "per_page": 2},
                              headers=team)).json()
    assert (first["total"], first["page"], first["per_page"]) == (3, 1, 2)
    assert [i["referentie_aanbieder"] for i in first["items"]] == ["REF-Q2", "REF-Q3"]
    assert [(c["provider"], c["count"]) for c in first["counts"]] == [(P2, 2), (P1, 1)]
    second = (await client.get("/api/waiting/open", params={"on": "2025-03-10", "per_page": 2, "page": 2},
                               headers=team)).json()
    assert [i["referentie_aanbieder"] for i in second["items"]] == ["REF-Q1"]
    assert second["total"] == 3


async def test_the_openapi_document_describes_the_pages_of_waits(client: httpx.AsyncClient,
                                                                register: dict[str, str]) -> None:
    document = (await client.get("/api/openapi.json", headers=bearer(register["ana"]))).json()
    paths = document["paths"]

    def answer(path: str) -> Any:
        return paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]

    def parameters(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"]["parameters"]}

    assert answer("/api/waiting/ranked") == {"$ref": "#/components/schemas/RankPage"}
    assert answer("/api/waiting/open") == {"$ref": "#/components/schemas/OpenRequestPage"}
    assert {"on", "maanden", "page", "per_page"} <= parameters("/api/waiting/ranked")
    assert {"on", "page", "per_page"} <= parameters("/api/waiting/open")
    assert {"on", "aanbieder", "categorie"} <= parameters("/api/waiting")
    assert {"on", "maanden", "aanbieder", "categorie"} <= parameters("/api/waiting.csv")
    schemas = document["components"]["schemas"]
    assert set(schemas["RankPage"]["properties"]) == {"since", "until", "page", "per_page", "totals", "items"}
    assert set(schemas["OpenRequestPage"]["properties"]) == {"total", "page", "per_page", "counts", "items"}
