"""STANDARD §6.2–6.3 on both backends and both standards: start, correction (3 then 1), temporary stop,
restart, definitive stop, and the retours (codes per class) for starts and stops that break the rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kit.harness import DeliveryRow, Harness, read_retour
from tests.kit.xml_messages import Assigned, Delivery, Idents, start, stop, toewijzing

DAG = date(2024, 3, 1)
STANDARDS = ["iwmo", "ijw"]
START = "/Bericht/Client/StartProducten/StartProduct"
STOP = "/Bericht/Client/StopProducten/StopProduct"
B1, B2, B3 = date(2024, 2, 1), date(2024, 2, 5), date(2024, 2, 26)


async def allocated(h: Harness, standard: str, ident: Idents) -> None:
    toe = Assigned(1001, date(2024, 1, 1), date(2024, 12, 31))
    assert (await h.send(toewijzing(standard, ident(), DAG, toe))).outcome == "recorded"


async def delivery(h: Harness, on: date) -> tuple[str, date | None]:
    [running] = await h.running(on)
    return running.delivery, running.begindatum


@pytest.mark.parametrize("standard", STANDARDS)
async def test_start_accepted_with_header_only_retour(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    result = await h.send(start(standard, ident(), DAG, Delivery(1001, B1, ingang=date(2024, 1, 1))))
    assert (result.outcome, result.codes) == ("accepted", ())
    assert result.retour is not None
    view = read_retour(result.retour)
    assert view.name.endswith("306")
    assert (view.header_codes, view.class_codes) == ((), {})
    assert await delivery(h, date(2024, 3, 1)) == ("started", B1)
    assert await delivery(h, date(2024, 1, 15)) == ("not_started", None)


@pytest.mark.parametrize("standard", STANDARDS)
async def test_second_start_while_current_is_rejected_per_class(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    await h.send(start(standard, ident(), DAG, Delivery(1001, B1)))
    result = await h.send(start(standard, ident(), DAG, Delivery(1001, B2)))
    assert (result.outcome, result.codes) == ("rejected", ("9326",))
    assert result.retour is not None
    view = read_retour(result.retour)
    assert view.header_codes == ("0200",)
    assert view.class_codes == {"/Bericht/Client": ("0200",), START: ("9326",)}
    assert await delivery(h, date(2024, 3, 1)) == ("started", B1)


@pytest.mark.parametrize("standard", STANDARDS)
async def test_start_without_allocation_and_whole_message_rejection(
    engine: AsyncEngine, standard: str
) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    result = await h.send(start(standard, ident(), DAG, Delivery(1001, B1), Delivery(4242, B1)))
    assert result.retour is not None
    view = read_retour(result.retour)
    assert view.class_codes == {
        "/Bericht/Client": ("0200",),
        f"{START}[1]": ("0200",),
        f"{START}[2]": ("9019",),
    }
    assert await h.count(DeliveryRow) == 0  # IV032: nothing of the message applied
    assert await delivery(h, date(2024, 3, 1)) == ("not_started", None)


@pytest.mark.parametrize("standard", STANDARDS)
async def test_correction_delete_then_new_start(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    await h.send(start(standard, ident(), DAG, Delivery(1001, B1)))
    deleted = await h.send(start(standard, ident(), DAG, Delivery(1001, B1, status="3")))
    assert deleted.outcome == "accepted"
    assert await delivery(h, date(2024, 3, 1)) == ("not_started", None)
    assert (await h.send(start(standard, ident(), DAG, Delivery(1001, B2)))).outcome == "accepted"
    assert await delivery(h, date(2024, 3, 1)) == ("started", B2)
    unknown = await h.send(start(standard, ident(), DAG, Delivery(1001, B1, status="3")))
    assert (unknown.outcome, unknown.codes) == ("rejected", ("9063",))


@pytest.mark.parametrize("standard", STANDARDS)
async def test_temporary_stop_restart_and_definitive_stop(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    await h.send(start(standard, ident(), DAG, Delivery(1001, B1)))
    pause = Delivery(1001, B1, reden="20", einde=date(2024, 2, 10))
    assert (await h.send(stop(standard, ident(), DAG, pause))).outcome == "accepted"
    assert await delivery(h, date(2024, 2, 20)) == ("stopped_temporarily", B1)
    again = await h.send(
        stop(standard, ident(), DAG, Delivery(1001, B1, reden="20", einde=date(2024, 2, 12)))
    )
    assert (again.outcome, again.codes) == ("rejected", ("9413",))
    undelete = await h.send(start(standard, ident(), DAG, Delivery(1001, B1, status="3")))
    assert (undelete.outcome, undelete.codes) == ("rejected", ("9071",))
    assert (await h.send(start(standard, ident(), DAG, Delivery(1001, B3)))).outcome == "accepted"  # restart
    assert await delivery(h, date(2024, 3, 1)) == ("started", B3)
    definitive_reason = "19" if standard == "iwmo" else "31"  # "ended as planned" differs per standard
    end = Delivery(1001, B3, reden=definitive_reason, einde=date(2024, 2, 28))
    assert (await h.send(stop(standard, ident(), DAG, end))).outcome == "accepted"
    assert await delivery(h, date(2024, 3, 1)) == ("stopped", B3)
    late = await h.send(stop(standard, ident(), DAG, Delivery(1001, B3, reden="02", einde=date(2024, 2, 29))))
    assert (late.outcome, late.codes) == ("rejected", ("9415",))
    assert late.retour is not None
    assert read_retour(late.retour).class_codes[STOP] == ("9415",)


@pytest.mark.parametrize("standard", STANDARDS)
async def test_stop_must_copy_the_start_key(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await allocated(h, standard, ident)
    await h.send(start(standard, ident(), DAG, Delivery(1001, B1)))
    wrong = await h.send(
        stop(standard, ident(), DAG, Delivery(1001, B2, reden="20", einde=date(2024, 2, 10)))
    )
    assert (wrong.outcome, wrong.codes) == ("rejected", ("9069",))
    early = Delivery(1001, B1, reden="20", einde=date(2024, 2, 10))
    await h.send(stop(standard, ident(), DAG, early))
    before = await h.send(
        stop(standard, ident(), DAG, Delivery(1001, B1, reden="02", einde=date(2024, 2, 8)))
    )
    assert (before.outcome, before.codes) == ("rejected", ("9414",))
