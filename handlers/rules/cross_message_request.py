"""Level-3 rules of the requests: VOT (315) and VOW (317), against earlier requests and allocations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handlers.findings import CROSS_MESSAGE, Finding
from handlers.messages import VerzoekToewijzing, VerzoekWijziging
from handlers.outcome import DeliveryScope
from handlers.rules.cross_message import cross, tr056_identificatie_unique
from handlers.rules.cross_message_change import check_changes
from handlers.rules.registry import rule
from handlers.state import AllocationView, RequestState

HULPMIDDELEN = frozenset({"11", "12", "13", "14"})  # iWmo categories that may overlap (TR361)


def scope_of(msg: VerzoekToewijzing | VerzoekWijziging) -> DeliveryScope:
    return DeliveryScope(msg.meta.standard, msg.header.ontvanger, msg.header.afzender, msg.client.bsn)


async def _reference_used(
    msg: VerzoekToewijzing | VerzoekWijziging, referentie: str, state: RequestState
) -> bool:
    return bool(await state.requests_with_reference(msg.meta.standard, msg.header.afzender, referentie))


@rule(
    "TR347",
    level=CROSS_MESSAGE,
    retourcode="9347",
    messages=(315, 317),
    summary="ReferentieAanbieder is unique for the provider within the domain",
)
async def tr347_reference_unique(
    msg: VerzoekToewijzing | VerzoekWijziging, state: RequestState
) -> list[Finding]:
    if isinstance(msg, VerzoekWijziging):
        located = [(msg.client.verzoek.referentie_aanbieder, msg.client.verzoek.xpath)]
    else:
        located = [(p.referentie_aanbieder, p.xpath) for p in msg.client.producten]
    return [
        cross("TR347", "9347", xpath, f"ReferentieAanbieder {referentie} was used before")
        for referentie, xpath in located
        if await _reference_used(msg, referentie, state)
    ]


@rule(
    "TR374",
    level=CROSS_MESSAGE,
    retourcode="9374",
    messages=(315, 317),
    summary="No new request while one of this provider for this client is still pending",
)
async def tr374_no_pending_request(
    msg: VerzoekToewijzing | VerzoekWijziging, state: RequestState
) -> list[Finding]:
    pending = await state.open_requests(scope_of(msg))
    if not pending:
        return []
    text = f"request {pending[0].referentie_aanbieder} of this client is still pending"
    return [cross("TR374", "9374", msg.client.xpath, text)]


@rule(
    "TR304",
    level=CROSS_MESSAGE,
    retourcode="8187",
    messages=(317,),
    summary="The BSN of a VOW belongs to a client with allocations from this gemeente to this provider",
)
async def tr304_known_client(msg: VerzoekWijziging, allocations: list[AllocationView]) -> list[Finding]:
    if allocations:
        return []
    return [cross("TR304", "8187", msg.client.xpath, "no allocation for this client with this provider")]


@rule(
    "TR349",
    level=CROSS_MESSAGE,
    retourcode="9349",
    messages=(317,),
    summary="A VOW names every current allocation of the client, as unchanged or to change",
)
def tr349_all_current_allocations(msg: VerzoekWijziging, current: dict[int, AllocationView]) -> list[Finding]:
    verzoek = msg.client.verzoek
    named = {p.toewijzingnummer for p in verzoek.ongewijzigd} | {
        p.toewijzingnummer for p in verzoek.te_wijzigen
    }
    missing = sorted(set(current) - named)
    if not missing:
        return []
    return [cross("TR349", "9349", verzoek.xpath, f"current allocations missing from the VOW: {missing}")]


@rule(
    "TR350",
    level=CROSS_MESSAGE,
    retourcode="9350",
    messages=(317,),
    summary="Every OngewijzigdProduct relates to a current allocation by ToewijzingNummer",
)
def tr350_unchanged_is_current(msg: VerzoekWijziging, current: dict[int, AllocationView]) -> list[Finding]:
    return [
        cross("TR350", "9350", p.xpath, f"ToewijzingNummer {p.toewijzingnummer} is not a current allocation")
        for p in msg.client.verzoek.ongewijzigd
        if p.toewijzingnummer not in current
    ]


@rule(
    "TR351",
    level=CROSS_MESSAGE,
    retourcode="9351",
    messages=(317,),
    summary="Every TeWijzigenProduct relates to a current allocation by ToewijzingNummer",
)
def tr351_to_change_is_current(msg: VerzoekWijziging, current: dict[int, AllocationView]) -> list[Finding]:
    return [
        cross("TR351", "9351", p.xpath, f"ToewijzingNummer {p.toewijzingnummer} is not a current allocation")
        for p in msg.client.verzoek.te_wijzigen
        if p.toewijzingnummer not in current
    ]


@dataclass(frozen=True, slots=True)
class Requested:
    categorie: str | None
    code: str | None
    start: date
    end: date | None
    xpath: str


def _requested(msg: VerzoekWijziging, current: dict[int, AllocationView]) -> list[Requested]:
    """The products of the desired situation with their periods, in document order."""
    verzoek, items = msg.client.verzoek, []
    for unchanged in verzoek.ongewijzigd:
        if (known := current.get(unchanged.toewijzingnummer)) is not None:
            items.append(
                Requested(
                    known.product_categorie,
                    known.product_code,
                    known.ingangsdatum,
                    known.einddatum,
                    unchanged.xpath,
                )
            )
    for change in verzoek.te_wijzigen:
        if (known := current.get(change.toewijzingnummer)) is not None:
            items.append(
                Requested(
                    known.product_categorie,
                    known.product_code,
                    known.ingangsdatum,
                    change.einddatum or known.einddatum,
                    change.xpath,
                )
            )
    for new in verzoek.nieuw:
        categorie, code = (new.product.categorie, new.product.code) if new.product else (None, None)
        items.append(Requested(categorie, code, new.gewenste_ingangsdatum, new.einddatum, new.xpath))
    return items


def _same_product(a: Requested, b: Requested, standard: str) -> bool:
    exempt = HULPMIDDELEN if standard == "iwmo" else frozenset()
    if a.categorie in exempt or b.categorie in exempt:
        return False
    if a.categorie is None or b.categorie is None:
        return True  # an allocation without category may overlap with nothing (but hulpmiddelen)
    if a.categorie != b.categorie:
        return False
    return a.code is None or b.code is None or a.code == b.code


def _overlap(a: Requested, b: Requested) -> bool:
    return (b.end is None or a.start <= b.end) and (a.end is None or b.start <= a.end)


@rule(
    "TR361",
    level=CROSS_MESSAGE,
    retourcode="9361",
    messages=(317,),
    summary="A product occurs more than once in a VOW only with periods that do not overlap",
)
def tr361_no_overlapping_products(msg: VerzoekWijziging, current: dict[int, AllocationView]) -> list[Finding]:
    items, findings = _requested(msg, current), []
    for index, later in enumerate(items):
        if any(_same_product(e, later, msg.meta.standard) and _overlap(e, later) for e in items[:index]):
            findings.append(
                cross("TR361", "9361", later.xpath, "the same product overlaps another in this VOW")
            )
    return findings


async def check_verzoek_toewijzing(msg: VerzoekToewijzing, state: RequestState) -> list[Finding]:
    return [
        *await tr056_identificatie_unique(msg, state),
        *await tr347_reference_unique(msg, state),
        *await tr374_no_pending_request(msg, state),
    ]


async def check_verzoek_wijziging(msg: VerzoekWijziging, state: RequestState) -> list[Finding]:
    allocations = await state.allocations_of(scope_of(msg))
    on = msg.header.dagtekening
    current = {a.key.toewijzingnummer: a for a in allocations if a.current_on(on)}
    return [
        *await tr056_identificatie_unique(msg, state),
        *await tr347_reference_unique(msg, state),
        *await tr374_no_pending_request(msg, state),
        *await tr304_known_client(msg, allocations),
        *tr349_all_current_allocations(msg, current),
        *tr350_unchanged_is_current(msg, current),
        *tr351_to_change_is_current(msg, current),
        *check_changes(msg, current),
        *tr361_no_overlapping_products(msg, current),
    ]
