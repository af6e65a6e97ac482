"""Levels 3 and 4 for one Prestatie of a 323: the order in which the judge (handlers.declaratie) runs
the rules of claims_allocation, claims_ledger and claims_external.

A credit needs only its debit (TR314, TR323, TR390); a debit first needs an allocation of this aanbieder
that is not deleted (TR338, TR384), since without one nothing else can be judged.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.findings import Finding
from handlers.rules.claims_allocation import (
    tr304_same_client,
    tr307_not_before_allocation,
    tr308_not_after_allocation,
    tr338_linked_to_allocation,
    tr339_same_categorie,
    tr340_same_code,
    tr341_unit_fits,
    tr384_not_deleted,
    tr387_begins_on_month_start,
    tr388_ends_on_month_end,
)
from handlers.rules.claims_base import CREDIT, Claim
from handlers.rules.claims_external import tr346_amount_is_volume_times_tariff, tr418_contract_tariff
from handlers.rules.claims_ledger import (
    tr314_reference_unique,
    tr319_within_declared_periods,
    tr321_volume_per_period,
    tr322_volume_cumulative,
    tr323_credit_of_awarded_debit,
    tr369_within_budget,
    tr389_no_second_debit,
    tr390_one_credit,
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
