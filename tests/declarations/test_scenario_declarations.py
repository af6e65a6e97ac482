"""Declarations end to end on SQLite and PostgreSQL, both standards: each 323 answered by one 325
(its XML checked) and the declaration register checked after it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.insight.calendar import add_working_days
from storage.engine import session_factory
from storage.insight_queries.common import Scope
from storage.insight_queries.signals import signals
from storage.models import OutboxRow
from storage.unit_of_work import unit_of_work
from tests.declarations.declaratie_messages import (
    AANBIEDER,
    BSN,
    OTHER_PRODUCT,
    Allocated,
    Line,
    one_client,
    toewijzing,
)
from tests.declarations.declaration_harness import Harness, read_325

STANDARDS = ["iwmo", "ijw"]
DAG = date(2024, 5, 3)
MARCH = (date(2024, 3, 1), date(2024, 3, 31))


async def allocated(h: Harness, standard: str, *products: Allocated) -> None:
    result = await h.send(toewijzing(standard, "T301", date(2024, 1, 5), *(products or (Allocated(),))))
    assert result.outcome == "recorded"


def name_325(standard: str) -> str:
    return "WMO325" if standard == "iwmo" else "JW325"


@pytest.mark.parametrize("standard", STANDARDS)
async def test_fully_awarded(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    other = OTHER_PRODUCT[standard]
    await allocated(h, standard, Allocated(), Allocated(nr=1002, product=other))
    claimed = (Line("R1"), Line("R2", nr=1002, volume=5, product=other))
    result = await h.send(one_client(standard, "D1", DAG, "N1", *claimed))
    assert (result.outcome, result.codes) == ("accepted", ("0200", "8001"))
    assert result.retour is not None
    answer = read_325(result.retour)
    assert (answer.name, answer.afzender, answer.ontvanger) == (name_325(standard), "0363", AANBIEDER)
    assert (answer.declaratie_identificatie, answer.header_codes, answer.antwoord_codes) == (
        "D1",
        ("0200",),
        ("8001",),
    )
    assert (answer.toegekend, answer.ingediend, answer.prestaties) == (75000, 75000, {})
    [declaration] = await h.declarations()
    assert (declaration.status, declaration.toegekend, declaration.declaratienummer) == (
        "accepted",
        75000,
        "N1",
    )
    lines = await h.lines()
    versions = await h.version_ids()
    assert [(r.status, r.allocation_version_id, r.bedrag) for r in lines.values()] == [
        ("awarded", versions[1001], 50000),
        ("awarded", versions[1002], 25000),
    ]
    [queued] = await h.outbox(f".{name_325(standard).lower()}")
    assert (queued.routing_key, queued.body) == (f"{AANBIEDER}.{name_325(standard).lower()}", result.retour)


@pytest.mark.parametrize("standard", STANDARDS)
async def test_partial_one_line_on_unknown_allocation(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    await allocated(h, standard)
    result = await h.send(one_client(standard, "D1", DAG, "N1", Line("R1"), Line("R2", nr=4242, volume=2)))
    assert (result.outcome, result.codes) == ("partial", ("0200", "9338"))
    assert result.retour is not None
    answer = read_325(result.retour)
    assert (answer.antwoord_codes, answer.toegekend, answer.ingediend) == (("0200",), 50000, 60000)
    assert (answer.clients, answer.prestaties) == ({BSN: ("0200",)}, {"R2": ("9338",)})
    [declaration] = await h.declarations()
    assert (declaration.status, declaration.toegekend) == ("partial", 50000)
    lines = await h.lines()
    assert [(r.status, r.codes) for r in lines.values()] == [("awarded", []), ("rejected", ["9338"])]


@pytest.mark.parametrize("standard", STANDARDS)
async def test_duplicate_declaratienummer(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    await allocated(h, standard)
    march = Line("R1", begin=MARCH[0], end=MARCH[1])
    assert (await h.send(one_client(standard, "D1", DAG, "N1", march, periode=MARCH))).outcome == "accepted"
    result = await h.send(one_client(standard, "D2", DAG, "N1", Line("R2")))
    assert (result.outcome, result.codes) == ("rejected", ("0200", "9333"))
    assert result.retour is not None
    answer = read_325(result.retour)
    assert (answer.antwoord_codes, answer.toegekend, answer.prestaties) == (("9333",), 0, {})
    first, second = await h.declarations()
    assert first.status == "accepted"
    assert (second.status, second.assessed, second.toegekend) == ("rejected", False, 0)
    assert (await h.lines())["R2"].status == "not_assessed"


@pytest.mark.parametrize("standard", STANDARDS)
async def test_credit_of_awarded_line_and_of_unknown_line(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    await allocated(h, standard)
    march = one_client(
        standard, "D1", date(2024, 4, 2), "N1", Line("R1", begin=MARCH[0], end=MARCH[1]), periode=MARCH
    )
    assert (await h.send(march)).outcome == "accepted"
    credit = Line("C1", begin=MARCH[0], end=MARCH[1], credit_of="R1")
    corrected = Line("R2", begin=MARCH[0], end=MARCH[1], volume=8)
    unknown = Line("C9", begin=MARCH[0], end=MARCH[1], credit_of="NOPE")
    result = await h.send(one_client(standard, "D2", DAG, "N2", corrected, credit, unknown))
    assert (result.outcome, result.codes) == ("partial", ("0200", "8017"))
    assert result.retour is not None
    answer = read_325(result.retour)
    assert answer.prestaties == {"C9": ("8017",)}
    assert (answer.toegekend, answer.ingediend) == (40000 - 50000, 40000 - 50000 - 50000)
    lines = await h.lines()
    assert (lines["R1"].status, lines["R1"].credited_by_id) == ("credited", lines["C1"].id)
    assert [lines[ref].status for ref in ("C1", "R2", "C9")] == ["awarded", "awarded", "rejected"]
    # A second credit of R1 is refused, in the next month's declaration: it was credited already (TR390).
    h.today = date(2024, 6, 5)
    second = Line("C2", begin=MARCH[0], end=MARCH[1], credit_of="R1")
    may = (date(2024, 5, 1), date(2024, 5, 31))
    again = await h.send(one_client(standard, "D3", date(2024, 6, 3), "N3", second, periode=may))
    assert (again.outcome, again.codes) == ("rejected", ("0200", "9390"))


@pytest.mark.parametrize("standard", STANDARDS)
async def test_claim_on_deleted_allocation(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    other = OTHER_PRODUCT[standard]
    gone = Allocated(nr=1002, ingang=date(2024, 1, 1), einde=date(2024, 1, 1), reden="13", product=other)
    await allocated(h, standard, Allocated(), gone)
    result = await h.send(one_client(standard, "D1", DAG, "N1", Line("R1", nr=1002, product=other)))
    assert (result.outcome, result.codes) == ("rejected", ("0200", "9384"))
    assert result.retour is not None
    answer = read_325(result.retour)
    assert (answer.toegekend, answer.prestaties) == (0, {"R1": ("9384",)})
    assert (await h.lines())["R1"].codes == ["9384"]


@pytest.mark.parametrize("standard", STANDARDS)
async def test_level_2_failure_is_answered_header_only(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    await allocated(h, standard)
    raw = one_client(standard, "D1", DAG, "N1", Line("R1"))
    prefix = "iwmo" if standard == "iwmo" else "ijw"
    broken = raw.replace(f"<{prefix}:TotaalBedrag>50000<".encode(), f"<{prefix}:TotaalBedrag>50001<".encode())
    assert broken != raw
    result = await h.send(broken)  # TR358: the total is not the sum of the lines
    assert (result.outcome, result.codes) == ("rejected", ("0001",))
    assert result.retour is not None
    answer = read_325(result.retour)
    assert (answer.header_codes, answer.antwoord_codes, answer.declaratie_identificatie) == (
        ("0001",),
        None,
        "D1",
    )
    assert await h.declarations() == []
    assert len(await h.outbox(f".{name_325(standard).lower()}")) == 1


@pytest.mark.parametrize("standard", STANDARDS)
async def test_redelivery_gives_the_same_325_and_no_second_effect(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    await allocated(h, standard)
    raw = one_client(standard, "D1", DAG, "N1", Line("R1"), Line("R2", nr=4242))
    first = await h.send(raw)
    again = await h.send(raw)
    assert (first.outcome, again.outcome) == ("partial", "duplicate")
    assert again.retour == first.retour
    assert len(await h.declarations()) == 1
    assert len(await h.lines()) == 2
    assert len(await h.outbox(f".{name_325(standard).lower()}")) == 1


@pytest.mark.parametrize("standard", STANDARDS)
async def test_tr385_deleting_an_allocation_with_awarded_claims_is_refused(
    engine: AsyncEngine, standard: str
) -> None:
    h = Harness(engine)
    await allocated(h, standard)
    march = Line("R1", begin=MARCH[0], end=MARCH[1])
    assert (
        await h.send(one_client(standard, "D1", date(2024, 4, 2), "N1", march, periode=MARCH))
    ).outcome == ("accepted")
    deletion = Allocated(einde=date(2024, 1, 1), reden="13", datum=date(2024, 5, 6))
    refused = await h.send(toewijzing(standard, "T2", date(2024, 5, 6), deletion))
    assert (refused.outcome, refused.codes) == ("rejected", ("9385",))
    name = "wmo301" if standard == "iwmo" else "jw301"
    keys = sorted(o.routing_key for o in await h.outbox(f".{name}"))
    assert keys == [f"{AANBIEDER}.{name}", f"rejected.{name}"]  # the refused 301 is reported, not forwarded
    # Once the claim is credited, nothing awarded remains: the deletion passes.
    credit = Line("C1", begin=MARCH[0], end=MARCH[1], credit_of="R1")
    assert (await h.send(one_client(standard, "D2", DAG, "N2", credit))).outcome == "accepted"
    assert (await h.send(toewijzing(standard, "T3", date(2024, 5, 6), deletion))).outcome == "recorded"


async def test_signal_when_a_325_is_not_published_within_10_working_days(engine: AsyncEngine) -> None:
    h = Harness(engine)
    await allocated(h, "ijw")
    result = await h.send(one_client("ijw", "D1", DAG, "N1", Line("R1")))
    received = datetime.now(UTC).date()
    due = add_working_days(received, 10)

    async def open_signals(today: date) -> list[tuple[str, str, str | None]]:
        async with unit_of_work(session_factory(engine)) as session:
            rows = await signals(session, today, Scope())
        return [(r.signal.kind, r.signal.subject, r.gemeente) for r in rows if r.signal.rule == "OP090x4"]

    assert await open_signals(due) == []  # the deadline day itself is still in time
    late = add_working_days(due, 1)
    assert await open_signals(late) == [("declaration_unanswered", "JW323 D1", "0363")]
    async with unit_of_work(session_factory(engine)) as session:
        await session.execute(update(OutboxRow).where(OutboxRow.routing_key.endswith(".jw325"))
                              .values(published_at=datetime.now(UTC)))  # fmt: skip
    assert await open_signals(late) == []
    assert result.outcome == "accepted"
