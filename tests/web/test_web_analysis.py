"""Signalen, wachttijden, benutting, wijkanalyse: the scenario's figures through the API, CSV and pages."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.web.web_helpers import bearer, login

ON = "2025-03-10"


async def _json(client: httpx.AsyncClient, token: str, path: str, **params: str) -> Any:
    response = await client.get(path, params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


async def test_signals_with_rule_age_and_working_day_deadlines(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    items = await _json(client, register["wijk"], "/api/signals", on=ON)
    found = [
        (i["rule"], i["subject"], i["since"], i["due"], i["age_working_days"], i["overdue_working_days"])
        for i in items
    ]
    assert found == [  # newest first (latest `since`), then most overdue, then kind
        # 305 of Tue 4 Mar without retour: 3 working days → Fri 7 Mar.
        ("OP090", "WMO305 T0067", "2025-03-04", "2025-03-07", 4, 1),
        # Unanswered VOT of Fri 28 Feb: due Fri 7 Mar.
        ("OP274", "VOT REF-Q1", "2025-02-28", "2025-03-07", 6, 1),
        # Allocation 1003 ended Fri 28 Feb with its delivery still running: due Fri 7 Mar.
        ("OP272/OP288", "toewijzing 1003", "2025-02-28", "2025-03-07", 6, 1),
        # A2 from its Ingangsdatum Mon 3 Feb: 5 working days → Mon 10 Feb; on Mon 10 Mar 20 working days late.
        ("OP271", "toewijzing 1002", "2025-02-03", "2025-02-10", 25, 20),
        # 'in onderzoek' since 6 Jan: 8 weeks → 3 Mar; 5 working days late.
        ("OP346", "VOT REF-Q2", "2025-01-06", "2025-03-03", 45, 5),
    ]
    # The retroactive 1011 (received Mon 3 Mar) is due only on Mon 10 Mar: not yet a signal.
    assert "toewijzing 1011" not in {i["subject"] for i in items}
    assert {i["gemeente"] for i in items} == {"0599"}


async def test_no_signal_is_early_on_the_deadline_day(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    items = await _json(client, register["wijk"], "/api/signals", on="2025-03-07")
    assert [(i["rule"], i["subject"]) for i in items] == [
        ("OP271", "toewijzing 1002"),
        ("OP346", "VOT REF-Q2"),
    ]


async def test_the_other_gemeente_has_no_signals(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    # Its allocation 5001 (from 1 Jan) was received 1 Dec and has no start: OP271 due 8 Jan 2025.
    items = await _json(client, register["ander"], "/api/signals", on=ON)
    assert [(i["rule"], i["subject"], i["due"]) for i in items] == [
        ("OP271", "toewijzing 5001", "2025-01-08")
    ]


async def test_waiting_times_per_provider_category_month(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    rows = {}
    for provider, category in (("12345678", "02"), ("12345678", "45"), ("87654321", "01")):
        items = await _json(client, register["ana"], "/api/waiting", on=ON, aanbieder=provider,
                            categorie=category)
        rows.update({(i["measure"], i["provider"], i["category"], i["month"]):
                     (i["count"], i["p50"], i["p90"], i["max"]) for i in items})
    assert rows == {
        ("request_to_allocation", "12345678", "02", "2025-01"): (1, 13, 13, 13),  # REF-A1: 20 Dec → 2 Jan
        ("request_to_allocation", "12345678", "02", "2025-02"): (1, 10, 10, 10),  # REF-A5: 10 Feb → 20 Feb
        ("request_to_allocation", "87654321", "01", "2025-02"): (5, 8, 40, 40),  # waits 3, 5, 8, 13, 40
        ("allocation_to_start", "12345678", "02", "2024-06"): (1, 9, 9, 9),  # 1003: 1 Jun → 10 Jun
        ("allocation_to_start", "12345678", "02", "2025-01"): (1, 7, 7, 7),  # 1001: 6 Jan → 13 Jan
        ("allocation_to_start", "12345678", "02", "2025-03"): (2, 1, 2, 2),  # 1004: 2 days, 1201: 1 day
        ("allocation_to_start", "12345678", "45", "2025-01"): (1, 14, 14, 14),  # 2001: 1 Jan → 15 Jan
        ("allocation_to_start", "87654321", "01", "2025-02"): (5, 0, 0, 0),  # started on their Ingangsdatum
    }  # 5001 of gemeente 0344 (visible to the analyst) has neither a request nor a start
    every = await _json(client, register["ana"], "/api/waiting", on=ON)  # the trend of every provider
    assert {(i["measure"], i["month"]): (i["provider"], i["category"], i["count"], i["p50"], i["p90"],
                                         i["max"]) for i in every} == {
        ("request_to_allocation", "2025-01"): ("alle", "alle", 1, 13, 13, 13),
        ("request_to_allocation", "2025-02"): ("alle", "alle", 6, 8, 40, 40),  # 3, 5, 8, 10, 13, 40
        ("allocation_to_start", "2024-06"): ("alle", "alle", 1, 9, 9, 9),
        ("allocation_to_start", "2025-01"): ("alle", "alle", 2, 7, 14, 14),  # 1001 and 2001
        ("allocation_to_start", "2025-02"): ("alle", "alle", 5, 0, 0, 0),
        ("allocation_to_start", "2025-03"): ("alle", "alle", 2, 1, 2, 2),
    }


async def test_usage_per_provider_and_category(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    body = await _json(client, register["wijk"], "/api/usage", on=ON)
    groups = {
        (g["provider"], g["category"]): (
            g["allocations"],
            g["never_started"],
            g["allocated_days"],
            g["delivered_days"],
        )
        for g in body["groups"]
    }
    assert groups == {
        # 1001 (64/57), 1003 (273/264), 1004 (10/3: 3-5 Mar), 1201 (8/7)
        ("12345678", "02"): (4, 0, 355, 331),
        ("12345678", "45"): (1, 0, 69, 46),  # 2001: 1 Jan-10 Mar, delivered 15 Jan-1 Mar
        # 1002 and 1011 never started; W0-W4 15 days each, fully delivered
        ("87654321", "01"): (7, 2, 180, 75),
    }
    share = {g["provider"] + g["category"]: round(g["never_started_share"], 4) for g in body["groups"]}
    assert share["8765432101"] == round(2 / 7, 4)
    assert (len(body["allocations"]), body["allocations_total"]) == (12, 12)


async def test_the_teams_usage_per_allocation_is_paged(client: httpx.AsyncClient,
                                                       register: dict[str, str]) -> None:
    every = await _json(client, register["wijk"], "/api/usage", on=ON)
    second = await _json(client, register["wijk"], "/api/usage", on=ON, page="2", per_page="5")
    assert second["allocations"] == every["allocations"][5:10]
    assert second["allocations_total"] == 12
    assert second["groups"] == every["groups"]  # the groups always cover every allocation
    await login(client, "wijk")
    html = (await client.get("/benutting", params={"on": ON, "per_page": "5", "page": "3"})).text
    assert "pagina 3 van 3" in html
    assert 'rel="prev"' in html


async def test_analyst_gets_usage_aggregates_without_allocations(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    body = await _json(client, register["ana"], "/api/usage", on=ON)
    assert body["allocations"] is None
    # The analyst has no gemeente restriction: 5001 of gemeente 0344 counts too (from 1 Jan, not started).
    assert {(g["provider"], g["category"]): g["allocations"] for g in body["groups"]}[("12345678", "02")] == 5


async def test_area_per_pc4_law_and_age(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    """The scenario's running allocations of 0599 on ON (its clients born 1950: 65+), per PC4: in 3011
    two Wmo allocations of categorie 01, one of 02 and the Jeugd allocation (45) of one of the two."""
    body = await _json(client, register["wijk"], "/api/area", on=ON)
    assert [(r["area"], r["clients"], r["clients_wmo"], r["allocations_wmo"], r["clients_jeugd"],
             r["allocations_jeugd"], r["clients_65_plus"]) for r in body["rows"]] == [
        ("3011", 2, 2, 3, 1, 1, 2),
        ("3012", 1, 1, 1, 0, 0, 1),
        ("3013", 1, 1, 6, 0, 0, 1),
        ("Totaal", 4, 4, 10, 1, 1, 4),
    ]
    response = await client.get("/api/area.csv", params={"on": ON, "format": "plain"},
                                headers=bearer(register["ana"]))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert (rows[-2]["area"], rows[-2]["clients"], rows[-2]["allocations_wmo"]) == ("3511", "1", "1")


@pytest.mark.parametrize("path", ["/api/signals", "/api/signals.csv"])
async def test_signals_are_for_teams_only(
    client: httpx.AsyncClient, register: dict[str, str], path: str
) -> None:
    for user in ("ana", "beheer"):
        assert (await client.get(path, headers=bearer(register[user]))).status_code == 403


async def test_pages_render_dutch_figures_and_svg(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    await login(client, "ana")
    waiting = await client.get("/wachttijden", params={"on": ON})
    assert waiting.status_code == 200
    assert "<svg" in waiting.text
    assert "februari 2025" in waiting.text
    usage = await client.get("/benutting", params={"on": ON})
    assert "28,6%" in usage.text  # 2 of 7 never started, Dutch decimal comma
    assert 'id="usage-allocations"' not in usage.text
    area = await client.get("/wijken", params={"on": ON})
    assert "<svg" in area.text
    assert "3013" in area.text
