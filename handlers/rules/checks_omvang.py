"""Level 2: combination rules on Product, Einddatum, Omvang and Budget of requested and assigned products."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from handlers.findings import Finding
from handlers.messages import Toewijzing, VerzoekToewijzing, VerzoekWijziging
from handlers.rules.checks_base import (
    ProductLine,
    at,
    finding,
    in_message,
    nieuw_lines,
    open_after_cutover,
    product_lines,
    toewijzing_lines,
    verzoek_toewijzing_lines,
)

Allocating = Toewijzing | VerzoekToewijzing | VerzoekWijziging

WEEKLY = "2"
UNITS_NEEDING_PERIOD = frozenset({"14", "16", "83", "84"})  # etmaal, dagdeel, euro, stuks (inspanning)
PERIOD_FREQUENCIES = frozenset({"2", "4", "6"})  # per week, per month, total within the validity period


@in_message("CD041", messages=(301, 315, 317),
            summary="Omvang is required when Product/Code is filled (ToegewezenProduct, AangevraagdProduct, "
                    "NieuwProduct).")
def cd041_omvang_required_with_code(message: Allocating) -> Iterator[Finding]:
    for line in product_lines(message):
        if line.carries_product and line.product is not None and line.product.code is not None \
                and line.omvang is None:
            yield finding("CD041", at(line.xpath, "Omvang"),
                          f"{line.label}: Product code {line.product.code} is filled, so Omvang is required.")


@in_message("CD075", messages=(301, 315, 317),
            summary="Einddatum (315: ToewijzingEinddatum) is required when Budget is filled.")
def cd075_einddatum_required_with_budget(message: Allocating) -> Iterator[Finding]:
    for line in product_lines(message):
        if line.budget is not None and line.end is None:
            yield finding("CD075", at(line.xpath, line.end_element),
                          f"{line.label}: Budget {line.budget} is filled, so {line.end_element} is required.")


@in_message("CD076", messages=(301, 315, 317),
            summary="Einddatum (315: ToewijzingEinddatum) is required when Omvang/Frequentie is 2 (per "
                    "week).")
def cd076_einddatum_required_weekly(message: Allocating) -> Iterator[Finding]:
    for line in product_lines(message):
        if line.omvang is not None and line.omvang.frequentie == WEEKLY and line.end is None:
            yield finding("CD076", at(line.xpath, line.end_element),
                          f"{line.label}: Frequentie is 2 (per week), so {line.end_element} is required.")


@in_message("CD077", messages=(301, 315, 317), summary="Omvang must be empty when Budget is filled.")
def cd077_no_omvang_with_budget(message: Allocating) -> Iterator[Finding]:
    for line in product_lines(message):
        if line.budget is not None and line.omvang is not None:
            yield finding("CD077", at(line.xpath, "Omvang"),
                          f"{line.label}: Budget {line.budget} is filled, so Omvang must be empty.")


@in_message("CD078", messages=(301, 315, 317), summary="Budget must be empty when Omvang is filled.")
def cd078_no_budget_with_omvang(message: Allocating) -> Iterator[Finding]:
    for line in product_lines(message):
        if line.omvang is not None and line.budget is not None:
            yield finding("CD078", at(line.xpath, "Budget"),
                          f"{line.label}: Omvang is filled, so Budget ({line.budget}) must be empty.")


@in_message("CD079", messages=(301, 315, 317),
            summary="Product is required when Budget is empty (ToegewezenProduct, AangevraagdProduct, "
                    "NieuwProduct).")
def cd079_product_required_without_budget(message: Allocating) -> Iterator[Finding]:
    for line in product_lines(message):
        if line.carries_product and line.budget is None and line.product is None:
            yield finding("CD079", at(line.xpath, "Product"),
                          f"{line.label}: Budget is empty, so Product is required.")


def _omvang_without_code(code: str, lines: Sequence[ProductLine]) -> Iterator[Finding]:
    """CD080/CD095/CD096: no Omvang when Product/Code is empty and the end is open or after 2020."""
    for line in lines:
        no_code = line.product is None or line.product.code is None
        if no_code and line.omvang is not None and open_after_cutover(line.end):
            end = line.end.isoformat() if line.end else "empty"
            yield finding(code, at(line.xpath, "Omvang"),
                          f"{line.label}: Product code is empty and {line.end_element} is {end} "
                          "(after 2020-12-31 or empty), so Omvang must be empty.")


@in_message("CD080", messages=(301,),
            summary="ToegewezenProduct: Omvang must be empty when Product/Code is empty and Einddatum is "
                    "after 2020-12-31 or empty.")
def cd080_toewijzing_omvang_without_code(message: Toewijzing) -> Iterator[Finding]:
    yield from _omvang_without_code("CD080", toewijzing_lines(message))


@in_message("CD095", messages=(315,),
            summary="AangevraagdProduct: Omvang must be empty when Product/Code is empty and "
                    "ToewijzingEinddatum is after 2020-12-31 or empty.")
def cd095_verzoek_omvang_without_code(message: VerzoekToewijzing) -> Iterator[Finding]:
    yield from _omvang_without_code("CD095", verzoek_toewijzing_lines(message))


@in_message("CD096", messages=(317,),
            summary="NieuwProduct: Omvang must be empty when Product/Code is empty and Einddatum is after "
                    "2020-12-31 or empty.")
def cd096_nieuw_omvang_without_code(message: VerzoekWijziging) -> Iterator[Finding]:
    yield from _omvang_without_code("CD096", nieuw_lines(message))


def _frequentie_for_unit(code: str, lines: Sequence[ProductLine]) -> Iterator[Finding]:
    """CS338/CS343: Eenheid 14, 16, 83 or 84 (end open or after 2020) needs Frequentie 2, 4 or 6."""
    for line in lines:
        omvang = line.omvang
        if omvang is None or omvang.eenheid not in UNITS_NEEDING_PERIOD or not open_after_cutover(line.end):
            continue
        if omvang.frequentie not in PERIOD_FREQUENCIES:
            yield finding(code, at(line.xpath, "Omvang", "Frequentie"),
                          f"{line.label}: Eenheid {omvang.eenheid} allows only Frequentie 2, 4 or 6, "
                          f"not {omvang.frequentie}.")


@in_message("CS338", messages=(301, 317),
            summary="Eenheid 14, 16, 83 or 84 with Einddatum after 2020-12-31 or empty needs Frequentie 2, 4 "
                    "or 6 (ToegewezenProduct, TeWijzigenProduct, NieuwProduct).")
def cs338_frequentie_for_unit(message: Toewijzing | VerzoekWijziging) -> Iterator[Finding]:
    yield from _frequentie_for_unit("CS338", product_lines(message))


@in_message("CS343", messages=(315,),
            summary="AangevraagdProduct: Eenheid 14, 16, 83 or 84 with ToewijzingEinddatum after "
                    "2020-12-31 or empty needs Frequentie 2, 4 or 6.")
def cs343_verzoek_frequentie_for_unit(message: VerzoekToewijzing) -> Iterator[Finding]:
    yield from _frequentie_for_unit("CS343", verzoek_toewijzing_lines(message))
