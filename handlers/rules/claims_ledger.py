"""Levels 3 for one Prestatie of a 323 against the declaration register: references (TR314), credits
(TR323, TR390), second debits (TR389), periods (TR319), volume and budget (TR321, TR322, TR369)."""

from __future__ import annotations

from handlers.claims import AWARDED, CREDITED, ClaimLineView
from handlers.findings import CROSS_MESSAGE, Finding
from handlers.rules import claim_volume as vol
from handlers.rules.claims_base import CREDIT, Claim, allocation_of, cross
from handlers.rules.registry import rule


@rule(
    "TR319",
    level=CROSS_MESSAGE,
    retourcode="9319",
    messages=(323,),
    summary="ProductPeriode lies within the DeclaratiePeriode or an earlier one",
)
def tr319_within_declared_periods(claim: Claim) -> list[Finding]:
    last = claim.declaratie_periode.einddatum
    if last is not None and claim.end > last:
        return cross("TR319", "9319", claim, f"ProductPeriode ends {claim.end}, after the DeclaratiePeriode")
    return []


@rule(
    "TR314",
    level=CROSS_MESSAGE,
    retourcode="8021",
    messages=(323,),
    summary="ReferentieNummer not used before by this aanbieder in this domain (lines of declarations "
    "rejected as a whole do not count)",
)
def tr314_reference_unique(claim: Claim) -> list[Finding]:
    if claim.prestatie.referentienummer in claim.earlier:
        return cross("TR314", "8021", claim, "this ReferentieNummer was already declared")
    return []


def _same_line(debit: ClaimLineView, claim: Claim) -> bool:
    p = claim.prestatie
    return (
        debit.bsn,
        debit.toewijzingnummer,
        debit.categorie,
        debit.code,
        debit.begindatum,
        debit.einddatum,
    ) == (claim.bsn, p.toewijzingnummer, p.productcategorie, p.productcode, claim.begin, claim.end)


@rule(
    "TR323",
    level=CROSS_MESSAGE,
    retourcode="8017",
    messages=(323,),
    summary="A credit Prestatie credits an earlier awarded debit Prestatie (VorigReferentieNummer) with "
    "the same key fields",
)
def tr323_credit_of_awarded_debit(claim: Claim) -> list[Finding]:
    debit = claim.earlier.get(claim.prestatie.vorig_referentienummer or "")
    if (
        debit is None
        or debit.debet_credit == CREDIT
        or debit.status not in (AWARDED, CREDITED)
        or not _same_line(debit, claim)
    ):
        return cross(
            "TR323",
            "8017",
            claim,
            f"no awarded debit {claim.prestatie.vorig_referentienummer} "
            "with the same allocation, product and period",
        )
    return []


@rule(
    "TR390",
    level=CROSS_MESSAGE,
    retourcode="9390",
    messages=(323,),
    summary="A debit Prestatie is credited at most once",
)
def tr390_one_credit(claim: Claim) -> list[Finding]:
    debit = claim.earlier.get(claim.prestatie.vorig_referentienummer or "")
    if debit is not None and debit.status == CREDITED:
        return cross("TR390", "9390", claim, f"{claim.prestatie.vorig_referentienummer} was already credited")
    return []


@rule(
    "TR389",
    level=CROSS_MESSAGE,
    retourcode="9389",
    messages=(323,),
    summary="A second debit for the same allocation, product and ProductPeriode only after the first was "
    "credited",
)
def tr389_no_second_debit(claim: Claim) -> list[Finding]:
    for debit in claim.awarded:
        if _same_line(debit, claim):
            return cross(
                "TR389",
                "9389",
                claim,
                f"{debit.referentienummer} for this period is awarded and not credited",
            )
    return []


def _claimed(claim: Claim, eenheid: str, volume: int) -> int:
    """A volume on the scale the claim is counted in: minutes when hours are also claimed in minutes."""
    return volume * 60 if _in_minutes(claim) and eenheid == vol.HOURS else volume


def _in_minutes(claim: Claim) -> bool:
    allocation = allocation_of(claim)
    return allocation.eenheid == vol.HOURS and (
        claim.prestatie.eenheid == vol.MINUTES or any(a.eenheid == vol.MINUTES for a in claim.awarded)
    )


def _limit(claim: Claim, maximum: int | None) -> int | None:
    return None if maximum is None else maximum * (60 if _in_minutes(claim) else 1)


@rule(
    "TR321",
    level=CROSS_MESSAGE,
    retourcode="9321",
    messages=(323,),
    summary="GeleverdVolume fits the Omvang for the ProductPeriode (IV077 week arithmetic; iWmo category "
    "01 per week: 6 × the weekly volume)",
)
def tr321_volume_per_period(claim: Claim) -> list[Finding]:
    a = allocation_of(claim)
    if a.volume is None or a.eenheid is None or a.frequentie is None:
        return []
    wmo_01 = claim.standard == "iwmo" and a.product_categorie == vol.HOUSEKEEPING
    maximum = _limit(
        claim,
        vol.period_maximum(
            a.volume, a.eenheid, a.frequentie, wmo_01, claim.begin, claim.end, a.ingangsdatum, a.einddatum
        ),
    )
    claimed = _claimed(claim, claim.prestatie.eenheid, claim.prestatie.geleverd_volume)
    if maximum is not None and claimed > maximum:
        return cross(
            "TR321", "9321", claim, f"volume {claimed} exceeds the {maximum} allocated for this period"
        )
    return []


@rule(
    "TR322",
    level=CROSS_MESSAGE,
    retourcode="9322",
    messages=(323,),
    summary="The awarded volume on an allocation plus this Prestatie fits the Omvang over the whole "
    "allocation",
)
def tr322_volume_cumulative(claim: Claim) -> list[Finding]:
    a = allocation_of(claim)
    if a.volume is None or a.eenheid is None or a.frequentie is None:
        return []
    maximum = _limit(claim, vol.total_maximum(a.volume, a.eenheid, a.frequentie, a.ingangsdatum, a.einddatum))
    total = sum(_claimed(claim, line.eenheid, line.volume) for line in claim.awarded)
    total += _claimed(claim, claim.prestatie.eenheid, claim.prestatie.geleverd_volume)
    if maximum is not None and total > maximum:
        return cross("TR322", "9322", claim, f"volume {total} in all would exceed the {maximum} allocated")
    return []


@rule(
    "TR369",
    level=CROSS_MESSAGE,
    retourcode="9369",
    messages=(323,),
    summary="The awarded amounts on an allocation with a Budget plus this Prestatie fit the Budget",
)
def tr369_within_budget(claim: Claim) -> list[Finding]:
    budget = allocation_of(claim).budget
    if budget is None:
        return []
    total = sum(line.bedrag for line in claim.awarded) + claim.prestatie.ingediend_bedrag.bedrag
    if total > budget:
        return cross("TR369", "9369", claim, f"{total} cents in all would exceed the budget of {budget}")
    return []
