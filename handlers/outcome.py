"""What a handler returns: the verdict, its findings, the storage commands and the retour to build.

Commands are small frozen dataclasses; storage applies them (add + flush) in the caller's transaction.
The retour plan follows IV028/OP065: accepted → header only, no codes; a level-2 failure → header
only with 0001; a level-3/4 failure on the header → header only with that code; a failure on a class
under the Client/Antwoord → header 0200 and that subtree returned with every class coded (0200 when
a class has no codes of its own; the codec fills that in).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from handlers.findings import CROSS_MESSAGE, EXTERNAL, IN_MESSAGE, TECHNICAL_REJECTION, Finding

HEADER_XPATH = "/Bericht/Header"
NO_REMARKS = "0200"


# ---------------------------------------------------------------- commands


@dataclass(frozen=True, slots=True)
class UpsertClient:
    """Create the client (by BSN) or, when `full`, overwrite name/birth date/address (a 301's data)."""

    bsn: str
    geslachtsnaam: str | None = None
    voorvoegsel: str | None = None
    voornamen: str | None = None
    voorletters: str | None = None
    geboortedatum: date | None = None
    straatnaam: str | None = None
    huisnummer: int | None = None
    huisletter: str | None = None
    huisnummer_toevoeging: str | None = None
    postcode: str | None = None
    plaatsnaam: str | None = None
    full: bool = False


@dataclass(frozen=True, slots=True)
class AllocationKey:
    standard: str
    gemeente: str
    toewijzingnummer: int


@dataclass(frozen=True, slots=True)
class RecordAllocationVersion:
    """One ToegewezenProduct of a 301: a version of the allocation `key`."""

    key: AllocationKey
    bsn: str
    aanbieder: str
    ingangsdatum: date
    toewijzingsdatum: date
    toewijzingstijd: time
    product_categorie: str | None = None
    product_code: str | None = None
    einddatum: date | None = None
    reden_wijziging: str | None = None
    volume: int | None = None
    eenheid: str | None = None
    frequentie: str | None = None
    budget: int | None = None
    referentie_aanbieder: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryKey:
    """The logical key of a StartProduct/StopProduct within (standard, gemeente, aanbieder, bsn) (IV008)."""

    kind: str  # start | stop
    toewijzingnummer: int | None
    product_categorie: str | None
    product_code: str | None
    begindatum: date
    reden_beeindiging: str | None = None
    einddatum: date | None = None


@dataclass(frozen=True, slots=True)
class DeliveryScope:
    standard: str
    gemeente: str
    aanbieder: str
    bsn: str


@dataclass(frozen=True, slots=True)
class AddDelivery:
    scope: DeliveryScope
    key: DeliveryKey
    toewijzing_ingangsdatum: date | None = None


@dataclass(frozen=True, slots=True)
class RemoveDelivery:
    scope: DeliveryScope
    key: DeliveryKey


@dataclass(frozen=True, slots=True)
class RecordRequest:
    """A VOT product (kind vot) or a VOW (kind vow); `details` holds product data, never personal data."""

    scope: DeliveryScope
    kind: str
    referentie_aanbieder: str
    details: tuple[tuple[str, str | int | None], ...] = ()


@dataclass(frozen=True, slots=True)
class RecordAnswer:
    standard: str
    gemeente: str
    aanbieder: str
    referentie_aanbieder: str
    verzoek_antwoord: str
    reden_afwijzing: str | None = None


@dataclass(frozen=True, slots=True)
class PairRetour:
    """A received retour: pair it with its heen message (None: matched nothing) and record the verdict."""

    heen_message_id: int | None
    identificatie_retour: str
    accepted: bool
    header_codes: tuple[str, ...]
    class_codes: tuple[tuple[str, tuple[str, ...]], ...]


Command = (
    UpsertClient
    | RecordAllocationVersion
    | AddDelivery
    | RemoveDelivery
    | RecordRequest
    | RecordAnswer
    | PairRetour
)


# ---------------------------------------------------------------- outcome and retour plan


@dataclass(frozen=True, slots=True)
class RetourPlan:
    """Codes for the retour: header codes, and per class xpath its codes (None: header-only retour)."""

    header_codes: tuple[str, ...]
    class_codes: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    accepted: bool
    findings: tuple[Finding, ...] = ()
    commands: tuple[Command, ...] = ()
    retour: RetourPlan | None = field(default=None)


def owner(xpath: str, class_xpaths: Iterable[str]) -> str:
    """The berichtklasse an xpath falls in: the longest class xpath that is a path prefix of it."""
    inside = [c for c in class_xpaths if xpath == c or xpath.startswith(c + "/")]
    return max(inside, key=len) if inside else HEADER_XPATH


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def plan_retour(findings: Sequence[Finding], class_xpaths: Sequence[str]) -> RetourPlan:
    """The retour for these findings (IV028/OP065); `class_xpaths` are the returnable classes."""
    if any(finding.level == IN_MESSAGE for finding in findings):
        return RetourPlan((TECHNICAL_REJECTION,))
    coded = [f for f in findings if f.level in (CROSS_MESSAGE, EXTERNAL) and f.retourcode]
    if not coded:
        return RetourPlan(())
    per_class: dict[str, list[str]] = {}
    for finding in coded:
        per_class.setdefault(owner(finding.xpath, class_xpaths), []).append(str(finding.retourcode))
    if HEADER_XPATH in per_class:
        return RetourPlan(_unique(per_class[HEADER_XPATH]))
    return RetourPlan((NO_REMARKS,), {xpath: _unique(codes) for xpath, codes in per_class.items()})


def decide(findings: Sequence[Finding], class_xpaths: Sequence[str], commands: Sequence[Command]) -> Outcome:
    """Any level 2–4 finding rejects the whole message (IV032): then no command is applied."""
    rejecting = [f for f in findings if f.level in (IN_MESSAGE, CROSS_MESSAGE, EXTERNAL)]
    plan = plan_retour(findings, class_xpaths)
    if rejecting:
        return Outcome(False, tuple(findings), (), plan)
    return Outcome(True, tuple(findings), tuple(commands), plan)
