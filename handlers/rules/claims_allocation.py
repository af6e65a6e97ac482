"""Levels 3 for one Prestatie of a 323 against the allocation it is claimed on (TR338, TR384, TR304,
TR339-TR341, TR307, TR308, TR387, TR388)."""

from __future__ import annotations

import calendar

from handlers.findings import CROSS_MESSAGE, Finding
from handlers.rules import claim_volume as vol
from handlers.rules.claims_base import Claim, allocation_of, cross
from handlers.rules.registry import rule


@rule(
    "TR338",
    level=CROSS_MESSAGE,
    retourcode="9338",
    messages=(323,),
    summary="The Prestatie belongs to an allocation (ToewijzingNummer) of this gemeente to this aanbieder",
)
def tr338_linked_to_allocation(claim: Claim) -> list[Finding]:
    if claim.allocation is None:
        return cross(
            "TR338", "9338", claim, f"no allocation {claim.prestatie.toewijzingnummer} to this aanbieder"
        )
    return []


@rule(
    "TR384",
    level=CROSS_MESSAGE,
    retourcode="9384",
    messages=(323,),
    summary="No claim on an allocation deleted with RedenWijziging 13",
)
def tr384_not_deleted(claim: Claim) -> list[Finding]:
    if allocation_of(claim).deleted:
        return cross("TR384", "9384", claim, f"allocation {claim.prestatie.toewijzingnummer} was deleted")
    return []


@rule(
    "TR304",
    level=CROSS_MESSAGE,
    retourcode="8187",
    messages=(323,),
    summary="The Client's Bsn is that of the allocations referred to (317: some allocation of this "
    "gemeente to this provider; 323: the allocation each Prestatie is claimed on)",
)
def tr304_same_client(claim: Claim) -> list[Finding]:
    if allocation_of(claim).bsn != claim.bsn:
        return cross(
            "TR304", "8187", claim, f"allocation {claim.prestatie.toewijzingnummer} belongs to another client"
        )
    return []


@rule(
    "TR339",
    level=CROSS_MESSAGE,
    retourcode="9339",
    messages=(323,),
    summary="ProductCategorie equals the allocation's ProductCategorie when it has one",
)
def tr339_same_categorie(claim: Claim) -> list[Finding]:
    allocated = allocation_of(claim).product_categorie
    if allocated is not None and allocated != claim.prestatie.productcategorie:
        return cross(
            "TR339",
            "9339",
            claim,
            f"ProductCategorie {claim.prestatie.productcategorie}, allocated {allocated}",
        )
    return []


@rule(
    "TR340",
    level=CROSS_MESSAGE,
    retourcode="9340",
    messages=(323,),
    summary="ProductCode equals the allocation's ProductCode when it has one",
)
def tr340_same_code(claim: Claim) -> list[Finding]:
    allocated = allocation_of(claim).product_code
    if allocated is not None and allocated != claim.prestatie.productcode:
        return cross(
            "TR340", "9340", claim, f"ProductCode {claim.prestatie.productcode}, allocated {allocated}"
        )
    return []


def _allocated_unit(claim: Claim) -> str | None:
    """The unit to claim in: the allocation's Omvang, else the contract's (generic allocations, TR341)."""
    if allocation_of(claim).eenheid is not None:
        return allocation_of(claim).eenheid
    return claim.contract.eenheid if claim.contract else None


@rule(
    "TR341",
    level=CROSS_MESSAGE,
    retourcode="9341",
    messages=(323,),
    summary="Eenheid is the allocation's (or, without Omvang, the contract's) unit; minutes on hours "
    "allowed (IV081)",
)
def tr341_unit_fits(claim: Claim) -> list[Finding]:
    allocated = _allocated_unit(claim)
    if allocated is not None and not vol.units_fit(allocated, claim.prestatie.eenheid):
        return cross("TR341", "9341", claim, f"Eenheid {claim.prestatie.eenheid}, allocated in {allocated}")
    return []


@rule(
    "TR307",
    level=CROSS_MESSAGE,
    retourcode="9307",
    messages=(323,),
    summary="ProductPeriode Begindatum on or after the allocation's Ingangsdatum",
)
def tr307_not_before_allocation(claim: Claim) -> list[Finding]:
    ingang = allocation_of(claim).ingangsdatum
    if claim.begin < ingang:
        text = f"ProductPeriode begins {claim.begin}, before the allocation ({ingang})"
        return cross("TR307", "9307", claim, text)
    return []


@rule(
    "TR308",
    level=CROSS_MESSAGE,
    retourcode="9308",
    messages=(323,),
    summary="ProductPeriode Einddatum on or before the allocation's Einddatum when it has one",
)
def tr308_not_after_allocation(claim: Claim) -> list[Finding]:
    einde = allocation_of(claim).einddatum
    if einde is not None and claim.end > einde:
        return cross(
            "TR308", "9308", claim, f"ProductPeriode ends {claim.end}, after the allocation ({einde})"
        )
    return []


@rule(
    "TR387",
    level=CROSS_MESSAGE,
    retourcode="9387",
    messages=(323,),
    summary="ProductPeriode begins on the 1st of its month, or on the allocation's Ingangsdatum later in "
    "that month",
)
def tr387_begins_on_month_start(claim: Claim) -> list[Finding]:
    ingang, begin = allocation_of(claim).ingangsdatum, claim.begin
    expected = (
        max(begin.replace(day=1), ingang)
        if (ingang.year, ingang.month) == (begin.year, begin.month)
        else begin.replace(day=1)
    )
    if begin != expected:
        return cross("TR387", "9387", claim, f"ProductPeriode begins {begin}, expected {expected}")
    return []


@rule(
    "TR388",
    level=CROSS_MESSAGE,
    retourcode="9388",
    messages=(323,),
    summary="ProductPeriode ends on the last day of its month, or on the allocation's Einddatum earlier "
    "in that month",
)
def tr388_ends_on_month_end(claim: Claim) -> list[Finding]:
    einde, end = allocation_of(claim).einddatum, claim.end
    last = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    expected = min(last, einde) if einde and (einde.year, einde.month) == (end.year, end.month) else last
    if end != expected:
        return cross("TR388", "9388", claim, f"ProductPeriode ends {end}, expected {expected}")
    return []
