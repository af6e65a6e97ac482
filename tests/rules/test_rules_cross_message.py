"""Level-3 rules of all heen messages (TR056), the 301 and the 319: a passing and a failing case each."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.findings import Finding
from handlers.messages import Product
from handlers.rules import cross_message as cm
from handlers.state import AnswerView
from tests.kit.typed_messages import (
    AANBIEDER,
    FakeState,
    allocation,
    antwoord_msg,
    product,
    request,
    start_msg,
    start_record,
    toewijzing_msg,
)


def rc(findings: Sequence[Finding]) -> list[str]:
    return [str(f.retourcode) for f in findings]


async def test_tr056_fresh_identificatie_passes() -> None:
    assert await cm.tr056_identificatie_unique(start_msg(start_record()), FakeState()) == []


async def test_tr056_reused_identificatie_fails_on_the_header() -> None:
    state = FakeState(used={("iwmo", "WMO305", AANBIEDER, "B1")})
    found = await cm.tr056_identificatie_unique(start_msg(start_record()), state)
    assert rc(found) == ["9056"]
    assert found[0].xpath.startswith("/Bericht/Header")


async def test_tr332_resend_of_same_assignment_passes() -> None:
    state = FakeState(allocations=[allocation()])
    assert await cm.tr332_toewijzingnummer_unique(toewijzing_msg(product()), state) == []


async def test_tr332_number_used_for_other_product_fails() -> None:
    state = FakeState(allocations=[allocation(code="02A02")])
    assert rc(await cm.tr332_toewijzingnummer_unique(toewijzing_msg(product()), state)) == ["9332"]


async def test_tr332_number_used_for_other_client_fails() -> None:
    state = FakeState(allocations=[allocation(bsn="999900018")])
    assert rc(await cm.tr332_toewijzingnummer_unique(toewijzing_msg(product()), state)) == ["9332"]


async def test_tr379_reference_of_pending_request_passes() -> None:
    state = FakeState(requests=[request("VOT-1")])
    assert await cm.tr379_reference_honours_a_request(toewijzing_msg(product(ref="VOT-1")), state) == []


async def test_tr379_unknown_reference_fails() -> None:
    found = await cm.tr379_reference_honours_a_request(toewijzing_msg(product(ref="VOT-9")), FakeState())
    assert rc(found) == ["9379"]


async def test_tr379_reference_of_rejected_request_fails() -> None:
    state = FakeState(requests=[request("VOT-1", "rejected")])
    found = await cm.tr379_reference_honours_a_request(toewijzing_msg(product(ref="VOT-1")), state)
    assert rc(found) == ["9379"]


async def test_tr379_reference_of_request_honoured_before_fails() -> None:
    state = FakeState(requests=[request("VOT-1", "honoured")])
    found = await cm.tr379_reference_honours_a_request(toewijzing_msg(product(ref="VOT-1")), state)
    assert rc(found) == ["9379"]


async def test_tr379_reference_of_request_under_investigation_passes() -> None:
    state = FakeState(requests=[request("VOT-1", "under_investigation")])
    assert await cm.tr379_reference_honours_a_request(toewijzing_msg(product(ref="VOT-1")), state) == []


async def test_tr355_answer_to_known_request_passes() -> None:
    state = FakeState(requests=[request("VOT-1")])
    assert await cm.tr355_answer_refers_to_request(antwoord_msg("VOT-1"), state) == []


async def test_tr355_answer_to_unknown_reference_fails() -> None:
    assert rc(await cm.tr355_answer_refers_to_request(antwoord_msg("VOT-1"), FakeState())) == ["9355"]


async def test_tr359_answer_after_honouring_301_fails() -> None:
    state = FakeState(honoured={"VOT-1"})
    assert rc(await cm.tr359_no_answer_after_allocation(antwoord_msg("VOT-1"), state)) == ["9359"]


async def test_tr359_answer_before_any_301_passes() -> None:
    assert await cm.tr359_no_answer_after_allocation(antwoord_msg("VOT-1"), FakeState()) == []


async def test_tr360_second_under_investigation_fails() -> None:
    state = FakeState(answer_list=[("VOT-1", AnswerView("VOT-1", "2"))])
    assert rc(await cm.tr360_one_under_investigation(antwoord_msg("VOT-1", "2"), state)) == ["9360"]


async def test_tr360_first_under_investigation_passes() -> None:
    assert await cm.tr360_one_under_investigation(antwoord_msg("VOT-1", "2"), FakeState()) == []


async def test_tr365_rejection_after_investigation_passes() -> None:
    state = FakeState(answer_list=[("VOT-1", AnswerView("VOT-1", "2"))])
    assert await cm.tr365_second_answer_after_investigation(antwoord_msg("VOT-1", "1"), state) == []


async def test_tr365_answer_after_rejection_fails() -> None:
    state = FakeState(answer_list=[("VOT-1", AnswerView("VOT-1", "1"))])
    assert rc(await cm.tr365_second_answer_after_investigation(antwoord_msg("VOT-1", "1"), state)) == ["9365"]


async def test_tr332_new_number_passes_for_generic_product() -> None:
    assert await cm.tr332_toewijzingnummer_unique(toewijzing_msg(product(code=None)), FakeState()) == []
    assert Product("02") != Product("02", "02A01")
