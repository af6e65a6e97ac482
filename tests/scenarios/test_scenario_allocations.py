"""STANDARD §6.1 on both backends and both standards.

Allocation, change, extension, shortening, deletion (13), an older version after a newer one,
snapshot semantics, and the provider's 302.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.codec import build_retour, parse
from tests.kit.harness import AllocationVersionRow, Harness, MessageRow, OutboxRow
from tests.kit.xml_messages import (
    AANBIEDER,
    BSN,
    GEMEENTE,
    OTHER_PRODUCT,
    PRODUCT,
    Assigned,
    Idents,
    toewijzing,
)

DAG = date(2024, 3, 1)
STANDARDS = ["iwmo", "ijw"]
SHORT = {"iwmo": "wmo", "ijw": "jw"}


def first(nr: int = 1001, **changes: object) -> Assigned:
    values: dict[str, object] = {"nr": nr, "ingang": date(2024, 1, 1), "einde": date(2024, 6, 30), **changes}
    return Assigned(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("standard", STANDARDS)
async def test_allocation_is_recorded_forwarded_and_running(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    result = await h.send(
        toewijzing(standard, ident(), DAG, first(), first(1002, product=OTHER_PRODUCT[standard]))
    )
    assert (result.outcome, result.codes, result.retour) == ("recorded", (), None)
    running = await h.running(date(2024, 3, 1))
    assert [(r.toewijzingnummer, r.bsn, r.aanbieder, r.gemeente, r.delivery) for r in running] == [
        (1001, BSN, AANBIEDER, GEMEENTE, "not_started"),
        (1002, BSN, AANBIEDER, GEMEENTE, "not_started"),
    ]
    assert (running[0].product_categorie, running[0].product_code) == PRODUCT[standard]
    assert await h.count(OutboxRow, OutboxRow.routing_key == f"{AANBIEDER}.{SHORT[standard]}301") == 1


@pytest.mark.parametrize("standard", STANDARDS)
async def test_extension_shortening_and_an_older_version_arriving_late(
    engine: AsyncEngine, standard: str
) -> None:
    h, ident = Harness(engine), Idents()
    await h.send(toewijzing(standard, ident(), DAG, first()))
    extended = first(einde=date(2024, 12, 31), datum=date(2024, 2, 1), tijd=time(10, 0), reden="04")
    assert (await h.send(toewijzing(standard, ident(), DAG, extended))).outcome == "recorded"
    assert [r.einddatum for r in await h.running(date(2024, 3, 1))] == [date(2024, 12, 31)]
    shortened = first(einde=date(2024, 9, 30), datum=date(2024, 2, 20), tijd=time(8, 0), reden="05")
    await h.send(toewijzing(standard, ident(), DAG, shortened))
    assert [r.einddatum for r in await h.running(date(2024, 3, 1))] == [date(2024, 9, 30)]
    older = first(einde=date(2025, 6, 30), datum=date(2024, 2, 15), tijd=time(23, 0), reden="04")
    assert (await h.send(toewijzing(standard, ident(), DAG, older))).outcome == "recorded"
    assert [r.einddatum for r in await h.running(date(2024, 3, 1))] == [date(2024, 9, 30)]  # IV013
    assert await h.running(date(2024, 10, 1)) == []
    assert await h.count(AllocationVersionRow) == 4  # full history kept


@pytest.mark.parametrize("standard", STANDARDS)
async def test_absent_is_not_deleted_but_reason_13_deletes(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await h.send(toewijzing(standard, ident(), DAG, first(), first(1002, product=OTHER_PRODUCT[standard])))
    await h.send(toewijzing(standard, ident(), DAG, first()))  # snapshot without 1002 (OP087)
    assert [r.toewijzingnummer for r in await h.running(date(2024, 3, 1))] == [1001, 1002]
    deleted = first(
        1002, product=OTHER_PRODUCT[standard], einde=date(2024, 1, 1), reden="13", datum=date(2024, 2, 1)
    )
    assert (await h.send(toewijzing(standard, ident(), DAG, first(), deleted))).outcome == "recorded"
    assert [r.toewijzingnummer for r in await h.running(date(2024, 1, 1))] == [1001]


@pytest.mark.parametrize("standard", STANDARDS)
async def test_number_reused_for_another_client_is_refused_in_pre_flight(
    engine: AsyncEngine, standard: str
) -> None:
    h, ident = Harness(engine), Idents()
    await h.send(toewijzing(standard, ident(), DAG, first()))
    refused = await h.send(toewijzing(standard, ident(), DAG, first(), bsn="999900018"))
    assert (refused.outcome, refused.codes, refused.retour) == ("rejected", ("9332",), None)
    assert [r.bsn for r in await h.running(date(2024, 3, 1))] == [BSN]
    assert await h.count(MessageRow, MessageRow.status == "rejected", MessageRow.direction == "out") == 1


@pytest.mark.parametrize("standard", STANDARDS)
async def test_rejected_302_makes_the_301_count_as_not_sent(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    raw = toewijzing(standard, ident(), DAG, first())
    await h.send(raw)
    product = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
    refusal = build_retour(
        parse(raw, max_bytes=10**6),
        identificatie_retour="P1",
        dagtekening_retour=DAG,
        header_codes=["0200"],
        class_codes={product: ["9332"]},
    )
    paired = await h.send(refusal)
    assert (paired.outcome, paired.codes) == ("paired", ("9332",))
    assert await h.running(date(2024, 3, 1)) == []
    assert await h.count(MessageRow, MessageRow.answer == "rejected") == 1


@pytest.mark.parametrize("standard", STANDARDS)
async def test_accepted_302_pairs_and_unknown_302_is_unmatched(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    raw = toewijzing(standard, ident(), DAG, first())
    await h.send(raw)
    doc = parse(raw, max_bytes=10**6)
    ok = build_retour(
        doc, identificatie_retour="P1", dagtekening_retour=DAG, header_codes=[], class_codes=None
    )
    assert (await h.send(ok)).outcome == "paired"
    assert [r.toewijzingnummer for r in await h.running(date(2024, 3, 1))] == [1001]
    stranger = build_retour(
        parse(toewijzing(standard, "NEVER", DAG, first()), max_bytes=10**6),
        identificatie_retour="P2",
        dagtekening_retour=DAG,
        header_codes=[],
        class_codes=None,
    )
    assert (await h.send(stranger)).outcome == "unmatched"
    assert await h.count(MessageRow, MessageRow.status == "unmatched") == 1
