"""Level-3 rules on each TeWijzigenProduct of a VOW (317), against the allocation it names."""

from __future__ import annotations

from datetime import date

from handlers.findings import CROSS_MESSAGE, Finding
from handlers.messages import TeWijzigenProduct, VerzoekWijziging
from handlers.rules.cross_message import cross
from handlers.rules.registry import rule
from handlers.state import AllocationView

OMVANG_CUTOVER = date(2020, 12, 31)  # TR375/TR412: "Einddatum after 31-12-2020 or empty"
TOTAL_IN_PERIOD = "6"  # Frequentie: total within the validity period


@rule(
    "TR357",
    level=CROSS_MESSAGE,
    retourcode="9357",
    messages=(317,),
    summary="A GewensteIngangsdatum on or before the dagtekening equals the allocation's Ingangsdatum",
)
def tr357_past_change_is_whole_period(
    msg: VerzoekWijziging, product: TeWijzigenProduct, allocation: AllocationView
) -> Finding | None:
    wanted = product.gewenste_ingangsdatum
    if wanted > msg.header.dagtekening or wanted == allocation.ingangsdatum:
        return None
    return cross(
        "TR357", "9357", product.xpath, f"GewensteIngangsdatum {wanted} is past but not the Ingangsdatum"
    )


def _total_changed(product: TeWijzigenProduct, allocation: AllocationView) -> bool:
    budget = product.budget is not None and product.budget != allocation.budget
    omvang = product.omvang
    total = (
        omvang is not None
        and omvang.frequentie == TOTAL_IN_PERIOD
        and (omvang.volume, omvang.eenheid) != (allocation.volume, allocation.eenheid)
    )
    return budget or total


@rule(
    "TR373",
    level=CROSS_MESSAGE,
    retourcode="9373",
    messages=(317,),
    summary="A change of Budget or of the total volume starts on the allocation's Ingangsdatum",
)
def tr373_budget_change_whole_period(
    msg: VerzoekWijziging, product: TeWijzigenProduct, allocation: AllocationView
) -> Finding | None:
    if not _total_changed(product, allocation) or product.gewenste_ingangsdatum == allocation.ingangsdatum:
        return None
    return cross("TR373", "9373", product.xpath, "a budget or total change must start on the Ingangsdatum")


def _omvang_forbidden(allocation: AllocationView) -> bool:
    return allocation.einddatum is None or allocation.einddatum > OMVANG_CUTOVER


@rule(
    "TR375",
    level=CROSS_MESSAGE,
    retourcode="9375",
    messages=(317,),
    summary="No Omvang for an allocation without Product (Einddatum after 2020 or empty)",
)
def tr375_no_omvang_without_product(
    msg: VerzoekWijziging, product: TeWijzigenProduct, allocation: AllocationView
) -> Finding | None:
    if (
        product.omvang is None
        or allocation.product_categorie is not None
        or not _omvang_forbidden(allocation)
    ):
        return None
    return cross("TR375", "9375", product.xpath, "Omvang given for an allocation without Product")


@rule(
    "TR411",
    level=CROSS_MESSAGE,
    retourcode="9411",
    messages=(317,),
    summary="Omvang is required when the allocation has a ProductCode",
)
def tr411_omvang_for_specific_product(
    msg: VerzoekWijziging, product: TeWijzigenProduct, allocation: AllocationView
) -> Finding | None:
    if allocation.product_code is None or product.omvang is not None:
        return None
    return cross("TR411", "9411", product.xpath, "Omvang missing for an allocation with a ProductCode")


@rule(
    "TR412",
    level=CROSS_MESSAGE,
    retourcode="9412",
    messages=(317,),
    summary="No Omvang when the allocation has no ProductCode (Einddatum after 2020 or empty)",
)
def tr412_no_omvang_without_code(
    msg: VerzoekWijziging, product: TeWijzigenProduct, allocation: AllocationView
) -> Finding | None:
    if product.omvang is None or allocation.product_code is not None or not _omvang_forbidden(allocation):
        return None
    return cross("TR412", "9412", product.xpath, "Omvang given for an allocation without ProductCode")


CHANGE_RULES = (
    tr357_past_change_is_whole_period,
    tr373_budget_change_whole_period,
    tr375_no_omvang_without_product,
    tr411_omvang_for_specific_product,
    tr412_no_omvang_without_code,
)


def check_changes(msg: VerzoekWijziging, current: dict[int, AllocationView]) -> list[Finding]:
    """Every change rule for each TeWijzigenProduct naming a current allocation (else TR351 applies)."""
    found: list[Finding] = []
    for change in msg.client.verzoek.te_wijzigen:
        if (allocation := current.get(change.toewijzingnummer)) is not None:
            found.extend(
                f for f in (check(msg, change, allocation) for check in CHANGE_RULES) if f is not None
            )
    return found
