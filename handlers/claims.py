"""The declaration register as the 323 judge sees it, and the command that records a judged 323.

A claim line is one Prestatie. Status: `awarded` (counts: volume and amount used), `rejected` (with its
codes), `credited` (an awarded debit whose credit was awarded later: counts no more), `not_assessed`
(its declaration was rejected as a whole, e.g. TR333). Amounts are euro cents, without sign; the sign
is in `debet_credit` (D or C).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from handlers.state import AllocationView, SeenIdentities

AWARDED, REJECTED, CREDITED, NOT_ASSESSED = "awarded", "rejected", "credited", "not_assessed"
ASSESSED_STATES = (AWARDED, REJECTED, CREDITED)


@dataclass(frozen=True, slots=True)
class ClaimLineView:
    """A Prestatie in the register (no personal data but the BSN it was claimed for)."""

    referentienummer: str
    bsn: str
    toewijzingnummer: int
    categorie: str
    code: str
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    bedrag: int
    debet_credit: str
    status: str
    vorig_referentienummer: str | None = None


@dataclass(frozen=True, slots=True)
class ContractView:
    """The agreed tariff (euro cents per unit) and unit of a product for one gemeente and aanbieder."""

    tarief: int
    eenheid: str


class ClaimState(SeenIdentities, Protocol):
    async def allocations_by_number(self, standard: str, gemeente: str,
                                    toewijzingnummers: Collection[int]) -> dict[int, AllocationView]:
        """The current versions of these allocations of this gemeente (one query for a whole 323)."""
        ...

    async def declaration_number_used(self, standard: str, aanbieder: str, declaratienummer: str) -> bool:
        """TR333: did this aanbieder already send a declaration with this number (that we recorded)?"""
        ...

    async def claim_lines(
        self, standard: str, aanbieder: str, referenties: Collection[str]
    ) -> dict[str, ClaimLineView]:
        """The recorded lines of this aanbieder with these ReferentieNummers (TR314, TR323, TR390)."""
        ...

    async def awarded_debits(
        self, standard: str, gemeente: str, toewijzingnummers: Collection[int]
    ) -> list[ClaimLineView]:
        """The awarded, not credited debit lines on these allocations (TR321/TR322/TR369/TR389)."""
        ...

    async def last_declaration_period(self, standard: str, gemeente: str, aanbieder: str) -> date | None:
        """The Begindatum of the latest DeclaratiePeriode this aanbieder declared to this gemeente (TR318)."""
        ...

    async def contract(
        self, standard: str, gemeente: str, aanbieder: str, categorie: str, code: str, on: date
    ) -> ContractView | None:
        """The contract covering this product on `on`, if any (TR418)."""
        ...


# ---------------------------------------------------------------- the command


@dataclass(frozen=True, slots=True)
class ClaimLine:
    bsn: str
    referentienummer: str
    toewijzingnummer: int
    categorie: str
    code: str
    begindatum: date
    einddatum: date
    volume: int
    eenheid: str
    bedrag: int
    debet_credit: str
    status: str
    codes: tuple[str, ...] = ()
    tarief: int | None = None
    vorig_referentienummer: str | None = None
    allocation_version_id: int | None = None  # the version of the allocation the line was judged against


@dataclass(frozen=True, slots=True)
class RecordDeclaration:
    """A judged 323: the declaration and its lines; awarded credits mark their debits credited."""

    standard: str
    gemeente: str
    aanbieder: str
    declaratienummer: str
    begindatum: date
    einddatum: date
    ingediend: int  # signed euro cents
    toegekend: int  # signed euro cents
    status: str  # accepted | partial | rejected
    codes: tuple[str, ...]
    lines: tuple[ClaimLine, ...]
