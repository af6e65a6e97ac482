"""What every rule on one Prestatie of a 323 gets: the `Claim` (the Prestatie and what it is judged
against) and the helpers that make its findings. Finding texts name references and numbers, never a BSN.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from handlers.claims import ClaimLineView, ContractView
from handlers.findings import CROSS_MESSAGE, EXTERNAL, Finding
from handlers.messages import Periode, Prestatie
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


def cross(code: str, retourcode: str, claim: Claim, text: str) -> list[Finding]:
    return [
        Finding(
            CROSS_MESSAGE,
            code,
            retourcode,
            claim.prestatie.xpath,
            f"ReferentieNummer {claim.prestatie.referentienummer}: {text}",
        )
    ]


def external(code: str, retourcode: str, claim: Claim, text: str) -> list[Finding]:
    return [
        Finding(
            EXTERNAL,
            code,
            retourcode,
            claim.prestatie.xpath,
            f"ReferentieNummer {claim.prestatie.referentienummer}: {text}",
        )
    ]


def allocation_of(claim: Claim) -> AllocationView:
    assert claim.allocation is not None  # TR338 ran first
    return claim.allocation
