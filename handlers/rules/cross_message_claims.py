"""Levels 3 and 4 for one Prestatie of a 323, against its allocation and the declaration register.

Each rule takes a `Claim` (the Prestatie with what it is judged against) and returns its findings; the
judge (handlers.declaratie) runs them in `DEBIT_RULES` / `CREDIT_RULES` order. The allocation-linking
rule TR338 goes first: without an allocation of this aanbieder nothing else can be judged.
Finding texts name references and numbers, never a BSN.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from handlers.claims import AWARDED, CREDITED, ClaimLineView, ClaimState, ContractView
from handlers.context import ProductCodes
from handlers.findings import CROSS_MESSAGE, EXTERNAL, Finding
from handlers.messages import DeclaratieBericht, Periode, Prestatie
from handlers.rules import claim_volume as vol
from handlers.rules.registry import rule
from handlers.state import AllocationView

EUROS = "83"
CREDIT = "C"


@dataclass(slots=True)
class Claim:
    standard: str
    bsn: str
    prestatie: Prestatie
    declaratie_periode: Periode
    allocation: AllocationView | None
    earlier: dict[str, ClaimLineView]  # recorded lines of this aanbieder by ReferentieNummer
    awarded: list[ClaimLineView] = field(default_factory=list)  # awarded debits on this allocation
    contract: ContractView | None = None

    @property
    def begin(self) -> date:
        return self.prestatie.periode.begindatum or date.min

    @property
    def end(self) -> date:
        return self.prestatie.periode.einddatum or date.max


def _cross(code: str, retourcode: str, claim: Claim, text: str) -> list[Finding]:
    return [
        Finding(
            CROSS_MESSAGE,
            code,
            retourcode,
            claim.prestatie.xpath,
            f"ReferentieNummer {claim.prestatie.referentienummer}: {text}",
        )
    ]


def _external(code: str, retourcode: str, claim: Claim, text: str) -> list[Finding]:
    return [
        Finding(
            EXTERNAL,
            code,
            retourcode,
            claim.prestatie.xpath,
            f"ReferentieNummer {claim.prestatie.referentienummer}: {text}",
        )
    ]


def _allocation(claim: Claim) -> AllocationView:
    assert claim.allocation is not None  # TR338 ran first
    return claim.allocation


@rule(
    "TR338",
    level=CROSS_MESSAGE,
    retourcode="9338",
    messages=(323,),
    summary="The Prestatie belongs to an allocation (ToewijzingNummer) of this gemeente to this aanbieder",
)
def tr338_linked_to_allocation(claim: Claim) -> list[Finding]:
    if claim.allocation is None:
        return _cross(
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
    if _allocation(claim).deleted:
        return _cross("TR384", "9384", claim, f"allocation {claim.prestatie.toewijzingnummer} was deleted")
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
    if _allocation(claim).bsn != claim.bsn:
        return _cross(
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
    allocated = _allocation(claim).product_categorie
    if allocated is not None and allocated != claim.prestatie.productcategorie:
        return _cross(
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
    allocated = _allocation(claim).product_code
    if allocated is not None and allocated != claim.prestatie.productcode:
        return _cross(
            "TR340", "9340", claim, f"ProductCode {claim.prestatie.productcode}, allocated {allocated}"
        )
    return []


def _allocated_unit(claim: Claim) -> str | None:
    """The unit to claim in: the allocation's Omvang, else the contract's (generic allocations, TR341)."""
    if _allocation(claim).eenheid is not None:
        return _allocation(claim).eenheid
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
        return _cross("TR341", "9341", claim, f"Eenheid {claim.prestatie.eenheid}, allocated in {allocated}")
    return []


@rule(
    "TR307",
    level=CROSS_MESSAGE,
    retourcode="9307",
    messages=(323,),
    summary="ProductPeriode Begindatum on or after the allocation's Ingangsdatum",
)
def tr307_not_before_allocation(claim: Claim) -> list[Finding]:
    if claim.begin < _allocation(claim).ingangsdatum:
        return _cross(
            "TR307",
            "9307",
            claim,
            f"ProductPeriode begins {claim.begin}, before the allocation ({_allocation(claim).ingangsdatum})",
        )
    return []


@rule(
    "TR308",
    level=CROSS_MESSAGE,
    retourcode="9308",
    messages=(323,),
    summary="ProductPeriode Einddatum on or before the allocation's Einddatum when it has one",
)
def tr308_not_after_allocation(claim: Claim) -> list[Finding]:
    einde = _allocation(claim).einddatum
    if einde is not None and claim.end > einde:
        return _cross(
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
    ingang, begin = _allocation(claim).ingangsdatum, claim.begin
    expected = (
        max(begin.replace(day=1), ingang)
        if (ingang.year, ingang.month) == (begin.year, begin.month)
        else begin.replace(day=1)
    )
    if begin != expected:
        return _cross("TR387", "9387", claim, f"ProductPeriode begins {begin}, expected {expected}")
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
    einde, end = _allocation(claim).einddatum, claim.end
    last = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    expected = min(last, einde) if einde and (einde.year, einde.month) == (end.year, end.month) else last
    if end != expected:
        return _cross("TR388", "9388", claim, f"ProductPeriode ends {end}, expected {expected}")
    return []


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
        return _cross("TR319", "9319", claim, f"ProductPeriode ends {claim.end}, after the DeclaratiePeriode")
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
        return _cross("TR314", "8021", claim, "this ReferentieNummer was already declared")
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
        return _cross(
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
        return _cross(
            "TR390", "9390", claim, f"{claim.prestatie.vorig_referentienummer} was already credited"
        )
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
            return _cross(
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
    allocation = _allocation(claim)
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
    a = _allocation(claim)
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
        return _cross(
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
    a = _allocation(claim)
    if a.volume is None or a.eenheid is None or a.frequentie is None:
        return []
    maximum = _limit(claim, vol.total_maximum(a.volume, a.eenheid, a.frequentie, a.ingangsdatum, a.einddatum))
    total = sum(_claimed(claim, line.eenheid, line.volume) for line in claim.awarded)
    total += _claimed(claim, claim.prestatie.eenheid, claim.prestatie.geleverd_volume)
    if maximum is not None and total > maximum:
        return _cross("TR322", "9322", claim, f"volume {total} in all would exceed the {maximum} allocated")
    return []


@rule(
    "TR369",
    level=CROSS_MESSAGE,
    retourcode="9369",
    messages=(323,),
    summary="The awarded amounts on an allocation with a Budget plus this Prestatie fit the Budget",
)
def tr369_within_budget(claim: Claim) -> list[Finding]:
    budget = _allocation(claim).budget
    if budget is None:
        return []
    total = sum(line.bedrag for line in claim.awarded) + claim.prestatie.ingediend_bedrag.bedrag
    if total > budget:
        return _cross("TR369", "9369", claim, f"{total} cents in all would exceed the budget of {budget}")
    return []


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
        return _external(
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
    return _external(
        "TR418",
        "0611",
        claim,
        f"ProductTarief {p.producttarief} differs from the contract tariff {contract.tarief}",
    )


Rule = Callable[[Claim], list[Finding]]
ALLOCATION_RULES: tuple[Rule, ...] = (
    tr304_same_client,
    tr339_same_categorie,
    tr340_same_code,
    tr341_unit_fits,
    tr307_not_before_allocation,
    tr308_not_after_allocation,
    tr387_begins_on_month_start,
    tr388_ends_on_month_end,
)
DEBIT_RULES: tuple[Rule, ...] = (
    tr319_within_declared_periods,
    tr314_reference_unique,
    tr389_no_second_debit,
    tr321_volume_per_period,
    tr322_volume_cumulative,
    tr369_within_budget,
    tr346_amount_is_volume_times_tariff,
    tr418_contract_tariff,
)
CREDIT_RULES: tuple[Rule, ...] = (tr314_reference_unique, tr323_credit_of_awarded_debit, tr390_one_credit)


def judge_line(claim: Claim) -> list[Finding]:
    """Every finding on one Prestatie: credits need only their debit; debits their allocation too."""
    if claim.prestatie.ingediend_bedrag.debet_credit == CREDIT:
        found = [f for check in CREDIT_RULES for f in check(claim)]
        # TR390 says more than TR323 when the debit was credited before: report the precise code only.
        return [f for f in found if f.code != "TR323"] if any(f.code == "TR390" for f in found) else found
    # Without a (living) allocation of this aanbieder the other rules have nothing to compare with.
    stop = tr338_linked_to_allocation(claim) or tr384_not_deleted(claim)
    if stop:
        return stop
    return [f for check in (*ALLOCATION_RULES, *DEBIT_RULES) for f in check(claim)]


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
    return _external(
        "TR381",
        "S329",
        claim,
        f"ProductCode {p.productcode} is not a code of ProductCategorie {p.productcategorie}",
    )


# ---------------------------------------------------------------- the declaration as a whole


def _declaratie_finding(code: str, retourcode: str, msg: DeclaratieBericht, text: str) -> list[Finding]:
    return [Finding(CROSS_MESSAGE, code, retourcode, msg.declaratie.xpath, text)]


@rule(
    "TR333",
    level=CROSS_MESSAGE,
    retourcode="9333",
    messages=(323,),
    summary="DeclaratieNummer is unique for the aanbieder within the domain",
)
async def tr333_declaratienummer_unique(msg: DeclaratieBericht, state: ClaimState) -> list[Finding]:
    nummer = msg.declaratie.declaratienummer
    if await state.declaration_number_used(msg.meta.standard, msg.header.afzender, nummer):
        return _declaratie_finding("TR333", "9333", msg, f"DeclaratieNummer {nummer} was already used")
    return []


def _month(day: date) -> int:
    return day.year * 12 + day.month - 1


@rule(
    "TR318",
    level=CROSS_MESSAGE,
    retourcode="8214",
    messages=(323,),
    summary="DeclaratiePeriode is the month after the previous one, unless no care was delivered in the "
    "months between (a Prestatie in a skipped month shows it was)",
)
async def tr318_next_period(msg: DeclaratieBericht, state: ClaimState) -> list[Finding]:
    current = msg.declaratie.periode.begindatum
    last = await state.last_declaration_period(msg.meta.standard, msg.header.ontvanger, msg.header.afzender)
    if last is None or current is None:
        return []
    if _month(current) <= _month(last):
        return _declaratie_finding(
            "TR318",
            "8214",
            msg,
            f"DeclaratiePeriode {current:%Y-%m} does not follow the previous one ({last:%Y-%m})",
        )
    skipped = range(_month(last) + 1, _month(current))
    delivered = sorted(
        {
            p.periode.begindatum
            for c in msg.declaratie.clienten
            for p in c.prestaties
            if p.periode.begindatum
            and _month(p.periode.begindatum) in skipped
            and p.ingediend_bedrag.debet_credit != CREDIT
        }
    )
    if delivered:
        return _declaratie_finding(
            "TR318",
            "8214",
            msg,
            f"care was delivered in {delivered[0]:%Y-%m}, a month "
            "between the previous and this DeclaratiePeriode",
        )
    return []
