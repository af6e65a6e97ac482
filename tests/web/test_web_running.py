"""Lopende toewijzingen on the scenario register (reference date 2025-03-10): figures, filters, CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from tests.web.web_helpers import bearer, login

ON = "2025-03-10"


async def _get(client: httpx.AsyncClient, token: str, **params: str) -> dict[str, Any]:
    response = await client.get("/api/running", params={"on": ON, **params}, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_totals_of_the_team_gemeente(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    body = await _get(client, register["wijk"])
    # 0599 on 2025-03-10: A1, A2, A3, A11, A5, W0-W4, A12 = 11; A4 ended, A7 deleted, A6 is gemeente 0344.
    assert body["total"] == 11
    assert body["clients"] == 4
    assert body["by_state"] == {"started": 7, "not_started": 2, "temporarily_stopped": 1, "stopped": 1}
    assert body["by_standard"] == {"iwmo": 10, "ijw": 1}
    items = body["items"]
    assert isinstance(items, list)
    numbers = [item["toewijzingnummer"] for item in items]
    assert numbers == [1001, 1002, 1004, 1011, 1100, 1101, 1102, 1103, 1104, 1201, 2001]
    first = items[0]
    assert first["client_name"] == "P Jansen"
    assert first["pc4"] == "3011"
    assert "999900006" not in str(body)  # the BSN is never in the list, the opaque id is


async def test_another_team_sees_only_its_own_gemeente(client: httpx.AsyncClient,
                                                       register: dict[str, str]) -> None:
    body = await _get(client, register["ander"])
    assert body["total"] == 1
    assert [item["toewijzingnummer"] for item in body["items"]] == [5001]


@pytest.mark.parametrize(("params", "expected"), [
    ({"state": "not_started"}, [1002, 1011]),
    ({"state": "temporarily_stopped"}, [2001]),
    ({"state": "stopped"}, [1004]),
    ({"standard": "ijw"}, [2001]),
    ({"aanbieder": "87654321", "categorie": "01"}, [1002, 1011, 1100, 1101, 1102, 1103, 1104]),
    ({"code": "02A01"}, [1001]),
    ({"pc4": "3012"}, [1004]),
    ({"on": "2025-02-01"}, [1001, 1011, 1003, 2001]),
])
async def test_filters(client: httpx.AsyncClient, register: dict[str, str], params: dict[str, str],
                       expected: list[int]) -> None:
    body = await _get(client, register["wijk"], **{"sort": "ingangsdatum", **params})
    items = body["items"]
    assert isinstance(items, list)
    assert sorted(item["toewijzingnummer"] for item in items) == sorted(expected)
    assert body["total"] == len(expected)


async def test_sort_descending_and_paging(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    first = await _get(client, register["wijk"], sort="ingangsdatum", desc="true", per_page="4")
    second = await _get(client, register["wijk"], sort="ingangsdatum", desc="true", per_page="4", page="3")
    # Ties on the date (1100..1104 all from 24 Feb; 2001 and 1011 from 1 Jan) break by the allocation in
    # the same direction as the sort, so one index walk serves both: the later registered first.
    assert [i["toewijzingnummer"] for i in first["items"]] == [1201, 1004, 1104, 1103]
    assert [i["toewijzingnummer"] for i in second["items"]] == [1001, 1011, 2001]
    assert second["total"] == 11


async def test_csv_export_has_every_filtered_row(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    response = await client.get("/api/running.csv", params={"on": ON, "state": "started", "format": "plain"},
                                headers=bearer(register["wijk"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 7
    assert {row["state"] for row in rows} == {"started"}
    assert rows[0]["toewijzingnummer"] == "1001"
    assert rows[0]["ingangsdatum"] == "2025-01-06"


@pytest.mark.parametrize(("user", "status"), [("ana", 403), ("beheer", 403)])
async def test_only_team_members_get_the_list(client: httpx.AsyncClient, register: dict[str, str], user: str,
                                              status: int) -> None:
    for path in ("/api/running", "/api/running.csv"):
        response = await client.get(path, params={"on": ON}, headers=bearer(register[user]))
        assert response.status_code == status
        assert "Jansen" not in response.text


async def test_unauthenticated_running_is_refused(client: httpx.AsyncClient,
                                                  register: dict[str, str]) -> None:
    assert (await client.get("/api/running")).status_code == 401
    page = await client.get("/lopend")
    assert page.status_code == 303
    assert page.headers["location"] == "/login"


async def test_page_shows_totals_dutch_dates_and_client_links(client: httpx.AsyncClient,
                                                              register: dict[str, str]) -> None:
    await login(client, "wijk")
    response = await client.get("/lopend", params={"on": ON, "pc4": "3011", "sort": "ingangsdatum"})
    assert response.status_code == 200
    html = response.text
    assert '<span id="total">4</span>' in html  # 1001, 1002 (P Jansen), 2001, 1011 (K Jansen)
    assert "06-01-2025" in html  # Dutch date order
    assert "tijdelijk gestopt" in html
    assert "/clienten/" in html
    assert "999900006" not in html
