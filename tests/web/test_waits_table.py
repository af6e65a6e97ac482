"""The derived waits tables (storage.waits_table) answer as the live computation does (SQLite, PostgreSQL).

A seeded, varied register: allocations of three gemeenten, three providers and three categories,
started before, on and after their Ingangsdatum, some received after it (retroactive), some never
started; requests (315) of two gemeenten, honoured by a 301 of their own gemeente, of another one
only, or of two (the first 301 then depends on the caller's gemeenten), some of no category, some
rejected or put in onderzoek, some still waiting. After one refresh, for every scope: the waits equal
analysis.waits; on PostgreSQL the per-month summaries and the rankings over 3, 6 and 12 months equal
the Python ones (nearest rank); the waiting list, its total and its counts per provider and category
equal the live list on several reference dates. Then the pages and APIs answer the same after a
refresh as before it (live), the CSV included; `istd insight refresh` prints a line for the waits.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.web.refresher import refresh_waits_when_due
from handlers.insight.waiting import Wait, first_month, per_month, ranked
from handlers.outcome import DeliveryScope, RecordRequest, UpsertClient
from storage import waits_table
from storage.insight_queries import analysis
from storage.insight_queries.common import Scope
from storage.unit_of_work import unit_of_work
from tests.web.register_scenario import OTHER, PERSONS, G, Scenario
from tests.web.web_helpers import bearer, login

THIRD = "0363"
PROVIDERS = ("12345678", "87654321", "11223344")
CATEGORIES = ("02", "45", "01")
SCOPES = (Scope(), Scope(frozenset({G})), Scope(frozenset({OTHER})), Scope(frozenset({G, OTHER})),
          Scope(frozenset({G, THIRD})), Scope(frozenset({"0014"})))
DAYS = (date(2025, 3, 10), date(2024, 12, 1), date(2025, 6, 30), date(2026, 2, 1))


def _day(rng: random.Random) -> date:
    return date(2024, 6, 1) + timedelta(days=rng.randrange(420))


async def _request(s: Scenario, bsn: str, gemeente: str, provider: str, ref: str, day: date,
                   category: str | None) -> None:
    command = RecordRequest(DeliveryScope("iwmo", gemeente, provider, bsn), "vot", ref,
                            (("product_categorie", category),))
    await s.message("WMO315", provider, gemeente, day, [UpsertClient(bsn), command])


async def _build(session: AsyncSession) -> None:
    rng, s, bsns = random.Random(20261207), Scenario(session), list(PERSONS)
    number = 5000
    for _ in range(120):
        number += 1
        bsn, provider, gemeente = rng.choice(bsns), rng.choice(PROVIDERS), rng.choice((G, G, OTHER, THIRD))
        ingang = _day(rng)
        received = ingang + timedelta(days=rng.randrange(-15, 30))  # later: retroactive
        await s.allocation(bsn, number, provider, rng.choice(CATEGORIES), ingang, None, received,
                           gemeente=gemeente, received=received)
        if rng.random() < 0.3:
            continue  # never started
        await s.start(bsn, number, provider, "02", ingang + timedelta(days=rng.randrange(-5, 40)),
                      gemeente=gemeente)
    for n in range(70):
        bsn, provider, day = rng.choice(bsns), rng.choice(PROVIDERS), _day(rng)
        gemeente, ref = rng.choice((G, G, OTHER)), f"REF-W{n}"
        await _request(s, bsn, gemeente, provider, ref, day, rng.choice((*CATEGORIES, None)))
        fate = rng.random()
        if fate < 0.25:
            continue  # still waiting
        if fate < 0.4:
            answered = day + timedelta(days=rng.randrange(1, 20))
            await s.answer(provider, ref, answered, rng.choice(("1", "2", "3")))  # 2: in onderzoek
            continue
        # Honoured by a 301 of the request's gemeente, of another one, or of both (two dates).
        where = rng.choice(((gemeente,), (gemeente,), (gemeente,), (THIRD,), (gemeente, THIRD)))
        for allocator in where:
            number += 1
            given = day + timedelta(days=rng.randrange(0, 60))
            await s.allocation(bsn, number, provider, rng.choice(CATEGORIES), given, None, given,
                               gemeente=allocator, referentie=ref)


    await _request(s, bsns[0], G, PROVIDERS[0], "REF-NONE", date(2025, 1, 15), None)  # no category: '-'


def _key(waits: dict[str, list[Wait]]) -> dict[str, list[Wait]]:
    return {measure: sorted(rows, key=repr) for measure, rows in waits.items()}


async def test_the_tables_hold_what_the_live_computation_finds(
        sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        await _build(session)
    async with unit_of_work(sessions) as session:
        done = await waits_table.refresh_waits(session)
    assert done is not None
    assert done.rows > 100
    async with sessions() as session:
        assert await waits_table.refreshed(session) == done
        shared = (await session.execute(select(func.count()).select_from(waits_table.W)
                                        .where(waits_table.W.shared.is_(True)))).scalar_one()
        assert shared > 0  # requests honoured in two gemeenten: paired again per scope
        for scope in SCOPES:
            live = await analysis.waits(session, scope)
            found = await waits_table.waits(session, scope)
            assert _key(found) == _key(live), scope
            if waits_table.postgres(session):
                months = await waits_table.per_month(session, scope)
                assert months == {m: per_month(rows) for m, rows in live.items() if rows}, scope
                for on in DAYS:
                    for n in (3, 6, 12):
                        since, until = first_month(on, n), on.strftime("%Y-%m")
                        expected = {m: ranked(rows, since, until) for m, rows in live.items()}
                        assert await waits_table.ranked(session, scope, since, until) == expected, (scope, on)
            for on in DAYS:
                waiting = await analysis.open_requests(session, on, scope)
                assert await waits_table.open_requests(session, on, scope) == waiting, (scope, on)
                assert await waits_table.open_requests(session, on, scope, 7) == waiting[:7]
                assert await waits_table.open_total(session, on, scope) == len(waiting)
                counted = Counter((r.aanbieder, r.category) for r in waiting).most_common()
                clients = {key: len({r.client_public_id for r in waiting if (r.aanbieder, r.category) == key})
                           for key, _ in counted}
                assert await waits_table.open_counts(session, on, scope) == [
                    (provider, category, count, clients[(provider, category)])
                    for (provider, category), count in counted]
    async with sessions() as session:
        every = await analysis.waits(session, Scope())
        assert all(every.values())  # both measures have waits to compare
        waiting = await analysis.open_requests(session, DAYS[-1], Scope())
        assert "-" in {r.category for r in waiting}
        assert len({r.category for r in waiting}) > 2
        assert {r.state for r in waiting} == {"pending", "under_investigation"}


async def _answers(client: httpx.AsyncClient, register: dict[str, str]) -> list[Any]:
    found: list[Any] = []
    for token in (register["wijk"], register["ana"]):
        calls: list[tuple[str, dict[str, str | int]]] = [
            ("/api/waiting", {}), ("/api/waiting/ranked", {"on": "2025-03-10", "maanden": 3}),
            ("/api/waiting/ranked", {"on": "2025-04-30", "maanden": 12}),
            ("/api/waiting/open", {"on": "2025-03-10"})]
        for path, params in calls:
            response = await client.get(path, params=params, headers=bearer(token))
            found.append((path, response.status_code, response.json()))
        csv = await client.get("/api/waiting.csv", headers=bearer(token))
        found.append(("csv", csv.status_code, csv.text))
    for name in ("wijk", "ana"):
        await login(client, name)
        html = (await client.get("/wachttijden", params={"on": "2025-03-10", "maanden": 3})).text
        start = html.index('id="waits-updated"')
        found.append((name, html[:start], html[html.index("</p>", start):]))
    return found


async def test_the_pages_answer_the_same_from_the_tables(client: httpx.AsyncClient, register: dict[str, str],
                                                         sessions: async_sessionmaker[AsyncSession]) -> None:
    live = await _answers(client, register)
    await login(client, "wijk")
    assert "Live berekend." in (await client.get("/wachttijden", params={"on": "2025-03-10"})).text
    async with unit_of_work(sessions) as session:
        assert await waits_table.refresh_waits(session) is not None
    assert await _answers(client, register) == live
    await login(client, "wijk")
    assert "bijgewerkt" in (await client.get("/wachttijden", params={"on": "2025-03-10"})).text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_refresh_replaces_the_waits_whole(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        await _build(session)
    async with unit_of_work(sessions) as session:
        first = await waits_table.refresh_waits(session)
    async with unit_of_work(sessions) as session:
        again = await waits_table.refresh_waits(session)
    assert first is not None
    assert again is not None
    assert again.rows == first.rows  # not added to the old set
    async with sessions() as session:
        assert _key(await waits_table.waits(session, Scope())) == _key(await analysis.waits(session, Scope()))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_web_round_refreshes_the_waits_when_due(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        await _build(session)
    first = await refresh_waits_when_due(sessions, 300)  # never refreshed: now
    assert first is not None
    assert await refresh_waits_when_due(sessions, 300) is None  # fresh: left alone
    again = await refresh_waits_when_due(sessions, 0)  # older than the interval
    assert again is not None
    assert again.computed_at > first.computed_at
