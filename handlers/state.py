"""The register as handlers see it: read-only views and the narrow Protocols that fetch them.

Each Protocol asks exactly what a rule needs; storage.repositories implements them. Only state that
counts is returned: versions of a 301 the provider rejected (302), answers rejected by a 320, and
removed (StatusAanlevering 3) deliveries are invisible here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from handlers.outcome import AllocationKey, DeliveryKey, DeliveryScope

CURRENT_EXCLUDED_REASONS = ("13", "01")  # deleted / administrative correction (retired): never current


@dataclass(frozen=True, slots=True)
class AllocationView:
    """The current version of an allocation (latest Toewijzingsdatum + -tijd among counting versions)."""

    key: AllocationKey
    bsn: str
    aanbieder: str
    ingangsdatum: date
    product_categorie: str | None = None
    product_code: str | None = None
    einddatum: date | None = None
    reden_wijziging: str | None = None
    volume: int | None = None
    eenheid: str | None = None
    frequentie: str | None = None
    budget: int | None = None
    version_id: int | None = None  # the stored version row; None for a version not stored yet (batch path)

    @property
    def deleted(self) -> bool:
        return self.einddatum == self.ingangsdatum and self.reden_wijziging in CURRENT_EXCLUDED_REASONS

    def current_on(self, on: date) -> bool:
        """TR349: valid on or after `on` (or starting later), and not deleted."""
        return not self.deleted and (self.einddatum is None or self.einddatum >= on)


@dataclass(frozen=True, slots=True)
class RequestView:
    kind: str  # vot | vow
    referentie_aanbieder: str
    bsn: str
    gemeente: str
    aanbieder: str
    state: str  # pending | under_investigation | honoured | rejected

    @property
    def open(self) -> bool:
        """Pending until rejected by a 319 or honoured by a 301 (TR374)."""
        return self.state in ("pending", "under_investigation")


@dataclass(frozen=True, slots=True)
class AnswerView:
    referentie_aanbieder: str
    verzoek_antwoord: str


@dataclass(frozen=True, slots=True)
class HeenView:
    """A stored heen message a retour may belong to."""

    message_id: int
    paired: bool


class SeenIdentities(Protocol):
    async def identificatie_used(
        self, standard: str, message_name: str, sender: str, identificatie: str
    ) -> bool:
        """TR056: did this sender already send a message of this type with this Identificatie?"""
        ...


class AllocationState(SeenIdentities, Protocol):
    async def allocation(self, key: AllocationKey) -> AllocationView | None: ...

    async def allocations_of(self, scope: DeliveryScope) -> list[AllocationView]:
        """All allocations of this client from this gemeente to this aanbieder (their current versions)."""
        ...


class DeliveryState(AllocationState, Protocol):
    async def deliveries(self, scope: DeliveryScope) -> list[DeliveryKey]:
        """The active (not removed) starts and stops of this client with this aanbieder and gemeente."""
        ...


class RequestState(AllocationState, Protocol):
    async def requests_with_reference(
        self, standard: str, aanbieder: str, referentie: str
    ) -> list[RequestView]: ...

    async def open_requests(self, scope: DeliveryScope) -> list[RequestView]: ...

    async def answers(self, standard: str, aanbieder: str, referentie: str) -> list[AnswerView]: ...

    async def reference_honoured(self, standard: str, aanbieder: str, referentie: str) -> bool:
        """TR359: has a counting 301 already carried this ReferentieAanbieder?"""
        ...

    async def has_awarded_claims(self, key: AllocationKey) -> bool:
        """TR385: has a 325 awarded a claim line (not credited since) on this allocation?"""
        ...


class RetourState(Protocol):
    async def heen_message(
        self, standard: str, number: int, afzender: str, ontvanger: str, identificatie: str
    ) -> HeenView | None: ...


class State(DeliveryState, RequestState, RetourState, Protocol):
    """Everything at once: what storage.repositories.Register implements."""
