"""Redelivery and duplicates on both backends.

Same bytes → no second effect and the same retour; a reused Identificatie → 9056; a future Dagtekening
→ 8848; XSD-invalid input kept with an error report and no retour.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import session_factory
from storage.unit_of_work import unit_of_work
from tests.kit.harness import DeliveryRow, Harness, MessageRow, OutboxRow, read_retour
from tests.kit.xml_messages import Assigned, Delivery, Idents, start, toewijzing

DAG = date(2024, 3, 1)
STANDARDS = ["iwmo", "ijw"]
B1 = date(2024, 2, 1)


async def allocated(h: Harness, standard: str, ident: Idents) -> None:
    await h.send(toewijzing(standard, ident(), DAG, Assigned(1001, date(2024, 1, 1), date(2024, 12, 31))))


@pytest.mark.parametrize("standard", STANDARDS)
async def test_redelivery_has_no_second_effect_and_the_same_retour(
    engine: AsyncEngine, standard: str
) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    raw = start(standard, ident(), DAG, Delivery(1001, B1))
    first = await h.send(raw)
    again = await h.send(raw)
    assert (first.outcome, again.outcome) == ("accepted", "duplicate")
    assert again.retour == first.retour
    assert again.identificatie == first.identificatie
    assert await h.count(DeliveryRow) == 1
    assert await h.count(MessageRow, MessageRow.status == "sent") == 1
    assert await h.count(OutboxRow, OutboxRow.exchange == "istd.out", OutboxRow.routing_key.like("%306")) == 1


@pytest.mark.parametrize("standard", STANDARDS)
async def test_reused_identificatie_gets_9056_on_the_header(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    await h.send(start(standard, "SAME", DAG, Delivery(1001, B1)))
    other = await h.send(start(standard, "SAME", DAG, Delivery(1001, B1, status="3")))  # fine but for its id
    assert (other.outcome, other.codes) == ("rejected", ("9056",))
    assert other.retour is not None
    view = read_retour(other.retour)
    assert (view.header_codes, view.class_codes) == (("9056",), {})


@pytest.mark.parametrize("standard", STANDARDS)
async def test_future_dagtekening_gets_8848_header_only(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine, today=date(2024, 2, 29)), Idents()
    await allocated(h, standard, ident)  # the 301 is dated 1 March too: refused in pre-flight
    result = await h.send(start(standard, ident(), DAG, Delivery(1001, B1)))
    assert result.retour is not None
    assert read_retour(result.retour).header_codes == ("8848",)
    assert "8848" in result.codes


@pytest.mark.parametrize("standard", STANDARDS)
async def test_xsd_invalid_is_kept_reported_and_not_answered(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    valid = start(standard, ident(), DAG, Delivery(1001, B1))
    raw = valid.replace(b"305:Geslacht>2<", b"305:Geslacht>7<")
    assert raw != valid
    result = await h.send(raw)
    assert (result.outcome, result.retour) == ("invalid", None)
    assert await h.count(MessageRow, MessageRow.status == "invalid", MessageRow.raw == raw) == 1
    async with unit_of_work(session_factory(engine)) as session:
        query = select(OutboxRow.body).where(OutboxRow.exchange == "istd.errors")
        report = (await session.scalars(query)).one()
    finding = json.loads(report)["findings"][0]
    assert finding["xpath"].endswith("Geslacht")
    assert finding["line"] is not None
    assert "999900006" not in report.decode()


@pytest.mark.parametrize("standard", STANDARDS)
async def test_not_xml_is_kept_as_invalid(engine: AsyncEngine, standard: str) -> None:
    h = Harness(engine)
    result = await h.send(b"this is not a message")
    assert (result.outcome, result.message) == ("invalid", None)
    assert (await h.send(b"this is not a message")).outcome == "duplicate"
