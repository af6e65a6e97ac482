"""Level 4 for one Prestatie of a 323: amounts and tariffs (TR346, TR418 against the loaded contracts)
and the product code list (TR381)."""

from __future__ import annotations

from handlers.context import ProductCodes
from handlers.findings import EXTERNAL, Finding
from handlers.rules import claim_volume as vol
from handlers.rules.claims_base import EUROS, Claim, external
from handlers.rules.registry import rule


def minutes_on_hourly_tariff(tarief: int, minutes: int) -> int:
    """IV081/TR346: hourly tariff × minutes / 60, rounded half up to whole cents."""
    return (tarief * minutes * 2 + 60) // 120


@rule(
    "TR346",
    level=EXTERNAL,
    retourcode="9346",
    messages=(323,),
    summary="With Eenheid other than 83, IngediendBedrag = GeleverdVolume × ProductTarief (minutes on an "
    "hourly tariff: × minutes / 60, rounded)",
)
def tr346_amount_is_volume_times_tariff(claim: Claim) -> list[Finding]:
    p = claim.prestatie
    if p.eenheid == EUROS or p.producttarief is None:
        return []
    allowed = {p.geleverd_volume * p.producttarief}
    if p.eenheid == vol.MINUTES:
        allowed.add(minutes_on_hourly_tariff(p.producttarief, p.geleverd_volume))
    if p.ingediend_bedrag.bedrag not in allowed:
        return external(
            "TR346",
            "9346",
            claim,
            f"IngediendBedrag {p.ingediend_bedrag.bedrag} is not volume "
            f"{p.geleverd_volume} × tariff {p.producttarief}",
        )
    return []


@rule(
    "TR418",
    level=EXTERNAL,
    retourcode="0611",
    messages=(323,),
    summary="ProductTarief equals the contract tariff of the product (off while no contracts are loaded)",
)
def tr418_contract_tariff(claim: Claim) -> list[Finding]:
    contract, p = claim.contract, claim.prestatie
    if contract is None or p.producttarief is None or p.producttarief == contract.tarief:
        return []
    return external(
        "TR418",
        "0611",
        claim,
        f"ProductTarief {p.producttarief} differs from the contract tariff {contract.tarief}",
    )


@rule(
    "TR381",
    level=EXTERNAL,
    retourcode="S329",
    messages=(323,),
    summary="ProductCode belongs to the ProductCategorie in the configured product code list (off when none)",
)
def tr381_claimed_product_in_list(claim: Claim, codes: ProductCodes | None) -> list[Finding]:
    p = claim.prestatie
    if codes is None or codes.allows(claim.standard, p.productcategorie, p.productcode):
        return []
    return external(
        "TR381",
        "S329",
        claim,
        f"ProductCode {p.productcode} is not a code of ProductCategorie {p.productcategorie}",
    )
