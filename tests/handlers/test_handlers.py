"""The handlers: retour plans (IV028/OP065), whole-message rejection (IV032), the commands they return."""

from __future__ import annotations

from datetime import date

from handlers import antwoord, start, toewijzing, verzoek
from handlers.context import Context
from handlers.findings import CROSS_MESSAGE, EXTERNAL, IN_MESSAGE, Finding
from handlers.outcome import (
    AddDelivery,
    RecordAllocationVersion,
    RecordAnswer,
    RecordRequest,
    RemoveDelivery,
    RetourPlan,
    UpsertClient,
    owner,
    plan_retour,
)
from tests.kit.typed_messages import (
    AANBIEDER,
    TODAY,
    FakeState,
    allocation,
    antwoord_msg,
    product,
    request,
    start_key,
    start_msg,
    start_record,
    toewijzing_msg,
    vot_msg,
)

CLASSES = [
    "/Bericht/Header",
    "/Bericht/Client",
    "/Bericht/Client/StartProducten/StartProduct[1]",
    "/Bericht/Client/StartProducten/StartProduct[2]",
]
CTX = Context(TODAY)


def test_accepted_message_gets_header_only_retour_without_codes() -> None:
    assert plan_retour([], CLASSES) == RetourPlan(())


def test_level_two_gets_header_only_0001() -> None:
    found = [
        Finding(IN_MESSAGE, "CS002", "0001", "/Bericht/Client/Bsn", "x"),
        Finding(CROSS_MESSAGE, "TR326", "9326", CLASSES[2], "y"),
    ]
    assert plan_retour(found, CLASSES) == RetourPlan(("0001",))


def test_header_failure_gets_header_only_with_its_code() -> None:
    found = [
        Finding(EXTERNAL, "TR135", "8848", "/Bericht/Header/BerichtIdentificatie/Dagtekening", "x"),
        Finding(CROSS_MESSAGE, "TR326", "9326", CLASSES[2], "y"),
    ]
    assert plan_retour(found, CLASSES) == RetourPlan(("8848",))


def test_class_failure_gets_header_0200_and_codes_per_class() -> None:
    found = [
        Finding(CROSS_MESSAGE, "TR326", "9326", CLASSES[3], "y"),
        Finding(EXTERNAL, "TR381", "S329", CLASSES[3], "z"),
    ]
    assert plan_retour(found, CLASSES) == RetourPlan(("0200",), {CLASSES[3]: ("9326", "S329")})


def test_owner_is_the_deepest_enclosing_class() -> None:
    assert owner(CLASSES[2] + "/Begindatum", CLASSES) == CLASSES[2]
    assert owner("/Bericht/Client/StartProducten/StartProduct[10]", CLASSES) == "/Bericht/Client"


async def test_start_accepted_returns_client_and_delivery_commands() -> None:
    state = FakeState(allocations=[allocation()])
    outcome = await start.handle(start_msg(start_record(), dag=TODAY), state, CTX)
    assert outcome.accepted
    assert outcome.retour == RetourPlan(())
    assert [type(c) for c in outcome.commands] == [UpsertClient, AddDelivery]
    assert not outcome.commands[0].full  # type: ignore[union-attr]


async def test_start_rejected_as_a_whole_returns_no_commands() -> None:
    state = FakeState(allocations=[allocation()], entries=[start_key()])
    msg = start_msg(start_record(1, status="3"), start_record(2, nr=5555), dag=TODAY)
    outcome = await start.handle(msg, state, CTX)
    assert not outcome.accepted
    assert outcome.commands == ()
    assert outcome.retour is not None
    assert outcome.retour.class_codes == {"/Bericht/Client/StartProducten/StartProduct[2]": ("9019",)}


async def test_start_deletion_is_applied_before_the_addition() -> None:
    state = FakeState(allocations=[allocation()], entries=[start_key()])
    msg = start_msg(start_record(1, begin=date(2024, 2, 3)), start_record(2, status="3"), dag=TODAY)
    outcome = await start.handle(msg, state, CTX)
    assert [type(c) for c in outcome.commands] == [UpsertClient, RemoveDelivery, AddDelivery]


async def test_toewijzing_records_one_version_per_product_and_full_client() -> None:
    outcome = await toewijzing.handle(toewijzing_msg(product(1), product(2, nr=1002)), FakeState(), CTX)
    kinds = [type(c) for c in outcome.commands]
    assert outcome.accepted
    assert kinds == [UpsertClient, RecordAllocationVersion, RecordAllocationVersion]
    assert outcome.commands[0].full  # type: ignore[union-attr]
    assert outcome.commands[1].aanbieder == AANBIEDER  # type: ignore[union-attr]


async def test_vot_records_one_request_per_product() -> None:
    outcome = await verzoek.handle(vot_msg("VOT-1", "VOT-2"), FakeState(), CTX)
    refs = [c.referentie_aanbieder for c in outcome.commands if isinstance(c, RecordRequest)]
    assert outcome.accepted
    assert refs == ["VOT-1", "VOT-2"]


async def test_antwoord_records_the_answer() -> None:
    outcome = await antwoord.handle(antwoord_msg("VOT-1"), FakeState(requests=[request("VOT-1")]), CTX)
    assert outcome.accepted
    assert isinstance(outcome.commands[0], RecordAnswer)
