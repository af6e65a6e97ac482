"""The register-scale paths of the running allocations, on the scenario register (SQLite and PostgreSQL).

Pages of a state-sorted or state-filtered list are cut by walking the set in sort order (see
storage.insight_queries.running); the totals of a large set are a client sample scaled up (see
running_totals). Each test compares those paths with the plain, complete answer on the same register.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.insight_queries.common import Scope
from storage.insight_queries.running import page_rows, running_allocations
from storage.insight_queries.running_set import RunningFilter
from storage.insight_queries.running_totals import Sampling
from storage.models import ClientRow
from tests.web.web_helpers import bearer

ON = "2025-03-10"
TEAM = Scope(frozenset({"0599"}))


async def _all_pages(client: httpx.AsyncClient, token: str, per_page: int, **params: str) -> list[Any]:
    items: list[Any] = []
    for page in range(1, 20):
        response = await client.get("/api/running", headers=bearer(token),
                                    params={"on": ON, "per_page": str(per_page), "page": str(page), **params})
        assert response.status_code == 200, response.text
        found = response.json()["items"]
        items += found
        if len(found) < per_page:
            return items
    raise AssertionError("more pages than the register holds")


@pytest.mark.parametrize("descending", [False, True])
async def test_pages_sorted_by_state_cross_state_boundaries(
    client: httpx.AsyncClient, register: dict[str, str], descending: bool
) -> None:
    desc = {"desc": "true"} if descending else {}
    whole = await _all_pages(client, register["wijk"], 100, sort="state", **desc)
    paged = await _all_pages(client, register["wijk"], 2, sort="state", **desc)
    assert [i["toewijzingnummer"] for i in paged] == [i["toewijzingnummer"] for i in whole]
    # 11 running in 0599 (test_web_running): states in order, within a state by toewijzingnummer.
    keys = [(i["state"], i["toewijzingnummer"]) for i in whole]
    assert len(keys) == 11
    states = [state for state, _ in keys]
    assert states == sorted(states, reverse=descending)
    for state in set(states):
        numbers = [number for s, number in keys if s == state]
        assert numbers == sorted(numbers)


async def test_state_filtered_pages_follow_the_sort(
    client: httpx.AsyncClient, register: dict[str, str]
) -> None:
    whole = await _all_pages(client, register["wijk"], 100, sort="ingangsdatum", desc="true")
    started = [i["toewijzingnummer"] for i in whole if i["state"] == "started"]
    paged = await _all_pages(client, register["wijk"], 3, sort="ingangsdatum", desc="true", state="started")
    assert [i["toewijzingnummer"] for i in paged] == started
    assert len(started) == 7  # by_state of the team's gemeente (test_web_running)


ORDERS = [{"sort": "ingangsdatum", "desc": "true"}, {"sort": "state", "desc": "true"}, {"sort": "pc4"},
          {"sort": "state", "state": "started"}]


@pytest.mark.parametrize("order", ORDERS)
async def test_csv_export_follows_the_sort_of_the_pages(
    client: httpx.AsyncClient, register: dict[str, str], order: dict[str, str]
) -> None:
    paged = await _all_pages(client, register["wijk"], 4, **order)
    response = await client.get("/api/running.csv", params={"on": ON, **order, "format": "plain"},
                                headers=bearer(register["wijk"]))
    exported = [int(row["toewijzingnummer"]) for row in csv.DictReader(io.StringIO(response.text))]
    assert exported == [i["toewijzingnummer"] for i in paged]


async def test_small_sets_are_counted_exactly(client: httpx.AsyncClient, register: dict[str, str]) -> None:
    body = (await client.get("/api/running", params={"on": ON}, headers=bearer(register["wijk"]))).json()
    assert (body["estimated"], body["sample_modulus"], body["total"]) == (False, 1, 11)


async def test_large_sets_get_a_scaled_client_sample(
    sessions: async_sessionmaker[AsyncSession], register: dict[str, str]
) -> None:
    """With 1 in 2 clients sampled and no exact threshold, every total is twice the even-id clients' share."""
    f = RunningFilter(date.fromisoformat(ON))
    async with sessions() as session:
        rows = await page_rows(session, f, TEAM, 0, None)
        pairs = await session.execute(select(ClientRow.public_id, ClientRow.id))
        ids = {public_id: id_ for public_id, id_ in pairs}
        result = await running_allocations(session, f, TEAM, Sampling(modulus=2, exact_below=0))
    sampled = [row for row in rows if ids[row.client_public_id] % 2 == 0]
    assert 0 < len(sampled) < len(rows)  # a real sample of the 11, not all or nothing
    assert result.estimated
    assert result.sample_modulus == 2
    assert result.total == 2 * len(sampled)
    assert result.clients == 2 * len({row.client_public_id for row in sampled})
    assert result.by_state == {state: 2 * n for state, n in Counter(row.state for row in sampled).items()}
    assert result.by_standard == {std: 2 * n for std, n in Counter(row.standard for row in sampled).items()}
    assert len(result.rows) == 11  # the page itself is never sampled
