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
    for i in response.json():
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
            for i in response.json()]
    assert rows == [("REF-Q2", P1, "under_investigation", "2025-01-06", 63),
                    ("REF-Q3", P2, "under_investigation", "2025-02-03", 35),
                    ("REF-Q1", P2, "pending", "2025-02-28", 10)]
    before = await client.get("/api/waiting/open", params={"on": "2025-02-10"}, headers=team)
    assert [i["referentie_aanbieder"] for i in before.json()] == ["REF-Q2", "REF-Q3"]  # REF-Q1 not sent yet
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
