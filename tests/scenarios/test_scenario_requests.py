"""STANDARD §6.4 on both backends and both standards: VOT honoured by a 301, VOW rejected by a 319,
a second request while one is pending (9374), and the 319 pre-flight."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kit.harness import Harness, read_retour
from tests.kit.xml_messages import Assigned, Change, Idents, antwoord, toewijzing, vot, vow

DAG = date(2024, 3, 1)
STANDARDS = ["iwmo", "ijw"]


@pytest.mark.parametrize("standard", STANDARDS)
async def test_vot_pending_then_honoured_by_a_301(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    asked = await h.send(vot(standard, ident(), DAG, "VOT-1"))
    assert (asked.outcome, asked.codes) == ("accepted", ())
    assert asked.retour is not None
    assert read_retour(asked.retour).name.endswith("316")
    assert await h.request_states() == {"VOT-1": "pending"}
    second = await h.send(vot(standard, ident(), DAG, "VOT-2"))
    assert (second.outcome, second.codes) == ("rejected", ("9374",))
    assert second.retour is not None
    assert read_retour(second.retour).class_codes["/Bericht/Client"] == ("9374",)
    honour = Assigned(2001, date(2024, 4, 1), date(2024, 12, 31), ref="VOT-1")
    assert (await h.send(toewijzing(standard, ident(), DAG, honour))).outcome == "recorded"
    assert await h.request_states() == {"VOT-1": "honoured"}
    late_answer = await h.send(antwoord(standard, ident(), DAG, "VOT-1"))
    assert (late_answer.outcome, late_answer.codes) == ("rejected", ("9359",))
    # TR379/IV097: only the 301 that honours the request carries its reference, not a later change.
    extended = Assigned(2001, date(2024, 4, 1), date(2025, 6, 30), datum=DAG, ref="VOT-1")
    still_referring = await h.send(toewijzing(standard, ident(), DAG, extended))
    assert (still_referring.outcome, still_referring.codes) == ("rejected", ("9379",))
    extended = Assigned(2001, date(2024, 4, 1), date(2025, 6, 30), datum=DAG)
    assert (await h.send(toewijzing(standard, ident(), DAG, extended))).outcome == "recorded"


@pytest.mark.parametrize("standard", STANDARDS)
async def test_vow_under_investigation_then_rejected_by_a_319(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    first_half = Assigned(1001, date(2024, 1, 1), date(2024, 6, 30))
    second_half = Assigned(1002, date(2024, 7, 1), date(2024, 12, 31))
    await h.send(toewijzing(standard, ident(), DAG, first_half, second_half))
    new = ((date(2024, 4, 1), date(2024, 12, 31)),)
    incomplete = await h.send(vow(standard, ident(), DAG, "VOW-0", unchanged=(1001,), new=new))
    assert (incomplete.outcome, incomplete.codes) == ("rejected", ("9349",))
    assert incomplete.retour is not None
    assert read_retour(incomplete.retour).class_codes["/Bericht/Client/Verzoek"] == ("9349",)
    change = Change(1001, date(2024, 4, 1), date(2024, 5, 31))
    request = vow(standard, ident(), DAG, "VOW-1", unchanged=(1002,), changes=(change,), new=new)
    assert (await h.send(request)).outcome == "accepted"
    investigating = await h.send(antwoord(standard, ident(), DAG, "VOW-1", answer="2"))
    assert investigating.outcome == "recorded"
    assert await h.request_states() == {"VOW-1": "under_investigation"}
    again = await h.send(antwoord(standard, ident(), DAG, "VOW-1", answer="2"))
    assert (again.outcome, again.codes) == ("rejected", ("9360",))
    assert (await h.send(antwoord(standard, ident(), DAG, "VOW-1", answer="1"))).outcome == "recorded"
    assert await h.request_states() == {"VOW-1": "rejected"}
    after = vow(standard, ident(), DAG, "VOW-2", unchanged=(1001, 1002), new=new)
    assert (await h.send(after)).outcome == "accepted"  # allowed again once the previous was rejected (TR374)


@pytest.mark.parametrize("standard", STANDARDS)
async def test_answer_to_unknown_reference_is_refused_in_pre_flight(
    engine: AsyncEngine, standard: str
) -> None:
    h, ident = Harness(engine), Idents()
    refused = await h.send(antwoord(standard, ident(), DAG, "NOPE"))
    assert (refused.outcome, refused.codes, refused.retour) == ("rejected", ("9355",), None)


@pytest.mark.parametrize("standard", STANDARDS)
async def test_reused_reference_is_rejected_on_its_product(engine: AsyncEngine, standard: str) -> None:
    h, ident = Harness(engine), Idents()
    await h.send(vot(standard, ident(), DAG, "VOT-1"))
    await h.send(antwoord(standard, ident(), DAG, "VOT-1", answer="1"))
    reused = await h.send(vot(standard, ident(), DAG, "VOT-1"))
    assert (reused.outcome, reused.codes) == ("rejected", ("9347",))
    assert reused.retour is not None
    product = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct"
    assert read_retour(reused.retour).class_codes[product] == ("9347",)
