"""Level 2 combinations of Product, Einddatum, Omvang, Budget (CD041, CD075-CD080, CD095/096, CS338/343)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from handlers.messages import Message, Omvang, Product, Standard
from tests.kit.typed_messages import (
    SPECIFIC,
    STANDARDS,
    findings_of,
    rejected_at,
    toewijzing,
    verzoek_toewijzing,
    verzoek_wijziging,
    with_aangevraagd,
    with_toegewezen,
    with_verzoek,
)

# The line kinds: the first product line of a 301, 315, or a 317's first NieuwProduct / TeWijzigenProduct.
XPATH = {
    "301": "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]",
    "315": "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[1]",
    "317-nieuw": "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[1]",
    "317-wijzigen": "/Bericht/Client/Verzoek/TeWijzigenProducten/TeWijzigenProduct[1]",
}
END = {
    "301": "Einddatum",
    "315": "ToewijzingEinddatum",
    "317-nieuw": "Einddatum",
    "317-wijzigen": "Einddatum",
}
WITH_PRODUCT = ("301", "315", "317-nieuw")
ALL_KINDS = (*WITH_PRODUCT, "317-wijzigen")


def line(standard: Standard, kind: str, **changes: Any) -> Message:
    """The baseline message of `kind` with its first line changed; `end` names the kind's end date."""
    if "end" in changes:
        changes[{"315": "toewijzing_einddatum"}.get(kind, "einddatum")] = changes.pop("end")
    if kind == "301":
        message = toewijzing(standard)
        first, *rest = message.client.producten
        return with_toegewezen(message, replace(first, **changes), *rest)
    if kind == "315":
        request = verzoek_toewijzing(standard)
        first_requested, *others = request.client.producten
        return with_aangevraagd(request, replace(first_requested, **changes), *others)
    vow = verzoek_wijziging(standard)
    if kind == "317-nieuw":
        return with_verzoek(vow, nieuw=(replace(vow.client.verzoek.nieuw[0], **changes),))
    return with_verzoek(vow, te_wijzigen=(replace(vow.client.verzoek.te_wijzigen[0], **changes),))


CASES = [(s, k) for s in STANDARDS for k in WITH_PRODUCT]
ALL_CASES = [(s, k) for s in STANDARDS for k in ALL_KINDS]


@pytest.mark.parametrize(("standard", "kind"), CASES)
def test_cd041_code_with_omvang_passes(standard: Standard, kind: str) -> None:
    assert findings_of(line(standard, kind, product=SPECIFIC[standard]), "CD041") == []


@pytest.mark.parametrize(("standard", "kind"), CASES)
def test_cd041_code_without_omvang_is_rejected(standard: Standard, kind: str) -> None:
    message = line(standard, kind, product=SPECIFIC[standard], omvang=None, budget=None)
    assert rejected_at(message, "CD041") == [f"{XPATH[kind]}/Omvang"]


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cd075_budget_with_einddatum_passes(standard: Standard, kind: str) -> None:
    message = line(standard, kind, omvang=None, budget=1000, end=date(2024, 12, 31))
    assert findings_of(message, "CD075") == []


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cd075_budget_without_einddatum_is_rejected(standard: Standard, kind: str) -> None:
    message = line(standard, kind, omvang=None, budget=1000, end=None)
    assert rejected_at(message, "CD075") == [f"{XPATH[kind]}/{END[kind]}"]


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cd076_weekly_without_einddatum_but_monthly_passes(standard: Standard, kind: str) -> None:
    assert findings_of(line(standard, kind, omvang=Omvang(4, "04", "4"), end=None), "CD076") == []


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cd076_weekly_without_einddatum_is_rejected(standard: Standard, kind: str) -> None:
    message = line(standard, kind, omvang=Omvang(4, "04", "2"), end=None)
    assert rejected_at(message, "CD076") == [f"{XPATH[kind]}/{END[kind]}"]


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cd077_cd078_omvang_without_budget_passes(standard: Standard, kind: str) -> None:
    message = line(standard, kind, omvang=Omvang(4, "04", "2"), budget=None)
    assert findings_of(message, "CD077") == []
    assert findings_of(message, "CD078") == []


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cd077_omvang_with_budget_is_rejected(standard: Standard, kind: str) -> None:
    message = line(standard, kind, omvang=Omvang(4, "04", "2"), budget=1000)
    assert rejected_at(message, "CD077") == [f"{XPATH[kind]}/Omvang"]


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cd078_budget_with_omvang_is_rejected(standard: Standard, kind: str) -> None:
    message = line(standard, kind, omvang=Omvang(4, "04", "2"), budget=1000)
    assert rejected_at(message, "CD078") == [f"{XPATH[kind]}/Budget"]


@pytest.mark.parametrize(("standard", "kind"), CASES)
def test_cd079_generic_budget_without_product_passes(standard: Standard, kind: str) -> None:
    message = line(standard, kind, product=None, omvang=None, budget=1000)
    assert findings_of(message, "CD079") == []


@pytest.mark.parametrize(("standard", "kind"), CASES)
def test_cd079_no_budget_and_no_product_is_rejected(standard: Standard, kind: str) -> None:
    message = line(standard, kind, product=None, omvang=None, budget=None)
    assert rejected_at(message, "CD079") == [f"{XPATH[kind]}/Product"]


@pytest.mark.parametrize("standard", STANDARDS)
def test_cd079_te_wijzigen_product_has_no_product_element(standard: Standard) -> None:
    message = line(standard, "317-wijzigen", omvang=Omvang(4, "04", "4"), budget=None)
    assert findings_of(message, "CD079") == []


OMVANG_WITHOUT_CODE = [("CD080", "301"), ("CD095", "315"), ("CD096", "317-nieuw")]


@pytest.mark.parametrize("end", [date(2020, 12, 31), date(2020, 6, 30)])
@pytest.mark.parametrize(("code", "kind"), OMVANG_WITHOUT_CODE)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd080_cd095_cd096_omvang_without_code_ending_by_2020_passes(
    standard: Standard, code: str, kind: str, end: date
) -> None:
    category = Product(SPECIFIC[standard].categorie)
    message = line(standard, kind, product=category, omvang=Omvang(4, "04", "4"), end=end)
    assert findings_of(message, code) == []


@pytest.mark.parametrize("end", [date(2021, 1, 1), None])
@pytest.mark.parametrize(("code", "kind"), OMVANG_WITHOUT_CODE)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cd080_cd095_cd096_omvang_without_code_is_rejected(
    standard: Standard, code: str, kind: str, end: date | None
) -> None:
    category = Product(SPECIFIC[standard].categorie)
    message = line(standard, kind, product=category, omvang=Omvang(4, "04", "4"), end=end)
    assert rejected_at(message, code) == [f"{XPATH[kind]}/Omvang"]


FREQUENTIE = [("CS338", "301"), ("CS343", "315"), ("CS338", "317-nieuw"), ("CS338", "317-wijzigen")]


@pytest.mark.parametrize(
    ("eenheid", "frequentie", "end"),
    [("14", "2", None), ("83", "6", None), ("04", "1", None), ("16", "1", date(2020, 12, 31))],
)
@pytest.mark.parametrize(("code", "kind"), FREQUENTIE)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs338_cs343_frequentie_fits_eenheid_passes(
    standard: Standard, code: str, kind: str, eenheid: str, frequentie: str, end: date | None
) -> None:
    message = line(standard, kind, omvang=Omvang(3, eenheid, frequentie), end=end)
    assert findings_of(message, code) == []


@pytest.mark.parametrize("eenheid", ["14", "16", "83", "84"])
@pytest.mark.parametrize(("code", "kind"), FREQUENTIE)
@pytest.mark.parametrize("standard", STANDARDS)
def test_cs338_cs343_per_day_for_period_unit_is_rejected(
    standard: Standard, code: str, kind: str, eenheid: str
) -> None:
    message = line(standard, kind, omvang=Omvang(3, eenheid, "1"), end=date(2024, 12, 31))
    assert rejected_at(message, code) == [f"{XPATH[kind]}/Omvang/Frequentie"]


START = {
    "301": "ingangsdatum",
    "315": "toewijzing_ingangsdatum",
    "317-nieuw": "gewenste_ingangsdatum",
    "317-wijzigen": "gewenste_ingangsdatum",
}


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cs003_einddatum_on_start_day_passes(standard: Standard, kind: str) -> None:
    day = date(2024, 7, 1)
    assert findings_of(line(standard, kind, end=day, **{START[kind]: day}), "CS003") == []


@pytest.mark.parametrize(("standard", "kind"), ALL_CASES)
def test_cs003_einddatum_before_start_is_rejected(standard: Standard, kind: str) -> None:
    message = line(standard, kind, end=date(2024, 6, 30), **{START[kind]: date(2024, 7, 1)})
    assert rejected_at(message, "CS003") == [f"{XPATH[kind]}/{END[kind]}"]
