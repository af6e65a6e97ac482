"""Level 2 stacking within one message: TR302 (301), TR386 (315), TR410 (317 NieuweProducten)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from handlers.messages import (
    Message,
    Omvang,
    Product,
    Standard,
    Toewijzing,
    VerzoekToewijzing,
    VerzoekWijziging,
)
from tests.kit.typed_messages import (
    SPECIFIC,
    STANDARDS,
    aangevraagd,
    findings_of,
    nieuw,
    rejected_at,
    toegewezen,
    toewijzing,
    verzoek_toewijzing,
    verzoek_wijziging,
    with_aangevraagd,
    with_toegewezen,
    with_verzoek,
)

WEEKLY = Omvang(4, "04", "2")
JAN, JUN_30, JUL_1, DEC_31 = date(2024, 1, 1), date(2024, 6, 30), date(2024, 7, 1), date(2024, 12, 31)


def amounts(product: Product | None) -> dict[str, Any]:
    """Omvang for a product line, Budget for a generic one (keeps the other rules quiet)."""
    return {"omvang": WEEKLY, "budget": None} if product else {"omvang": None, "budget": 1000}


def pair_301(
    standard: Standard, first: Product | None, second: Product | None, start: date, **changes: Any
) -> Toewijzing:
    """A 301 with two toewijzingen: the first January to June, the second from `start` to December."""
    one = toegewezen(1, product=first, ingangsdatum=JAN, einddatum=JUN_30, **amounts(first))
    two = toegewezen(2, product=second, ingangsdatum=start, einddatum=DEC_31, **amounts(second))
    return with_toegewezen(toewijzing(standard), one, replace(two, **changes))


def pair_315(
    standard: Standard, first: Product | None, second: Product | None, start: date
) -> VerzoekToewijzing:
    one = aangevraagd(
        standard, 1, product=first, toewijzing_ingangsdatum=JAN, toewijzing_einddatum=JUN_30, **amounts(first)
    )
    two = aangevraagd(
        standard,
        2,
        product=second,
        toewijzing_ingangsdatum=start,
        toewijzing_einddatum=DEC_31,
        **amounts(second),
    )
    return with_aangevraagd(verzoek_toewijzing(standard), one, two)


def pair_317(
    standard: Standard, first: Product | None, second: Product | None, start: date
) -> VerzoekWijziging:
    one = nieuw(standard, 1, product=first, gewenste_ingangsdatum=JAN, einddatum=JUN_30, **amounts(first))
    two = nieuw(standard, 2, product=second, gewenste_ingangsdatum=start, einddatum=DEC_31, **amounts(second))
    return with_verzoek(verzoek_wijziging(standard), nieuw=(one, two))


PAIRS: dict[str, Callable[[Standard, Product | None, Product | None, date], Message]] = {
    "TR302": pair_301,
    "TR386": pair_315,
    "TR410": pair_317,
}
SECOND_START = {
    "TR302": "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Ingangsdatum",
    "TR386": "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[2]/ToewijzingIngangsdatum",
    "TR410": "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[2]/GewensteIngangsdatum",
}
CASES = [(s, c) for s in STANDARDS for c in PAIRS]


def category(standard: Standard) -> Product:
    return Product(SPECIFIC[standard].categorie)


@pytest.mark.parametrize(("standard", "code"), CASES)
def test_tr302_tr386_tr410_same_product_in_consecutive_periods_passes(standard: Standard, code: str) -> None:
    message = PAIRS[code](standard, SPECIFIC[standard], SPECIFIC[standard], JUL_1)
    assert findings_of(message, code) == []


@pytest.mark.parametrize(("standard", "code"), CASES)
def test_tr302_tr386_tr410_other_code_of_same_category_may_overlap(standard: Standard, code: str) -> None:
    other = Product(SPECIFIC[standard].categorie, "99X99")
    assert findings_of(PAIRS[code](standard, SPECIFIC[standard], other, JUN_30), code) == []


@pytest.mark.parametrize(("standard", "code"), CASES)
def test_tr302_tr386_tr410_same_product_overlapping_one_day_is_rejected(
    standard: Standard, code: str
) -> None:
    message = PAIRS[code](standard, SPECIFIC[standard], SPECIFIC[standard], JUN_30)
    assert rejected_at(message, code) == [SECOND_START[code]]


@pytest.mark.parametrize(("standard", "code"), CASES)
def test_tr302_tr386_tr410_category_only_overlaps_its_coded_product(standard: Standard, code: str) -> None:
    message = PAIRS[code](standard, SPECIFIC[standard], category(standard), JUN_30)
    assert rejected_at(message, code) == [SECOND_START[code]]


@pytest.mark.parametrize(("standard", "code"), CASES)
def test_tr302_tr386_tr410_line_without_product_overlaps_anything(standard: Standard, code: str) -> None:
    message = PAIRS[code](standard, SPECIFIC[standard], None, JUN_30)
    assert rejected_at(message, code) == [SECOND_START[code]]


@pytest.mark.parametrize("code", PAIRS)
def test_tr302_tr386_tr410_iwmo_hulpmiddelen_may_overlap(code: str) -> None:
    hulpmiddel = Product("12", "12A01")
    assert findings_of(PAIRS[code]("iwmo", hulpmiddel, Product("12"), JUN_30), code) == []
    assert findings_of(PAIRS[code]("iwmo", None, hulpmiddel, JUN_30), code) == []


@pytest.mark.parametrize("code", PAIRS)
def test_tr302_tr386_tr410_ijw_has_no_hulpmiddelen_exception(code: str) -> None:
    # iJw categories are other numbers; even a code "12" gets no exception there.
    message = PAIRS[code]("ijw", Product("12", "12A01"), Product("12"), JUN_30)
    assert rejected_at(message, code) == [SECOND_START[code]]


@pytest.mark.parametrize("reden", ["13", "01"])
@pytest.mark.parametrize("standard", STANDARDS)
def test_tr302_deleted_toewijzing_is_ignored(standard: Standard, reden: str) -> None:
    message = pair_301(
        standard, SPECIFIC[standard], SPECIFIC[standard], JUN_30, einddatum=JUN_30, reden_wijziging=reden
    )
    assert findings_of(message, "TR302") == []


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr302_withdrawn_but_not_deleted_still_counts(standard: Standard) -> None:
    # RedenWijziging 13 only removes a toewijzing when it lasts zero days (Einddatum = Ingangsdatum).
    message = pair_301(
        standard, SPECIFIC[standard], SPECIFIC[standard], JUN_30, einddatum=JUL_1, reden_wijziging="13"
    )
    assert rejected_at(message, "TR302") == [SECOND_START["TR302"]]


@pytest.mark.parametrize("standard", STANDARDS)
def test_tr302_open_ended_toewijzing_overlaps_later_one(standard: Standard) -> None:
    message = toewijzing(standard)
    one = toegewezen(
        1, product=SPECIFIC[standard], ingangsdatum=JAN, einddatum=None, omvang=Omvang(4, "04", "4")
    )
    two = toegewezen(
        2,
        product=SPECIFIC[standard],
        ingangsdatum=date(2030, 1, 1),
        einddatum=None,
        omvang=Omvang(4, "04", "4"),
    )
    assert rejected_at(with_toegewezen(message, one, two), "TR302") == [SECOND_START["TR302"]]
