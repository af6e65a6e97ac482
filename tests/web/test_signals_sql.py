"""Signals computed by the database give the same answer as the Python computation (signals_reference.py).

A seeded, varied register (register_scenario's Scenario, on SQLite and PostgreSQL): allocations of two
gemeenten and three providers, some never started, started before their Ingangsdatum, received after it
(retroactive), stopped for good or for a while (RedenBeeindiging 20) or not at all after their end;
heen messages with and without our retour; requests never answered, answered after their deadline,
put in onderzoek or rejected; 323s with a published, an unpublished or no 325; some signals marked
handled. Compared on reference days around deadlines and holidays, per gemeente and for all, with
every filter: the full list in order, each page, and the counts per kind.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.insight.signals import SAME_DAY_ORDER
from storage.insight_queries.common import Scope
from storage.insight_queries.signals import SignalFilter, SignalRow, signal_counts, signal_page
from storage.models import ClientRow, MessageRow, OutboxRow, RetourRow
from storage.unit_of_work import unit_of_work
from storage.web_models import SignalHandledRow
from tests.web import signals_reference
from tests.web.register_scenario import OTHER, PERSONS, Scenario

G = "0599"
PROVIDERS = ("12345678", "87654321", "11223344")
# Around deadlines, weekends and holidays: Koningsdag (Sat 26-04-2025), Bevrijdingsdag, Hemelvaart
# (29-05-2025), Christmas and New Year.
PAGE = 9
DAYS = (date(2025, 3, 10), date(2025, 4, 28), date(2025, 5, 6), date(2025, 6, 2), date(2025, 6, 10),
        date(2025, 12, 29), date(2026, 1, 2), date(2025, 2, 14))


async def _declaration(session: AsyncSession, n: int, day: date, gemeente: str, provider: str,
                       answer: str) -> None:
    """A judged 323; `answer`: none (no 325), built (325 in the outbox, unpublished) or published."""
    ident = f"D{n:05d}"
    heen = MessageRow(sha256=hashlib.sha256(ident.encode()).hexdigest(), raw=b"-", standard="iwmo",
                      message_name="WMO323", message_number=323, sender=provider, receiver=gemeente,
                      identificatie=ident, dagtekening=day,
                      received_at=datetime.combine(day, time(23, 30), UTC),
                      direction="in", status="accepted", codes=[], findings=[])
    session.add(heen)
    await session.flush()
    if answer == "none":
        return
    out = MessageRow(sha256=hashlib.sha256(f"A{ident}".encode()).hexdigest(), raw=b"-", standard="iwmo",
                     message_name="WMO325", message_number=325, sender=gemeente, receiver=provider,
                     identificatie=f"A{ident}", dagtekening=day,
                     received_at=datetime.combine(day, time(0, 5), UTC),
                     direction="out", status="sent", codes=[], findings=[])
    session.add(out)
    await session.flush()
    session.add(RetourRow(direction="sent", heen_message_id=heen.id, retour_message_id=out.id,
                          identificatie_retour=f"A{ident}", header_codes=[], class_codes={}, accepted=True))
    published = datetime.combine(day + timedelta(days=20), time(8), UTC) if answer == "published" else None
    session.add(OutboxRow(exchange="istd.out", routing_key="x.wmo325", body=b"-",
                          content_type="application/xml",
                          message_id=f"WMO325-A{ident}", created_at=datetime.combine(day, time(9), UTC),
                          published_at=published))
    await session.flush()


def _day(rng: random.Random) -> date:
    return date(2024, 11, 1) + timedelta(days=rng.randrange(420))


async def _build(session: AsyncSession) -> None:
    rng, s = random.Random(20251207), Scenario(session)
    bsns = list(PERSONS)
    for number in range(3000, 3090):
        bsn, provider, gemeente = rng.choice(bsns), rng.choice(PROVIDERS), rng.choice((G, G, OTHER))
        ingang = _day(rng)
        end = ingang + timedelta(days=rng.randrange(20, 200)) if rng.random() < 0.6 else None
        received = ingang + timedelta(days=rng.randrange(-15, 30))  # after the Ingangsdatum: retroactive
        await s.allocation(bsn, number, provider, "02", ingang, end, received, gemeente=gemeente,
                           received=received)
        if rng.random() < 0.35:
            continue  # never started
        begin = ingang + timedelta(days=rng.randrange(-5, 25))  # a start before the Ingangsdatum too
        await s.start(bsn, number, provider, "02", begin, gemeente=gemeente, retour=rng.random() < 0.85)
        if end is not None and rng.random() < 0.5:
            reason = rng.choice(("20", "23", "02"))
            stopped = end + timedelta(days=rng.randrange(0, 5))
            await s.stop(bsn, number, provider, "02", begin, stopped, reason,
                         gemeente=gemeente)
    for n in range(40):
        bsn, provider, day = rng.choice(bsns), rng.choice(PROVIDERS), _day(rng)
        await s.request(bsn, provider, f"REF-{n}", day)
        fate = rng.random()
        if fate < 0.3:
            continue  # never answered
        answered = day + timedelta(days=rng.choice((1, 4, 9, 30)))  # in time or late
        await s.answer(provider, f"REF-{n}", answered, "2" if fate < 0.7 else rng.choice(("1", "3")))
    for n in range(30):
        await _declaration(session, n, _day(rng), rng.choice((G, OTHER)), rng.choice(PROVIDERS),
                           rng.choice(("none", "built", "published")))


async def _mark_some(session: AsyncSession, today: date) -> set[str]:
    """Mark every third signal open on `today` handled; the marks' keys."""
    rows = await signals_reference.signals(session, today, Scope())
    marked = {r.key: r for r in rows[::3]}
    for key, r in marked.items():
        session.add(SignalHandledRow(key=key, kind=r.signal.kind, gemeente=r.gemeente,
                                     subject=r.signal.subject,
                                     user_id=None, handled_by="test", handled_at=datetime.now(UTC),
                                     reason="getest"))
    await session.flush()
    return set(marked)


def _view(rows: list[SignalRow]) -> list[tuple[object, ...]]:
    return [(r.signal, r.gemeente, r.aanbieder, r.client_public_id) for r in rows]


def _order(row: SignalRow) -> tuple[object, ...]:
    s = row.signal
    return (-s.since.toordinal(), -s.overdue, s.kind, s.subject)


async def _same_list(session: AsyncSession, today: date, scope: Scope,
                     wanted: SignalFilter) -> list[SignalRow]:
    expected = await signals_reference.signals(session, today, scope, wanted)
    found = await signal_page(session, today, scope, wanted)
    # The same signals, in the same order; rows alike in every sort key (a start with two live starts
    # unstopped) may come in either order.
    assert sorted(_view(found), key=repr) == sorted(_view(expected), key=repr), today
    assert [_order(r) for r in found] == [_order(r) for r in expected]
    return expected


async def _compare(session: AsyncSession, today: date, scope: Scope, wanted: SignalFilter,
                   handled: set[str]) -> int:
    expected = await _same_list(session, today, scope, wanted)
    open_rows = [r for r in expected if r.key not in handled]
    paged = [row for offset in range(0, len(open_rows) + PAGE, PAGE)
             for row in await signal_page(session, today, scope, wanted, with_handled=False, offset=offset,
                                          limit=PAGE)]
    assert sorted(_view(paged), key=repr) == sorted(_view(open_rows), key=repr)
    assert [_order(r) for r in paged] == [_order(r) for r in open_rows]
    counts = await signal_counts(session, today, scope, wanted)
    assert {k: c.total for k, c in counts.items()} == Counter(r.signal.kind for r in expected)
    assert {k: c.open for k, c in counts.items() if c.open} == Counter(r.signal.kind for r in open_rows)
    return len(expected)


async def test_the_database_finds_the_signals_python_finds(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with unit_of_work(sessions) as session:
        await _build(session)
        handled = await _mark_some(session, date(2025, 6, 10))
    async with sessions() as session:
        client = await session.get(ClientRow, 1)
        assert client is not None
        seen: Counter[str] = Counter()
        for today in DAYS:
            for scope in (Scope(), Scope(frozenset({G})), Scope(frozenset({OTHER, "0363"}))):
                for wanted in (SignalFilter(), SignalFilter(min_age=12), SignalFilter(min_age=0),
                               SignalFilter(frozenset({"start_missing", "retour_missing"})),
                               SignalFilter(aanbieder=PROVIDERS[0]), SignalFilter(client=client.public_id),
                               SignalFilter(frozenset({"investigation_overdue"}), min_age=45)):
                    await _compare(session, today, scope, wanted, handled)
            for row in await signal_page(session, today, Scope()):
                seen[row.signal.kind] += 1
    assert set(seen) == set(SAME_DAY_ORDER), seen  # every rule has signals to compare
    assert handled


async def test_every_day_of_two_months_at_the_deadlines(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Day by day, so each rule's bound meets clocks that became late that very day (and some that not)."""
    async with unit_of_work(sessions) as session:
        await _build(session)
    async with sessions() as session:
        for offset in range(62):
            today = date(2025, 4, 15) + timedelta(days=offset)
            await _same_list(session, today, Scope(), SignalFilter())
            await _same_list(session, today, Scope(), SignalFilter(min_age=offset % 9))


async def test_an_age_beyond_every_clock_finds_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with unit_of_work(sessions) as session:
        await _build(session)
    async with sessions() as session:
        for min_age in (400, 9999):
            wanted = SignalFilter(min_age=min_age)
            assert await signal_page(session, date(2025, 6, 10), Scope(), wanted) == []
            assert await signal_counts(session, date(2025, 6, 10), Scope(), wanted) == {}
