"""Level-3 rules of the VOT (315) and VOW (317): a passing and a failing case each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from handlers.findings import Finding
from handlers.messages import Omvang, Product
from handlers.rules import cross_message_change as change
from handlers.rules import cross_message_request as cr
from tests.kit.typed_messages import (
    FakeState,
    allocation,
    new_product,
    request,
    to_change,
    unchanged,
    vot_msg,
    vow_msg,
)


def rc(findings: Sequence[Finding]) -> list[str]:
    return [str(f.retourcode) for f in findings]


async def test_tr347_new_reference_passes() -> None:
    assert await cr.tr347_reference_unique(vot_msg("VOT-1", "VOT-2"), FakeState()) == []


async def test_tr347_reused_reference_fails_on_that_product() -> None:
    found = await cr.tr347_reference_unique(
        vot_msg("VOT-1", "VOT-2"), FakeState(requests=[request("VOT-2", "rejected")])
    )
    assert rc(found) == ["9347"]
    assert found[0].xpath.endswith("AangevraagdProduct[2]")


async def test_tr347_reused_vow_reference_fails_on_verzoek() -> None:
    found = await cr.tr347_reference_unique(
        vow_msg("VOT-1"), FakeState(requests=[request("VOT-1", "honoured")])
    )
    assert rc(found) == ["9347"]
    assert found[0].xpath == "/Bericht/Client/Verzoek"


async def test_tr374_request_while_one_pending_fails() -> None:
    found = await cr.tr374_no_pending_request(vot_msg("VOT-2"), FakeState(requests=[request("VOT-1")]))
    assert rc(found) == ["9374"]


async def test_tr374_request_after_rejection_passes() -> None:
    assert (
        await cr.tr374_no_pending_request(
            vot_msg("VOT-2"), FakeState(requests=[request("VOT-1", "rejected")])
        )
        == []
    )


async def test_tr374_under_investigation_is_still_pending() -> None:
    state = FakeState(requests=[request("VOT-1", "under_investigation")])
    assert rc(await cr.tr374_no_pending_request(vow_msg(), state)) == ["9374"]


async def test_tr304_vow_for_client_without_allocations_fails() -> None:
    assert rc(await cr.tr304_known_client(vow_msg(), [])) == ["8187"]


async def test_tr304_vow_for_known_client_passes() -> None:
    assert await cr.tr304_known_client(vow_msg(), [allocation()]) == []


def current(*views: object) -> dict[int, object]:
    return {v.key.toewijzingnummer: v for v in views}  # type: ignore[attr-defined]


def test_tr349_vow_naming_all_current_passes() -> None:
    msg = vow_msg(ongewijzigd=(unchanged(1001),), te_wijzigen=(to_change(1002),))
    assert cr.tr349_all_current_allocations(msg, current(allocation(1001), allocation(1002))) == []  # type: ignore[arg-type]


def test_tr349_vow_missing_a_current_allocation_fails() -> None:
    msg = vow_msg(ongewijzigd=(unchanged(1001),), nieuw=(new_product(),))
    assert rc(cr.tr349_all_current_allocations(msg, current(allocation(1001), allocation(1002)))) == ["9349"]  # type: ignore[arg-type]


def test_tr350_unchanged_not_current_fails_and_current_passes() -> None:
    msg = vow_msg(ongewijzigd=(unchanged(1001, 1), unchanged(7777, 2)))
    found = cr.tr350_unchanged_is_current(msg, current(allocation(1001)))  # type: ignore[arg-type]
    assert rc(found) == ["9350"]
    assert found[0].xpath.endswith("OngewijzigdProduct[2]")


def test_tr351_change_not_current_fails_and_current_passes() -> None:
    msg = vow_msg(te_wijzigen=(to_change(1001, 1), to_change(7777, 2)))
    found = cr.tr351_to_change_is_current(msg, current(allocation(1001)))  # type: ignore[arg-type]
    assert rc(found) == ["9351"]
    assert found[0].xpath.endswith("TeWijzigenProduct[2]")


def test_tr349_deleted_allocation_is_not_current() -> None:
    deleted = allocation(1002, einde=date(2024, 1, 1), reden="13")
    assert not deleted.current_on(date(2024, 3, 1))
    assert allocation(1001).current_on(date(2024, 3, 1))


def test_tr361_same_product_overlapping_fails() -> None:
    msg = vow_msg(te_wijzigen=(to_change(1001, einddatum=date(2024, 12, 31)),), nieuw=(new_product(),))
    assert rc(cr.tr361_no_overlapping_products(msg, current(allocation(1001)))) == ["9361"]  # type: ignore[arg-type]


def test_tr361_same_product_after_shortening_passes() -> None:
    msg = vow_msg(te_wijzigen=(to_change(1001, einddatum=date(2024, 3, 31)),), nieuw=(new_product(),))
    assert cr.tr361_no_overlapping_products(msg, current(allocation(1001))) == []  # type: ignore[arg-type]


def test_tr361_hulpmiddelen_may_overlap_in_iwmo_only() -> None:
    aids = (new_product(1, code=Product("12", "12A01")), new_product(2, code=Product("12", "12A01")))
    assert cr.tr361_no_overlapping_products(vow_msg(nieuw=aids), {}) == []
    assert rc(cr.tr361_no_overlapping_products(vow_msg(nieuw=aids, standard="ijw"), {})) == ["9361"]


def test_tr357_past_date_other_than_ingangsdatum_fails() -> None:
    product = to_change(1001, gewenste_ingangsdatum=date(2024, 2, 1))
    assert change.tr357_past_change_is_whole_period(vow_msg(), product, allocation()) is not None


def test_tr357_past_date_equal_to_ingangsdatum_passes() -> None:
    product = to_change(1001, gewenste_ingangsdatum=date(2024, 1, 1))
    assert change.tr357_past_change_is_whole_period(vow_msg(), product, allocation()) is None


def test_tr373_budget_change_from_later_date_fails() -> None:
    generic = allocation(categorie=None, code=None, budget=100_00)
    product = to_change(1001, budget=200_00)
    assert change.tr373_budget_change_whole_period(vow_msg(), product, generic) is not None


def test_tr373_budget_change_over_whole_period_passes() -> None:
    generic = allocation(categorie=None, code=None, budget=100_00)
    product = to_change(1001, budget=200_00, gewenste_ingangsdatum=date(2024, 1, 1))
    assert change.tr373_budget_change_whole_period(vow_msg(), product, generic) is None


def test_tr375_omvang_for_allocation_without_product_fails() -> None:
    generic = allocation(categorie=None, code=None)
    product = to_change(1001, omvang=Omvang(10, "04", "2"))
    assert change.tr375_no_omvang_without_product(vow_msg(), product, generic) is not None


def test_tr375_no_omvang_for_allocation_without_product_passes() -> None:
    generic = allocation(categorie=None, code=None)
    assert change.tr375_no_omvang_without_product(vow_msg(), to_change(1001, budget=5), generic) is None


def test_tr411_missing_omvang_for_specific_product_fails() -> None:
    assert change.tr411_omvang_for_specific_product(vow_msg(), to_change(1001), allocation()) is not None


def test_tr411_omvang_for_specific_product_passes() -> None:
    product = to_change(1001, omvang=Omvang(10, "04", "2"))
    assert change.tr411_omvang_for_specific_product(vow_msg(), product, allocation()) is None


def test_tr412_omvang_for_aspecific_product_fails() -> None:
    aspecific = allocation(code=None)
    product = to_change(1001, omvang=Omvang(10, "04", "2"))
    assert change.tr412_no_omvang_without_code(vow_msg(), product, aspecific) is not None


def test_tr412_omvang_for_old_aspecific_product_passes() -> None:
    old = allocation(code=None, ingang=date(2020, 1, 1), einde=date(2020, 12, 31))
    product = to_change(1001, omvang=Omvang(10, "04", "2"))
    assert change.tr412_no_omvang_without_code(vow_msg(), product, old) is None


async def test_tr349_full_vow_check_reads_allocations_from_state() -> None:
    state = FakeState(allocations=[allocation(1001), allocation(1002, code="02A02")])
    msg = vow_msg(ongewijzigd=(unchanged(1001),), te_wijzigen=(to_change(1002, omvang=Omvang(5, "04", "2")),))
    assert await cr.check_verzoek_wijziging(msg, state) == []
    state.allocations.append(allocation(1003, code="02A03"))
    assert rc(await cr.check_verzoek_wijziging(msg, state)) == ["9349"]
